"""A difficulty curriculum served on the fly: an endless stream of training prompts whose level, per rule,
rises when the model's recent success rate is above a target band and falls when it is below.

    from trl import GRPOConfig, GRPOTrainer
    from hf_mathrules.data.curriculum import Curriculum, CurriculumConfig
    from hf_mathrules.rewards import step_reward

    cur = Curriculum(CurriculumConfig(rules=["distributivity"], start_level=1, band=(0.4, 0.8)))
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[cur.wrap(step_reward)],  # scores, and records each outcome into the curriculum
        args=GRPOConfig(..., max_steps=200, shuffle_dataset=False),  # an iterable dataset needs max_steps
        train_dataset=cur.dataset(),  # a datasets.IterableDataset, rows drawn at the current levels
        processing_class=tok,
    )
    trainer.train()
    cur.history  # every level change: {"batch", "rule", "from", "to", "rate", "n"}

How it works.  Each row is drawn when the trainer asks for it, from the rule's ``train`` split at the
rule's current level (items of ``Rule.item`` whose problem hashes to that split, as in ``load_dataset``:
test problems never appear; a problem may come again on a small level, so the stream never runs dry).
The wrapped reward function passes the reward through and records, per completion, whether it was a
success (``reward >= threshold``; for ``math_reward`` and ``step_reward`` the threshold is their own
``success_threshold``: a correct answer in the target form).  When a rule has ``window`` outcomes at its
current level, their success rate decides: above ``band[1]`` one level up, below ``band[0]`` one level
down (within ``[min_level, max_level]``), and the window starts again; inside the band it slides on.
Outcomes of rows drawn at another level than the current one (the trainer's prefetch after a change) are
not counted.  Rules are drawn at random (``seed``) in proportion to ``weights``.

Give ``GRPOConfig(shuffle_dataset=False)``: TRL shuffles an iterable dataset through a buffer (1,000 rows
by default), which would draw rows long before they are used.  With it the trainer reads at most one
generation batch ahead, so a level change reaches the prompts of the next step.

Reproducible: for a fixed seed and a fixed sequence of outcomes, the prompts and the level history are the
same (the rows of a rule and level are ``Rule.item(seed, 0, 1, ...)`` of that split).  Thread-safe."""

from __future__ import annotations

import itertools
import json
import random
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..prompting import model_prompt
from ..rules import get_rule, make_rule
from ..rules.base import LEVELS
from . import DEFAULT_RULE


@dataclass(frozen=True)
class CurriculumConfig:
    """Rules, levels and the target band of a ``Curriculum``."""

    rules: tuple[str, ...] = (DEFAULT_RULE,)
    start_level: int | dict[str, int] = 1  # one level for every rule, or one per rule
    min_level: int = 1
    max_level: int = max(LEVELS)
    band: tuple[float, float] = (0.4, 0.8)  # target success rate: below it one level down, above one up
    window: int = 32  # outcomes at the current level that decide a move
    weights: tuple[float, ...] | None = None  # how often each rule is drawn (None: equally)
    success_threshold: float | None = None  # reward >= this is a success (None: the reward's own)
    seed: int = 0
    split: str = "train"
    columns: tuple[str, ...] = ("prompt", "answer", "problem", "rule", "level")

    def validate(self) -> CurriculumConfig:
        if not self.rules:
            raise ValueError("rules: give at least one rule")
        for name in self.rules:
            get_rule(name)  # a clear error for an unknown rule
        if len(set(self.rules)) != len(self.rules):
            raise ValueError(f"rules: each rule once, got {list(self.rules)}")
        if not (min(LEVELS) <= self.min_level <= self.max_level <= max(LEVELS)):
            raise ValueError(f"levels: need {min(LEVELS)} <= min_level <= max_level <= {max(LEVELS)}")
        for name in self.rules:
            lv = self.level_of(name)
            if not self.min_level <= lv <= self.max_level:
                raise ValueError(
                    f"start_level {lv} of {name} is outside [{self.min_level}, {self.max_level}]"
                )
        if isinstance(self.start_level, dict) and set(self.start_level) - set(self.rules):
            raise ValueError(
                f"start_level names rules not in rules: {sorted(set(self.start_level) - set(self.rules))}"
            )
        low, high = self.band
        if not 0.0 <= low < high <= 1.0:
            raise ValueError(f"band must be (low, high) with 0 <= low < high <= 1, got {self.band}")
        if not isinstance(self.window, int) or self.window < 1:
            raise ValueError(f"window must be an integer >= 1, got {self.window!r}")
        if self.weights is not None and (
            len(self.weights) != len(self.rules) or any(w < 0 for w in self.weights) or sum(self.weights) <= 0
        ):
            raise ValueError("weights: one non-negative weight per rule, not all 0")
        if self.split not in ("train", "validation", "test"):
            raise ValueError(f"split must be train, validation or test, got {self.split!r}")
        missing = {"prompt", "rule", "level"} - set(self.columns)
        if missing:
            raise ValueError(
                f"columns must include {sorted(missing)} (the curriculum reads rule and level back)"
            )
        return self

    def level_of(self, rule: str) -> int:
        if isinstance(self.start_level, dict):
            return int(self.start_level.get(rule, self.min_level))
        return int(self.start_level)


