"""linear_system: SymPy-valid rows, the recursion interface (sub-prompts are prompts of the rule), knobs."""

import json

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.rules.linear_system import SUBANSWER_PREFIX, LinearSystem
from hf_mathrules.validate import parse_statement, validate_row, validate_rows
from hf_mathrules.vocab import from_list

RULE = "linear_system"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(150, seed=level)
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    if rule.k["unit_pivots"]:  # isolation never divides
        assert all(
            "/" not in ln for r in rows for ln in r["completion"].splitlines() if ln.startswith("Isolate")
        )


def test_inline_solutions_validate_and_keep_the_subproblem_block():
    rule = make_rule(RULE, level=5, inline=True)
    rows = rule.generate(60, seed=3)
    assert validate_rows(rows, rule).ok
    for row in rows[:10]:
        meta = json.loads(row["meta"])
        assert "  | Isolate" in row["completion"]
        assert LinearSystem.extract_subproblem(row["completion"]) == meta["subproblems"][0]


def test_subproblems_are_prompts_of_the_rule():
    rule = make_rule(RULE, level=5)
    for row in rule.generate(40, seed=11):
        meta = json.loads(row["meta"])
        names, eqs = LinearSystem.split_prompt(row["prompt"])
        assert names == meta["variables"] and len(eqs) == 4
        subs, answers = meta["subproblems"], meta["subanswers"]
        assert len(subs) == 3 == len(answers)
        # the completion's sub-problem block is the first sub-prompt, and its sub-answer line follows
        assert LinearSystem.extract_subproblem(row["completion"]) == subs[0]
        assert SUBANSWER_PREFIX + answers[0] in row["completion"].splitlines()
        full = parse_statement(row["answer"]).assign
        for sub, ans in zip(subs, answers):
            sub_names, sub_eqs = LinearSystem.split_prompt(sub)
            assert len(sub_names) == len(sub_eqs) and set(sub_names) < set(names)
            sub_assign = parse_statement(ans).assign
            assert sub_assign and all(full[k] == v for k, v in sub_assign.items())  # agrees with the answer


def test_extract_subproblem_from_a_partial_completion():
    row = make_rule(RULE, level=3).item(0, 4)
    prefix = row["completion"].split(SUBANSWER_PREFIX)[0]
    assert LinearSystem.extract_subproblem(prefix) == json.loads(row["meta"])["subproblems"][0]
    assert LinearSystem.extract_subproblem("no block here") is None
    with pytest.raises(ValueError, match="not a linear_system prompt"):
        LinearSystem.split_prompt("Expand and simplify:\nx(y + z)")


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=4)
    assert rule.generate(30, seed=5) == rule.generate(30, seed=5)
    a = {r["problem"] for r in rule.generate(200, seed=1)}
    b = {r["problem"] for r in rule.generate(200, seed=2)}
    assert len(a & b) < 5


def test_bad_knobs():
    with pytest.raises(ConfigError, match="n_unknowns"):
        make_rule(RULE, n_unknowns=7)
    with pytest.raises(ConfigError, match="inline"):
        make_rule(RULE, inline="yes")
    with pytest.raises(ConfigError, match="unit_pivots"):
        make_rule(RULE, n_unknowns=5, unit_pivots=True)
    with pytest.raises(ConfigError, match="n_unknowns=3"):
        make_rule(RULE, level=3, vocab=from_list(["a", "b"]))


def test_form_check_rejects_wrong_order_or_unsolved_answer():
    rule = make_rule(RULE, level=3)
    row = rule.item(0, 2)
    assert validate_row(row, rule) == []
    parts = row["answer"].split(", ")
    swapped = ", ".join(reversed(parts))
    errors = validate_row(
        dict(
            row, answer=swapped, completion=row["completion"].rsplit("Answer:", 1)[0] + "Answer: " + swapped
        ),
        rule,
    )
    assert any("prompt's order" in e for e in errors)
