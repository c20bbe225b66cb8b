"""word_fruit_baskets: SymPy-valid rows, variables defined first, varied templates, knobs, form check."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.rules.templates.fruit import BASKETS, INTROS, QUESTIONS
from hf_mathrules.validate import validate_row, validate_rows

RULE = "word_fruit_baskets"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(150 if level < 6 else 80, seed=level)
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    n = rule.k["n_fruits"]
    for row in rows[:30]:
        meta = json.loads(row["meta"])
        first = row["completion"].splitlines()[0]
        assert first.startswith("Let ") and all(
            f"{v} be the price of one {f}" in first for v, f in zip(meta["variables"], meta["fruits"])
        )
        assert len(row["problem"].split("; ")) == n and "dollar" in row["prompt"]
        assert all(int(p.split(" = ")[1]) > 0 for p in row["answer"].split(", "))


def test_templates_are_varied():
    assert min(len(INTROS), len(BASKETS), len(QUESTIONS)) >= 6
    rule = make_rule(RULE, level=3)
    used = [json.loads(r["meta"])["template"] for r in rule.generate(300, seed=0)]
    for part, pool in enumerate((INTROS, BASKETS, QUESTIONS)):
        assert {u[part] for u in used} == set(range(len(pool)))


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=4)
    assert rule.generate(30, seed=5) == rule.generate(30, seed=5)
    a = {r["problem"] for r in rule.generate(200, seed=1)}
    b = {r["problem"] for r in rule.generate(200, seed=2)}
    assert len(a & b) < 5


def test_bad_knobs():
    with pytest.raises(ConfigError, match="n_fruits"):
        make_rule(RULE, n_fruits=40)
    with pytest.raises(ConfigError, match="max_count=1"):
        make_rule(RULE, max_count=1, zero_counts=False)
    with pytest.raises(ConfigError, match="zero_counts"):
        make_rule(RULE, zero_counts=2)


def test_form_check_rejects_undefined_variable_names():
    rule = make_rule(RULE, level=2)
    row = rule.item(0, 0)
    assert validate_row(row, rule) == []
    vals = [p.split(" = ")[1] for p in row["answer"].split(", ")]
    wrong = ", ".join(f"{v} = {x}" for v, x in zip(("u", "v"), vals))
    bad = dict(row, answer=wrong, completion=row["completion"].rsplit("Answer:", 1)[0] + "Answer: " + wrong)
    assert any("defined variables" in e for e in validate_row(bad, rule))
