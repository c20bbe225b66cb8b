"""Issue 19 item 3, round 14: seven shortcuts, each checked against the plain work on what the engine itself
draws, solves, screens, evaluates and reads back while it makes items 0..99 of levels 1, 3 and 5 at K = 16
(seed 1):

- ``engine.FAST_DRAWS``: a variant's draw from a range by ``rng._randbelow(n + 1)`` gives the value
  ``rng.randint(0, n)`` gives and leaves the generator in the same state, for every redraw plan;
- ``solver.AFFINE_ONCE``: the side of an affine equation without its unknown evaluated once: every replay
  (status, values with their types, steps) and every refuter's verdict and the values it leaves in ``known``
  (a failed evaluation included) are the ones the plain evaluations give;
- ``program.VALUE_BASE``: a redrawn quantity copied from its kept dict is ``replace`` with the kept
  ``check`` and mention key put back: the same fields, kept values and key order, also after the quantity
  worked out its check or key later;
- ``frames.VALUE_FRAMES_MEMO``: every text read back (and texts broken from a third of them) reads back to
  the same program, numbers and problems with one ``_ValueFrames`` per text;
- ``operators.WHOLE_COMPARE``: ``_fits`` and ``_in_range`` by whole numbers equal the Fraction arithmetic on
  every quantity's range and grid at values around it (negatives, zero, fractions, whole Fractions and
  ``int``);
- ``program.EVAL_LEAVES``: every definition and relation side of every third program solved, at its solution's
  values and at other values, has the value, the type and the error it has with a call per node;
- ``program.SYM_NAMES``: a name's ``free_names`` is the frozenset of it alone, one object per name;
- the rows at K = 1, 8 and 16 are the same with every round-14 shortcut off.

Each of these checks fails when its shortcut is wrong (tried on the committed code, then put back: see
benchmarks/ROUND14.md).  The rows are also compared with the commit before this round in separate processes
by ``benchmarks/mutation_round9_speed.py --base 8d93607``; not here: a test cannot assume the repository's
history.
"""

import random
from fractions import Fraction

import pytest
from mutation_rows import make_items, recording_refuter, replays_agree, rows_the_same_when

from hf_mathrules.mutate import engine, frames, gates, operators, program, solver
from hf_mathrules.mutate.program import Quantity


@pytest.fixture(scope="module")
def seen():
    """What the engine solved (program, drop, solution), the refuters it made with every draw each was
    asked about, every text it read back and the final programs whose variants it drew, for items 0..99 of
    levels 1, 3 and 5 at K = 16."""
    solved, refuters, texts, finals = [], [], [], []
    plain_planned, plain_refuter = solver._planned, solver.refuter
    plain_parse, plain_plan = gates.parse_text, engine._redraw_plan

    def planned(p, drop):
        sol = plain_planned(p, drop)
        solved.append((p, drop, sol))
        return sol

    def parse(text, seeds, numbers_in_text=None):
        texts.append((text, numbers_in_text))
        return plain_parse(text, seeds, numbers_in_text=numbers_in_text)

    def redraw_plan(p):
        finals.append(p)
        return plain_plan(p)

    solver._planned, solver.refuter = planned, recording_refuter(plain_refuter, refuters)
    gates.parse_text, engine._redraw_plan = parse, redraw_plan
    try:
        eng = make_items(100)
    finally:
        solver._planned, solver.refuter = plain_planned, plain_refuter
        gates.parse_text, engine._redraw_plan = plain_parse, plain_plan
    return {"solved": solved, "refuters": refuters, "texts": texts, "finals": finals, "seeds": eng.seeds}


