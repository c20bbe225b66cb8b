"""benchmarks/first_wrong_line.py's teacher-forced mode: the prefixes it gives a model rebuild the reference
line by line, stages are named without the problem's names and numbers, and the tally counts what it is
given."""

import importlib.util
import re
from pathlib import Path

import pytest

from hf_mathrules.experiments import common
from hf_mathrules.prompting import model_prompt

_spec = importlib.util.spec_from_file_location(
    "first_wrong_line", Path(__file__).resolve().parents[2] / "benchmarks" / "first_wrong_line.py"
)
fwl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fwl)


def _rows():
    return common.rows("linear_system", 2, 8, split="test", seed=12345)


def test_forced_lines_rebuild_the_reference():
    for row in _rows():
        lines = row["completion"].splitlines()
        cases = fwl.forced_lines(row)
        assert len(cases) == len(lines)
        for i, (stage, prefix, expected) in enumerate(cases):
            rebuilt = prefix + expected
            assert rebuilt == model_prompt(row["prompt"]) + "\n".join(lines[: i + 1])
            assert not any(ch.isdigit() for ch in stage), stage
        stages = {c[0] for c in cases}
        assert {"Combine like terms", "Isolate _ in equation N", "Back-substitute into _", "Answer"} <= stages
        combine = [c for c in cases if c[0] == "Combine like terms" and not c[2].endswith(":")]
        assert combine and all(c[1].endswith(" = ") for c in combine)  # the right side is what is asked


def test_tally_counts_right_and_wrong_lines():
    rows = _rows()
    cases = [(k, *c) for k, row in enumerate(rows) for c in fwl.forced_lines(row)]
    oracle = [c[3] + "\nmore text" for c in cases]  # generation runs on past the line: cut at the newline
    res = fwl.tally_forced(len(rows), cases, oracle)
    assert res["problems_all_right"] == len(rows) and not res["wrong"]
    assert sum(t[0] for t in res["stages"].values()) == len(cases)
    assert all(t[1] == t[0] and t[3] == t[2] for t in res["stages"].values())
    combine = [i for i, c in enumerate(cases) if c[1] == "Combine like terms" and c[2].endswith(" = ")]
    i = max(combine, key=lambda i: bool(re.search(r"\d{3}", cases[i][3])))  # a sum in the hundreds if any
    big = bool(re.search(r"\d{3}", cases[i][3]))
    off = oracle[:i] + ["0"] + oracle[i + 1 :]
    res = fwl.tally_forced(len(rows), cases, off)
    assert res["problems_all_right"] == len(rows) - 1
    assert res["wrong"] == [("Combine like terms", cases[i][3], "0")]
    assert res["wrong_kinds"] == {"right-hand side": 1}
    t = res["stages"]["Combine like terms"]
    assert t[1] == t[0] - 1 and (t[3] == t[2] - 1 if big else t[3] == t[2])


def test_gaussian_lines_are_staged_by_shape():
    rows = common.rows("gaussian_elimination", 2, 4, split="test", seed=12345)
    cases = [(k, *c) for k, row in enumerate(rows) for c in fwl.forced_lines(row)]
    stages = {c[1] for c in cases}
    assert {"matrix row: the problem's", "matrix row: a sum", "row operation", "Answer"} <= stages
    rows_at = [i for i, c in enumerate(cases) if c[1].startswith("matrix row")]
    got = [c[3] for c in cases]
    i = rows_at[-1]
    entries = cases[i][3].strip("[]").split()
    got[i] = "[" + " ".join(entries[:-1] + ["999"]) + "]"  # the constant column alone wrong
    res = fwl.tally_forced(len(rows), cases, got)
    assert res["wrong_kinds"] == {"matrix row: constant column only": 1}
    assert res["problems_all_right"] == len(rows) - 1


def test_a_row_written_alone_is_a_matrix_row():
    """gaussian_elimination's ``changed_rows``: ``R2 = [...]`` lines are matrix rows, staged and told apart
    by column like the whole matrices' rows."""
    rows = common.rows("gaussian_elimination", 3, 3, split="test", seed=12345, knobs={"changed_rows": True})
    cases = [(k, *c) for k, row in enumerate(rows) for c in fwl.forced_lines(row)]
    given = [i for i, c in enumerate(cases) if c[2].endswith("\nR2 = ")]  # given up to " = "
    # R2 written by its operation, or added to another row as it is (the multiple 1*R2 on its own line)
    named = [i for i in given if cases[i][1].startswith("matrix row")]
    multiples = [i for i in given if cases[i][1] == "row multiple (R = [...])"]
    assert named and len(named) + len(multiples) == len(given)
    assert all(re.search(r"<- R\d+ [+-] R2$", cases[i][2].splitlines()[-2]) for i in multiples)
    got = [c[3] for c in cases]
    i = named[-1]
    left, _, constant = got[i].partition("| ")
    got[i] = f"{left}| 999]"  # the constant column alone wrong
    res = fwl.tally_forced(len(rows), cases, got)
    assert res["wrong_kinds"] == {"matrix row: constant column only": 1}
    assert fwl.kind_of("R2 = [0 1 2 | 3]", "R2 = [0 1 5 | 3]") == "matrix row: a coefficient"


