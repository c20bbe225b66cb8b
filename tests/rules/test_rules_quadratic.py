"""quadratic: SymPy-valid rows at every level, every kind of root, determinism, knob errors, form check."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.validate import parse_statement, validate_row, validate_rows

RULE = "quadratic"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(100, seed=level)  # SymPy solve() per step
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    kinds = {json.loads(r["meta"])["root_type"] for r in rows}
    assert kinds == set(rule.k["root_types"])
    for row in rows[:30]:
        assert row["prompt"].startswith("Solve for ") and "= " in row["prompt"]
        assert row["steps"][-1] == row["answer"]


@pytest.mark.parametrize(
    ("kind", "marker"), [("irrational", "sqrt("), ("complex", "I"), ("double", None), ("rational", None)]
)
def test_each_root_type(kind, marker):
    rule = make_rule(RULE, level=5, root_types=(kind,))
    rows = rule.generate(20, seed=7)
    assert validate_rows(rows, rule).ok
    for row in rows:
        st = parse_statement(row["answer"])
        if kind == "double":
            assert st.kind == "eq" and "(a double root)" in row["completion"]
        else:
            assert st.kind == "roots" and len(st.values) == 2
        if marker:
            assert marker in row["answer"] and "Discriminant: b^2 - 4ac" in row["completion"]
        else:
            assert "Factor:" in row["completion"] and "sqrt" not in row["answer"]


def test_radicals_are_simplified_and_reduced():
    rule = make_rule(RULE, level=5, root_types=("irrational",), standard_form=True)
    row = next(r for r in rule.generate(200, seed=0) if "Divide numerator" in r["completion"])
    assert "Simplify sqrt(" in row["completion"] or "Divide numerator" in row["completion"]
    assert any("sqrt(" in s for s in row["steps"])


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=4)
    assert rule.generate(40, seed=5) == rule.generate(40, seed=5)
    a = {r["problem"] for r in rule.generate(300, seed=1)}
    b = {r["problem"] for r in rule.generate(300, seed=2)}
    assert len(a & b) < 10


def test_bad_knobs():
    with pytest.raises(ConfigError, match="root_types"):
        make_rule(RULE, root_types=("imaginary",))
    with pytest.raises(ConfigError, match="root_types"):
        make_rule(RULE, root_types=())
    with pytest.raises(ConfigError, match="max_den"):
        make_rule(RULE, max_den=0)
    with pytest.raises(ConfigError, match="max_coeff"):
        make_rule(RULE, root_types=("irrational",), max_coeff=2)
    with pytest.raises(ConfigError, match="standard_form"):
        make_rule(RULE, standard_form="yes")


def test_form_check_rejects_unsimplified_and_unsolved_answers():
    rule = make_rule(RULE, level=5, root_types=("irrational",), standard_form=True)
    row = next(r for r in rule.generate(200, seed=0) if "Simplify sqrt(" in r["completion"])
    assert validate_row(row, rule) == []

    def errors(a):
        return validate_row(dict(row, answer=a, completion=f"Answer: {a}"), rule)

    unsimplified = next(s for s in row["steps"] if " or " in s)  # the formula with sqrt(d) substituted
    assert any("is not simplified" in e for e in errors(unsimplified))
    assert errors(row["problem"])  # the equation itself is no list of roots
    double = make_rule(RULE, level=3, root_types=("double",)).item(0, 0)
    twice = f"{double['answer']} or {double['answer']}"
    assert "listed twice" in rule.check_form(dict(double, answer=twice), None, parse_statement(twice))
