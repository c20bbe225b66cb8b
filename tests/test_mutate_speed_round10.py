"""Issue 19 item 3, round 10: shortcuts in the exact gate, the variants' screen and the solver, each checked
against the plain work it skips on real level-3 programs (the chains' finals and their variants' redrawn
copies):

- ``gates.links`` (what ``spare_unit``, ``fixed_rate_total`` and ``price_move`` look up before they read a
  value, once per program, kept by ``Program.with_values``): the three checks give the verdicts of their
  loops as they were, and the links kept by a copy equal links worked out afresh;
- ``gates.exact`` and the variants' refuser (``engine._refuser``) check a whole value inline: the same
  verdict (and the same reason) as ``value_reason`` and the answer class;
- the screen and ``_unpinned`` refuse a draw with a whole unit or more to spare (``engine.SPARE``): a draw
  refused so is one the exact gate refuses, and the rows at K = 1, 8 and 16 are the same with ``SPARE``
  off;
- a program read back from its text keeps no identity plan (``solver._PLANS``) and solves as the plain
  search does.

The rows are also compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base 5bb0250`` (the digest of every row the same); not here: a test
cannot assume the repository's history.
"""

import json
import random
from fractions import Fraction

import pytest
from mutation_rows import redrawn_copies

from hf_mathrules.mutate import MutationEngine, engine, frames, gates, solver
from hf_mathrules.mutate.seeds import QUALIFIERS
from hf_mathrules.mutate.solver import solve

LEVEL, SEED = 3, 1


@pytest.fixture(scope="module")
def programs():
    """The chains' finals of 80 level-3 items and up to 12 redrawn copies of each (what the exact gate sees
    while variants are drawn), and the variants' rows' programs."""
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=16)
    finals, copies = [], []
    for i in range(80):
        it = eng.item(SEED, i)
        if it.final is None or it.rejected in ("difficulty", "well_formed"):
            continue
        finals.append(it.final)
        copies.extend(redrawn_copies(it.final, 12, i))
        for v in it.variants:
            if v.final is not None:
                copies.append(v.final)
    return eng, finals, copies


# -- the plain work (the gates as they were at 5bb0250) -----------------------------------------------------
def _spare_unit_plain(p, values):
    for x in p.quantities:
        if x.below and x.below in p.by_name:
            v = values.get(x.name, x.value)
            cap = values.get(x.below, p.q(x.below).value)
            if v is not None and cap is not None and v >= cap:
                return f"{x.name} = {v} is a whole {x.below} ({cap}) or more to spare"
    return None


def _fixed_rate_total_plain(p, values):
    by_desc = {x.desc: x for x in p.quantities if x.desc and not x.conversion}
    for y in p.quantities:
        if y.expr is None or y.conversion or not y.desc:
            continue
        for s in QUALIFIERS:
            x = by_desc.get(frames._qualified(y.desc, s))
            if x is None or x.expr is not None or x is y:
                continue
            target = values.get(x.name, x.value)
            if target is None:
                continue
            free = []
            try:
                base = gates._on_occasion(p, values, by_desc, s, free, y.name, {})
                if not free or not all(gates._whole(p.q(n)) for n in free):
                    continue
                coeffs = [
                    gates._on_occasion(p, values, by_desc, s, free, y.name, {n: Fraction(1)}) - base
                    for n in free
                ]
                twice = gates._on_occasion(
                    p, values, by_desc, s, free, y.name, dict.fromkeys(free, Fraction(2))
                )
                if twice != base + 2 * sum(coeffs):
                    continue
            except (LookupError, ValueError, ZeroDivisionError):
                continue
            if not gates._reachable([Fraction(c) for c in coeffs], Fraction(target) - base):
                return f"{x.name} = {target} cannot be {y.desc} {s} at the story's fixed rates"
    return None


def _price_move_plain(p, values):
    by_desc = {x.desc: x for x in p.quantities if x.desc and not x.conversion}
    for y in p.quantities:
        if not y.desc or y.conversion or not (y.role == "price" or (y.role == "rate" and "wage" in y.desc)):
            continue
        a = values.get(y.name, y.value)
        for s in QUALIFIERS:
            if s in gates._SAME_TIME:
                continue
            x = by_desc.get(frames._qualified(y.desc, s))
            b = values.get(x.name, x.value) if x is not None else None
            if a is None or b is None or a <= 0 or b <= 0:
                continue
            if max(a, b) > gates.PRICE_MOVE * min(a, b):
                return f"{x.name} = {b} beside {y.name} = {a}: a price that moves more than half in {s}"
    return None


