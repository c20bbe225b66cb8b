"""Issue 19 item 3, round 12: four shortcuts, each checked against the plain work on what the engine itself
solves, screens and checks while it makes items 0..139 of levels 1, 3 and 5 at K = 16 (seed 1):

- ``solver.AFFINE_FOLLOW``: a replayed solve solves an equation the plan solved for ``u`` by a linear root,
  affine in ``u``, from its two sides evaluated at ``u = 0`` and ``u = 1`` (as the refuter does) instead
  of expanding it: every replay (status, values with their types, steps with their equations by identity)
  is the one with every equation expanded, and the one the plain search gives;
- ``solver.AFFINE_BLOCKS``: the refuter solves a plan's linear block affine in what it solves from
  evaluations and a division-free elimination instead of expanding it: on every draw the variants screened,
  the verdict and every value it derived are the ones with the block expanded;
- ``gates.states_answer`` (``unique``'s "the problem string states the answer") is the old loop on every
  problem string and on strings made to state the answer;
- ``operators._ratio_fits`` (``implicit``'s "ratio_with" choices, remembered per value, role and range) is
  the plain list;
- the rows at K = 1, 8 and 16 are the same with every round-12 shortcut off.

Each of these checks fails when its shortcut is wrong (tried: the affine root with its sign flipped, a block's
values in the wrong order, a part's right side read from the wrong place, a fit remembered without its
range). The rows are also compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base c91232b``; not here: a test cannot assume the repository's
history.
"""

import random
from fractions import Fraction

import pytest
from mutation_rows import level3_rows, make_items, recording_refuter, replay_both_ways, solution_key

from hf_mathrules.mutate import gates, operators, solver
from hf_mathrules.mutate.program import ROLES


@pytest.fixture(scope="module")
def seen():
    """What the engine solved (program, drop), the refuters it made (program, trace) with every draw each
    was asked about (a copy of ``known`` before the call, ``refuse``) and every problem string ``unique``
    read, for items 0..139 of levels 1, 3 and 5 at K = 16."""
    solved, refuters, problems, quantities = [], [], [], []
    plain_planned, plain_refuter, plain_unique = solver._planned, solver.refuter, gates.unique

    def planned(program, drop):
        solved.append((program, drop))
        return plain_planned(program, drop)

    refuter = recording_refuter(plain_refuter, refuters)

    def unique(p, linked=False):  # (``linked``: issue 19 round 15)
        problems.append((p.problem_string(), p.query))
        quantities.extend(p.quantities)
        return plain_unique(p, linked=linked)

    solver._planned, solver.refuter, gates.unique = planned, refuter, unique
    try:
        make_items(140)
    finally:
        solver._planned, solver.refuter, gates.unique = plain_planned, plain_refuter, plain_unique
    return {"solved": solved, "refuters": refuters, "problems": problems, "quantities": quantities}


_sol = solution_key


def test_a_replay_solves_affine_equations_as_the_expansion_does(seen, monkeypatch):
    affine = expanded = 0
    for program, drop in seen["solved"]:
        trace = solver.plan_of(program, drop)
        if trace is None:
            continue
        got, want = replay_both_ways(monkeypatch, "AFFINE_FOLLOW", program, drop, trace)
        assert _sol(got) == _sol(want)
        if want is not None:
            plain = solver._solve(program, drop)
            assert (plain.status, plain.values) == (got.status, got.values)
            assert [(s.name, s.value, s.how) for s in plain.steps] == [
                (s.name, s.value, s.how) for s in got.steps
            ]
        for ev in trace:
            if ev[0] == solver.SOLVED:
                eq = solver._setup(program, drop)[1][ev[1]]
                if solver._affine_how(eq, ev[2]) == ev[3]:
                    affine += 1
                else:
                    expanded += 1
    assert affine >= 2_000  # the shortcut is taken, and often
    assert len(seen["solved"]) >= 10_000


def test_affine_how_is_the_degree_and_the_definition(seen):
    for program, drop in seen["solved"][:3000]:
        eqs = solver._setup(program, drop)[1]
        for eq in eqs:
            for u in sorted(solver.free_names(eq.lhs) | solver.free_names(eq.rhs)):
                dl, dr = solver._udeg(eq.lhs, u), solver._udeg(eq.rhs, u)
                want = None
                if dl is not None and dr is not None and max(dl, dr) == 1:
                    want = "compute" if solver._is_definition(eq, u) else "solve"
                assert solver._affine_how(eq, u) == want


