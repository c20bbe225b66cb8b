"""word_quadratic: SymPy-valid rows (root sets), scenarios and templates, admissible roots, knobs."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.rules.templates.quadratic import ADMISSIBLE, TEMPLATES
from hf_mathrules.validate import validate_row, validate_rows

RULE = "word_quadratic"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(150 if level < 6 else 60, seed=level)  # irrational roots validate slowly
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    for row in rows[:40]:
        assert row["completion"].startswith("Equation: ") and row["problem"].endswith(" = 0")
        assert row["answer"].count(" or ") == 1 and "x**2" in row["problem"]
        if json.loads(row["meta"])["scenario"] in ADMISSIBLE:
            assert "since a" in row["completion"]


def test_at_least_six_templates_all_used():
    assert sum(len(t) for t in TEMPLATES.values()) >= 6 and len(TEMPLATES) >= 6
    rule = make_rule(RULE, level=5)
    seen = {
        (m["scenario"], m["template"]) for m in (json.loads(r["meta"]) for r in rule.generate(600, seed=0))
    }
    assert seen == {(s, i) for s, ts in TEMPLATES.items() for i in range(len(ts))}


def test_irrational_roots_use_the_formula():
    rule = make_rule(RULE, level=6, scenarios=("rectangle", "number"), irrational_prob=1.0)
    rows = rule.generate(12, seed=4)
    assert validate_rows(rows, rule).ok
    assert all("sqrt(" in r["answer"] and "quadratic formula" in r["completion"] for r in rows)


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=5)
    assert rule.generate(30, seed=5) == rule.generate(30, seed=5)
    a = [r["problem"] for r in (rule.item(1, i) for i in range(200))]
    b = [r["problem"] for r in (rule.item(2, i) for i in range(200))]
    # the level has ~1,300 distinct problems, so only chance overlap: no shared item positions
    assert sum(x == y for x, y in zip(a, b)) < 5 and len(set(a) & set(b)) < 80


def test_bad_knobs():
    with pytest.raises(ConfigError, match="scenarios"):
        make_rule(RULE, scenarios=("projectile",))
    with pytest.raises(ConfigError, match="max_leading"):
        make_rule(RULE, scenarios=("scaled_number",), max_leading=1)
    with pytest.raises(ConfigError, match="irrational_prob"):
        make_rule(RULE, irrational_prob=2)
    with pytest.raises(ConfigError, match="max_root"):
        make_rule(RULE, max_root=0)


def test_form_check_and_validation_reject_a_single_or_wrong_root():
    rule = make_rule(RULE, level=2)
    row = rule.item(0, 0)
    assert validate_row(row, rule) == []
    one = row["answer"].split(" or ")[0]
    bad = dict(row, answer=one, completion=row["completion"].rsplit("Answer:", 1)[0] + "Answer: " + one)
    errors = validate_row(bad, rule)
    assert any("two roots" in e for e in errors) and any("differ from SymPy" in e for e in errors)
