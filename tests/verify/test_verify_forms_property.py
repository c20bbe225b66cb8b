"""Form checks are complete on every path: for every rule and level, the rule's problem offered as the
answer is never accepted under the rule's target form (unless the rule itself says the problem is already
in that form), and the gold answer always is -- through ``verify`` and through ``math_reward``."""

from __future__ import annotations

import pytest

from hf_mathrules.rewards import math_reward
from hf_mathrules.rules import make_rule, rule_names
from hf_mathrules.validate import parse_statement
from hf_mathrules.verify import verify, verify_batch

LEVELS = range(1, 7)
N_ROWS = 25


def _rows(name: str, level: int) -> list[dict]:
    return make_rule(name, level=level).generate(N_ROWS, seed=5, split="train")


def _problem_in_form(rule, row) -> bool:
    """The rule's own (validation-time) verdict on the problem as an answer."""
    if row["problem"] == row["answer"]:
        return True
    try:
        copied = {**row, "answer": row["problem"]}
        stmt = parse_statement(row["problem"])
        return rule.check_form(copied, stmt, stmt) is None and rule.target_form not in ("solved", "roots")
    except Exception:
        return False


@pytest.mark.parametrize("name", rule_names())
def test_copied_problem_never_accepted_and_gold_always(name):
    for level in LEVELS:
        rule = make_rule(name, level=level)
        rows = _rows(name, level)
        form = rule.target_form
        gold_pairs = [{"gold": r["answer"], "pred": r["answer"], "form": form} for r in rows]
        for row, v in zip(rows, verify_batch(gold_pairs, timeout=10)):
            assert v.equivalent is True, (name, level, row["answer"], v)
        copies = [r for r in rows if not _problem_in_form(rule, r)]
        pairs = [{"gold": r["answer"], "pred": r["problem"], "form": form} for r in copies]
        for row, v in zip(copies, verify_batch(pairs, timeout=10)):
            assert v.equivalent is not True, (name, level, row["problem"], row["answer"], v)


@pytest.mark.parametrize("name", rule_names())
def test_math_reward_with_rule_column(name):
    rows = [r for level in (1, 2, 4) for r in _rows(name, level)[:8]]
    rule = make_rule(name, level=2)
    gold_rewards = math_reward(
        completions=[f"Answer: {r['answer']}" for r in rows],
        answer=[r["answer"] for r in rows],
        rule=[r["rule"] for r in rows],
    )
    assert gold_rewards == [1.0] * len(rows)
    copies = [r for r in rows if not _problem_in_form(rule, r)]
    copied_rewards = math_reward(
        completions=[f"Answer: {r['problem']}" for r in copies],
        answer=[r["answer"] for r in copies],
        rule=[r["rule"] for r in copies],
    )
    assert copied_rewards == [0.0] * len(copies)


@pytest.mark.parametrize(
    "gold,pred,form,ok",
    [
        ("4(y - 2)", "4y - 8", "factored", False),
        ("4(y - 2)", "2(2y - 4)", "factored", False),
        ("4(y - 2)", "-4(2 - y)", "factored", True),
        ("8*a**2*s*(2*s**2 - s - 3)", "8a^2 s(2s^2 - s - 3)", "factored", True),
        ("8*a**2*s*(2*s**2 - s - 3)", "8a^2 s(2s - 3)(s + 1)", "factored", True),
        ("(x - 1)(x + 1)", "x^2 - 1", "factored", False),
        ("3x(x + 2)", "x(3x + 6)", "factored", False),
        ("(x + 1)/2", "(x + 1)/2", "factored", True),
        ("6x + 15", "3(2x + 5)", "expanded", False),
        ("x = 3", "2x = 6", "solved", False),
        ("x/2", "2x/4", "simplified", False),
    ],
)
def test_form_probes(gold, pred, form, ok):
    v = verify(gold, pred, form=form)
    assert v.equivalent is ok, v
    if not ok:
        assert v.reason == "wrong_form", v


def test_same_form_verdict_on_fast_path_and_worker():
    """A factor SymPy must handle (sqrt) sends the pair to the worker; the form verdict is the same."""
    fast = verify("4(y - 2)", "4y - 8", form="factored")
    slow = verify("4(y - sqrt(2))", "4y - 4sqrt(2)", form="factored")
    assert fast.path == "fast" and slow.path == "worker"
    assert fast.reason == "wrong_form"
    assert slow.equivalent is not True
