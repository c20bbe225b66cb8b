"""Evaluating models on rule data: batched greedy generation, scoring with our checker (answer in the
target form, first wrong step), recursive calls for ``linear_system``, and the report (JSON, Markdown,
PNG plots) comparing a base and a fine-tuned model side by side."""

from .scoring import OUTCOMES, Score, answer_line, score_batch, score_completion, step_lines

__all__ = ["OUTCOMES", "Score", "answer_line", "score_batch", "score_completion", "step_lines"]
