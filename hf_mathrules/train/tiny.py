"""The ``tiny`` preset: a small Llama trained from scratch with a character tokenizer built from our data.

No download: the tokenizer is made with ``tokenizers`` from the characters our rules write (plus printable
ASCII, so any typed prompt encodes), wrapped in ``PreTrainedTokenizerFast`` and saved with the model, so
``AutoTokenizer.from_pretrained(output_dir)`` reloads it offline."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..prompting import ANSWER_WORD

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIAL_TOKENS = (PAD, BOS, EOS, UNK)
TOKENIZERS = ("char", "math", "math-digits")
NUMBER_EMBEDDINGS = ("random", "fourier")
# periods of the Fourier features written into number tokens' embeddings: the residues of a number mod 2,
# 5, 10, 100 and 1000 are angles, so a sum of numbers is a rotation the MLPs can compute exactly
FOURIER_PERIODS = (2, 5, 10, 100, 1000)
OPERATORS = (" + ", " - ", " = ", "**", ", ")  # one token each in the math tokenizer
_THREE_DIGITS = re.compile(r"(?<!\d)[1-9]\d\d(?!\d)")
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])")


@dataclass(frozen=True)
class TinyModelConfig:
    """Shape of the from-scratch Llama (about 0.9M parameters with the defaults)."""

    hidden_size: int = field(default=128, metadata={"help": "width of the tiny model"})
    num_hidden_layers: int = field(default=4, metadata={"help": "transformer blocks"})
    num_attention_heads: int = field(default=4, metadata={"help": "attention heads"})
    intermediate_size: int = field(default=256, metadata={"help": "MLP width"})
    max_position_embeddings: int = field(default=1024, metadata={"help": "longest sequence (characters)"})
    number_embedding: str = field(
        default="random",
        metadata={"help": "random, or fourier: number tokens start at their value's features"},
    )


def _printable_chars(texts: Iterable[str]) -> set[str]:
    chars = set(string.printable) - set("\x0b\x0c\r")
    for t in texts:
        chars.update(t)
    return chars


def _wrap(core, vocab: dict[str, int]):
    """``PreTrainedTokenizerFast`` around a ``tokenizers`` model: BOS prepended, pieces joined on decode."""
    from tokenizers import decoders, processors
    from transformers import PreTrainedTokenizerFast

    core.decoder = decoders.Fuse()
    core.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A $B", special_tokens=[(BOS, vocab[BOS])]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        padding_side="left",  # generation pads on the left; TRL's collator pads training batches itself
    )


def character_tokenizer(texts: Iterable[str]):
    """A character-level ``PreTrainedTokenizerFast``: one token per character seen in ``texts`` or
    printable ASCII, BOS prepended, EOS/pad/unk special tokens."""
    from tokenizers import Tokenizer, models

    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    for ch in sorted(_printable_chars(texts)):
        vocab.setdefault(ch, len(vocab))
    # BPE without merges is a character tokenizer that keeps spaces and newlines as tokens.
    return _wrap(Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token=UNK)), vocab)


def prose_words(texts: Iterable[str], min_share: float = 0.002) -> list[str]:
    """The English words of the rules' instructions and step text: runs of 3+ letters on lines without
    ``=`` that hold at least two of them or end in a colon (math lines hold variables, which must stay
    characters), seen in at least ``min_share`` of the texts; plus ``Answer``."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        seen: set[str] = set()
        for line in text.splitlines():
            if "=" in line:
                continue
            found = _CANDIDATE.findall(line)
            if len(found) >= 2 or line.endswith(":"):
                seen.update(found)
        counts.update(seen)
    floor = max(3, min_share * n)
    return sorted({ANSWER_WORD, *(w for w, c in counts.items() if c >= floor)})


