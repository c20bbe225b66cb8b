"""The paper's recursive evaluation of ``linear_system``: the model writes a ``Sub-problem:`` block,
generation stops at ``Sub-answer:``, the model is called on the sub-problem (itself a valid prompt of the
rule, so recursively), its answer is written after ``Sub-answer:`` and the model finishes."""

from __future__ import annotations

from collections.abc import Sequence

from ..prompting import answer_line, model_prompt
from ..rules.linear_system import SUBANSWER_PREFIX, LinearSystem
from .generation import generate

STOP = SUBANSWER_PREFIX.strip()  # "Sub-answer:"


def recursive_completions(
    model,
    tokenizer,
    prompts: Sequence[str],
    *,
    max_depth: int = 6,
    max_new_tokens: int = 256,
    batch_size: int = 64,
    progress: bool = True,
    _depth: int = 0,
) -> list[str]:
    """Completions of ``linear_system`` prompts where every ``Sub-answer:`` is produced by calling the
    model on the sub-problem; batched level by level (all sub-problems of one depth in one pass)."""
    first = generate(
        model,
        tokenizer,
        prompts,
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        stop_strings=[STOP] if _depth < max_depth else None,
        progress=progress,
    )
    pending = []
    for i, text in enumerate(first):
        if text.rstrip().endswith(STOP):
            sub = LinearSystem.extract_subproblem(text)
            if sub:
                pending.append((i, sub))
    if not pending:
        return first
    sub_out = recursive_completions(
        model,
        tokenizer,
        [s for _, s in pending],
        max_depth=max_depth,
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        progress=progress,
        _depth=_depth + 1,
    )
    heads = []
    for (i, _), sub_completion in zip(pending, sub_out):
        sub_answer = answer_line(sub_completion) or "?"
        heads.append(first[i].rstrip() + " " + sub_answer + "\n")
    tails = generate(
        model,
        tokenizer,
        [model_prompt(prompts[i]) + head for (i, _), head in zip(pending, heads)],
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        progress=progress,
        raw=True,
    )
    out = list(first)
    for (i, _), head, tail in zip(pending, heads, tails):
        out[i] = head + tail
    return out
