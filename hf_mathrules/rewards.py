"""Reward functions for TRL's GRPOTrainer, backed by ``hf_mathrules.verify``.

TRL calls ``reward(prompts=..., completions=..., completion_ids=..., **dataset_columns)``; completions are
strings or, for conversational data, lists of ``{"role", "content"}`` messages.  The reference answers
come from a dataset column (``answer`` by default).  Safe to call from several threads at once: checking
runs in the verifier's worker pool with a hard per-item timeout, and bad or hostile output only earns 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .verify import verify_batch
from .verify.api import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class RewardConfig:
    """How completions are scored."""

    answer_column: str = field(
        default="answer", metadata={"help": "dataset column with the reference answer"}
    )
    form: str | None = field(
        default="auto",
        metadata={
            "help": "target form; 'auto' reads it from the row's rule (column 'rule'); None: no form check"
        },
    )
    correct: float = field(
        default=1.0, metadata={"help": "reward for an equivalent answer in the right form"}
    )
    wrong_form: float = field(
        default=0.0, metadata={"help": "reward for an equivalent answer in the wrong form"}
    )
    incorrect: float = field(
        default=0.0, metadata={"help": "reward for anything else (wrong, unparsable, timeout)"}
    )
    timeout: float = field(default=DEFAULT_TIMEOUT, metadata={"help": "seconds per completion"})


def completion_text(completion: Any) -> str:
    """The text of a completion: a string, or the last assistant message of a conversation."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content", ""))
    if isinstance(completion, Sequence):
        msgs = [m for m in completion if isinstance(m, dict)]
        assistant = [m for m in msgs if m.get("role") == "assistant"] or msgs
        return str(assistant[-1].get("content", "")) if assistant else ""
    return ""


def _form_for(rule_name: Any) -> str | None:
    try:
        from .rules import get_rule

        return get_rule(str(rule_name)).target_form
    except Exception:
        return None


def make_math_reward(config: RewardConfig | None = None, **overrides: Any) -> Callable[..., list[float]]:
    """A GRPOTrainer reward function: ``reward(completions, **kwargs) -> list[float]``."""
    cfg = RewardConfig(**{**(config.__dict__ if config else {}), **overrides})

    def math_reward(completions: list, prompts: list | None = None, **kwargs: Any) -> list[float]:
        answers = kwargs.get(cfg.answer_column)
        if answers is None:
            raise ValueError(
                f"math_reward needs the dataset column {cfg.answer_column!r} (got {sorted(kwargs)})"
            )
        rules = kwargs.get("rule") or [None] * len(completions)
        items = []
        for comp, gold, rule in zip(completions, answers, rules):
            form = (_form_for(rule) if rule is not None else None) if cfg.form == "auto" else cfg.form
            items.append({"gold": str(gold), "pred": completion_text(comp), "form": form})
        verdicts = verify_batch(items, timeout=cfg.timeout)
        rewards = {"correct": cfg.correct, "wrong_form": cfg.wrong_form}
        out = [rewards.get(v.outcome, cfg.incorrect) for v in verdicts]
        return out

    math_reward.__name__ = "math_reward"
    return math_reward


math_reward = make_math_reward()