def math_tokenizer(texts: Iterable[str], whole_numbers: bool = True):
    """One token per English word of the rules' text (``prose_words``), per spaced operator
    (``OPERATORS``), per number below 100 and per three-digit number seen in ``texts`` (other numbers split
    into those pieces from the left), and per character otherwise; lossless like the character tokenizer,
    with ~44% fewer tokens a row.  The vocabulary stays small (~250): the output layer is a fifth of a tiny
    model's compute per token when every number up to 999 has a token.  ``whole_numbers=False`` (the
    ``math-digits`` tokenizer) keeps the words and operators but writes numbers one digit a token, so that
    a sum is computed digit by digit instead of looked up in a table of number tokens."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers

    texts = list(texts)
    words = prose_words(texts)
    hundreds = sorted({m for t in texts for m in _THREE_DIGITS.findall(t)}) if whole_numbers else []
    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    numbers_below_100 = map(str, range(100 if whole_numbers else 10))
    for piece in [*sorted(_printable_chars(texts)), *numbers_below_100, *hundreds, *OPERATORS, *words]:
        vocab.setdefault(piece, len(vocab))
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    operators = "|".join(re.escape(o) for o in OPERATORS)
    numbers = "|".join([*hundreds, r"[1-9]\d", r"\d"] if whole_numbers else [r"\d"])
    pattern = f"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])|{operators}|{numbers}|" + r"[\s\S]"
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    core.pre_tokenizer = pre_tokenizers.Split(Regex(pattern), behavior="isolated")
    return _wrap(core, vocab)


def make_tokenizer(kind: str, texts: Iterable[str]):
    """The tiny preset's tokenizer by name (``TOKENIZERS``)."""
    if kind == "char":
        return character_tokenizer(texts)
    if kind in ("math", "math-digits"):
        return math_tokenizer(texts, whole_numbers=kind == "math")
    raise ValueError(f"unknown tokenizer {kind!r}; choose one of {', '.join(TOKENIZERS)}")


def tiny_llama(tokenizer, config: TinyModelConfig | None = None, seed: int = 0):
    """A randomly initialised ``LlamaForCausalLM`` sized by ``config`` for ``tokenizer``."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    c = config or TinyModelConfig()
    llama = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=c.hidden_size,
        intermediate_size=c.intermediate_size,
        num_hidden_layers=c.num_hidden_layers,
        num_attention_heads=c.num_attention_heads,
        num_key_value_heads=c.num_attention_heads,
        max_position_embeddings=c.max_position_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(llama)
    if c.number_embedding == "fourier":
        fourier_number_embeddings(model, tokenizer)
    elif c.number_embedding != "random":
        raise ValueError(
            f"unknown number embedding {c.number_embedding!r}; choose one of {NUMBER_EMBEDDINGS}"
        )
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model


def number_tokens(tokenizer) -> dict[int, int]:
    """Token id -> value for every token that is a whole number written in digits."""
    return {i: int(t) for t, i in tokenizer.get_vocab().items() if t.isascii() and t.isdigit()}


def fourier_number_embeddings(model, tokenizer) -> int:
    """Write each number token's value as Fourier features (cos, sin of 2*pi*n/T for ``FOURIER_PERIODS``)
    into the last dimensions of its (tied) embedding, as FoNE (Zhou et al. 2025) does for pretrained
    models.  A randomly initialised model sees number tokens as unrelated symbols and must learn every sum
    as a table; with their values as angles, the same value is read and written the same way in every
    row.  The features stay trainable; their norm is that of a random row.  Returns the tokens written."""
    import math

    import torch

    emb = model.get_input_embeddings().weight
    dims = 2 * len(FOURIER_PERIODS)
    if emb.shape[1] < 2 * dims:
        raise ValueError(f"fourier number embeddings need a width of at least {2 * dims}, not {emb.shape[1]}")
    values = number_tokens(tokenizer)
    with torch.no_grad():
        scale = emb.std().item() * math.sqrt(emb.shape[1] / len(FOURIER_PERIODS))
        for i, n in values.items():
            angles = torch.tensor([2 * math.pi * n / t for t in FOURIER_PERIODS])
            emb[i, -dims:] = scale * torch.cat([angles.cos(), angles.sin()])
    return len(values)
