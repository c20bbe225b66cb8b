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
- ``solver.GIVEN_STEPS``: a given's step kept on its quantity: ``_setup`` of every program solved gives the
  values (with their types), equations (by identity) and steps it gives with a new step per solve;
- ``program.KEEP_BY_NAME``: ``by_name`` kept without ``cached_property``'s lock is the first quantity of
  each name, worked out once per program;
- ``engine.META_ENCODER``: every row's meta by the one C encoder is ``json.dumps(meta, sort_keys=True)``, and
  an encoding that fails leaves the encoder as it was;
- ``frames.INTRO_DIGITS`` and ``frames.STORY_KEYS``: every text read back (and texts broken from a third of
  them) reads back to the same program, numbers and problems with either off, each story made afresh;
- ``frames.MENTION_KEYS``: each quantity's part of ``Mentions``' key kept on it (and on a copy with another
  value) is its fields, and ``Mentions`` works out the same with the key made afresh;
- the rows at K = 1, 8 and 16 are the same with every round-13 shortcut off.

Each of these checks fails when its shortcut is wrong (tried: ``//`` without the exactness test, the int
root with its sign flipped, the refuter's root floored, the last measures kept by the program alone, the
shown text remembered without the letters, a kept step's value not normalised, ``by_name`` kept under
another name, the encoder's markers not emptied, every sentence with a digit refused as an intro without
the seeds' check, one people key for every frame of a story, a mention key without the short form). The rows are also compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base ed8e3c5``; not here: a test cannot assume the repository's
history.
"""

import json
import random
from fractions import Fraction
from types import SimpleNamespace

import pytest
from mutation_rows import make_items, recording_refuter, replays_agree, rows_the_same_when

from hf_mathrules.mutate import engine, frames, gates, program, solution, solver


@pytest.fixture(scope="module")
def seen():
    """What the engine solved (program, drop, solution), the refuters it made with every draw each was
    asked about, the (program, solution) pairs ``measures`` worked out and every ``_show`` call (node,
    values, letters), for items 0..99 of levels 1, 3 and 5 at K = 16."""
    solved, refuters, measured, shown, texts, metas = [], [], [], [], [], []
    plain_planned, plain_refuter = solver._planned, solver.refuter
    plain_measures, plain_show = solution._measures, solution._show
    plain_parse, plain_meta = gates.parse_text, engine._meta_json

    def planned(p, drop):
        sol = plain_planned(p, drop)
        solved.append((p, drop, sol))
        return sol

    refuter = recording_refuter(plain_refuter, refuters)

    def measures(p, sol):
        measured.append((p, sol))
        return plain_measures(p, sol)

    def show(e, values, letters=None):
        shown.append((e, dict(values), dict(letters) if letters else letters))
        return plain_show(e, values, letters)

    def parse(text, seeds, numbers_in_text=None):
        texts.append((text, numbers_in_text))
        return plain_parse(text, seeds, numbers_in_text=numbers_in_text)

    def meta(m):
        metas.append(m)
        return plain_meta(m)

    solver._planned, solver.refuter = planned, refuter
    solution._measures, solution._show = measures, show
    gates.parse_text, engine._meta_json = parse, meta
    try:
        eng = make_items(100)
    finally:
        solver._planned, solver.refuter = plain_planned, plain_refuter
        solution._measures, solution._show = plain_measures, plain_show
        gates.parse_text, engine._meta_json = plain_parse, plain_meta
    return {
        "solved": solved, "refuters": refuters, "measured": measured, "shown": shown, "texts": texts,
        "metas": metas, "seeds": eng.seeds,
    }  # fmt: skip


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


def test_a_replay_makes_affine_roots_as_the_division_does(seen, monkeypatch):
    assert replays_agree(monkeypatch, "INT_ROOTS", seen["solved"]) >= 4_000


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


def _setup(p, drop) -> tuple:
    known, eqs, steps = solver._setup(p, drop)
    return (
        {k: (v, type(v)) for k, v in known.items()},
        [id(e) for e in eqs],
        [(st.name, st.value, type(st.value), id(st.equation), st.how, st.block, st.together) for st in steps],
    )


def test_kept_given_steps_are_the_steps_made_afresh(seen, monkeypatch):
    kept = 0
    for p, drop, _ in seen["solved"]:
        monkeypatch.setattr(solver, "GIVEN_STEPS", True)
        got = _setup(p, drop)
        kept += sum(1 for x in p.quantities if "_given_step" in x.__dict__)
        monkeypatch.setattr(solver, "GIVEN_STEPS", False)
        assert got == _setup(p, drop)
    for p, _, _ in seen["solved"]:
        for x in p.quantities:
            st = x.__dict__.get("_given_step")
            if st is not None:  # the quantity's own name and value
                assert (st.name, st.value, type(st.value)) == (x.name, x.value, type(solver._norm(x.value)))
    assert len(seen["solved"]) >= 8_000 and kept >= 20_000, kept


def test_by_name_is_the_first_quantity_of_each_name_worked_out_once(seen, monkeypatch):
    monkeypatch.setattr(program, "KEEP_BY_NAME", True)
    for p, _, _ in seen["solved"][::2]:
        want: dict = {}
        for x in p.quantities:
            want.setdefault(x.name, x)
        got = p.by_name
        assert got == want and list(got) == list(want)
        assert p.by_name is got and p.__dict__["by_name"] is got
        q = program.replace(p, variant=p.variant + 1)  # a copy works it out afresh
        assert "by_name" not in q.__dict__ and q.by_name == want and q.by_name is not got


def test_the_meta_encoder_is_json_dumps(seen):
    for m in seen["metas"]:
        assert engine._meta_json(m) == json.dumps(m, sort_keys=True) == engine._META_JSON.encode(m)
    assert len(seen["metas"]) >= 2_000
    m = dict(seen["metas"][0])
    m["loop"] = m  # an encoding that fails, as ``json.dumps`` fails
    with pytest.raises(ValueError):
        engine._meta_json(m)
    with pytest.raises(TypeError):
        engine._meta_json({**seen["metas"][1], "x": object()})
    del m["loop"]  # the same dict again: the encoder forgot the failed one
    assert engine._meta_json(m) == json.dumps(m, sort_keys=True)


def _broken(text: str, rng: random.Random) -> list[str]:
    """Texts made from ``text`` that read back otherwise or not at all: a sentence left out or said twice, a
    number put before the second sentence, the intro said again after the first statement."""
    ss = frames.split_sentences(text)
    out = [f"{ss[0]} 3 {' '.join(ss[1:])}", " ".join([*ss[:2], ss[0], *ss[2:]])]
    if len(ss) > 2:
        j = rng.randrange(1, len(ss) - 1)
        out += [" ".join(ss[:j] + ss[j + 1 :]), " ".join(ss[: j + 1] + ss[j:])]
    return out


def _read_all(cases, seeds, monkeypatch, digits: bool, keys: bool) -> list:
    """Every case read back with the two switches as given, every story made afresh (a new story cache,
    whose templates remember nothing from the other runs)."""
    with monkeypatch.context() as mp:
        mp.setattr(frames, "INTRO_DIGITS", digits)
        mp.setattr(frames, "STORY_KEYS", keys)
        mp.setattr(frames, "_INTRO_CACHE", {})
        out = []
        for t, n in cases:
            p = frames.parse_text(t, seeds, numbers_in_text=n)
            out.append((p.program, p.numbers_read, p.numbers_in_text, list(p.problems)))
        return out


def test_the_read_back_is_the_same_with_intro_digits_or_story_keys_off(seen, monkeypatch):
    seeds, rng = seen["seeds"], random.Random(13)
    cases = list(seen["texts"])
    cases += [(b, None) for t, _ in seen["texts"][::3] for b in _broken(t, rng)]
    want = _read_all(cases, seeds, monkeypatch, True, True)
    for digits, keys in ((False, True), (True, False), (False, False)):
        got = _read_all(cases, seeds, monkeypatch, digits, keys)
        differ = [c for c, a, b in zip(cases, want, got) if a != b]
        assert not differ, (digits, keys, differ[:2])
    assert len(seen["texts"]) >= 2_000
    assert sum(1 for a in want if a[0] is not None and not a[3]) >= 2_000
    assert sum(1 for a in want if a[0] is None or a[3]) >= 500  # refusals compared too
    # the seeds' check: an intro (or a name) with a digit is searched for in every sentence
    assert frames._digit_free(seeds)
    assert not frames._digit_free([SimpleNamespace(intro="In 2020, {A} opens a shop.")])


def test_mention_keys_are_the_quantities_fields(seen, monkeypatch):
    n = 0
    for p, _, _ in seen["solved"][::2]:
        if p.family != "word":
            continue
        for on in (True, False):
            monkeypatch.setattr(frames, "MENTION_KEYS", on)
            frames._MENTIONS.clear()
            m = frames.Mentions(p)
            got = (m.units, m.known, m.short, m.alias)
            if on:
                want = got
            assert got == want
        for x in p.quantities:
            fields = (x.name, x.desc, x.unit, x.distractor, x.inline, x.short, x.conversion)
            if "_mkey" in x.__dict__:
                assert x.__dict__["_mkey"] == fields
                n += 1
            if x.value is not None:  # a copy with another value carries it, and it is still its fields
                y = program._with_value(x, x.value + 1)
                assert y.__dict__.get("_mkey", fields) == fields
    assert n >= 5_000


def test_rows_the_same_with_every_shortcut_off(monkeypatch):
    switches = [
        (program, "EXACT_DIV"),
        (solver, "INT_ROOTS"),
        (solution, "MEASURES_LAST"),
        (solution, "SHOW_MEMO"),
        (solver, "GIVEN_STEPS"),
        (program, "KEEP_BY_NAME"),
        (engine, "META_ENCODER"),
        (frames, "INTRO_DIGITS"),
        (frames, "STORY_KEYS"),
        (frames, "MENTION_KEYS"),
        (solver, "_PLANS", {}),
        (solver, "_SHAPES", {}),
    ]
    want = rows_the_same_when(monkeypatch, switches)
    assert sum(1 for r in want[16] for x in r if x.startswith("{")) >= 200