def test_fast_draws_are_randint(seen, monkeypatch):
    draws = 0
    for i, p in enumerate(seen["finals"]):
        monkeypatch.setattr(engine, "FAST_DRAWS", True)
        fast = engine._redraw_plan(p)
        monkeypatch.setattr(engine, "FAST_DRAWS", False)
        plain = engine._redraw_plan(p)
        assert [n for n, _ in fast] == [n for n, _ in plain]
        a, b = random.Random(i), random.Random(i)
        for _ in range(40):
            for (_, f), (_, g) in zip(fast, plain):
                x, y = f(a), g(b)
                assert (x, type(x)) == (y, type(y))
                draws += 1
        assert a.getstate() == b.getstate()
    assert len(seen["finals"]) >= 150 and draws >= 20_000, draws
    # a range of one value still draws (and consumes the generator as ``randint`` does); none: ``randint``'s
    # error
    x = Quantity("a", "count", value=5, lo=Fraction(5), hi=Fraction(5))
    q = program.Program("t", "word", (x,), (), ("a",))
    for on in (True, False):
        monkeypatch.setattr(engine, "FAST_DRAWS", on)
        rng = random.Random(3)
        ((_, draw),) = engine._redraw_plan(q)
        assert [draw(rng) for _ in range(3)] == [5, 5, 5]
        assert rng.getstate() != random.Random(3).getstate()


def test_a_replay_solves_affine_equations_as_the_plain_evaluations_do(seen, monkeypatch):
    assert replays_agree(monkeypatch, "AFFINE_ONCE", seen["solved"]) >= 4_000


def test_the_refuter_solves_affine_equations_as_the_plain_evaluations_do(seen, monkeypatch):
    draws = refused = failed = 0
    for p, trace, asked in seen["refuters"]:
        refuted = solver.refuter(p, trace)  # (the switch is read as it runs)
        rng = random.Random(len(asked))
        tries = []
        for known, refuse in asked:
            tries.append((known, refuse))
            tries.append(({k: rng.randint(-3, 2 * int(v) + 5) for k, v in known.items()}, refuse))
            # zeros: divisions by zero part-way, whose ``known`` must be left as the plain path leaves it
            tries.append(({k: 0 for k in known}, refuse))
        for known, refuse in tries:
            a, b = dict(known), dict(known)
            monkeypatch.setattr(solver, "AFFINE_ONCE", True)
            got = refuted(a, refuse)
            monkeypatch.setattr(solver, "AFFINE_ONCE", False)
            want = refuted(b, refuse)
            assert got == want
            assert {k: (v, type(v)) for k, v in a.items()} == {k: (v, type(v)) for k, v in b.items()}
            draws += 1
            refused += got
            failed += not got and any(v == 0 for v in b.values())
    assert draws >= 15_000 and refused >= 1_000 and failed >= 1_000, (draws, refused, failed)


def _plain_with_value(x, value):
    new = program.replace(x, value=value)
    for key in ("_check", "_mkey"):
        got = x.__dict__.get(key)
        if got is not None:
            new.__dict__[key] = got
    return new


def _fields(x) -> list:
    return [(k, v, type(v)) for k, v in x.__dict__.items() if k != "_vbase"]


def test_a_redrawn_quantity_is_replace_with_its_kept_values(seen, monkeypatch):
    monkeypatch.setattr(program, "VALUE_BASE", True)
    copies = kept = 0
    for i, p in enumerate(seen["finals"]):
        plan = engine._redraw_plan(p)
        rng = random.Random(i)
        for name, draw in plan:
            x = p.by_name[name]
            for v in (draw(rng), draw(rng), Fraction(7, 4), x.value, None):
                got, want = program._with_value(x, v), _plain_with_value(x, v)
                assert _fields(got) == _fields(want)
                assert got == want and got is not x
                copies += 1
                kept += "_check" in got.__dict__
    assert copies >= 2_000 and kept >= 1_000, (copies, kept)
    # a quantity that works out its check and mention key after its first copy: the next copy has them
    x = Quantity("a", "count", "apples", "the number of apples", value=3, lo=Fraction(1), hi=Fraction(9))
    first = program._with_value(x, 4)
    assert "_check" not in first.__dict__ and "_mkey" not in first.__dict__
    assert x.check is not None  # worked out and kept on x
    frames._mention_key(x)
    for v in (5, 6):
        got = program._with_value(x, v)
        assert _fields(got) == _fields(_plain_with_value(x, v)) and got.value == v
        assert type(got.value) is Fraction and got.__dict__["_check"] is x.__dict__["_check"]


