"""Variable vocabularies (rules paper, appendix D.1): single letters, a given list of names, or names
drawn from a tokenizer's vocabulary, with a seeded split into a training vocabulary of size K and its
held-out complement, so generalization to unseen variable names can be measured."""

from __future__ import annotations

import hashlib
import keyword
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import draws

# letters that read as something else in math text (e, i, l, o) or collide with SymPy names are left out
LETTERS: tuple[str, ...] = tuple(c for c in "abcdfghjkmnpqrstuvwxyz")
# names a parser would take for a constant, a function or a keyword
RESERVED = frozenset(
    {
        "I",
        "E",
        "S",
        "N",
        "O",
        "Q",
        "pi",
        "oo",
        "nan",
        "zoo",
        "sqrt",
        "exp",
        "log",
        "ln",
        "sin",
        "cos",
        "tan",
        "abs",
        "Abs",
        "or",
        "and",
        "not",
        "in",
        "is",
        "if",
        "Answer",
        "Step",
        "True",
        "False",
        "None",
        "lambda",
        "Matrix",
        "Eq",
        "frac",
        "cdot",
        "times",
        "left",
        "right",
        "boxed",
        "text",
    }
)
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z]*$")

# Built-in held-out vocabulary: plain English words, never used by the default (letters) vocabulary.
WORDS: tuple[str, ...] = tuple(
    """apple river stone cloud tiger maple ocean pepper violet candle falcon garden harbor island jungle
    lemon marble needle orbit pillow quartz rocket saddle timber velvet walnut yellow zebra anchor bottle
    copper dragon ember forest glider hollow ivory jasper kettle lantern meadow nectar oyster parrot quiver
    ribbon salmon tundra umber vessel willow axle basin cedar delta eagle fossil granite heron iris jade
    kiwi lotus mango nova olive panda quail raven sierra tango ultra vapor wren yarrow zenith amber blaze
    coral dune ether flint grove hazel indigo juniper karma lilac mist noble onyx prism""".split()
)


def is_valid_name(name: str) -> bool:
    return bool(NAME_RE.match(name)) and not keyword.iskeyword(name) and name not in RESERVED


@dataclass(frozen=True)
class Vocabulary:
    """An ordered, duplicate-free tuple of variable names."""

    names: tuple[str, ...]
    label: str = "custom"

    def __post_init__(self) -> None:
        bad = [n for n in self.names if not is_valid_name(n)]
        if bad:
            raise ValueError(f"invalid variable names in vocabulary {self.label!r}: {bad[:5]}")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"vocabulary {self.label!r} has duplicate names")
        if not self.names:
            raise ValueError(f"vocabulary {self.label!r} is empty")

    def __len__(self) -> int:
        return len(self.names)

    def sample(self, rng: random.Random, k: int) -> list[str]:
        if k > len(self.names):
            raise ValueError(
                f"{k} distinct variables requested from vocabulary {self.label!r} of size {len(self.names)}"
            )
        return draws.sample(rng, self.names, k)

    def split(self, k: int, seed: int = 0) -> tuple[Vocabulary, Vocabulary]:
        """A seeded training vocabulary of size ``k`` and its held-out complement."""
        if not 0 < k < len(self.names):
            raise ValueError(f"training vocabulary size must be between 1 and {len(self.names) - 1}, got {k}")
        order = sorted(
            self.names, key=lambda n: hashlib.blake2b(f"{seed}:{n}".encode(), digest_size=8).digest()
        )
        train = tuple(sorted(order[:k]))
        held = tuple(sorted(order[k:]))
        return Vocabulary(train, f"{self.label}[train:{k}]"), Vocabulary(held, f"{self.label}[heldout:{k}]")


def letters() -> Vocabulary:
    return Vocabulary(LETTERS, "letters")


def words() -> Vocabulary:
    return Vocabulary(WORDS, "words")


def from_list(names: Iterable[str], label: str = "list") -> Vocabulary:
    seen: dict[str, None] = {}
    for n in names:
        n = n.strip()
        if n:
            seen[n] = None
    return Vocabulary(tuple(seen), label)


def from_tokenizer(
    name_or_path: str, min_len: int = 2, max_len: int = 12, limit: int | None = None
) -> Vocabulary:
    """Alphabetic tokens of a ``transformers`` tokenizer (by Hub id or local path), word-boundary markers
    (``Ġ``, ``▁``) stripped, deduplicated, in vocabulary-id order."""
    try:
        from transformers import AutoTokenizer
    except ImportError as exc:  # pragma: no cover - depends on the extras installed
        raise ValueError(
            "a tokenizer vocabulary needs transformers: pip install 'hf-mathrules[train]'"
        ) from exc
    try:
        tok = AutoTokenizer.from_pretrained(name_or_path)
    except Exception as exc:
        raise ValueError(f"cannot load tokenizer {name_or_path!r}: {exc}") from None
    names: dict[str, None] = {}
    for token, _ in sorted(tok.get_vocab().items(), key=lambda kv: kv[1]):
        t = token.lstrip("Ġ▁").strip()
        if min_len <= len(t) <= max_len and is_valid_name(t) and t.isascii():
            names[t] = None
        if limit and len(names) >= limit:
            break
    if not names:
        raise ValueError(f"tokenizer {name_or_path!r} has no alphabetic tokens of length {min_len}-{max_len}")
    return Vocabulary(tuple(names), f"tokenizer:{name_or_path}")


def parse_vocab_spec(spec: str | None) -> Vocabulary:
    """CLI form: ``letters`` (default), ``words``, ``list:a,b,c``, ``file:PATH``, ``tokenizer:NAME_OR_PATH``,
    each optionally followed by ``@train:K[:SEED]`` or ``@heldout:K[:SEED]``."""
    if not spec:
        return letters()
    base, _, part = spec.partition("@")
    kind, _, arg = base.partition(":")
    if kind == "letters":
        vocab = letters()
    elif kind == "words":
        vocab = words()
    elif kind == "list":
        vocab = from_list(arg.split(","), "list")
    elif kind == "file":
        try:
            with open(arg, encoding="utf-8") as fh:
                vocab = from_list(fh.read().split(), f"file:{arg}")
        except OSError as exc:
            raise ValueError(f"cannot read vocabulary file {arg!r}: {exc.strerror}") from None
    elif kind == "tokenizer":
        vocab = from_tokenizer(arg)
    else:
        raise ValueError(
            f"unknown vocabulary {kind!r}; use letters, words, list:..., file:..., tokenizer:..."
        )
    if part:
        which, _, rest = part.partition(":")
        k_s, _, seed_s = rest.partition(":")
        if which not in ("train", "heldout") or not k_s.isdigit() or (seed_s and not seed_s.isdigit()):
            raise ValueError(f"bad vocabulary split {part!r}; use @train:K[:SEED] or @heldout:K[:SEED]")
        train, held = vocab.split(int(k_s), int(seed_s or 0))
        vocab = train if which == "train" else held
    return vocab
