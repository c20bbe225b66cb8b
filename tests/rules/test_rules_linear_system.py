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


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_small_steps_do_one_operation_a_line(level):
    """Each stage of the stepwise simplification holds at the solution (validate_rows checks every machine
    step), the collected line puts only variables left and only numbers right, and the combined line is
    the smaller system (or that system times the factor divided out on the next line)."""
    rule = make_rule(RULE, level=level)
    rows = rule.generate(120, seed=40 + level)
    assert validate_rows(rows, rule).ok
    for row in rows:
        lines = row["completion"].splitlines()
        sub = json.loads(row["meta"])["subproblems"][0].splitlines()[1:]
        n_eqs = len(sub)
        k = lines.index("Variables left, numbers right:")
        for ln in lines[k + 1 : k + 1 + n_eqs]:
            left, right = ln.split(" = ")
            assert any(ch.isalpha() for ch in left) and not any(ch.isalpha() for ch in right), ln
        k = lines.index("Combine like terms:")
        combined = lines[k + 1 : k + 1 + n_eqs]
        divided = {ln.split(": ")[0]: ln.split(": ")[1] for ln in lines if ln.startswith("Divide equation")}
        for n, (got, want) in enumerate(zip(combined, sub), 1):
            by = [head.rsplit(" ", 1)[1] for head in divided if head.startswith(f"Divide equation {n} by ")]
            assert got == want.strip() or (divided[f"Divide equation {n} by {by[0]}"] == want.strip()), row
        isolated_from = lines[1].split(" = ")[0]  # the isolation's equation, left side
        if any(ch.isalpha() for ch in isolated_from.lstrip("-").lstrip("0123456789")[1:]):
            assert lines[2] == "Move the other terms to the right:"  # moved on a line of their own
        back = next(ln for ln in lines if ln.startswith("Back-substitute"))
        chain = back.split(": ", 1)[1].split(" = ")[1:]  # the numbers put in, ..., the value
        assert not any("*" in c for c in chain[1:]), back  # products taken before anything else
        if chain[0].count(" ") >= 2 and "*" in chain[0]:  # a sum with products: products, sum, value
            assert len(chain) >= 3, back


def test_small_steps_are_a_knob():
    off = make_rule(RULE, level=2, small_steps=False).generate(60, seed=5)
    on = make_rule(RULE, level=2).generate(60, seed=5)
    assert [r["problem"] for r in off] == [r["problem"] for r in on]  # the same systems
    assert [r["answer"] for r in off] == [r["answer"] for r in on]
    assert not any("Expand:" in r["completion"] for r in off)
    assert all("Expand:" in r["completion"] for r in on)
    # the rules paper's one-line isolation comes back with the knob off
    assert all(r["completion"].splitlines()[0].count(" = ") == 1 for r in off)
    with pytest.raises(ConfigError, match="small_steps"):
        make_rule(RULE, level=2, small_steps="yes")


def test_small_steps_inline_solutions_validate():
    rule = make_rule(RULE, level=4, inline=True)
    rows = rule.generate(60, seed=9)
    assert validate_rows(rows, rule).ok
    assert all("  | Expand:" in r["completion"] for r in rows)


def test_depth_rows_are_the_smaller_systems_recursive_calls_are_asked():
    """``depth=d`` rows: the d-th smaller system of the system item i draws (the prompt a recursive call gets),
    solved as a top-level row; one unknown is divided through."""
    top = make_rule(RULE, level=3).generate(40, seed=8)
    for depth in (1, 2):
        rule = make_rule(RULE, level=3, depth=depth)
        rows = rule.generate(40, seed=8)
        assert validate_rows(rows, rule).ok
        for t, r in zip(top, rows):
            meta = json.loads(t["meta"])
            assert r["prompt"].strip() == meta["subproblems"][depth - 1].strip()
            assert r["answer"] == meta["subanswers"][depth - 1]
    one = make_rule(RULE, level=1, depth=1).generate(20, seed=1)
    assert all(
        r["completion"].startswith(("Divide both sides by", "The equation already gives")) for r in one
    )
    with pytest.raises(ConfigError, match="depth"):
        make_rule(RULE, level=1, depth=2)


def test_pairwise_sums_add_two_numbers_a_hop():
    """``pairwise_sums``: the back-substitution adds its numbers two at a time, on the same systems; the rows
    validate, the step checker passes them and flags a wrong partial sum; off, a row's meta does not name
    the knob (rows made before it stay byte-identical: tests/rules/test_row_digests.py)."""
    from hf_mathrules.rules import get_rule
    from hf_mathrules.verify.steps import check_completion

    for level in (3, 5):
        on_rule = make_rule(RULE, level=level, pairwise_sums=True)
        on, off = on_rule.generate(60, seed=11), make_rule(RULE, level=level).generate(60, seed=11)
        assert validate_rows(on, on_rule).ok
        assert [r["answer"] for r in on] == [r["answer"] for r in off]
        assert json.loads(on[0]["meta"])["pairwise_sums"] is True
        assert "pairwise_sums" not in json.loads(off[0]["meta"])

        def jumps(back: str) -> list[int]:  # numbers fewer at each hop after the products are taken
            hops = [h for h in back.split(": ", 1)[1].split(" = ")[1:] if "*" not in h]
            terms = [len(h.replace(" - ", " + ").split(" + ")) for h in hops]
            return [a - b for a, b in zip(terms, terms[1:])]

        longer = two_at_once = 0
        for r_on, r_off in zip(on, off):
            b_on = next(ln for ln in r_on["completion"].splitlines() if ln.startswith("Back-substitute"))
            b_off = next(ln for ln in r_off["completion"].splitlines() if ln.startswith("Back-substitute"))
            assert max(jumps(b_on), default=0) <= 1, b_on  # never two additions in one hop
            two_at_once += max(jumps(b_off), default=0) >= 2
            longer += b_on != b_off
            assert b_on.split(" = ")[-1] == b_off.split(" = ")[-1]
        assert longer == two_at_once >= 10  # the rows with three or more numbers to add, and only those
    row = next(r for r in on if r["completion"].count(" = ") > 2 and "+" in r["completion"])
    lines = row["completion"].splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith("Back-substitute") and ln.count(" = ") >= 5)
    hops = lines[k].split(" = ")
    hops[-2] = hops[-2] + " + 1"  # a wrong partial sum
    lines[k] = " = ".join(hops)
    checked = check_completion(
        get_rule(RULE), row["problem"], row["completion"], row["prompt"], row["answer"]
    )
    assert checked.correct
    bad = check_completion(get_rule(RULE), row["problem"], "\n".join(lines), row["prompt"], row["answer"])
    assert not bad.correct
    with pytest.raises(ConfigError, match="pairwise_sums"):
        make_rule(RULE, level=3, pairwise_sums="yes")
    with pytest.raises(ConfigError, match="pairwise_sums=true needs small_steps=true"):
        make_rule(RULE, level=3, pairwise_sums=True, small_steps=False)
