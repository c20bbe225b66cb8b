"""``hf_mathrules.evaluation.headroom``: pass@k, the shares GRPO's groups would see, and reproducible
sampled generation."""

import pytest

from hf_mathrules.evaluation.headroom import headroom, pass_at_k, sample_completions
from hf_mathrules.experiments import common
from hf_mathrules.train.tiny import TinyModelConfig, character_tokenizer, tiny_llama


def test_pass_at_k_is_the_unbiased_estimator():
    assert pass_at_k(16, 0, 1) == 0.0
    assert pass_at_k(16, 16, 4) == 1.0
    assert pass_at_k(2, 1, 1) == 0.5
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5)  # 1 - C(3,2)/C(4,2)
    assert pass_at_k(16, 4, 1) == pytest.approx(0.25)
    assert pass_at_k(16, 15, 2) == 1.0  # any two of sixteen hold a right one
    for n, c, k in [(4, 5, 1), (4, -1, 1), (4, 1, 0), (4, 1, 5)]:
        with pytest.raises(ValueError, match="pass@k"):
            pass_at_k(n, c, k)


def test_headroom_counts_groups_on_real_rows():
    rows = common.rows("distributivity", 2, 6, split="validation", seed=3)
    gold = [r["completion"] for r in rows]
    wrong = gold[1:] + gold[:1]  # another problem's derivation: wrong for this one
    assert len(set(gold)) == 6
    greedy = gold[:3] + wrong[3:]
    right_counts = [4, 0, 2, 1, 0, 4]  # of 4 samples
    sampled = [[gold[i]] * c + [wrong[i]] * (4 - c) for i, c in enumerate(right_counts)]
    h = headroom(rows, greedy, sampled)
    assert h["n"] == 6 and h["k"] == 4
    assert h["right_per_prompt"] == right_counts
    assert h["greedy_accuracy"] == pytest.approx(0.5)
    assert h["all_wrong"] == pytest.approx(2 / 6)
    assert h["mixed"] == pytest.approx(2 / 6)
    assert h["all_right"] == pytest.approx(2 / 6)
    assert h["greedy_wrong_sample_right"] == pytest.approx(2 / 6)  # rows 3 and 5
    assert h["pass_at_k"]["1"] == pytest.approx(11 / 24)
    assert h["pass_at_k"]["4"] == pytest.approx(4 / 6)
    assert set(h["pass_at_k"]) == {"1", "2", "4"}


def test_headroom_refuses_misaligned_input():
    rows = common.rows("distributivity", 1, 2, split="validation", seed=3)
    with pytest.raises(ValueError, match="one greedy completion"):
        headroom(rows, ["x"], [["x"], ["y"]])
    with pytest.raises(ValueError, match="same number"):
        headroom(rows, ["x", "y"], [["x"], ["y", "z"]])


def test_sampling_is_reproducible_for_a_seed_and_differs_across_seeds():
    rows = common.rows("distributivity", 1, 3, split="validation", seed=3)
    tok = character_tokenizer([r["prompt"] + r["completion"] for r in rows])
    model = tiny_llama(
        tok, TinyModelConfig(hidden_size=32, num_hidden_layers=1, intermediate_size=64), seed=1
    )
    prompts = [r["prompt"] for r in rows]
    a = sample_completions(model, tok, prompts, 3, max_new_tokens=12, seed=5)
    b = sample_completions(model, tok, prompts, 3, max_new_tokens=12, seed=5)
    c = sample_completions(model, tok, prompts, 3, max_new_tokens=12, seed=6)
    assert a == b and a != c
    assert len(a) == 3 and all(len(s) == 3 for s in a)
    assert len({x for s in a for x in s}) > 3  # a random model's samples differ from one another
    with pytest.raises(ValueError, match="temperature"):
        sample_completions(model, tok, prompts, 2, temperature=0.0)