def _exact_plain(p, sol, answer_class="integer"):
    if sol.status != "ok":
        return f"does not solve ({sol.status})"
    word = p.family == "word"
    for name, v in sol.values.items():
        x = p.by_name.get(name)
        if x is None:
            continue
        reason = gates.value_reason(x, v, word)
        if reason:
            return reason
    if word:
        reason = (
            _spare_unit_plain(p, sol.values)
            or _fixed_rate_total_plain(p, sol.values)
            or _price_move_plain(p, sol.values)
        )
        if reason:
            return reason
    for q in p.query:
        if not gates.answer_class_ok(p, sol.values[q], answer_class):
            return f"answer {sol.values[q]} is not of class {answer_class}"
    return None


def _moved(p, rng):
    """``p`` with some stated values moved (a few to the edge of or outside their range, some to 0 or
    negative): values that the checks refuse as well as pass."""
    out = {}
    for x in p.quantities:
        if x.value is None or rng.random() < 0.5:
            continue
        out[x.name] = rng.choice(
            [x.value + rng.randint(-3, 3), x.value * rng.randint(1, 40), Fraction(0), -x.value, x.value / 3]
        )
    return p.with_values(out) if out else p


# -- the exact gate --------------------------------------------------------------------------------------
def test_links_kept_by_a_copy_equal_fresh_ones(programs):
    _eng, finals, copies = programs
    kept = found = 0
    for p in finals + copies:
        gates.links(p)
        q = p.with_values({})
        assert q.__dict__["_gate_links"] is p.__dict__["_gate_links"]
        fresh = gates.links(type(p)(**{f: getattr(p, f) for f in p.__dataclass_fields__}))
        assert p.__dict__["_gate_links"] == fresh
        kept += 1
        found += any(fresh)
    assert kept >= 500 and found >= 50, (kept, found)


def test_the_occasion_and_spare_checks_give_the_plain_verdicts(programs):
    _eng, finals, copies = programs
    rng = random.Random(10)
    found = {"spare": 0, "fixed": 0, "price": 0, "checked": 0}
    for p in finals + copies:
        for q in (p, _moved(p, rng), _moved(p, rng)):
            sol = solve(q)
            if sol.status != "ok":
                continue
            found["checked"] += 1
            for name, fn, plain in (
                ("spare", gates.spare_unit, _spare_unit_plain),
                ("fixed", gates.fixed_rate_total, _fixed_rate_total_plain),
                ("price", gates.price_move, _price_move_plain),
            ):
                got = fn(q, sol.values)
                assert got == plain(q, sol.values), (name, q.problem_string())
                found[name] += got is not None
    # the checks have something to find
    assert found["checked"] >= 1000 and found["spare"] >= 3 and found["fixed"] + found["price"] >= 5, found


def test_exact_gives_the_plain_reason(programs):
    _eng, finals, copies = programs
    rng = random.Random(11)
    verdicts = {"passed": 0, "refused": 0}
    for p in finals + copies:
        for q in (p, _moved(p, rng), _moved(p, rng), _moved(p, rng)):
            sol = solve(q)
            for answer_class in ("integer", "decimal", "fraction"):
                got = gates.exact(q, sol, answer_class)
                assert got == _exact_plain(q, sol, answer_class), q.problem_string()
                verdicts["refused" if got else "passed"] += 1
    assert verdicts["passed"] >= 500 and verdicts["refused"] >= 500, verdicts


