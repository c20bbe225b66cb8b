"""How a row becomes model text; one contract shared by training, evaluation and the Space so all three
agree.

TRL concatenates ``prompt + completion`` for prompt/completion rows, so the prompt carries its own
separator (a newline) and generation starts exactly where the completion starts in training."""

from __future__ import annotations

from typing import Any

PROMPT_SEPARATOR = "\n"


def model_prompt(prompt: str) -> str:
    """The text a model sees for a rule prompt (the prompt plus the separator)."""
    return prompt if prompt.endswith(PROMPT_SEPARATOR) else prompt + PROMPT_SEPARATOR


def sft_row(row: dict[str, Any]) -> dict[str, str]:
    """A rule row as a TRL prompt/completion row."""
    return {"prompt": model_prompt(row["prompt"]), "completion": row["completion"]}
