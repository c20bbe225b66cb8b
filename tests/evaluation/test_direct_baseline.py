"""benchmarks/direct_baseline.py: the in-place rows it scores are the recursion experiment's own test problems,
written another way, and a knob that would change the problems is refused."""

import importlib.util
from pathlib import Path

import pytest

from hf_mathrules.experiments import common

_spec = importlib.util.spec_from_file_location(
    "direct_baseline", Path(__file__).resolve().parents[2] / "benchmarks" / "direct_baseline.py"
)
db = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(db)


def test_in_place_rows_are_the_recursion_experiments_problems():
    rows = db.problems(1, 3, 12, {"inline": True, "pairwise_sums": True})
    plain = common.rows("linear_system", 3, 12, seed=1, knobs={"n_unknowns": 3})
    assert [r["prompt"] for r in rows] == [r["prompt"] for r in plain]
    assert [r["answer"] for r in rows] == [r["answer"] for r in plain]
    # written in place: the smaller system's work is nested in the row, and the rows are longer
    assert all(len(r["completion"]) > len(p["completion"]) for r, p in zip(rows, plain))


def test_a_knob_that_changes_the_problems_is_refused():
    with pytest.raises(SystemExit, match="change the problems"):
        db.problems(0, 3, 12, {"max_coeff": 2})


def test_bad_arguments_are_usage_errors(tmp_path, capsys):
    with pytest.raises(SystemExit):
        db.main([str(tmp_path)])
    assert "not a trained model folder" in capsys.readouterr().err
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(SystemExit):
        db.main([str(tmp_path), "--knob", "bogus"])
    assert "NAME=VALUE" in capsys.readouterr().err
