"""What RL can still gain on a cell: sampled completions' pass@k beside greedy accuracy.

GRPO raises the probability of completions the policy samples, relative to the other samples of the same
prompt: a group whose samples are all right or all wrong carries no gradient.  So before spending an RL
budget on a cell, two figures say whether it can move: the share of prompts whose k samples have mixed
outcomes (the groups with a signal), and the prompts greedy decoding gets wrong although some sample gets
right (what reweighting could turn into greedy accuracy).  ``pass_at_k`` is the unbiased estimator of
Chen et al. (2021, "Evaluating Large Language Models Trained on Code")."""

from __future__ import annotations

from collections.abc import Sequence
from math import comb
from typing import Any


def pass_at_k(n: int, c: int, k: int) -> float:
    """The chance that at least one of ``k`` samples drawn without replacement from ``n``, ``c`` of them
    right, is right."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def sample_completions(
    model,
    tokenizer,
    prompts: Sequence[str],
    k: int,
    *,
    temperature: float = 1.0,
    max_new_tokens: int = 256,
    seed: int = 0,
    batch_size: int = 64,
) -> list[list[str]]:
    """``k`` sampled completions of every prompt (``[prompt][sample]``), reproducible for a ``seed``."""
    from .generation import generate

    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    flat = generate(
        model,
        tokenizer,
        [p for p in prompts for _ in range(k)],
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        progress=True,
        temperature=temperature,
        seed=seed,
    )
    return [flat[i * k : (i + 1) * k] for i in range(len(prompts))]


def headroom(
    cell_rows: Sequence[dict[str, Any]], greedy: Sequence[str], sampled: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """Greedy accuracy, pass@1..k of the samples, and the shares of prompts whose samples are all wrong,
    mixed or all right, for one cell (rows as the datasets give them, completions in the same order)."""
    from .scoring import score_batch
    from .stats import wilson_interval

    if not cell_rows or len(greedy) != len(cell_rows) or len(sampled) != len(cell_rows):
        raise ValueError(
            f"one greedy completion and one list of samples per row: {len(cell_rows)} rows, "
            f"{len(greedy)} greedy, {len(sampled)} sample lists"
        )
    k = len(sampled[0])
    if k < 1 or any(len(s) != k for s in sampled):
        raise ValueError("every row needs the same number (>= 1) of samples")
    n = len(cell_rows)
    greedy_right = [s.outcome == "correct" for s in score_batch(cell_rows, greedy)]
    flat_rows = [r for r in cell_rows for _ in range(k)]
    flat = score_batch(flat_rows, [c for s in sampled for c in s])
    right = [sum(s.outcome == "correct" for s in flat[i * k : (i + 1) * k]) for i in range(n)]
    ks = sorted({1, *(2**j for j in range(1, k.bit_length()) if 2**j <= k), k})
    correct = sum(greedy_right)
    return {
        "n": n,
        "k": k,
        "greedy_accuracy": correct / n,
        "greedy_wilson95": [round(x, 4) for x in wilson_interval(correct, n)],
        "pass_at_k": {str(j): sum(pass_at_k(k, c, j) for c in right) / n for j in ks},
        "all_wrong": sum(c == 0 for c in right) / n,
        "mixed": sum(0 < c < k for c in right) / n,
        "all_right": sum(c == k for c in right) / n,
        # what reweighting could turn into greedy accuracy: greedy wrong, some sample right
        "greedy_wrong_sample_right": sum(not g and c > 0 for g, c in zip(greedy_right, right)) / n,
        "right_per_prompt": right,
    }
