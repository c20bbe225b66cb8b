"""Reward functions for TRL's GRPOTrainer, backed by ``hf_mathrules.verify``.

TRL calls ``reward(prompts=..., completions=..., completion_ids=..., **dataset_columns)``; completions are
strings or, for conversational data, lists of ``{"role", "content"}`` messages.  The reference answers
come from a dataset column (``answer`` by default).  Safe to call from several threads at once: checking
runs in the verifier's worker pool with a hard per-item timeout, and bad or hostile output only earns 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .prompting import answer_and_steps, step_lines
from .verify import get_pool, verify, verify_batch
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
    math_reward.success_threshold = cfg.correct  # type: ignore[attr-defined]
    return math_reward


math_reward = make_math_reward()


# ---------------------------------------------------------------------------------------------------------
# step_reward: a dense reward from the derivation chain (the `= ...` lines), the answer's verdict on top


@dataclass(frozen=True)
class StepRewardConfig:
    """How ``step_reward`` scores a completion (see ``make_step_reward``)."""

    step_weight: float = field(
        default=0.5, metadata={"help": "weight of the share of leading steps that make valid progress"}
    )
    answer_weight: float = field(
        default=1.0, metadata={"help": "weight of a correct final answer (equivalent and in the target form)"}
    )
    unfinished_cap: float = field(
        default=0.5,
        metadata={
            "help": "factor on the step share when the answer is not correct (the chain never got there)"
        },
    )
    answer_column: str = field(
        default="answer", metadata={"help": "dataset column with the reference answer"}
    )
    problem_column: str = field(
        default="problem", metadata={"help": "dataset column with the problem (the chain's line 0)"}
    )
    form: str | None = field(
        default="auto",
        metadata={
            "help": "target form; 'auto' reads it from the row's rule (column 'rule'); None: no form check"
        },
    )
    max_steps: int = field(
        default=32,
        metadata={"help": "steps checked at most; later ones count as steps that made no progress"},
    )
    timeout: float = field(
        default=DEFAULT_TIMEOUT, metadata={"help": "seconds per completion in all (answer first, then steps)"}
    )

    def validate(self) -> StepRewardConfig:
        for name in ("step_weight", "answer_weight", "unfinished_cap", "timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0 or value != value:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        if self.unfinished_cap > 1:
            raise ValueError(f"unfinished_cap must be in [0, 1], got {self.unfinished_cap}")
        if self.answer_weight <= self.step_weight * self.unfinished_cap:
            raise ValueError(
                "answer_weight must exceed step_weight * unfinished_cap, so that a correct answer always "
                f"outscores a wrong one (got {self.answer_weight} <= {self.step_weight} * {self.unfinished_cap})"
            )
        if not isinstance(self.max_steps, int) or self.max_steps < 1:
            raise ValueError(f"max_steps must be an integer >= 1, got {self.max_steps!r}")
        if self.timeout <= 0:
            raise ValueError("timeout must be > 0")
        return self

    @property
    def success_threshold(self) -> float:
        """A reward at or above this means a correct answer (and below it, not)."""
        return float(self.answer_weight)


@dataclass(frozen=True)
class StepScore:
    """How one completion fared under ``step_reward``.

    ``n_steps``: the ``= ...`` lines (at most ``max_steps`` checked); ``progress``: leading steps that are
    valid rewrites of the line before *and* a new expression (not any earlier line again); ``first_bad``:
    0-based index of the first step that is not equivalent to the line before (None: no such step);
    ``answer_outcome``: the checker's outcome for the ``Answer:`` line (``no_answer`` without one)."""

    reward: float
    n_steps: int
    progress: int
    first_bad: int | None
    answer_outcome: str
    step_share: float

    @property
    def correct(self) -> bool:
        return self.answer_outcome == "correct"


