"""What every rule shares: the config base class, the row schema, per-item randomness, split assignment
by problem hash, and the registry.

A rule is a config dataclass (frozen, with ``validate()``) plus a ``Rule`` subclass whose ``sample(rng)``
builds one problem and its step-by-step solution with the expression tree.  Item ``i`` of seed ``s`` is a
pure function of (config, s, i): its random generator is seeded from a hash of (rule, s, i), so seeds 42
and 43 share no more items than two unrelated seeds do.  Rows in bulk (``Rule.generate``,
``Rule.iter_rows``) come from the one row source in ``rows.py``, which knows nothing of this module;
``split_rules`` and ``generate_rows`` (a rule name's split, drawn) join the two.
"""

from __future__ import annotations

import _random
import dataclasses
import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..prompting import write_completion, write_prompt
from ..vocab import Vocabulary, letters, words
from .common import OOD_SPLITS, SPLIT_BOUNDS, ConfigError
from .meta_json import encode_meta, encode_values
from .meta_json import row_meta_json as _fast_meta
from .rows import bucket_of, distinct_rows, row_list

LEVELS = (1, 2, 3, 4, 5)
OOD_LEVEL = 6  # harder than any training level; only used for the test_ood_level split
ROW_FIELDS = (
    "id",
    "rule",
    "split",
    "difficulty",
    "prompt",
    "completion",
    "problem",
    "answer",
    "steps",
    "meta",
)


@dataclass(frozen=True)
class RuleConfig:
    """Base of every rule's config.  Knob fields default to ``None`` and are then taken from the
    rule's level table; any knob set explicitly overrides the level."""

    level: int = 1
    vocab: Vocabulary = field(default_factory=letters)

    # {level: {knob: value}} for levels 1-5 and OOD_LEVEL; set by each subclass
    LEVEL_KNOBS: ClassVar[dict[int, dict[str, Any]]] = {}
    # knobs added after rows were published, with the value that leaves rows as they were: a row's meta
    # names such a knob only when it is set otherwise, so rows made without it stay byte-identical
    LATER_KNOBS: ClassVar[dict[str, Any]] = {}

    def knob_names(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self) if f.name not in ("level", "vocab")]

    def knobs(self) -> dict[str, Any]:
        """The resolved knob values: the level's table overlaid with what was set explicitly."""
        table = self.LEVEL_KNOBS[self.level]
        out = {}
        for name in self.knob_names():
            value = getattr(self, name)
            out[name] = table[name] if value is None else value
        return out

    def validate(self) -> None:
        if not isinstance(self.level, int) or isinstance(self.level, bool):
            raise ConfigError(f"level must be an integer 1-5, got {self.level!r}")
        if self.level not in (*LEVELS, OOD_LEVEL):
            raise ConfigError(f"level must be 1-5 (or {OOD_LEVEL} for out-of-distribution), got {self.level}")
        if not isinstance(self.vocab, Vocabulary):
            raise ConfigError("vocab must be a hf_mathrules.vocab.Vocabulary")
        k = self.knobs()
        self.validate_knobs(k)

    def check_vocab_size(self, knob: str, n: int) -> None:
        """``n`` distinct names (the value of ``knob``) must fit in the vocabulary."""
        if n > len(self.vocab):
            raise ConfigError(
                f"{knob}={n} distinct names cannot come from vocabulary {self.vocab.label!r} of size {len(self.vocab)}"
            )

    def validate_knobs(self, k: dict[str, Any]) -> None:
        """Subclasses check ranges and impossible combinations here (raise ConfigError naming the knob)."""

    def replace(self, **changes: Any) -> RuleConfig:
        return dataclasses.replace(self, **changes)

    def to_meta(self) -> dict[str, Any]:
        knobs = self.knobs()
        for name, value in self.LATER_KNOBS.items():
            if knobs[name] == value:
                del knobs[name]
        return {"level": self.level, "vocab": self.vocab.label, **knobs}


def check_int(name: str, value: Any, lo: int, hi: int) -> None:
    """Shared range check for integer knobs."""
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ConfigError(f"{name} must be an integer from {lo} to {hi}, got {value!r}")


def check_bool(k: dict[str, Any], *names: str) -> None:
    """Shared check for true/false knobs: each of ``names`` in the resolved knobs ``k``."""
    for name in names:
        if not isinstance(k[name], bool):
            raise ConfigError(f"{name} must be true or false, got {k[name]!r}")


def check_choice(name: str, value: Any, choices: tuple) -> None:
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(map(str, choices))}; got {value!r}")


