"""The curriculum: levels follow the recent success rate within a band, rows come from the train split
at the current level, the stream is what GRPOTrainer takes, and a fixed seed and outcome sequence replay."""

from __future__ import annotations

import random

import pytest

from hf_mathrules.data.curriculum import Curriculum, CurriculumConfig
from hf_mathrules.rules import ConfigError


def _drive(cur: Curriculum, outcomes, batches: int, per_batch: int = 8):
    """Take a batch, record scripted outcomes for it (``outcomes(rule, level) -> bool``), repeat."""
    seen = []
    for _ in range(batches):
        rows = cur.take(per_batch)
        seen.append([(r["rule"], r["level"], r["problem"]) for r in rows])
        cur.record([r["rule"] for r in rows], [r["level"] for r in rows],
                   [outcomes(r["rule"], r["level"]) for r in rows])  # fmt: skip
    return seen


def test_levels_rise_above_the_band_fall_below_and_stay_in_range():
    cur = Curriculum(rules=["distributivity"], window=8, band=(0.4, 0.8))
    _drive(cur, lambda rule, level: True, batches=10)  # always right: up to the top and no further
    assert cur.levels == {"distributivity": 5}
    assert [(h["from"], h["to"]) for h in cur.history] == [(1, 2), (2, 3), (3, 4), (4, 5)]
    _drive(cur, lambda rule, level: False, batches=10)  # always wrong: down to the bottom
    assert cur.levels == {"distributivity": 1}
    # a model that solves levels 1-2 and fails 4-5 settles where it is inside the band
    cur = Curriculum(rules=["distributivity"], window=8, seed=3)
    rng = random.Random(0)
    _drive(cur, lambda rule, level: rng.random() < {1: 0.95, 2: 0.9, 3: 0.6}.get(level, 0.1), batches=40)
    assert cur.levels["distributivity"] == 3 and 3 in cur.counts["distributivity"]
    series = cur.level_series("distributivity")
    assert series[0] == (0, 1) and len(series) == 41


def test_rows_are_train_rows_at_the_current_level_with_the_reward_columns():
    cur = Curriculum(
        CurriculumConfig(rules=("distributivity", "factorization"), start_level={"factorization": 2})
    )
    rows = cur.take(40)
    assert {r["rule"] for r in rows} == {"distributivity", "factorization"}
    assert all(r["level"] == (2 if r["rule"] == "factorization" else 1) for r in rows)
    assert set(rows[0]) == {"prompt", "answer", "problem", "rule", "level"}
    assert all(r["prompt"].endswith("\n") for r in rows)
    from hf_mathrules.rules import make_rule

    test_problems = {r["problem"] for r in make_rule("distributivity", level=1).generate(200, split="test")}
    assert not test_problems & {r["problem"] for r in rows if r["rule"] == "distributivity"}


def test_same_seed_and_outcomes_replay_exactly():
    def run(seed):
        cur = Curriculum(rules=["distributivity", "simplification"], window=6, seed=seed)
        rng = random.Random(42)  # the fixed success sequence
        seen = _drive(cur, lambda rule, level: rng.random() < 0.9 / level, batches=25)
        return seen, cur.history, cur.log

    assert run(7) == run(7)
    assert run(7)[0] != run(8)[0]


def test_stale_outcomes_do_not_count_and_wrap_records_rewards():
    from hf_mathrules.rewards import step_reward

    cur = Curriculum(rules=["distributivity"], window=4)
    rows = cur.take(4)
    reward = cur.wrap(step_reward)
    assert reward.success_threshold == 1.0 and reward.__name__ == "step_reward"
    cols = {k: [r[k] for r in rows] for k in ("answer", "problem", "rule", "level")}
    from hf_mathrules.rules import make_rule

    good = {
        r["problem"]: r["completion"]
        for r in make_rule("distributivity", level=1).generate(400, split="train")
    }
    completions = [good.get(r["problem"], f"Answer: {r['answer']}") for r in rows]
    got = reward(prompts=[r["prompt"] for r in rows], completions=completions, **cols)
    assert all(g >= 1.0 for g in got)
    assert cur.levels["distributivity"] == 2 and cur.history[0]["rate"] == 1.0
    # outcomes of rows drawn at level 1 arrive after the move: counted, but not as level-2 evidence
    cur.record(["distributivity"] * 4, [1] * 4, [False] * 4)
    assert cur.levels["distributivity"] == 2 and cur.recent_rates()["distributivity"] is None
    assert cur.counts["distributivity"][1] == [4, 8]
    with pytest.raises(ValueError, match="success_threshold"):
        cur.wrap(lambda completions, **kw: [0.0] * len(completions))


def test_iterable_dataset_follows_level_changes_and_config_errors(tmp_path):
    from datasets import IterableDataset

    cur = Curriculum(rules=["distributivity"], window=2)
    ds = cur.dataset()
    assert isinstance(ds, IterableDataset)
    it = iter(ds)
    first = [next(it) for _ in range(2)]
    cur.record(["distributivity"] * 2, [1, 1], [True, True])
    assert [r["level"] for r in first] == [1, 1] and next(it)["level"] == 2
    state = cur.save(tmp_path / "curriculum.json").read_text()
    assert '"history"' in state and '"to": 2' in state
    for bad in ({"band": (0.8, 0.4)}, {"window": 0}, {"rules": ()}, {"rules": ("nope",)}, {"max_level": 9},
                {"start_level": 6}, {"weights": (1.0, 2.0)}, {"columns": ("prompt",)}):  # fmt: skip
        with pytest.raises((ValueError, ConfigError)):
            CurriculumConfig(**bad).validate()