@cache
def rule_writes_chain(rule_name: str) -> bool:
    """Whether a rule's completions derive the answer in ``= ...`` lines (distributivity, factorization,
    commutativity, simplification); the other rules are scored by their answer alone."""
    try:
        from .rules import make_rule

        row = make_rule(str(rule_name), level=1).generate(1, seed=0)[0]
    except Exception:
        return True
    return bool(step_lines(row["completion"]))


_ZERO, _ONE = ("num", "0"), ("num", "1")


def _is_node(x: Any) -> bool:
    return isinstance(x, tuple) and bool(x) and isinstance(x[0], str)


def _bare(tree: Any) -> Any:
    """The tree without padding that changes nothing: ``+ 0``, ``1*``, ``^1``, ``/1``, ``--a``.  (A term next
    to its negation, ``+ x - x``, stays: the rules' own steps write ``(8 - 8 + 3)`` and ``- 9y + 9y``.)"""
    if not _is_node(tree):
        return tuple(_bare(x) for x in tree) if isinstance(tree, tuple) else tree
    tag = tree[0]
    if tag in ("add", "mul") and len(tree) == 2 and isinstance(tree[1], tuple) and not _is_node(tree[1]):
        unit = _ZERO if tag == "add" else _ONE
        items = [t for t in (_bare(x) for x in tree[1]) if t != unit]
        if not items:
            return unit
        return items[0] if len(items) == 1 else (tag, tuple(items))
    if tag in ("pow", "div") and len(tree) == 3 and tree[2] == _ONE:
        return _bare(tree[1])
    if tag == "neg" and len(tree) == 2:
        inner = _bare(tree[1])
        return inner[1] if inner[:1] == ("neg",) else _ZERO if inner == _ZERO else ("neg", inner)
    return (tag, *(_bare(x) for x in tree[1:]))


def _shape(text: str) -> str | None:
    """``relation`` (an equation, inequality, system) or ``expression``; None when it does not parse."""
    from .verify.limits import DEFAULT_LIMITS, VerifyError
    from .verify.parser import parse

    try:
        tree = parse(text, DEFAULT_LIMITS)
    except (VerifyError, RecursionError, MemoryError, ValueError, TypeError, IndexError):
        return None
    return "relation" if tree[0] in ("rel", "seq") else "expression"


def _same_expression(a: str, b: str) -> bool:
    """Do two lines write the same expression, up to spacing, brackets, ``*``, ``**`` / ``^`` and padding
    (``_bare``)?  Both are read by the checker's parser with the same names (``prepare``)."""
    from .verify.core import Settings, prepare
    from .verify.limits import DEFAULT_LIMITS, VerifyError

    try:
        prep = prepare(
            a, b, Settings(kind="auto", form=None, rel_tol=1e-6, extract=False, limits=DEFAULT_LIMITS)
        )
        return prep.kind == "identical" or _bare(prep.gold) == _bare(prep.pred)
    except (VerifyError, RecursionError, MemoryError, ValueError, TypeError, IndexError):
        return "".join(a.split()) == "".join(b.split())