@dataclass
class Problem:
    """What a rule's ``sample`` returns; ``Rule.item`` turns it into a row."""

    instruction: str  # e.g. "Expand and simplify:"
    problem_text: str  # textbook syntax, shown in the prompt
    problem: str  # machine syntax
    answer: str  # machine syntax
    steps: list[str]  # machine syntax, in order, the last one equal to the answer's content
    step_lines: list[str]  # the completion's lines (textbook syntax with short explanations)
    variables: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


def item_seed(rule: str, seed: int, index: int) -> int:
    digest = hashlib.blake2b(f"{rule}\x1f{seed}\x1f{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


_new_random, _c_seed = random.Random.__new__, _random.Random.seed


def _seeded(seed: int) -> random.Random:
    """``random.Random(seed)`` for an int seed, the same state, without the Python-level ``seed()``
    wrapper: the C generator seeded from the int directly (``__init__`` adds only ``gauss_next``)."""
    rng = _new_random(random.Random)
    _c_seed(rng, seed)
    rng.gauss_next = None
    return rng


if _seeded(2**64 - 3).getstate() != random.Random(2**64 - 3).getstate():  # another Python's internals
    _seeded = random.Random  # noqa: F811


def item_rng(rule: str, seed: int, index: int) -> random.Random:
    return _seeded(item_seed(rule, seed, index))


class _ItemSeeds:
    """``item_seed(rule, seed, index)`` for one (rule, seed) and many indices: the hash of the common
    prefix is computed once and copied."""

    __slots__ = ("key", "_prefix")

    def __init__(self, rule: str, seed: int):
        self.key = (rule, seed)
        self._prefix = hashlib.blake2b(f"{rule}\x1f{seed}\x1f".encode(), digest_size=8)

    def __reduce__(self):  # a hash object does not pickle: rebuilt from the key
        return (_ItemSeeds, self.key)

    def rng(self, index: int) -> random.Random:
        h = self._prefix.copy()
        h.update(str(index).encode())
        return _seeded(int.from_bytes(h.digest(), "little"))


def canonical_form(rule: str, problem: str) -> str:
    """The identity of a problem for splitting and deduplication: the rule and the problem in machine
    syntax with white space removed.  (Variable names are part of the identity: the vocabulary
    experiments test unseen names, so ``x(y + z)`` and ``a(b + c)`` are different problems.)"""
    return rule + "\x1f" + "".join(problem.split())


def _problem_digest(canonical: str) -> bytes:
    """The 8-byte hash of a problem's identity: its row id (hex) and its split bucket both come from it."""
    return hashlib.blake2b(canonical.encode(), digest_size=8).digest()


def _split_of_digest(digest: bytes) -> str:
    bucket = int.from_bytes(digest, "little") % 1000
    for bound, name in SPLIT_BOUNDS:
        if bucket < bound:
            return name
    raise AssertionError("unreachable")


_BUCKET_SPLIT = tuple(_split_of_digest(b.to_bytes(8, "little")) for b in range(1000))


def split_of(canonical: str) -> str:
    return _split_of_digest(_problem_digest(canonical))


class Rule:
    """Base of every rule, and the one owner of what is specific to it.  Subclasses set ``name``,
    ``config_class``, ``target_form``, ``kind``, ``description``, ``instruction``, ``typed_example``
    (and, where they differ from the defaults, ``step_kind``, ``mutation_family``, ``word_problem``,
    ``read_header``) and implement ``sample``.  The Space's step checker (``hf_mathrules.verify.steps``),
    the mutation families (``hf_mathrules.mutate``) and the reports read these attributes: no table outside
    the rule's module lists what is specific to it (adding a rule: its module, its test, its
    ``RULE_MODULES`` line)."""

    name: ClassVar[str]
    config_class: ClassVar[type[RuleConfig]]
    target_form: ClassVar[str]  # expanded | factored | ordered | simplified | solved | system | roots
    kind: ClassVar[str]  # expression | equation | system | matrix | roots: how problem/answer read
    description: ClassVar[str] = ""
    word_problem: ClassVar[bool] = False
    plain_rows: ClassVar[bool] = True  # see __init_subclass__
    # the instruction of a typed problem given without one (level-1 wording; ``{var}``: the one unknown,
    # ``{vars}``: the unknowns joined by ", "); None for a word problem, whose prose is the prompt
    instruction: ClassVar[str | None] = None
    # one problem as a user would type it (the Space's placeholder and examples): the math alone, or prose
    typed_example: ClassVar[str]
    # how the step checker reads a completion's steps (hf_mathrules.verify.steps.STEP_KINDS); ``kind``
    # unless a subclass sets it
    step_kind: ClassVar[str]
    # the mutation family whose seeds include this rule's problems (hf_mathrules.mutate: linear, system,
    # quadratic, expression), or None
    mutation_family: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step_kind" not in cls.__dict__ and "kind" in cls.__dict__:
            cls.step_kind = cls.kind
        # rows drawn by Rule._row (no subclass writes its own rows): rows.py drops a draw outside the split
        # before its row is written
        cls.plain_rows = cls.item is Rule.item and cls._row is Rule._row

    def __init__(self, config: RuleConfig | None = None, **kwargs: Any) -> None:
        if config is None:
            try:
                config = self.config_class(**kwargs)
            except TypeError as exc:
                raise ConfigError(f"{self.name}: {exc}") from None
        elif kwargs:
            config = config.replace(**kwargs)
        if not isinstance(config, self.config_class):
            raise ConfigError(
                f"{self.name} needs a {self.config_class.__name__}, got {type(config).__name__}"
            )
        config.validate()
        self.config = config
        self.k = config.knobs()

    @classmethod
    def read_header(cls, line: str) -> list[str] | None:
        """The unknowns, in order, that a header line of this rule's completions names (not a step: the
        step checker, ``hf_mathrules.verify.steps``, reads the steps after it with them), or None when
        ``line`` is no such header.  None by default; a rule whose steps need names its prompt may not
        give (Gaussian elimination's matrix columns) overrides it."""
        return None

    def sample(self, rng: random.Random) -> Problem:
        raise NotImplementedError

    def check_form(self, row: dict[str, Any], problem: Any, answer: Any) -> str | None:
        """SymPy check that ``answer`` (a parsed ``hf_mathrules.validate.Statement``) has this rule's
        target form; a message when it does not.  Runs at validation time only."""
        return None

    def prompt(self, p: Problem) -> str:
        return write_prompt(p.instruction, None if self.word_problem else p.problem_text)

    def completion(self, p: Problem) -> str:
        return write_completion(p.step_lines, p.answer)

    def item(self, seed: int, index: int) -> dict[str, Any]:
        """Row ``index`` of ``seed``: a pure function of (config, seed, index)."""
        return self._row(seed, index, None)

    def _row(self, seed: int, index: int, bucket: str | None) -> dict[str, Any] | None:
        """``item(seed, index)``, or None without writing the row out when its problem falls outside
        ``bucket`` (a split's draws: a train split drops a fifth of them)."""
        seeds = self.__dict__.get("_seeds")
        if seeds is None or seeds.key != (self.name, seed) or type(seed) is not int:
            seeds = self._seeds = _ItemSeeds(self.name, seed)
        p = self.sample(seeds.rng(index))
        name = self.name
        canonical = name + "\x1f" + "".join(p.problem.split())  # canonical_form(name, p.problem)
        digest = hashlib.blake2b(canonical.encode(), digest_size=8).digest()  # _problem_digest
        split = _BUCKET_SPLIT[int.from_bytes(digest, "little") % 1000]
        if bucket is not None and split != bucket:
            return None
        meta = self.__dict__.get("_meta_cache")
        if meta is None or meta[0] is not self.config:
            meta = self._config_meta_cache()
        base, base_encoded = meta[1]
        if type(seed) is int and type(index) is int and base_encoded is not None:
            meta_json = _fast_meta(base, base_encoded, p.variables, seed, index, p.extra)
        else:
            meta_json = encode_meta(
                base, base_encoded, {"variables": p.variables, "seed": seed, "index": index, **p.extra}
            )
        return {
            "id": name + "-" + digest.hex(),
            "rule": name,
            "split": split,
            "difficulty": self.config.level,
            "prompt": self.prompt(p),
            "completion": self.completion(p),
            "problem": p.problem,
            "answer": p.answer,
            "steps": p.steps,
            "meta": meta_json,
            "_canonical": canonical,
        }

    def _config_meta_cache(self) -> tuple:
        meta = self.config.to_meta()
        cached = self._meta_cache = (self.config, (meta, encode_values(meta)))
        return cached

    def _config_meta(self) -> tuple[dict[str, Any], dict[str, str] | None]:
        """``config.to_meta()`` and its encoded values, computed once per config (the config is frozen)."""
        cached = self.__dict__.get("_meta_cache")
        if cached is None or cached[0] is not self.config:
            cached = self._config_meta_cache()
        return cached[1]

    def iter_rows(self, seed: int = 0, split: str | None = None, start: int = 0) -> Iterator[dict[str, Any]]:
        """Endless rows of one split (or all) from item ``start`` on, duplicates within the stream dropped."""
        return distinct_rows([self], seed, split, start=start)

    def generate(
        self,
        n: int,
        seed: int = 0,
        split: str | None = None,
        max_tries: int | None = None,
        progress: bool = False,
    ) -> list[dict]:
        """``n`` distinct rows of ``split``; a clear error when the knobs allow fewer distinct problems."""
        return row_list([self], n, seed, split, max_draws=max_tries, progress=progress)


REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Add a rule class to the registry; a second class under a taken name is an error, not an override."""
    known = REGISTRY.get(cls.name)
    if known is not None and (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
        raise ConfigError(
            f"rule name {cls.name!r} is already registered by {known.__module__}.{known.__qualname__}"
        )
    REGISTRY[cls.name] = cls  # the same class again (a module reloaded): keep the newest definition
    return cls


def rule_names() -> list[str]:
    return list(REGISTRY)


def family_rules(family: str) -> tuple[str, ...]:
    """The registered rules whose ``mutation_family`` is ``family``, in registration order."""
    return tuple(name for name, cls in REGISTRY.items() if cls.mutation_family == family)


def get_rule(name: str) -> type[Rule]:
    names = rule_names()
    if name not in REGISTRY:
        raise ConfigError(f"unknown rule {name!r}; valid rules: {', '.join(names)}")
    return REGISTRY[name]


def make_rule(name: str, level: int = 1, vocab: Vocabulary | None = None, **knobs: Any) -> Rule:
    """``make_rule("distributivity", level=3, n_terms=4)``: look up, configure and validate a rule."""
    cls = get_rule(name)
    valid = {f.name for f in dataclasses.fields(cls.config_class)}
    unknown = sorted(set(knobs) - valid)
    if unknown:
        raise ConfigError(
            f"{name}: unknown knob(s) {', '.join(unknown)}; valid: {', '.join(sorted(valid - {'level', 'vocab'}))}"
        )
    cfg_kwargs: dict[str, Any] = {"level": level, **knobs}
    if vocab is not None:
        cfg_kwargs["vocab"] = vocab
    return cls(cls.config_class(**cfg_kwargs))


# ood_rules' test_ood_vocab level when none is given; the test_ood_vocab *split* (generate_rows, the
# datasets builder, the stream, evaluation) is drawn at the requested level(s) instead
OOD_VOCAB_LEVEL = 3


def ood_rules(
    name: str, vocab: Vocabulary | None = None, vocab_level: int | None = None, **knobs: Any
) -> dict[str, Rule]:
    """The out-of-distribution test sets of a rule: a level harder than any training level, and a
    vocabulary never used for training (built-in words, or the given one) at ``vocab_level`` (default
    ``OOD_VOCAB_LEVEL``).  Give the training level as ``vocab_level`` to measure unseen names alone,
    without a change of level mixed in (the held-out names are available at every level 1-5); the
    ``test_ood_vocab`` split's rows (``split_rules``) always do."""
    return {
        "test_ood_level": make_rule(name, level=OOD_LEVEL, **knobs),
        "test_ood_vocab": make_rule(
            name,
            level=OOD_VOCAB_LEVEL if vocab_level is None else vocab_level,
            vocab=vocab or words(),
            **knobs,
        ),
    }


def split_rules(
    name: str,
    split: str | None,
    levels: Sequence[int] = (1,),
    vocab: Vocabulary | None = None,
    **knobs: Any,
) -> list[Rule]:
    """The rules a split's draws cycle through: one per level (``test_ood_vocab`` too: held-out names at
    the requested levels, so that only the vocabulary changes), or ``test_ood_level``'s own rule (level 6).
    ``vocab`` is the split's vocabulary: the held-out one for ``test_ood_vocab`` (None: built-in words);
    ``test_ood_level`` keeps the default."""
    bucket_of(split)  # an unknown split fails here, before any draw
    if split == "test_ood_vocab":
        return [ood_rules(name, vocab=vocab, vocab_level=lv, **knobs)[split] for lv in levels]
    if split in OOD_SPLITS:
        return [ood_rules(name, vocab=vocab, **knobs)[split]]
    return [make_rule(name, level=lv, vocab=vocab, **knobs) for lv in levels]


def generate_rows(
    name: str,
    n: int,
    seed: int = 0,
    split: str | None = "train",
    level: int = 1,
    vocab: Vocabulary | None = None,
    progress: bool = False,
    **knobs: Any,
) -> list[dict[str, Any]]:
    """``n`` rows of any split, the out-of-distribution ones included (for ``test_ood_vocab``, ``vocab``
    is the held-out vocabulary; the rows are drawn at ``level`` like every split but ``test_ood_level``)."""
    return row_list(split_rules(name, split, (level,), vocab, **knobs), n, seed, split, progress=progress)
