"""Issue 19 item 3, round 13: four shortcuts, each checked against the plain work on what the engine itself
evaluates, solves, screens and shows while it makes items 0..99 of levels 1, 3 and 5 at K = 16 (seed 1):

- ``program.EXACT_DIV``: ``evaluate`` divides two ``int`` that divide exactly by ``//``: every definition
  and relation side of every program solved, at its solution's values and at other whole values (zeros and
  negatives too), has the value, the type and the error it has with the Fraction;
- ``solver.INT_ROOTS``: an affine root of two ``int`` evaluations made as one Fraction (the refuter: an
  ``int`` when whole): every replay (status, values with their types, steps) and every refuter's verdict and
  the values it leaves in ``known`` are the ones the division gives;
- ``solution.MEASURES_LAST``: ``measures`` remembered for its last (program, solution): the measures the
  engine asked for, and the same programs with their neighbours' solutions, are the ones worked out, in a
  new dict each call;
- ``solution.SHOW_MEMO``: every expression the completions showed is the text rendered afresh, twice (the
  second from the memo);
- the rows at K = 1, 8 and 16 are the same with every round-13 shortcut off.

Each of these checks fails when its shortcut is wrong (tried: ``//`` without the exactness test, the int
root with its sign flipped, the last measures kept by the program alone, the shown text remembered without
the letters). The rows are also compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base ed8e3c5``; not here: a test cannot assume the repository's
history.
"""

import random
from fractions import Fraction

import pytest
from mutation_rows import level3_rows

from hf_mathrules.mutate import MutationEngine, program, solution, solver


@pytest.fixture(scope="module")
def seen():
    """What the engine solved (program, drop, solution), the refuters it made with every draw each was
    asked about, the (program, solution) pairs ``measures`` worked out and every ``_show`` call (node,
    values, letters), for items 0..99 of levels 1, 3 and 5 at K = 16."""
    solved, refuters, measured, shown = [], [], [], []
    plain_planned, plain_refuter = solver._planned, solver.refuter
    plain_measures, plain_show = solution._measures, solution._show

    def planned(p, drop):
        sol = plain_planned(p, drop)
        solved.append((p, drop, sol))
        return sol

    def refuter(p, trace):
        f = plain_refuter(p, trace)
        draws = []
        refuters.append((p, trace, draws))

        def refuted(known, refuse):
            draws.append((dict(known), refuse))
            return f(known, refuse)

        refuted.before_block = f.before_block
        return refuted

    def measures(p, sol):
        measured.append((p, sol))
        return plain_measures(p, sol)

    def show(e, values, letters=None):
        shown.append((e, dict(values), dict(letters) if letters else letters))
        return plain_show(e, values, letters)

    solver._planned, solver.refuter = planned, refuter
    solution._measures, solution._show = measures, show
    try:
        for level in (1, 3, 5):
            eng = MutationEngine(level=level, second_opinion="none", variants_per_chain=16)
            for i in range(100):
                eng.item(1, i)
    finally:
        solver._planned, solver.refuter = plain_planned, plain_refuter
        solution._measures, solution._show = plain_measures, plain_show
    return {"solved": solved, "refuters": refuters, "measured": measured, "shown": shown}


def _value(e, values, monkeypatch, on: bool):
    monkeypatch.setattr(program, "EXACT_DIV", on)
    try:
        v = program.evaluate(e, values)
    except Exception as exc:  # noqa: BLE001 - the error is compared too
        return type(exc).__name__, str(exc)
    return v, type(v)


def _divisions(e) -> int:
    """How many ``Div`` nodes ``e`` holds."""
    from hf_mathrules.expr.nodes import Add, Div, Mul, Neg, Pow

    t = type(e)
    if t is Div:
        return 1 + _divisions(e.num) + _divisions(e.den)
    if t is Add:
        return sum(_divisions(x) for x in e.terms)
    if t is Mul:
        return sum(_divisions(x) for x in e.factors)
    if t is Neg:
        return _divisions(e.arg)
    if t is Pow:
        return _divisions(e.base) + _divisions(e.exp)
    return 0


def test_evaluate_divides_whole_quotients_as_the_fraction_does(seen, monkeypatch):
    rng = random.Random(13)
    sides = whole = 0
    for p, drop, sol in seen["solved"][::3]:
        if sol.status != "ok":
            continue
        eqs = solver._setup(p, drop)[1]
        for eq in eqs:
            for e in (eq.lhs, eq.rhs):
                names = sorted(solver.free_names(e))
                tries = [sol.values]
                tries += [
                    {n: rng.choice((0, 1, -2, 3, 6, 12, rng.randint(-40, 40))) for n in names}
                    for _ in range(3)
                ]
                for values in tries:
                    got = _value(e, values, monkeypatch, True)
                    want = _value(e, values, monkeypatch, False)
                    assert got == want
                    sides += 1
                    whole += type(got[0]) is int and _divisions(e) > 0
    assert sides >= 40_000 and whole >= 1_000, (sides, whole)