def score_steps(
    problem: str,
    completion: str,
    answer: str,
    *,
    rule: str | None = None,
    config: StepRewardConfig | None = None,
) -> StepScore:
    """Score one completion (text) for one problem: see ``make_step_reward``.  Never raises on bad text."""
    cfg = config or StepRewardConfig()
    deadline = time.monotonic() + cfg.timeout

    def left() -> float:
        return max(0.0, deadline - time.monotonic())

    text = completion_text(completion)
    ans_text, steps = answer_and_steps(text)
    form = (_form_for(rule) if rule is not None else None) if cfg.form == "auto" else cfg.form
    if ans_text is None:
        outcome = "no_answer"
    else:
        outcome = verify(str(answer), ans_text, form=form, timeout=max(0.05, left()), extract=False).outcome
    correct = outcome == "correct"
    answer_part = cfg.answer_weight if correct else 0.0
    if rule is not None and not rule_writes_chain(str(rule)):
        return StepScore(answer_part, len(steps), 0, None, outcome, 0.0)

    problem = str(problem)
    shape = _shape(problem)
    lines = [problem]
    progress, first_bad = 0, None
    for i, step in enumerate(steps[: cfg.max_steps]):
        # out of time, unreadable, or an equation written for an expression: the chain breaks here
        if left() <= 0 or shape is None or _shape(step) != shape:
            first_bad = i
            break
        v = verify(lines[-1], step, timeout=max(0.05, left()), extract=False)
        if v.equivalent is not True:
            first_bad = i
            break
        # a valid rewrite earns only if it is new: not any earlier line again, even padded (x = x, a
        # repeat, the problem in other notation, + 0, 1*, ^1)
        if not any(_same_expression(earlier, step) for earlier in lines):
            progress += 1
        lines.append(step)
    share = progress / len(steps) if steps else 0.0
    step_part = cfg.step_weight * share * (1.0 if correct else cfg.unfinished_cap)
    return StepScore(step_part + answer_part, len(steps), progress, first_bad, outcome, share)


def make_step_reward(config: StepRewardConfig | None = None, **overrides: Any) -> Callable[..., list[float]]:
    """A GRPOTrainer reward function that scores a completion by its derivation steps, the answer on top.

    ``reward = step_weight * share * (1 if the answer is correct else unfinished_cap)
             + answer_weight * (the answer is correct)``

    where ``share`` is the number of *leading* ``= ...`` steps that make progress (each a valid rewrite of
    the line before, the first of the problem, and a new expression: not any earlier line again) over the
    number of steps written.  Steps after the first invalid one earn nothing; a step equal to an earlier
    line (``x = x``, the same line again, the problem copied) is valid but earns nothing and still counts
    in the denominator, so padding lowers the share; an equation written for an expression breaks the
    chain.  With the defaults (0.5, 1.0, 0.5) the reward is in [0, 1.5]; a correct answer always earns at
    least ``answer_weight`` and anything else at most ``step_weight * unfinished_cap`` (checked by
    ``validate``), so ``reward >= answer_weight`` means correct (``.success_threshold``).  Rules whose
    completions write no ``= ...`` chain are scored by the answer alone.

    Needs the dataset columns ``problem`` and ``answer`` (``rule`` for the target form).  Batched over the
    checker's worker pool, thread-safe, at most ``timeout`` seconds per completion."""
    cfg = StepRewardConfig(**{**(config.__dict__ if config else {}), **overrides}).validate()

    def step_reward(completions: list, prompts: list | None = None, **kwargs: Any) -> list[float]:
        return [s.reward for s in step_reward.details(completions, **kwargs)]

    def details(completions: list, **kwargs: Any) -> list[StepScore]:
        for col in (cfg.answer_column, cfg.problem_column):
            if kwargs.get(col) is None:
                raise ValueError(f"step_reward needs the dataset column {col!r} (got {sorted(kwargs)})")
        answers, problems = kwargs[cfg.answer_column], kwargs[cfg.problem_column]
        rules = kwargs.get("rule") or [None] * len(completions)
        jobs = list(zip(completions, problems, answers, rules))

        def one(job) -> StepScore:
            comp, problem, gold, rule = job
            try:
                return score_steps(problem, comp, gold, rule=rule, config=cfg)
            except Exception:  # a bug must not take down an RL loop
                return StepScore(0.0, 0, 0, None, "undecided", 0.0)

        if len(jobs) <= 1:
            return [one(j) for j in jobs]
        with ThreadPoolExecutor(max_workers=min(len(jobs), max(1, get_pool().size))) as ex:
            return list(ex.map(one, jobs))

    step_reward.__name__ = "step_reward"
    step_reward.details = details  # type: ignore[attr-defined]
    step_reward.config = cfg  # type: ignore[attr-defined]
    step_reward.success_threshold = cfg.success_threshold  # type: ignore[attr-defined]
    return step_reward


step_reward = make_step_reward()