def test_the_refuser_gives_the_plain_verdict(programs):
    _eng, finals, _copies = programs
    rng = random.Random(12)
    verdicts = {True: 0, False: 0}
    for p in finals:
        for answer_class in ("integer", "decimal", "fraction"):
            refuse = engine._refuser(p, answer_class)
            for x in p.quantities:
                lo = int(x.lo) if x.lo is not None else 0
                hi = int(x.hi) if x.hi is not None else 100
                for v in {
                    lo - 1,
                    lo,
                    hi,
                    hi + 1,
                    0,
                    -5,
                    rng.randint(lo, max(lo, hi)),
                    10**6,
                    10**6 + 1,
                    -(10**6) - 1,
                }:
                    plain = gates.value_reason(x, v) is not None or (
                        x.name in p.query and not gates.answer_class_ok(p, Fraction(v), answer_class)
                    )
                    assert refuse(x.name, v) == plain, (x.name, v)
                    verdicts[plain] += 1
                for v in (Fraction(lo * 4 + 1, 4), Fraction(hi * 3 + 1, 3), Fraction(-1, 2)):
                    plain = gates.value_reason(x, v) is not None or (
                        x.name in p.query and not gates.answer_class_ok(p, Fraction(v), answer_class)
                    )
                    assert refuse(x.name, v) == plain, (x.name, v)
            assert not refuse("no such name", 5)
    assert verdicts[True] >= 1000 and verdicts[False] >= 1000, verdicts


# -- a whole unit to spare, refused by the screen ----------------------------------------------------------
def test_a_draw_refused_for_a_unit_to_spare_is_one_the_exact_gate_refuses(monkeypatch):
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=16)
    refused = 0
    for i in range(300):
        it = eng.item(SEED, i)
        p = it.final
        if p is None or not gates.links(p)[0] or it.rejected in ("difficulty", "well_formed"):
            continue
        plan = engine._redraw_plan(p)
        if not plan:
            continue
        monkeypatch.setattr(engine, "SPARE", True)
        with_spare = engine._unpinned(p, "integer") or engine._screen(p, "integer")
        monkeypatch.setattr(engine, "SPARE", False)
        without = engine._unpinned(p, "integer") or engine._screen(p, "integer")
        pinned = getattr(with_spare, "pinned", None)
        for j in range(60):
            values = {name: draw(random.Random(j)) for name, draw in plan}
            if pinned is not None:
                now, before = with_spare(values, random.Random(j)), without(values, random.Random(j))
                if before is None:
                    assert now is None  # it refuses at least what it refused before
                    continue
                if now is None:
                    q = p.with_values(before)
                    assert gates.exact(q, solve(q), "integer") is not None, (p.problem_string(), before)
                    refused += 1
                else:
                    assert now == before
            else:
                now, before = with_spare(values), without(values)
                assert now or not before
                if now and not before:
                    q = p.with_values(values)
                    assert gates.exact(q, solve(q), "integer") is not None, (p.problem_string(), values)
                    refused += 1
    assert refused >= 20, refused


@pytest.mark.parametrize("k", [1, 8, 16])
def test_rows_are_the_same_without_the_spare_screen(k, monkeypatch):
    def rows(spare: bool) -> list:
        monkeypatch.setattr(engine, "SPARE", spare)
        eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=k)
        out = []
        for i in range(60 if k > 1 else 100):
            it = eng.item(SEED, i)
            out.append([json.dumps(r, sort_keys=True) for r in it.rows] or [it.rejected, it.reason])
        return out

    assert rows(True) == rows(False)


# -- read-back programs in the solver ----------------------------------------------------------------------
def test_a_read_back_program_keeps_no_identity_plan_and_solves_as_the_search(programs, monkeypatch):
    # round 10's rule, which ``solver.READ_BACK_PLANS = False`` keeps (issue 19 round 11 keeps the identity plan
    # of a read-back, whose nodes are now shared by the texts of a template: tests/test_mutate_speed_round11.py)
    monkeypatch.setattr(solver, "READ_BACK_PLANS", False)
    monkeypatch.setattr(solver, "_PLANS", {})  # none kept by the read-backs of the tests before
    eng, finals, _copies = programs
    checked = 0
    for p in finals[:60]:
        text = frames.informalize(p)
        parsed = frames.parse_text(text, eng.seeds)
        back = parsed.program
        if back is None:
            continue
        sol = solve(back, drop=back.query)
        ids = {
            id(e)
            for e in [*(x.expr for x in back.quantities), *(r.lhs for r in back.relations)]
            if e is not None
        }
        assert not any(ids & {id(e) for e in nodes} for nodes, _trace in solver._PLANS.values())
        plain = solver._solve(back, solver._drop_key(back, back.query))
        assert (sol.status, sol.values) == (plain.status, plain.values)
        assert [(s.name, s.value, s.how) for s in sol.steps] == [
            (s.name, s.value, s.how) for s in plain.steps
        ]
        checked += 1
    assert checked >= 40


