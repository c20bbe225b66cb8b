"""factorization: SymPy-valid rows at every level, determinism, knob errors, the factored-form check."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.validate import parse_trusted, validate_row, validate_rows

RULE = "factorization"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(250, seed=level)
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    methods = {json.loads(r["meta"])["method"] for r in rows}
    assert methods == ({"common_factor", "grouping"} if level >= 4 else {"common_factor"})
    for row in rows[:20]:
        assert parse_trusted(row["problem"]) == parse_trusted(row["steps"][-1]).expand()
        assert "*" not in row["prompt"] and "**" not in row["prompt"]  # textbook syntax: 3x^2y


def test_textbook_example_shape():
    rule = make_rule(RULE, level=2, grouping=0.0)
    row = next(r for r in rule.generate(200, seed=0) if "Every term contains" in r["completion"])
    assert row["completion"].splitlines()[-2].startswith("= ")
    assert row["answer"] == row["steps"][-1] and "(" in row["answer"]


def test_grouping_shows_both_pairs_factored():
    rule = make_rule(RULE, level=5, grouping=1.0)
    for row in rule.generate(30, seed=3):
        first, last = row["steps"][-2], row["steps"][-1]
        assert last.startswith("(") and ")*(" in last  # (a + b)*(x + y)
        inner = last.split(")*(")[1].rstrip(")")
        assert first.count(f"({inner})") == 2


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=3)
    assert rule.generate(40, seed=5) == rule.generate(40, seed=5)
    a = {r["problem"] for r in rule.generate(300, seed=1)}
    b = {r["problem"] for r in rule.generate(300, seed=2)}
    assert len(a & b) < 5


def test_bad_knobs():
    with pytest.raises(ConfigError, match="n_terms"):
        make_rule(RULE, n_terms=1)
    with pytest.raises(ConfigError, match="grouping"):
        make_rule(RULE, grouping=1.5)
    with pytest.raises(ConfigError, match="max_gcf"):
        make_rule(RULE, max_gcf=1, var_factor=False)
    with pytest.raises(ConfigError, match="n_vars"):
        make_rule(RULE, n_vars=30)
    with pytest.raises(ConfigError, match="n_terms"):
        make_rule(RULE, n_terms=8, n_vars=1, max_power=1)


def test_form_check_rejects_unfactored_and_partly_factored_answers():
    rule = make_rule(RULE, level=3, grouping=0.0)
    row = rule.item(0, 5)
    assert row["problem"] == "90*f**3*r**3 + 70*f**2*r**2*v - 60*f**2"
    assert row["answer"] == "10*f**2*(9*f*r**3 + 7*r**2*v - 6)"
    assert validate_row(row, rule) == []
    bad = dict(row, answer=row["problem"], completion=f"Answer: {row['problem']}")
    assert any("not a product" in e for e in validate_row(bad, rule))
    for partial, why in (
        ("5*f**2*(18*f*r**3 + 14*r**2*v - 12)", "common factor 2"),
        ("10*f*(9*f**2*r**3 + 7*f*r**2*v - 6*f)", "common variable"),
    ):
        errors = validate_row(dict(row, answer=partial, completion=f"Answer: {partial}"), rule)
        assert any(why in e for e in errors), errors
        assert not any("not equivalent" in e for e in errors)  # same value, wrong form only


def test_power_lines_give_the_common_variable_factor():
    """One "Powers of v: ...; least e; left ..." line per variable of the terms: the powers are those of
    each term of the problem, the least of them are exactly the variable part of the common factor, and
    what is left are the powers of each term divided by it."""
    import sympy

    from hf_mathrules.rules.terms import split_top_level

    checked = 0
    for level in (1, 2, 3, 6):
        for row in make_rule(RULE, level=level, grouping=0.0).generate(120, seed=11):
            terms = [parse_trusted(t) for t in split_top_level(row["problem"])]  # in the written order
            power_lines = [ln for ln in row["completion"].splitlines() if ln.startswith("Powers of ")]
            names = sorted(str(s) for s in parse_trusted(row["problem"]).free_symbols)
            assert [ln.split(":")[0][len("Powers of ") :] for ln in power_lines] == names
            least, kept = {}, {}
            for ln in power_lines:
                name, rest = ln[len("Powers of ") :].split(": ")
                powers, _, rest = rest.rstrip(".").partition("; least ")
                low, _, left = rest.partition("; left ")
                sym = sympy.Symbol(name)
                assert [int(p) for p in powers.split(", ")] == [sympy.degree(t, sym) for t in terms]
                least[sym] = int(low)
                assert least[sym] == min(int(p) for p in powers.split(", "))
                kept[sym] = [int(x) for x in left.split(", ")]
            common = sympy.Mul(*[s**e for s, e in least.items()])
            assert common == sympy.gcd_list(list(terms)).as_coeff_Mul()[1]  # the terms' own common factor
            for i, t in enumerate(terms):  # "left": each term's powers once the common factor is out
                assert [sympy.degree(sympy.cancel(t / common), s) for s in kept] == [
                    v[i] for v in kept.values()
                ]
            assert ("Every term contains" in row["completion"]) == (common != 1)
            checked += 1
    assert checked == 480


def test_power_lines_are_a_knob():
    rows = make_rule(RULE, level=2, list_powers=False).generate(50, seed=2)
    assert not any("Powers of" in r["completion"] for r in rows)
    with_lines = make_rule(RULE, level=2).generate(50, seed=2)
    assert [r["problem"] for r in rows] == [r["problem"] for r in with_lines]  # same problems, more lines
    assert all("Powers of" in r["completion"] for r in with_lines)
    with pytest.raises(ConfigError, match="list_powers"):
        make_rule(RULE, level=2, list_powers="yes")