@pytest.mark.parametrize("fraction_free", [False, True])
def test_entry_sums_lines_are_their_own_stage(fraction_free):
    """gaussian_elimination's ``entry_sums``: ``R2 - 2*R1 = [2 - 2, ...]`` lines (``3*R2 - 2*R1 = [...]``
    with ``fraction_free``) are a stage of their own (given up to " = "), apart from the row multiples and
    the rows they give, and a wrong one is named so."""
    knobs = {"changed_rows": True, "entry_sums": True, "fraction_free": fraction_free}
    rows = common.rows("gaussian_elimination", 3, 3, split="test", seed=12345, knobs=knobs)
    cases = [(k, *c) for k, row in enumerate(rows) for c in fwl.forced_lines(row)]
    sums = [i for i, c in enumerate(cases) if c[1].startswith("entry sums")]
    assert len(sums) >= 3 * 4 and all(re.search(r"\n(\d+\*)?R\d [+-] .*R\d = $", cases[i][2]) for i in sums)
    assert fraction_free == any(re.search(r"\n\d+\*R\d [+-] .*R\d = $", cases[i][2]) for i in sums)
    assert all(" + " in cases[i][3] or " - " in cases[i][3] for i in sums)
    assert {"matrix row: a sum", "row multiple (R = [...])", "row operation"} <= {c[1] for c in cases}
    got = [c[3] for c in cases]
    got[sums[0]] = got[sums[0]].replace(" ", "", 1)
    res = fwl.tally_forced(len(rows), cases, got)
    assert res["wrong_kinds"] == {"entry sums": 1} and res["problems_all_right"] == len(rows) - 1


def test_bad_knob_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "config.json").write_text("{}")
    for knob, message in (
        ("changed_rows", "NAME=VALUE"),
        ("bogus=1", "unknown knob"),
        ("changed_rows=maybe", "true or false"),
    ):
        try:
            fwl.main([str(tmp_path), "gaussian_elimination", "3", "--knob", knob])
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError("no usage error")
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("knobs", [{}, {"changed_rows": True, "entry_sums": True, "fraction_free": True}])
def test_matrix_rows_are_staged_by_what_they_take(knobs):
    """A matrix row is the problem's (read from its equations: the first n rows), a sum (an addition's row:
    the line above it holds its terms or the multiple added), scaled, swapped, or copied (changed rows'
    final whole matrix), in either layout."""
    rows = common.rows(
        "gaussian_elimination", 3, 6, split="test", seed=12345, knobs={"p_zero_pivot": 1.0, **knobs}
    )
    for row in rows:
        ref = row["completion"].splitlines()
        cases = fwl.forced_lines(row)
        stages = [c[0] for c in cases]
        at = [k for k, s in enumerate(stages) if s.startswith("matrix row")]
        assert [stages[k] for k in at[:3]] == ["matrix row: the problem's"] * 3
        assert "matrix row: the problem's" not in stages[at[3] :]
        assert {"matrix row: a sum", "matrix row: scaled", "matrix row: swapped"} <= set(stages), ref
        assert ("matrix row: copied" in stages) == bool(knobs)
        for k in at:
            if stages[k] == "matrix row: a sum" and knobs:
                assert fwl._ENTRY_SUMS.match(ref[k - 1]), ref[k - 1]
            if stages[k] == "matrix row: scaled" and knobs:
                assert "<-" in ref[k - 1] and not re.search(r"R\d+ [+-] ", ref[k - 1])


def test_every_unknown_lines_are_asked_whole():
    """gaussian_elimination's ``every_unknown``: each equation written again (``0b - 4p + 3v = -4``) is a
    stage of its own asked whole (its left side is what the model reads into columns), and the problem's
    matrix rows below it keep their stage."""
    knobs = {"changed_rows": True, "every_unknown": True}
    rows = common.rows("gaussian_elimination", 3, 4, split="test", seed=12345, knobs=knobs)
    cases = [(k, *c) for k, row in enumerate(rows) for c in fwl.forced_lines(row)]
    stage = "Each equation with every unknown, in column order"
    eqs = [c for c in cases if c[1] == stage and not c[3].endswith(":")]
    assert len(eqs) == 3 * len(rows)
    assert all(re.fullmatch(r"-?\d+[a-z]( [+-] \d+[a-z]){2} = -?\d+", c[3]) for c in eqs)
    assert sum(c[1] == "matrix row: the problem's" for c in cases) == 3 * len(rows)
