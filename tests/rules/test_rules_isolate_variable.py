"""isolate_variable: SymPy-valid rows at every level, both subtypes, determinism, knob errors, form check."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.validate import parse_statement, validate_row, validate_rows
from hf_mathrules.vocab import from_list

RULE = "isolate_variable"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(120, seed=level)  # SymPy solve() per step: the slowest rule to validate
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    subtypes = {json.loads(r["meta"])["subtype"] for r in rows}
    assert subtypes == ({"linear", "formula"} if level >= 3 else {"linear"})
    for row in rows[:30]:
        target = json.loads(row["meta"])["target"]
        assert row["prompt"].startswith(f"Solve for {target}:\n")
        assert row["answer"].startswith(f"{target} = ")
        assert " = " in row["problem"] and all(" = " in s for s in row["steps"])


def test_textbook_linear_equation():
    rule = make_rule(RULE, level=2)
    row = rule.item(0, 0)
    assert row["prompt"] == "Solve for q:\n-9 - 3q = -q - 25"
    assert row["steps"] == ["-3*q + q = -25 + 9", "-2*q = -16", "q = 8"]


def test_reciprocal_formula():
    rule = make_rule(RULE, level=5, subtypes=("formula",), reciprocal=1.0)
    rows = rule.generate(40, seed=1)
    assert all(r["problem"].startswith("1/") for r in rows)
    assert any("one fraction" in r["completion"] and "reciprocal" in r["completion"] for r in rows)
    assert validate_rows(rows, rule).ok


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=4)
    assert rule.generate(40, seed=5) == rule.generate(40, seed=5)
    a = {r["problem"] for r in rule.generate(300, seed=1)}
    b = {r["problem"] for r in rule.generate(300, seed=2)}
    assert len(a & b) < 10


def test_bad_knobs():
    with pytest.raises(ConfigError, match="subtypes"):
        make_rule(RULE, subtypes=("quadratic",))
    with pytest.raises(ConfigError, match="reciprocal"):
        make_rule(RULE, reciprocal=2)
    with pytest.raises(ConfigError, match="formula_depth"):
        make_rule(RULE, formula_depth=0)
    with pytest.raises(ConfigError, match="formula_depth"):  # 4 operations need 6 names
        make_rule(RULE, level=3, formula_depth=4, vocab=from_list(["a", "b", "c"]))
    with pytest.raises(ConfigError, match="parentheses"):
        make_rule(RULE, parentheses="no")


def test_form_check_rejects_unsolved_answers():
    rule = make_rule(RULE, level=3, subtypes=("formula",))
    row = rule.item(0, 0)
    assert validate_row(row, rule) == []
    target = json.loads(row["meta"])["target"]

    def errors(a):
        return validate_row(dict(row, answer=a, completion=f"Answer: {a}"), rule)

    assert errors(row["steps"][0])  # the swapped problem is not solved
    unsolved = parse_statement(row["steps"][0])
    assert rule.check_form(dict(row, answer=row["steps"][0]), None, unsolved).startswith("not of the form")
    circular = parse_statement(f"{target} = 2*{target} - 1")
    assert "still appears" in rule.check_form(dict(row, answer=f"{target} = 2*{target} - 1"), None, circular)
    other = next(v for v in json.loads(row["meta"])["variables"] if v != target)
    assert any(f"not for {target}" in e for e in errors(f"{other} = 1"))
    st = parse_statement(row["answer"])
    assert list(st.assign)[0].name == target