def _sol(s) -> tuple | None:
    if s is None:
        return None
    values = {k: (v, type(v)) for k, v in s.values.items()}
    steps = [
        (st.name, st.value, type(st.value), id(st.equation), st.how, tuple(map(id, st.block)), st.together)
        for st in s.steps
    ]
    return s.status, values, steps, s.detail


def test_a_replay_makes_affine_roots_as_the_division_does(seen, monkeypatch):
    replays = 0
    for p, drop, _ in seen["solved"]:
        trace = solver.plan_of(p, drop)
        if trace is None:
            continue
        monkeypatch.setattr(solver, "INT_ROOTS", True)
        got = solver._replay(p, drop, trace)
        monkeypatch.setattr(solver, "INT_ROOTS", False)
        want = solver._replay(p, drop, trace)
        assert _sol(got) == _sol(want)
        replays += any(ev[0] == solver.SOLVED for ev in trace)
    assert replays >= 4_000


def test_the_refuter_makes_affine_roots_as_the_division_does(seen, monkeypatch):
    draws = refused = 0
    for p, trace, asked in seen["refuters"]:
        refuted = solver.refuter(p, trace)  # (the switch is read as it runs)
        rng = random.Random(len(asked))
        tries = []
        for known, refuse in asked:
            tries.append((known, refuse))
            tries.append(({k: rng.randint(-3, 2 * int(v) + 5) for k, v in known.items()}, refuse))
        for known, refuse in tries:
            a, b = dict(known), dict(known)
            monkeypatch.setattr(solver, "INT_ROOTS", True)
            got = refuted(a, refuse)
            monkeypatch.setattr(solver, "INT_ROOTS", False)
            want = refuted(b, refuse)
            assert got == want
            assert {k: (v, type(v)) for k, v in a.items()} == {k: (v, type(v)) for k, v in b.items()}
            draws += 1
            refused += got
    assert draws >= 10_000 and refused >= 1_000


def test_the_last_measures_are_the_measures_worked_out(seen, monkeypatch):
    monkeypatch.setattr(solution, "MEASURES_LAST", True)
    pairs = seen["measured"]
    for i, (p, sol) in enumerate(pairs):
        q, other = pairs[i - 1]  # a neighbour: another program, or the same with another solution
        for a, b in ((p, sol), (p, sol), (p, other), (q, sol), (p, sol)):
            got = solution.measures(a, b)
            assert got == solution._measures(a, b)
            got["score"] = -1.0  # the caller's dict, not the memo's
    assert len(pairs) >= 5_000


def test_shown_expressions_are_rendered_afresh(seen, monkeypatch):
    monkeypatch.setattr(solution, "SHOW_MEMO", True)
    solution._SHOWN.clear()
    hits = asked = 0
    for e, values, letters in seen["shown"]:
        names = sorted(solver.free_names(e))
        # as shown, then with what the key must tell apart: no letters, other letters, a name not known, a
        # whole value as a Fraction
        tries = [(values, letters), (values, None)]
        if letters:
            tries.append((values, {n: "w" for n in letters}))
        if names:
            tries.append(({n: v for n, v in values.items() if n != names[0]}, letters))
            if type(values.get(names[0])) is int:
                tries.append(({**values, names[0]: Fraction(values[names[0]])}, letters))
        for vals, lets in tries:
            want = solution._show_plain(e, vals, solver.free_names(e), lets)
            before = len(solution._SHOWN)
            assert solution._show(e, vals, lets) == want
            hits += len(solution._SHOWN) == before
            assert solution._show(e, vals, lets) == want  # from the memo
            asked += 1
    assert len(seen["shown"]) >= 7_000 and asked >= 20_000 and hits >= 2_000, (asked, hits)


def test_rows_the_same_with_every_shortcut_off(monkeypatch):
    want = {k: level3_rows(k, 40) for k in (1, 8, 16)}
    monkeypatch.setattr(program, "EXACT_DIV", False)
    monkeypatch.setattr(solver, "INT_ROOTS", False)
    monkeypatch.setattr(solution, "MEASURES_LAST", False)
    monkeypatch.setattr(solution, "SHOW_MEMO", False)
    monkeypatch.setattr(solver, "_PLANS", {})
    monkeypatch.setattr(solver, "_SHAPES", {})
    got = {k: level3_rows(k, 40) for k in (1, 8, 16)}
    assert got == want
    assert sum(1 for r in want[16] for x in r if x.startswith("{")) >= 200
