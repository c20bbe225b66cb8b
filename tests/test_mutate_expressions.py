"""Mutation of the symbolic families (``hf_mathrules.mutate.expressions``): quadratic equations and the
expression rules' problems, on rows the engine makes at every level."""

import json

import pytest
import sympy

from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.expressions import OPERATOR_NAMES, sympy_check
from hf_mathrules.rules.base import ConfigError
from hf_mathrules.rules.statements import parse_statement
from hf_mathrules.verify import verify_steps


def _rows(family, level, n=15):
    return MutationEngine(level=level, family=family).generate(n, seed=0)


@pytest.fixture(scope="module")
def rows():
    return {(f, lv): _rows(f, lv) for f in ("quadratic", "expression") for lv in (1, 3, 6)}


def test_quadratic_rows_have_exactly_the_stated_roots(rows):
    """SymPy solving the stored problem finds exactly the roots the answer states, and the rule steps
    before the roots line keep the solution set (``verify_steps``)."""
    shapes = set()
    for lv in (1, 3, 6):
        for r in rows[("quadratic", lv)]:
            eq = parse_statement(r["problem"]).expr
            var = r["answer"].split("=")[0].strip()
            roots = {sympy.Rational(p.split("=")[1]) for p in r["answer"].split(" or ")}
            assert set(sympy.solve(eq, sympy.Symbol(var))) == roots, r["problem"]
            assert r["steps"][-1] == r["answer"]
            assert verify_steps(r["problem"], r["steps"][:-1]).first_bad is None, r["steps"]
            shapes.add(json.loads(r["meta"])["signature"])
            assert len(json.loads(r["meta"])["operators"]) == lv
    assert len(shapes) >= 6  # layouts, substitutions, double roots, scaled leading coefficients


def test_expression_rows_are_right_and_their_steps_equivalent(rows):
    """Each row: SymPy agrees the answer equals the problem (multiplied out for expansion and like
    terms; a factorization with nothing common left inside), and every step is equivalent to the one
    before.  All three tasks occur, and the structures differ from the seeds'."""
    tasks, novel = set(), 0
    for lv in (1, 3, 6):
        for r in rows[("expression", lv)]:
            meta = json.loads(r["meta"])
            tasks.add(meta["task"])
            p, a = parse_statement(r["problem"]).expr, parse_statement(r["answer"]).expr
            assert sympy.expand(p - a) == 0
            assert verify_steps(r["problem"], r["steps"]).first_bad is None, (r["problem"], r["steps"])
            novel += meta["signature"] != meta["seed_signature"]
    assert tasks == {"expand", "factor", "simplify"}
    assert novel >= 0.8 * sum(len(rows[("expression", lv)]) for lv in (1, 3, 6))


def test_sympy_gate_catches_wrong_rows():
    assert sympy_check("x**2 - 5*x + 6 = 0", "x = 2 or x = 4", "quadratic")
    assert sympy_check("x**2 - 5*x + 6 = 0", "x = 2 or x = 3", "quadratic") is None
    assert sympy_check("2*x*(x + 3)", "2*x**2 + 6*x + 1", "expand")
    assert sympy_check("6*x**2 + 12*x", "3*x*(2*x + 4)", "factor", common="3*x")  # 2 left inside
    assert sympy_check("6*x**2 + 12*x", "6*x*(x + 2)", "factor", common="6*x") is None


def test_expression_families_are_builder_configs_and_validate_operators():
    from hf_mathrules.data.config import mutated_names
    from hf_mathrules.mutate.rows import split_rows

    assert {"mutated_quadratic", "mutated_expression"} <= set(mutated_names())
    got = list(split_rows("mutated_expression", "train", 6, levels=(2,)))
    assert len(got) == 6 and all(r["rule"] == "mutated_expression" for r in got)
    MutationEngine(family="quadratic", operators=("scale",)).generate(3)
    with pytest.raises(ConfigError, match="unknown operator"):
        MutationEngine(family="expression", operators=("perturb",))
    assert set(OPERATOR_NAMES["quadratic"]) == {
        "shift_roots", "scale", "double_root", "substitute", "move_terms", "factored_side"
    }  # fmt: skip
