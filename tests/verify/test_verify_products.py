"""Letters written together after a number: a product of variables (``210gsuy^2``) or a unit (``6 km^2``).

A bare word after a number is a unit only when it is a known unit word (or written as text) and nothing
shows its letters are variables: the reference's names, other variables of the answer, or the other
side.  Any other short run of lowercase letters is a product, so ``210abcd`` is never ``210``.  The
expression rules' own derivation chains, written with juxtaposed products, must pass ``verify_steps``
at every level.
"""

from __future__ import annotations

import pytest

from hf_mathrules.evaluation.scoring import answer_line, step_lines
from hf_mathrules.rules import get_rule, make_rule
from hf_mathrules.verify import Limits, verify, verify_steps
from hf_mathrules.verify.parser import parse

LIM = Limits()


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        ("210abcd", "210"),
        ("210", "210abcd"),
        ("210", "210gsuy^2"),
        ("5", "5xyz"),
        ("12", "12abcde"),  # a longer run glued to its number is no annotation either
        ("3k^2 + 6", "3k^2 + 6km^2"),  # beside other variables, km is k*m
        ("3k^2 + 6km^2", "3k^2 + 6"),
        ("16dm + 4dy", "4dy + 16"),  # d is a variable (dy): dm is d*m, not decimetres
    ],
)
def test_letter_runs_after_a_number_are_never_dropped(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is False, v
    assert verify(gold, pred, extract=False).equivalent is False


def test_a_spaced_run_is_a_product_too_once_extracted():
    # as a bare answer "210 abcd" is 210*abcd; inside a completion, a number followed by one word and no
    # notation at all reads as prose ("12 eggs"), so extraction keeps the number
    assert verify("210 abcd", "210", extract=False).equivalent is False
    assert verify("210", "210 abcd", extract=False).equivalent is False


def test_products_parse_as_products():
    assert parse("210gsuy^2", LIM) != ("num", "210")
    assert parse("210abcd", LIM) != ("num", "210")
    assert parse("8m^3 + 16dm + 4dy", LIM) == parse("8m^3 + 16(dm) + 4dy", LIM)


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        ("6km^2", "6"),  # alone after a number: a unit
        ("6 \\text{ km}^2", "6"),
        ("x = 5 cm", "x = 5"),  # the x of another operand does not make cm a product
        ("60 km/h", "60"),
        ("3 km/s", "3"),
        ("40 feet", "40"),
        ("12 apples", "12"),  # a longer word after a space: an annotation
        ("5 days", "5"),
        ("5 ohms", "5"),
        ("5 \\mathrm{~cm}", "5"),
    ],
)
def test_units_still_read_as_units(gold, pred):
    assert verify(gold, pred).equivalent is True
    assert verify(pred, gold).equivalent is True


@pytest.mark.parametrize(
    ("gold", "pred", "same"),
    [
        ("6km^2", "6*k*m**2", True),  # the other side writes k and m as variables: km is k*m on both
        ("6*k*m**2", "6km^2", True),
        ("6km^2", "6k m^2", True),
        ("6km^2", "6*k*m**3", False),
        ("k + m + 6km^2", "6*k*m**2 + m + k", True),
        ("k + m + 6km^2", "k + m + 6", False),
        ("5nm", "5*n*m", True),
        ("5nm", "5", True),  # nothing says n and m are variables: nanometres
    ],
)
def test_same_reading_both_sides(gold, pred, same):
    assert verify(gold, pred).equivalent is same
    assert verify(pred, gold).equivalent is same


@pytest.mark.parametrize(
    ("gold", "pred", "same"),
    [
        ("dv^3 + d^3v + d + v", "d^3v + v + dv^3 + d", True),  # dv and d, v on both sides: dv is d*v
        ("(-27dv + 3d)(2v - d)", "-54dv^2 + 27d^2v + 6dv - 3d^2", True),
        ("(-27dv + 3d)(2v - d)", "-54dv^2 + 27d^2v + 6dv - 3d", False),
        ("(49v^3 - 21uv - 7mv)(7v^2 - 8z)", "343v^5 - 392v^3z - 147uv^3 + 168uvz - 49mv^3 + 56mvz", True),
        ("(49v^3 - 21uv - 7mv)(7v^2 - 8z)", "343v^5 - 392v^3z - 147uv^3 + 168uvz - 49mv^3 + 56mvz^2", False),
        # a Greek-named run (mu, nu) whose letters are variables of the answer is a product too
        ("9t(-5m^2 - u^2 - 4hm + 7mu)", "-45m^2t - 9tu^2 - 36hmt + 63mtu", True),
        ("9t(-5m^2 - u^2 - 4hm + 7mu)", "-45m^2t - 9tu^2 - 36hmt + 64mtu", False),
        ("-140nu^2z + 14nux", "14nux - 140nu^2z", True),
        ("(-140nu^2z)(9t)", "-1260ntu^2z", True),
        ("(-140nu^2z)(9t)", "-1260ntuz", False),
        ("-210gsuy^2 + 3g + 2s + u + y", "3g + 2s + u + y - 210gsuy^2", True),
        ("-210gsuy^2 + 3g + 2s + u + y", "3g + 2s + u + y - 210", False),
    ],
)
def test_juxtaposed_products_on_both_sides(gold, pred, same):
    assert verify(gold, pred, extract=False).equivalent is same
    assert verify(pred, gold, extract=False).equivalent is same


CHAIN_RULES = ("distributivity", "factorization", "simplification", "commutativity")


@pytest.mark.parametrize("name", CHAIN_RULES)
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_reference_chains_pass_verify_steps(name, level):
    """Every step of the rule's own chain follows from the one before, and the Answer: line matches."""
    form = get_rule(name).target_form
    rows = make_rule(name, level=level).generate(30, seed=2, split="test")
    for row in rows:
        steps = step_lines(row["completion"])
        if steps:
            res = verify_steps(row["problem"], steps)
            assert res.first_bad is None, (row["problem"], steps, res.verdicts[-1])
        v = verify(row["answer"], answer_line(row["completion"]), form=form, extract=False)
        assert v.equivalent is True, (row["answer"], v)


@pytest.mark.parametrize("name", CHAIN_RULES)
def test_a_broken_step_of_a_reference_chain_is_caught(name):
    for level in (3, 5):
        for row in make_rule(name, level=level).generate(5, seed=2, split="test"):
            steps = step_lines(row["completion"])
            if not steps:
                continue
            broken = [*steps[:-1], steps[-1] + " + 1"]
            assert verify_steps(row["problem"], broken).first_bad == len(steps) - 1, steps