def _broken(text: str, rng: random.Random) -> list[str]:
    """Texts made from ``text`` that read back otherwise or not at all (as round 13's tests make them)."""
    ss = frames.split_sentences(text)
    out = [f"{ss[0]} 3 {' '.join(ss[1:])}", " ".join([*ss[:2], ss[0], *ss[2:]])]
    if len(ss) > 2:
        j = rng.randrange(1, len(ss) - 1)
        out += [" ".join(ss[:j] + ss[j + 1 :]), " ".join(ss[: j + 1] + ss[j:])]
    return out


def _read_all(cases, seeds, monkeypatch, memo: bool) -> list:
    with monkeypatch.context() as mp:
        mp.setattr(frames, "VALUE_FRAMES_MEMO", memo)
        mp.setattr(frames, "_INTRO_CACHE", {})
        mp.setattr(frames, "_VALUE_FRAMES", {})
        out = []
        for t, n in cases:
            p = frames.parse_text(t, seeds, numbers_in_text=n)
            out.append((p.program, p.numbers_read, p.numbers_in_text, list(p.problems)))
        return out


def test_the_read_back_is_the_same_with_one_value_frames_per_text(seen, monkeypatch):
    seeds, rng = seen["seeds"], random.Random(14)
    cases = list(seen["texts"])
    cases += [(b, None) for t, _ in seen["texts"][::3] for b in _broken(t, rng)]
    want = _read_all(cases, seeds, monkeypatch, False)
    got = _read_all(cases, seeds, monkeypatch, True)
    differ = [c for c, a, b in zip(cases, want, got) if a != b]
    assert not differ, differ[:2]
    assert len(seen["texts"]) >= 2_000
    assert sum(1 for a in want if a[0] is not None and not a[3]) >= 2_000
    assert sum(1 for a in want if a[0] is None or a[3]) >= 500  # refusals compared too


def _plain_fits(v, integral):
    return v > 0 and (v.denominator == 1 if integral else (v * 100).denominator == 1)


def _plain_in_range(x, v):
    if x.lo is None:
        return True
    if not x.lo <= v <= x.hi:
        return False
    return not x.step or ((v - x.lo) / x.step).denominator == 1


def test_whole_number_comparisons_are_the_fraction_arithmetic(seen, monkeypatch):
    monkeypatch.setattr(operators, "WHOLE_COMPARE", True)
    quantities = {id(x): x for p in seen["finals"] for x in p.quantities}
    ranged = [x for x in quantities.values() if x.lo is not None]
    rng = random.Random(14)
    checked = inside = 0
    for x in ranged:
        lo, hi, step = x.lo, x.hi, x.step or Fraction(1)
        vs = [lo, hi, lo - step, hi + step, lo + step, Fraction(0), Fraction(-3), (lo + hi) / 2]
        vs += [lo + step * rng.randint(0, 40) for _ in range(6)]
        vs += [
            Fraction(rng.randint(-500, 5000), rng.choice((1, 2, 3, 4, 5, 8, 20, 25, 100, 300)))
            for _ in range(6)
        ]
        vs += [int(v) for v in vs[:4]]  # ``int`` as well
        for v in vs:
            for integral in (True, False):
                assert operators._fits(v, integral) == _plain_fits(v, integral), (v, integral)
            got = operators._in_range(x, v)
            assert got == _plain_in_range(x, v), (x.lo, x.hi, x.step, v)
            checked += 1
            inside += got
    assert len(ranged) >= 500 and checked >= 10_000 and inside >= 2_000, (len(ranged), checked, inside)
    # a zero step and a negative one, a range in ``int``
    for lo, hi, step in ((1, 9, 0), (Fraction(1), Fraction(9), Fraction(-1, 2)), (2, 30, 3)):
        x = Quantity("a", "money", value=3, lo=lo, hi=hi, step=step)
        for v in (Fraction(k, 4) for k in range(-4, 130)):
            assert operators._in_range(x, v) == _plain_in_range(x, v), (lo, hi, step, v)


