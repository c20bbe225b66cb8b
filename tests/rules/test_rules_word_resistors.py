"""word_resistors: SymPy-valid rows, varied phrasing, exact answers, knob errors, form check."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.rules.templates.resistors import TEMPLATES
from hf_mathrules.validate import validate_row, validate_rows

RULE = "word_resistors"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(200, seed=level)
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    for row in rows[:30]:
        first = row["completion"].splitlines()[0]
        assert first.startswith("Equation") and "=" in first  # the formal equation comes first
        assert "ohm" in row["prompt"] and "Equation" not in row["prompt"]


def test_every_subtype_has_six_templates_and_all_are_used():
    assert all(len(t) >= 6 for t in TEMPLATES.values())
    rule = make_rule(RULE, level=5)
    seen = {
        (m["subtype"], m["template"]) for m in (json.loads(r["meta"]) for r in rule.generate(600, seed=0))
    }
    assert seen == {(s, i) for s, ts in TEMPLATES.items() for i in range(len(ts))}


def test_parallel_unknown_matches_the_formal_equation():
    rule = make_rule(RULE, level=4, subtypes=("parallel_unknown",))
    for row in rule.generate(50, seed=9):
        assert row["problem"].startswith("1/") and " = 1/" in row["problem"]
        var, value = row["answer"].split(" = ")
        assert f"{var}" in row["prompt"] and int(value) > 0


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=5)
    assert rule.generate(30, seed=5) == rule.generate(30, seed=5)
    a = {r["problem"] for r in rule.generate(200, seed=1)}
    b = {r["problem"] for r in rule.generate(200, seed=2)}
    assert len(a & b) < 10


def test_bad_knobs():
    with pytest.raises(ConfigError, match="subtypes"):
        make_rule(RULE, subtypes=("diodes",))
    with pytest.raises(ConfigError, match="max_resistors"):
        make_rule(RULE, max_resistors=1)
    with pytest.raises(ConfigError, match="max_ohms"):
        make_rule(RULE, subtypes=("parallel_total",), max_resistors=4, max_ohms=5)


def test_form_check_rejects_an_unsolved_answer():
    rule = make_rule(RULE, level=4)
    row = rule.item(0, 0)
    assert validate_row(row, rule) == []
    var = row["answer"].split(" = ")[0]
    bad = dict(
        row,
        answer=f"{var} = -3",
        completion=row["completion"].rsplit("Answer:", 1)[0] + f"Answer: {var} = -3",
    )
    assert any("positive number" in e for e in validate_row(bad, rule))
