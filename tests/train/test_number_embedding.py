"""Fourier number embeddings: every number token of the math tokenizer starts at its value's features (the
same value read the same way whatever the row), other tokens keep their random rows, and bad names or a
too-narrow model are refused with a message."""

from __future__ import annotations

import math

import pytest

from hf_mathrules.rules import make_rule
from hf_mathrules.train.tiny import (
    FOURIER_PERIODS,
    TinyModelConfig,
    make_tokenizer,
    number_tokens,
    tiny_llama,
)

SHAPE = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64)


@pytest.fixture(scope="module")
def tok():
    rows = make_rule("simplification", level=2).generate(50, seed=1, split="train")
    return make_tokenizer("math", [r["prompt"] + "\n" + r["completion"] for r in rows])


def test_number_tokens_carry_their_values(tok):
    import torch

    values = number_tokens(tok)
    assert set(range(100)) <= set(values.values())  # the math tokenizer has every number below 100
    random = tiny_llama(tok, TinyModelConfig(**SHAPE)).get_input_embeddings().weight
    fourier = (
        tiny_llama(tok, TinyModelConfig(**SHAPE, number_embedding="fourier")).get_input_embeddings().weight
    )
    dims = 2 * len(FOURIER_PERIODS)
    scales = set()
    for i, n in values.items():
        angles = torch.tensor([2 * math.pi * n / t for t in FOURIER_PERIODS])
        want = torch.cat([angles.cos(), angles.sin()])
        got = fourier[i, -dims:]
        scale = (got.norm() / want.norm()).item()
        scales.add(round(scale, 5))
        assert torch.allclose(got, scale * want, atol=1e-6)
        assert torch.equal(fourier[i, :-dims], random[i, :-dims])
    assert len(scales) == 1  # one scale for every number
    others = [i for i in range(len(tok)) if i not in values]
    assert torch.equal(fourier[others], random[others])
    # a number and the number ten above share their residues mod 2, 5 and 10: closer than random rows
    a, b = tok.convert_tokens_to_ids(["7", "17"])
    assert torch.cosine_similarity(fourier[a], fourier[b], 0) > torch.cosine_similarity(
        random[a], random[b], 0
    )


def test_refused_with_a_message(tok):
    with pytest.raises(ValueError, match="unknown number embedding 'sines'"):
        tiny_llama(tok, TinyModelConfig(**SHAPE | {"number_embedding": "sines"}))
    with pytest.raises(ValueError, match="width of at least 20"):
        tiny_llama(tok, TinyModelConfig(**SHAPE | {"hidden_size": 16, "num_attention_heads": 2},
                                        number_embedding="fourier"))  # fmt: skip


def test_cli_arguments_refuse_a_too_narrow_model():
    from hf_mathrules.rules import ConfigError
    from hf_mathrules.train.config import MathRulesArguments

    with pytest.raises(
        ConfigError, match="--tiny_number_embedding fourier needs --tiny_hidden_size of at least 20"
    ):
        MathRulesArguments(preset="tiny", tiny_hidden_size=16, tiny_heads=2, tiny_number_embedding="fourier")
    assert (
        MathRulesArguments(preset="tiny", tiny_number_embedding="fourier").tiny_number_embedding == "fourier"
    )