# -- the solver's and the program's small shortcuts ----------------------------------------------------------
def _evaluate_plain(e, values):
    """``program.evaluate`` as at 5bb0250 (``sum`` over a sum's terms)."""
    from hf_mathrules.expr.nodes import Add, Div, Mul, Neg, Num, Pow, Sym

    t = type(e)
    if t is Num:
        return e.value
    if t is Sym:
        return values[e.name]
    if t is Add:
        return sum(_evaluate_plain(x, values) for x in e.terms)
    if t is Mul:
        out = 1
        for f in e.factors:
            out *= _evaluate_plain(f, values)
        return out
    if t is Neg:
        return -_evaluate_plain(e.arg, values)
    if t is Div:
        n, d = _evaluate_plain(e.num, values), _evaluate_plain(e.den, values)
        if not d:
            raise ZeroDivisionError(f"division by zero in {e}")
        q = Fraction(n, d) if type(n) is int and type(d) is int else n / d
        return q.numerator if q.denominator == 1 else q
    if t is Pow:
        exp = _evaluate_plain(e.exp, values)
        if exp.denominator != 1 or abs(exp) > 8:
            raise ValueError(f"unsupported power {e}")
        return _evaluate_plain(e.base, values) ** int(exp)
    raise ValueError(f"cannot evaluate {type(e).__name__}")


from hf_mathrules.mutate import program as program_module  # noqa: E402


def test_evaluate_equals_the_plain_sum(programs):
    _eng, finals, copies = programs
    checked = 0
    for p in finals + copies:
        sol = solve(p)
        if sol.status != "ok":
            continue
        exprs = [x.expr for x in p.quantities if x.expr is not None]
        exprs += [e for r in p.relations for e in (r.lhs, r.rhs)]
        for e in exprs:
            try:
                want = _evaluate_plain(e, sol.values)
            except (KeyError, ZeroDivisionError, ValueError):
                continue
            got = program_module.evaluate(e, sol.values)
            assert got == want and type(got) is type(want), str(e)
            checked += 1
    assert checked >= 2000, checked


def test_replace_copies_the_fields_and_nothing_remembered(programs):
    import dataclasses

    _eng, finals, copies = programs
    checked = {"fresh": 0, "remembered": 0}
    for p in finals[:40] + copies[:200]:
        solve(p)
        p.problem_string()
        pairs = (
            [(p, {"variant": p.variant + 1})]
            + [(x, {"value": x.value}) for x in p.quantities]
            + [(r, {"kind": r.kind}) for r in p.relations]
        )
        # each also as a fresh copy made by the constructor (nothing remembered on it)
        for obj, change in pairs + [(dataclasses.replace(o), c) for o, c in pairs]:
            names = [f.name for f in dataclasses.fields(obj)]
            got = program_module.replace(obj, **change)
            assert set(got.__dict__) == set(names)
            assert all(got.__dict__[n] == (change[n] if n in change else obj.__dict__[n]) for n in names)
            assert got == dataclasses.replace(obj, **change)
            checked["remembered" if len(obj.__dict__) > len(names) else "fresh"] += 1
    assert checked["fresh"] >= 500 and checked["remembered"] >= 500, checked


def test_the_given_equations_are_the_plain_ones(programs):
    from hf_mathrules.expr.nodes import Eq, Num, Sym

    _eng, finals, copies = programs
    checked = 0
    for p in finals + copies:
        fresh = p.with_values({x.name: x.value for x in p.quantities if x.value is not None})
        _known, _eqs, steps = solver._setup(fresh, ())
        for st in steps:
            x = fresh.by_name[st.name]
            plain = Eq(Sym(x.name), Num(x.value))
            assert st.equation == plain and type(st.equation.rhs.value) is type(plain.rhs.value)
            checked += 1
    assert checked >= 2000, checked
