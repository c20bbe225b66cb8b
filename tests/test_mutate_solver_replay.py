"""The solver's recorded plans (issue 19 item 3): a program of a structure solved before replays the
recorded decisions of that solve for its new constants.  The replay must give exactly what the full search
gives (status, values, every step and its equation), fall back to the search when a new constant changes
a decision, and agree with SymPy."""

import random
from fractions import Fraction

import pytest

from hf_mathrules.expr.nodes import Mul, Num, Sym
from hf_mathrules.mutate import MutationEngine, gates, solver
from hf_mathrules.mutate.program import Program, Quantity, Relation, replace
from hf_mathrules.mutate.solver import _solve, solve


def replays() -> int:
    """Plans replayed by either key: a program whose shape an earlier test in this process recorded replays
    by shape and records no identity plan, so which key serves depends on what ran before (seen in CI)."""
    return solver.PLAN_STATS["replayed"] + solver.PLAN_STATS["replayed_by_shape"]


def same(a, b) -> bool:
    def steps(sol):
        return [(st.name, st.value, str(st.equation), st.how, [str(e) for e in st.block], st.together)
                for st in sol.steps]  # fmt: skip

    return (a.status, a.values, a.detail, steps(a)) == (b.status, b.values, b.detail, steps(b))


def chain_programs(family: str, level: int, n: int, seed: int = 3) -> list[Program]:
    eng = MutationEngine(level=level, family=family, second_opinion="none")
    out = []
    for i in range(n):
        it = eng.item(seed, i)
        out.extend(state for _, state in it.log.chain)
        out.extend(p for p in (it.start, it.final) if p is not None)
    return out


def redrawn(p: Program, rng: random.Random, k: int) -> list[Program]:
    """``k`` copies of ``p`` with one given redrawn from its range (the projection's move): same structure,
    new constants."""
    givens = [x for x in p.quantities if x.value is not None and x.lo is not None and x.hi is not None]
    out = []
    for _ in range(k if givens else 0):
        x = rng.choice(givens)
        n = int((x.hi - x.lo) / x.step)
        out.append(p.with_quantity(replace(x, value=x.lo + x.step * rng.randint(0, n))))
    return out


@pytest.mark.parametrize(
    "family,level", [("word", 1), ("word", 3), ("word", 5), ("linear", 3), ("system", 4)]
)
def test_replayed_solutions_equal_the_full_search(family, level):
    rng = random.Random(level)
    before = replays()
    programs = chain_programs(family, level, 12)
    checked = 0
    for p in programs:
        for q in [p, *redrawn(p, rng, 4)]:
            for drop in ((), q.query):
                got = solve(q, drop=drop)
                key = tuple(n for n in drop if q.q(n).value is not None)
                assert same(got, _solve(q, key)), (q.problem_string(), drop)
                checked += 1
    assert checked > 50
    if family == "word":  # the plans were used, not only recorded (symbolic programs rarely share one)
        assert replays() > before


def test_replayed_answers_agree_with_sympy():
    rng = random.Random(7)
    before = replays()
    agreed = 0
    for p in chain_programs("word", 3, 10, seed=11):
        for q in redrawn(p, rng, 2):
            sol = solve(q, drop=q.query)
            if sol.status != "ok" or gates.exact(q, sol) is not None:
                continue
            assert gates._sympy_opinion(q, {n: sol.values[n] for n in q.query}) is None, q.problem_string()
            agreed += 1
    assert agreed >= 20
    assert replays() > before


def _scaled(k: int) -> Program:
    """``k * x = 6``: with k = 0 the recorded step (solve for x) no longer holds."""
    return Program(
        "t", "linear",
        (Quantity("k", "number", value=Fraction(k)), Quantity("x", "number")),
        (Relation("equation", Mul((Sym("k"), Sym("x"))), Num(6)),),
        ("x",),
    )  # fmt: skip


def test_a_changed_decision_falls_back_to_the_search():
    p = _scaled(2)
    assert solve(p).values["x"] == 3
    before = dict(solver.PLAN_STATS)
    q = p.with_quantity(replace(p.q("k"), value=4))  # same structure, another constant: replayed
    assert solve(q).values["x"] == Fraction(3, 2)
    assert solver.PLAN_STATS["replayed"] == before["replayed"] + 1
    z = p.with_quantity(replace(p.q("k"), value=0))  # 0 * x = 6: the recorded solve does not apply
    got = solve(z)
    assert got.status == "inconsistent" and same(got, _solve(z, ()))
    assert solver.PLAN_STATS["fallback"] == before["fallback"] + 1


@pytest.mark.parametrize("family,level", [("word", 3), ("word", 5), ("linear", 4), ("system", 3)])
def test_one_unknown_expansion_equals_the_general_one(family, level, monkeypatch):
    """``_urational`` (coefficient lists, one unknown) gives the solve that ``rational`` gives."""
    rng = random.Random(level)
    programs = [q for p in chain_programs(family, level, 8, seed=5) for q in [p, *redrawn(p, rng, 2)]]
    fast = [_solve(p, ()) for p in programs]
    monkeypatch.setattr(solver, "UNIVARIATE", False)
    slow = [_solve(p, ()) for p in programs]
    assert len(programs) > 30
    assert all(same(a, b) for a, b in zip(fast, slow))
    # and on equations with a quantity in a denominator, a square, a vanishing coefficient
    for k in (-3, 0, 2):
        x, y = Sym("x"), Sym("y")
        for eq_lhs, eq_rhs in ((Mul((Sym("k"), x)) + 1, Num(7)), (Num(12) / (x + Sym("k")), Num(3)),
                               (x * x - Sym("k") * x, Num(4)), (x * Sym("k") - Num(2) * x, y)):  # fmt: skip
            p = Program(
                "t", "linear",
                (Quantity("k", "number", value=Fraction(k)), Quantity("y", "number", value=Fraction(5)),
                 Quantity("x", "number")),
                (Relation("equation", eq_lhs, eq_rhs),), ("x",),
            )  # fmt: skip
            monkeypatch.setattr(solver, "UNIVARIATE", True)
            a = _solve(p, ())
            monkeypatch.setattr(solver, "UNIVARIATE", False)
            assert same(a, _solve(p, ())), (k, str(eq_lhs), str(eq_rhs))