def test_the_refuter_solves_affine_blocks_as_the_expansion_does(seen, monkeypatch):
    blocks = draws = refused = 0
    for program, trace, asked in seen["refuters"]:
        monkeypatch.setattr(solver, "AFFINE_BLOCKS", True)
        fast = solver.refuter(program, trace)
        monkeypatch.setattr(solver, "AFFINE_BLOCKS", False)
        plain = solver.refuter(program, trace)
        has_block = any(ev[0] == solver.BLOCK and ev[3] is not None for ev in trace)
        blocks += has_block
        rng = random.Random(len(asked))
        tries = []
        for known, refuse in asked:
            tries.append((known, refuse))
            for _ in range(3 if has_block else 0):  # other numbers for what the draw stated, too
                tries.append(({k: rng.randint(1, 2 * int(v) + 5) for k, v in known.items()}, refuse))
        for known, refuse in tries:
            a, b = dict(known), dict(known)
            got, want = fast(a, refuse), plain(b, refuse)
            assert got == want
            assert {k: (v, type(v)) for k, v in a.items()} == {k: (v, type(v)) for k, v in b.items()}
            draws += has_block
            refused += has_block and got
    assert blocks >= 20 and draws >= 3_000 and refused >= 300


def test_an_affine_block_is_forced_and_refuses_what_it_cannot_solve():
    from hf_mathrules.expr.nodes import Add, Mul, Num, Sym

    x, y, a = Sym("x"), Sym("y"), Sym("a")
    # x + y = a, x - y = 2 (a known: 10) -> x = 6, y = 4; a third row consistent, then inconsistent
    rows = solver._affine_rows(
        [
            solver.Eq(Add((x, y)), a),
            solver.Eq(Add((x, Mul((Num(-1), y)))), Num(2)),
            solver.Eq(Mul((Num(2), x)), Num(12)),
        ],
        ("x", "y"),
    )
    known = {"a": 10}
    assert solver._affine_block(("x", "y"), rows, known) == [6, 4] and known == {"a": 10}
    known = {"a": 11}  # x = 13/2 from the first two, 6 from the third: no solution
    assert solver._affine_block(("x", "y"), rows, known) is None and known == {"a": 11}
    known = {"a": 9}
    assert solver._affine_block(("x", "y"), rows[:2], known) == [Fraction(11, 2), Fraction(7, 2)]
    # rank below the block's size; a product of two of them is not affine; a name already known
    same = solver._affine_rows([solver.Eq(Add((x, y)), a), solver.Eq(Add((y, x)), a)], ("x", "y"))
    assert solver._affine_block(("x", "y"), same, {"a": 3}) is None
    assert solver._affine_rows([solver.Eq(Mul((x, y)), a), solver.Eq(x, a)], ("x", "y")) is None
    assert solver._affine_block(("x", "y"), rows, {"a": 10, "x": 1}) is None


def test_states_answer_is_the_old_loop(seen):
    for problem, query in seen["problems"]:
        assert gates.states_answer(problem, query) == gates.states_answer_plain(problem, query)
    assert len(seen["problems"]) >= 3_000
    rng = random.Random(12)
    made = 0
    for problem, query in seen["problems"][:2000]:
        q = query[0]
        parts = problem.split("; ")
        for extra in (f"{q} = 12", f"{q} = -3/4", f"{q} = 2.5", f"{q} = k1 + 2", f"{q}x = 7", f"x{q} = 7", q):
            p = "; ".join([*parts[: rng.randint(0, len(parts))], extra, *parts])
            want = gates.states_answer_plain(p, query)
            assert gates.states_answer(p, query) == want
            made += want
    assert made >= 4_000  # the strings that state it are found


def test_ratio_fits_are_the_plain_list(seen):
    keys = set()
    for x in seen["quantities"]:
        if x.value is None:
            continue
        for v in (x.value, x.value * 3, x.value / 2, x.value + Fraction(1, 4)):
            keys.add((v, ROLES[x.role][0], x.lo, x.hi))
            keys.add((v, not ROLES[x.role][0], x.lo, x.hi))
            keys.add((v, ROLES[x.role][0], None, None))
    some = 0
    for _ in range(2):  # the second time from the memo
        for v, integral, lo, hi in sorted(keys, key=repr):
            want = [
                (a, b)
                for a, b in operators.RATIOS
                if operators._fits(v * b / a, integral) and (lo is None or lo <= v * b / a <= hi)
            ]
            got = operators._ratio_fits(v, integral, lo, hi)
            assert got == want
            got.append((0, 0))  # the caller's list, not the memo's
            some += bool(want)
    assert len(keys) >= 1_000 and some >= 500


def test_rows_the_same_with_every_shortcut_off(monkeypatch):
    want = {k: level3_rows(k, 40) for k in (1, 8, 16)}
    monkeypatch.setattr(solver, "AFFINE_FOLLOW", False)
    monkeypatch.setattr(solver, "AFFINE_BLOCKS", False)
    monkeypatch.setattr(gates, "states_answer", gates.states_answer_plain)
    monkeypatch.setattr(
        operators,
        "_ratio_fits",
        lambda v, integral, lo, hi: [
            (a, b)
            for a, b in operators.RATIOS
            if operators._fits(v * b / a, integral) and (lo is None or lo <= v * b / a <= hi)
        ],
    )
    monkeypatch.setattr(solver, "_PLANS", {})
    monkeypatch.setattr(solver, "_SHAPES", {})
    got = {k: level3_rows(k, 40) for k in (1, 8, 16)}
    assert got == want
    assert sum(1 for r in want[16] for x in r if x.startswith("{")) >= 200