_REGISTRY: weakref.WeakValueDictionary[str, Curriculum] = weakref.WeakValueDictionary()
_REGISTRY_LOCK = threading.Lock()
_TOKENS = itertools.count()


def _stream(token: str) -> Iterator[dict[str, Any]]:
    curriculum = _REGISTRY.get(token)
    if curriculum is None:
        raise RuntimeError("this curriculum no longer exists (keep a reference to it while training)")
    yield from curriculum


def _split_items(rule, seed: int, split: str) -> Iterator[dict[str, Any]]:
    """Endless rows of one split of ``rule``: item 0, 1, 2, ... of ``seed`` (the rows ``load_dataset``
    draws from), those of other splits skipped.  Repeats are kept: a small level never runs dry."""
    from ..rules.rows import bucket_of

    bucket = bucket_of(split)
    index = 0
    while True:
        row = rule.item(seed, index)
        index += 1
        if row["split"] == bucket:
            row.pop("_canonical", None)
            row["split"] = split
            yield row


class Curriculum:
    """Per-rule levels that follow the recent success rate; rows drawn at the current levels."""

    def __init__(self, config: CurriculumConfig | None = None, **overrides: Any) -> None:
        cfg = config or CurriculumConfig()
        if overrides:
            cfg = CurriculumConfig(**{**asdict(cfg), **overrides})
        cfg = CurriculumConfig(**{**asdict(cfg), "rules": tuple(cfg.rules), "band": tuple(cfg.band)})
        self.config = cfg.validate()
        self.levels: dict[str, int] = {r: cfg.level_of(r) for r in cfg.rules}
        self._recent: dict[str, deque[bool]] = {r: deque(maxlen=cfg.window) for r in cfg.rules}
        self._rows: dict[tuple[str, int], Iterator[dict[str, Any]]] = {}
        self._rng = random.Random(cfg.seed)
        self._lock = threading.RLock()
        self.batches = 0  # calls of record (one per reward call: a GRPO generation step)
        self.drawn = 0  # rows handed out
        self.history: list[dict[str, Any]] = []  # level changes
        self.log: list[dict[str, Any]] = []  # after each record: levels and recent success rates
        self.counts: dict[str, dict[int, list[int]]] = {r: {} for r in cfg.rules}  # rule -> level -> [ok, n]

    # ---------------------------------------------------------------------------------------------- rows
    def next_row(self) -> dict[str, Any]:
        """The next prompt row: a rule drawn at random, a row of its split at its current level."""
        with self._lock:
            cfg = self.config
            rule = (
                self._rng.choices(cfg.rules, weights=cfg.weights)[0] if len(cfg.rules) > 1 else cfg.rules[0]
            )
            level = self.levels[rule]
            key = (rule, level)
            if key not in self._rows:
                self._rows[key] = _split_items(make_rule(rule, level=level), cfg.seed, cfg.split)
            row = next(self._rows[key])
            self.drawn += 1
        full = {**row, "prompt": model_prompt(row["prompt"]), "level": level}
        return {c: full[c] for c in self.config.columns}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            yield self.next_row()

    def take(self, n: int) -> list[dict[str, Any]]:
        return [self.next_row() for _ in range(n)]

    def dataset(self):
        """A ``datasets.IterableDataset`` over this curriculum (endless: give the trainer ``max_steps``)."""
        from datasets import IterableDataset

        # datasets hashes (pickles) the generator and its arguments: pass a name, look the object up live
        with _REGISTRY_LOCK:
            token = f"curriculum-{id(self)}-{next(_TOKENS)}"
            _REGISTRY[token] = self
        return IterableDataset.from_generator(_stream, gen_kwargs={"token": token})

    # ------------------------------------------------------------------------------------------ outcomes
    def record(self, rules: Sequence[str], levels: Sequence[int], successes: Sequence[bool]) -> list[dict]:
        """Record one batch of outcomes; returns the level changes it caused."""
        changes = []
        with self._lock:
            self.batches += 1
            for rule, level, ok in zip(rules, levels, successes):
                rule, level = str(rule), int(level)
                if rule not in self.levels:
                    continue
                cell = self.counts[rule].setdefault(level, [0, 0])
                cell[0] += bool(ok)
                cell[1] += 1
                if level != self.levels[rule]:  # drawn before the last change: not this level's evidence
                    continue
                recent = self._recent[rule]
                recent.append(bool(ok))
                if len(recent) < self.config.window:
                    continue
                rate = sum(recent) / len(recent)
                low, high = self.config.band
                step = 1 if rate > high else -1 if rate < low else 0
                new = min(self.config.max_level, max(self.config.min_level, level + step))
                if new != level:
                    self.levels[rule] = new
                    recent.clear()
                    change = {"batch": self.batches, "drawn": self.drawn, "rule": rule, "from": level, "to": new,
                              "rate": rate, "n": self.config.window}  # fmt: skip
                    self.history.append(change)
                    changes.append(change)
            self.log.append(
                {"batch": self.batches, "levels": dict(self.levels), "rates": self.recent_rates()}
            )
        return changes

    def recent_rates(self) -> dict[str, float | None]:
        with self._lock:
            return {r: (sum(d) / len(d) if d else None) for r, d in self._recent.items()}

    def wrap(self, reward_fn: Callable[..., list[float]], success_threshold: float | None = None):
        """``reward_fn`` (a TRL reward function), recording each completion's outcome here.  The rows must
        carry the columns ``rule`` and ``level`` (``dataset()``'s rows do)."""
        threshold = success_threshold
        if threshold is None:
            threshold = self.config.success_threshold
        if threshold is None:
            threshold = getattr(reward_fn, "success_threshold", None)
        if threshold is None:
            raise ValueError("give success_threshold: the reward function does not say what a success is")

        def curriculum_reward(completions: list, **kwargs: Any) -> list[float]:
            rewards = reward_fn(completions=completions, **kwargs)
            rules, levels = kwargs.get("rule"), kwargs.get("level")
            if rules is None or levels is None:
                raise ValueError("the curriculum needs the dataset columns 'rule' and 'level'")
            self.record(rules, levels, [r is not None and r >= threshold for r in rewards])
            return rewards

        curriculum_reward.__name__ = getattr(reward_fn, "__name__", "reward")
        curriculum_reward.success_threshold = threshold  # type: ignore[attr-defined]
        curriculum_reward.curriculum = self  # type: ignore[attr-defined]
        return curriculum_reward

    # ----------------------------------------------------------------------------------------- reporting
    def state(self) -> dict[str, Any]:
        """What happened so far (JSON-ready): config, levels, changes, per-batch log, per-level counts."""
        with self._lock:
            return {
                "config": asdict(self.config),
                "levels": dict(self.levels),
                "batches": self.batches,
                "drawn": self.drawn,
                "history": list(self.history),
                "log": list(self.log),
                "counts": {r: {str(lv): c[:] for lv, c in cells.items()} for r, cells in self.counts.items()},
            }

    def save(self, path: str | Path) -> Path:
        from ..io import atomic_path

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            Path(tmp).write_text(json.dumps(self.state(), indent=2))
        return path

    def level_series(self, rule: str) -> list[tuple[int, int]]:
        """``(batch, level)`` after every recorded batch (batch 0: the start level)."""
        start = self.config.level_of(rule)
        return [(0, start)] + [(e["batch"], e["levels"][rule]) for e in self.log]


__all__ = ["Curriculum", "CurriculumConfig"]