def _value(e, values, monkeypatch, on: bool):
    monkeypatch.setattr(program, "EVAL_LEAVES", on)
    try:
        v = program.evaluate(e, values)
    except Exception as exc:  # noqa: BLE001 - the error is compared too
        return type(exc).__name__, str(exc)
    return v, type(v)


def test_evaluate_reads_leaves_as_the_call_per_node_does(seen, monkeypatch):
    rng = random.Random(14)
    sides = errors = 0
    for p, drop, sol in seen["solved"][::3]:
        if sol.status != "ok":
            continue
        for eq in solver._setup(p, drop)[1]:
            for e in (eq.lhs, eq.rhs):
                names = sorted(solver.free_names(e))
                tries = [sol.values, {}]  # ... and no value at all: the KeyError of the first name read
                tries += [
                    {n: rng.choice((0, 1, -2, 3, Fraction(5, 2), rng.randint(-40, 40))) for n in names}
                    for _ in range(3)
                ]
                for values in tries:
                    got = _value(e, values, monkeypatch, True)
                    assert got == _value(e, values, monkeypatch, False)
                    sides += 1
                    errors += type(got[0]) is str
    assert sides >= 40_000 and errors >= 5_000, (sides, errors)
    # made-up trees: sums, products and quotients of sums, products, quotients, negations and powers
    from hf_mathrules.expr.nodes import Add, Div, Mul, Neg, Num, Pow, Sym

    x, y, z = Sym("x"), Sym("y"), Sym("z")
    trees = [
        Div(Add((x, Num(2))), Mul((y, Neg(z)))),
        Add((Div(x, y), Mul((Num(Fraction(3, 2)), z)), Neg(Div(Num(5), Add((x, Neg(y))))))),
        Mul((Div(Mul((x, y)), Add((z, Num(1)))), Pow(Add((x, Num(1))), Num(2)), Num(4))),
        Div(Div(x, Add((y, z))), Div(Mul((Num(2), z)), Neg(x))),
    ]
    for e in trees:
        for values in [{}, {"x": 1}] + [
            {n: rng.choice((0, 1, -1, 2, -3, Fraction(1, 3), Fraction(-5, 2), 7)) for n in "xyz"}
            for _ in range(200)
        ]:
            assert _value(e, values, monkeypatch, True) == _value(e, values, monkeypatch, False)


def test_a_names_free_names_is_made_once(seen, monkeypatch):
    from hf_mathrules.expr.nodes import Sym

    monkeypatch.setattr(program, "SYM_NAMES", True)
    names = {n for p, _, _ in seen["solved"] for n in p.names()}
    for n in names:
        got = program.free_names(Sym(n))
        assert got == frozenset((n,)) and type(got) is frozenset
        assert program.free_names(Sym(n)) is got
    assert len(names) >= 50
    monkeypatch.setattr(program, "SYM_NAMES", False)
    assert program.free_names(Sym("zz")) == frozenset(("zz",))
    assert program.free_names(Sym("zz")) is not program.free_names(Sym("zz"))


def test_rows_the_same_with_every_shortcut_off(monkeypatch):
    switches = [
        (engine, "FAST_DRAWS"),
        (solver, "AFFINE_ONCE"),
        (program, "VALUE_BASE"),
        (frames, "VALUE_FRAMES_MEMO"),
        (operators, "WHOLE_COMPARE"),
        (program, "EVAL_LEAVES"),
        (program, "SYM_NAMES"),
    ]
    rows_the_same_when(monkeypatch, switches)
