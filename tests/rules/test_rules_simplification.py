"""simplification: SymPy-valid rows at every level, each method used, determinism, knob errors, form check."""

import json
import re

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.validate import parse_trusted, validate_row, validate_rows

RULE = "simplification"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(250, seed=level)
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    methods = {json.loads(r["meta"])["method"] for r in rows}
    expected = {"like_terms"} | ({"monomial_fraction"} if level >= 3 else set())
    expected |= {"binomial_fraction"} if level >= 4 else set()
    assert methods == expected
    for row in rows[:20]:
        assert parse_trusted(row["problem"]).equals(parse_trusted(row["answer"]))


def test_products_are_expanded_first():
    rule = make_rule(RULE, level=4, fractions=0.0, products=1.0)
    rows = rule.generate(50, seed=0)
    with_product = [r for r in rows if "(" in r["problem"]]
    assert len(with_product) > 25  # the rest have no unlike neighbours with a common factor
    for row in with_product:
        assert row["completion"].startswith("Expand the product:") and "(" not in row["steps"][0]


def test_fraction_cancels_to_the_quotient():
    rule = make_rule(RULE, level=4, fractions=1.0)
    for row in rule.generate(40, seed=1):
        assert row["problem"].startswith("(") and "/" in row["problem"]
        assert row["completion"].splitlines()[0].startswith(("Factor out", "Factor the numerator"))


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=3)
    assert rule.generate(40, seed=5) == rule.generate(40, seed=5)
    a = {r["problem"] for r in rule.generate(300, seed=1)}
    b = {r["problem"] for r in rule.generate(300, seed=2)}
    assert len(a & b) < 5


def test_bad_knobs():
    with pytest.raises(ConfigError, match="n_groups"):
        make_rule(RULE, n_terms=4, n_groups=4)
    with pytest.raises(ConfigError, match="n_groups"):
        make_rule(RULE, n_terms=8, n_groups=5, n_vars=1, max_power=2)  # only x^2, x, 1
    with pytest.raises(ConfigError, match="fractions"):
        make_rule(RULE, fractions=-0.1)
    with pytest.raises(ConfigError, match="binomial_den"):
        make_rule(RULE, binomial_den=1)
    with pytest.raises(ConfigError, match="n_vars"):
        make_rule(RULE, n_vars=9)


def test_form_check_rejects_uncombined_and_uncancelled_answers():
    rule = make_rule(RULE, level=2)
    row = rule.item(0, 0)
    assert validate_row(row, rule) == []

    def errors(r, a):
        return validate_row(dict(r, answer=a, completion=f"Answer: {a}"), rule)

    assert any("like terms are left" in e for e in errors(row, row["problem"]))
    frac = make_rule(RULE, level=5, fractions=1.0).generate(20, seed=2)
    for r in frac:
        assert any("share the factor" in e for e in errors(r, r["problem"]))
    assert any("share the factor" in e for e in errors(frac[0], "(2*x**2 + 4*x)/(2*x)"))


def _group_sizes(line: str) -> list[int]:
    """How many coefficients each parenthesized group of a step line adds: (8 + 8 - 5)x -> 3."""
    return [len(re.findall(r"\d+", g)) for g in re.findall(r"\(([^()]*)\)", line)]


@pytest.mark.parametrize("level", [1, 2, 5])
def test_like_coefficients_are_added_two_at_a_time(level):
    """After "Add the coefficients of like terms:", each line adds one pair of coefficients in every group
    of three or more (its size drops by one), until every group has two; a group that sums to zero is
    written as 0x in one line before the result drops it."""
    folded = zeros = 0
    for row in make_rule(RULE, level=level, fractions=0.0, products=0.0).generate(200, seed=4):
        lines = row["completion"].splitlines()
        chain = lines[lines.index("Add the coefficients of like terms:") + 1 : -1]
        if re.search(r"(^= |[+-] )0([a-z]|$| )", chain[-2]):  # a vanishing group's line, then the result
            assert _group_sizes(chain[-2]) == [] and len(chain) >= 3
            zeros += 1
            chain = chain[:-2] + chain[-1:]
        sizes = [_group_sizes(ln) for ln in chain[:-1]]
        assert _group_sizes(chain[-1]) == []  # the result: no sums left
        assert max(sizes[-1], default=0) <= 2
        for before, after in zip(sizes, sizes[1:]):
            assert after == [s - 1 if s > 2 else s for s in before]
            folded += 1
    assert folded > 20 and zeros > 3  # the problems do have groups of three, and vanishing groups


def test_small_steps_are_a_knob():
    off = make_rule(RULE, level=2, small_steps=False).generate(80, seed=5)
    on = make_rule(RULE, level=2).generate(80, seed=5)
    assert [r["problem"] for r in off] == [r["problem"] for r in on]  # same problems
    for a, b in zip(off, on):
        tail = a["completion"].splitlines()
        assert len(tail[tail.index("Add the coefficients of like terms:") + 1 : -1]) == 2  # sums, result
        assert b["answer"] == a["answer"]
    assert sum(len(b["steps"]) > len(a["steps"]) for a, b in zip(off, on)) > 10
    with pytest.raises(ConfigError, match="small_steps"):
        make_rule(RULE, level=2, small_steps=1)
