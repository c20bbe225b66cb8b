"""Issue 19 item 3, round 8: shortcuts in the read-back, the rendering, the solver and the gates, each
checked against the plain work it skips on >= 1,000 real level-3 rows (K = 16: the chains' rows and their
variants) and on made-up inputs that hold what each one looks for:

- ``frames.NUMBER`` (the digit matched first, then the look-behind) finds what round 7's pattern
  (``NUMBER_PLAIN``) finds; ``parse_text`` given the count of numbers equals ``parse_text`` counting them;
- ``frames.split_sentences`` (the white space matched first; the last text's sentences remembered) equals
  the plain split cold, warm, in reverse order and after a caller changed the list it got;
- ``defects._redundant_in_text`` (tried where "number of" is written, each word once, the unit pattern
  tried at the occurrences of the word) equals ``_redundant_in_text_plain``;
- ``frames.expand_short`` and ``Mentions`` (one index of the short forms per program) equal the plain
  loops; the read-back's unit view (``_Units``) equals the dict it stands for;
- ``program.new_quantity`` equals the ``Quantity`` constructor (fields, their order, equality, hash);
- the rename operator (a text without the names left as it is) equals the plain ``rx.sub`` of every text;
- ``solver._drop_key`` equals the plain scan; the linear root of integer coefficients equals ``_root``'s;
- ``gates.well_formed`` and ``gates.determination_problem`` with ``free_names`` equal them with
  ``free_symbols()``; the rows' meta equals ``json.dumps(..., sort_keys=True)``;
- ``MutationEngine.item`` puts the collector's thresholds back (on an error too);
- rows at K = 1, 8 and 16 are the same with every shortcut of this round replaced by its plain work, warm,
  cold and in reverse order of the items.

The rows are also compared with the commit before this round, item by item, by
``benchmarks/mutation_round5.py --base 6934528`` (0 items differ at K = 1, 8, 16); not here: a test cannot
assume the repository's history.
"""

import json
import random
import re
from dataclasses import replace as dc_replace
from fractions import Fraction

import pytest

from hf_mathrules.expr.nodes import Add, Sym
from hf_mathrules.mutate import MutationEngine, defects, engine, frames, gates, operators, solver
from hf_mathrules.mutate.program import Quantity, new_quantity, replace
from hf_mathrules.mutate.seeds import NAMES
from hf_mathrules.mutate.solver import HOLDS, Solution, solve

LEVEL, SEED = 3, 1


@pytest.fixture(scope="module")
def corpus():
    """(engine, rows as (prompt, completion, program, solution, meta)) for >= 1,000 level-3 rows at K = 16."""
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=16)
    rows = []
    i = 0
    while len(rows) < 1000:
        it = eng.item(SEED, i)
        i += 1
        for x in (it, *it.variants):
            if x.row is not None:
                p = x.final
                rows.append((x.row["prompt"], x.row["completion"], p, solve(p, drop=p.query), x.row["meta"]))
    return eng, rows


def texts_of(corpus) -> list[str]:
    return [t for a, b, *_ in corpus[1] for t in (a, b)]


def test_the_corpus_is_real_rows(corpus):
    _eng, rows = corpus
    assert len(rows) >= 1000
    assert len({p.signature() for _a, _b, p, _s, _m in rows}) >= 30  # many structures, not one chain's copies


# -- numbers and sentences -------------------------------------------------------------------------------
MADE = [
    "a1 2 .3 4.5 6/7 x8 \u0663 4 \u0663\u0664 5. 1.2.3 4/5/6 7..8 _9 9_ \u00e95 (5) 3,000 -2 +7 1/ /3",
    "It costs 3.50 dollars. He has 12 apples? Yes! Then: 7 more.  Two  spaces.\tA tab.\nA new line.",
    " .  x. ",
    "a.b. c",
    "x . y",
    "",
    "No numbers and no marks",
    "3. 4? 5! 6: 7",
]


def test_number_pattern_finds_what_the_plain_pattern_finds(corpus):
    texts = texts_of(corpus) + MADE
    assert sum(len(frames.NUMBER.findall(t)) for t in texts) > 5000
    for t in texts:
        assert frames.NUMBER.findall(t) == frames.NUMBER_PLAIN.findall(t), t
        assert [m.span() for m in frames.NUMBER.finditer(t)] == [
            m.span() for m in frames.NUMBER_PLAIN.finditer(t)
        ]
    for s in ("12", "3.5", "7/2", "1.5/2", "a1", ".5", "5.", "\u0663", "", "1 2", "12a"):
        assert bool(frames.NUMBER.fullmatch(s)) == bool(frames.NUMBER_PLAIN.fullmatch(s)), s


def plain_split(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+", text.strip()) if s]


def test_split_sentences_equals_the_plain_split_cold_warm_and_reversed(corpus):
    texts = texts_of(corpus) + MADE
    assert len(texts) >= 2000
    frames._SPLIT_LAST[:] = [None, ()]  # cold
    for order in (texts, texts, texts[::-1]):  # cold, warm, reversed
        for t in order:
            got = frames.split_sentences(t)
            assert got == plain_split(t), t
            again = frames.split_sentences(t)  # the remembered split
            assert again == got and again is not got
            got.append("changed by the caller")
            got.pop(0) if len(got) > 1 else None
            assert frames.split_sentences(t) == plain_split(t)
    for t in texts:
        assert frames._SPLIT.split(t) == frames._SPLIT_PLAIN.split(t)


def test_parse_text_given_the_count_of_numbers(corpus):
    eng, rows = corpus
    n = 0
    for prompt, _c, p, _s, _m in rows[:1200]:
        if p.family != "word":
            continue
        a = frames.parse_text(prompt, eng.seeds)
        b = frames.parse_text(prompt, eng.seeds, numbers_in_text=len(frames.NUMBER_PLAIN.findall(prompt)))
        assert a.numbers_in_text == b.numbers_in_text and a.numbers_read == b.numbers_read
        assert a.problems == b.problems and a.program == b.program
        n += 1
    assert n >= 1000


# -- the redundant-unit check ----------------------------------------------------------------------------
REDUNDANT_MADE = [
    "The number of apples is 3 apples.",
    "The number of apples Sam picks is 3. What is the number of apples, in apples?",
    "The number of red apples is 4. Sam has 2 red apples's worth.",
    "The renumber of apples is 3 apples.",
    "The number of number of apples is 3 apples.",
    "The number of cats is 3 cats_x. The number of dogs is 2 dogsy.",
    "The number of boxes is 5. 7 boxes",
    "number of boxes, in boxes",
    "The number of eggs is \u0663 eggs.",
    "The number of eggs is 3eggs. The number of hens is 4 hens.",
    "The number of o'clocks is 3 o'clocks.",
    "No count here: 3 apples.",
    "",
]


def test_redundant_in_text_equals_the_plain_check(corpus):
    texts = texts_of(corpus) + REDUNDANT_MADE
    found = 0
    for t in texts:
        got = defects._redundant_in_text(t)
        assert got == defects._redundant_in_text_plain(t), t
        found += got
    assert found >= 100  # the check finds something in real texts too (where the sentence split decides)
    assert defects._redundant_in_text("The number of apples is 3 apples.")


# -- short forms and mentions -----------------------------------------------------------------------------
def plain_expand_short(desc, known, units):
    """``expand_short`` as round 7 wrote it."""
    if not desc.startswith("the number ") or desc.startswith(frames._NUMBER_OF_PREFIX):
        return None
    found = set()
    for base, name in known.items():
        if not name:
            continue
        s = frames.short_desc(base, units.get(name, ""))
        if s is None:
            continue
        if s == desc:
            found.add(base)
        elif desc.startswith(s[:11]) and (q := frames.qualifier_of(s, desc)) is not None:
            found.add(frames.qualified(base, q))
    return found.pop() if len(found) == 1 else None


def plain_mentions_init(self, program):
    """``Mentions.__init__`` as round 7 wrote it (with ``plain_expand_short``)."""
    self.program = program
    self.units = {x.name: x.unit for x in program.quantities}
    known = {x.desc: x.name for x in program.quantities if x.desc and not x.inline}
    self.known = list(known)
    short = program.__dict__.get("_short_forms")
    if short is None:
        short = {}
        for x in program.quantities:
            if x.desc and not x.distractor and not x.inline:
                s = frames.short_desc(x.desc, x.unit)
                if s is not None and s not in known and plain_expand_short(s, known, self.units) == x.desc:
                    short[x.name] = s
        program.__dict__["_short_forms"] = short
    self.short = short
    self.said = set()
    self.near = {}
    self.alias = {}
    taken = set(known) | set(self.short.values())
    for x, (a, base) in frames.short_forms(program).items():
        if a not in taken and plain_expand_short(a, known, self.units) is None:
            self.alias[x] = (a, base)
    self.said_in_full = set()


def _queries(p) -> list[str]:
    """What a back-reference may say: each description's short form, the short forms on each occasion,
    and made-up near misses."""
    out = []
    for x in p.quantities:
        s = frames.short_desc(x.desc, x.unit) if x.desc else None
        if s is not None:
            out += [s, s + " last week", s + " two weeks ago", s[:-1], s + " now"]
        out += [x.desc, "the number " + x.desc[4:]] if x.desc else []
    return out + ["the number of apples", "the number", "the price"]


def test_expand_short_and_mentions_equal_the_plain_loops(corpus):
    _eng, rows = corpus
    calls = hits = 0
    for _a, _b, p, _s, _m in rows:
        known = {x.desc: x.name for x in p.quantities if x.desc and not x.inline}
        known.setdefault("the number of extra things", "")  # a description not resolved yet (the read-back)
        units = {x.name: x.unit for x in p.quantities}
        index = frames._short_index(known, units)
        for q in _queries(p):
            want = plain_expand_short(q, known, units)
            assert frames.expand_short(q, known, units) == want
            assert frames._expand_short_in(q, index) == want
            calls += 1
            hits += want is not None
        fast = frames.Mentions(replace(p))  # a copy: nothing remembered on it
        plain = object.__new__(frames.Mentions)
        plain_mentions_init(plain, replace(p))
        assert (fast.short, fast.alias, fast.known, fast.units) == (
            plain.short,
            plain.alias,
            plain.known,
            plain.units,
        )
    assert calls >= 10_000 and hits >= 500


def test_the_units_view_equals_the_dict(corpus):
    _eng, rows = corpus
    for _a, _b, p, _s, _m in rows[:300]:
        qs = {x.name: x for x in p.quantities}
        view, plain = frames._Units(qs), {n: q.unit for n, q in qs.items()}
        for n in [*qs, "nobody", ""]:
            assert view.get(n, "") == plain.get(n, "") and view.get(n) == plain.get(n)
        qs["late"] = Quantity("late", "count", "kites")  # a quantity added after the view was made
        assert view.get("late", "") == "kites"


# -- quantities ---------------------------------------------------------------------------------------------
def test_new_quantity_equals_the_constructor(corpus):
    _eng, rows = corpus
    cases = [
        (("n1", "count", "apples", "the number of apples"), {}),
        (("k1", "factor", "", ""), {"value": Fraction(3), "inline": True}),
        (("k2", "factor", "", ""), {"value": 3, "inline": True}),  # an int value made a Fraction
        (("k3", "factor", "", ""), {"value": 0.5}),
        (("n2", "money", "dollars", "the price"), {"distractor": True}),
        (("n3", "count"), {}),
    ]
    for _a, _b, p, _s, _m in rows[:500]:
        for x in p.quantities:
            cases.append(((x.name, x.role, x.unit, x.desc), {"expr": x.expr, "distractor": x.distractor}))
            if x.value is not None:
                cases.append(((x.name, x.role, x.unit, x.desc), {"value": x.value}))
    for args, kw in cases:
        a, b = Quantity(*args, **kw), new_quantity(*args, **kw)
        assert a == b and hash(a) == hash(b)
        assert list(a.__dict__.items()) == list(b.__dict__.items())  # the same fields in the same order
        assert type(b.value) is type(a.value)
    with pytest.raises(TypeError):
        new_quantity("n1", "count", nonsense=1)


# -- the rename operator ------------------------------------------------------------------------------------
def plain_rename(p, rng, ctx):
    """The rename operator as round 7 wrote it (every text through ``rx.sub``)."""
    people = p.meta.get("people", {})
    if not people:
        return replace(p, variant=p.variant + 1).same_formal_problem_as(p), ()
    old = list(people.values())
    free = [n for n in NAMES if n not in old]
    new = rng.sample(free, len(old))
    table = dict(zip(old, new))
    rx = re.compile(r"\b(" + "|".join(map(re.escape, old)) + r")\b")

    def sub(s):
        return None if s is None else rx.sub(lambda m: table[m.group(1)], s)

    qs = tuple(operators._renamed(x, sub) for x in p.quantities)
    out = replace(
        p, quantities=qs, intros=tuple(sub(s) for s in p.intros), variant=p.variant + 1,
        meta={**p.meta, "people": {k: table[v] for k, v in people.items()},
              "distractors": tuple({**d, "desc": sub(d["desc"]), "frame": sub(d["frame"])} for d in p.meta.get("distractors", ()))},
    )  # fmt: skip
    return out.same_formal_problem_as(p), ()


def test_rename_equals_the_plain_rename(corpus):
    eng, rows = corpus
    fast = operators.OPERATORS["rename"].fn
    changed = 0
    for k, (_a, _b, p, _s, _m) in enumerate(rows):
        got, _ = fast(p, random.Random(k), eng)
        want, _ = plain_rename(p, random.Random(k), eng)
        assert got == want and got.meta == want.meta and got.intros == want.intros
        for x, y in zip(got.quantities, want.quantities):
            assert x.__dict__ == y.__dict__ or (x is y)
        changed += got.quantities != p.quantities
    assert changed >= 500


# -- the solver ------------------------------------------------------------------------------------------------
def test_drop_key_equals_the_plain_scan(corpus):
    _eng, rows = corpus
    for _a, _b, p, _s, _m in rows:
        names = [x.name for x in p.quantities]
        for drop in (p.query, tuple(names), tuple(names[::-1]), ("nobody",), tuple(names[:2]) + p.query):
            want = tuple(n for n in drop if any(x.name == n and x.value is not None for x in p.quantities))
            assert solver._drop_key(p, drop) == want
            assert solver._drop_key(p, drop) == want  # remembered


def plain_expand1(program, eq, known, u):
    """``_expand1`` as round 7 wrote it."""
    try:
        ln, ld = solver._urational(eq.lhs, known, u)
        rn, rd = solver._urational(eq.rhs, known, u)
    except ZeroDivisionError as exc:
        return Solution("inconsistent", known, [], str(exc))
    except ValueError as exc:
        return Solution("unsupported", known, [], str(exc))
    poly = solver._upadd(solver._upmul(ln, rd), solver._upmul(rn, ld), -1)
    deg = len(poly) - 1
    if deg < 1:
        if poly:
            return Solution("inconsistent", known, [], f"{eq.lhs} = {eq.rhs} does not hold")
        return HOLDS
    found = solver._root(program, eq, known, u, [Fraction(v) for v in poly])
    if not isinstance(found, tuple):
        return found
    root, how = found
    den = solver._upmul(ld, rd)
    if len(den) < 2:
        return u, root, how, None
    return u, root, how, {((u, k),) if k else (): v for k, v in enumerate(den) if v}


def test_linear_root_of_integers_equals_the_fraction_arithmetic():
    for a in range(-30, 31):
        for b in [*range(-30, 0), *range(1, 31)]:
            fast = Fraction(-a, b)
            plain = -Fraction(a) / Fraction(b)
            assert (fast.numerator, fast.denominator) == (plain.numerator, plain.denominator)
            assert type(fast) is type(plain)


def test_expand1_equals_the_plain_expand1(corpus):
    _eng, rows = corpus
    n = 0
    for _a, _b, p, sol, _m in rows:
        known = {}
        for st in sol.steps:  # each step's equation with what was known before it
            if st.how in ("compute", "solve", "quadratic"):
                eq = st.equation
                left = (solver._free(eq.lhs) | solver._free(eq.rhs)) - known.keys()
                if len(left) == 1:
                    (u,) = left
                    got, want = solver._expand1(p, eq, dict(known), u), plain_expand1(p, eq, dict(known), u)
                    if isinstance(want, Solution):
                        assert (got.status, got.detail) == (want.status, want.detail)
                    else:
                        assert got == want and type(got[1]) is type(want[1])
                    n += 1
            known[st.name] = st.value
    assert n >= 1000


# -- the gates ---------------------------------------------------------------------------------------------------
def test_gates_with_remembered_names_equal_free_symbols(corpus, monkeypatch):
    _eng, rows = corpus
    fast = [(gates.well_formed(p), gates.determination_problem(p, s)) for _a, _b, p, s, _m in rows]
    broken = []
    for _a, _b, p, _s, _m in rows[:300]:  # a definition that names a quantity the program lacks
        x = next((x for x in p.quantities if x.expr is not None), None)
        if x is not None:
            broken.append(p.with_quantity(replace(x, expr=Add((x.expr, Sym("ghost"))))))
    fast_broken = [gates.well_formed(p) for p in broken]
    monkeypatch.setattr(gates, "free_names", lambda e: e.free_symbols())
    plain = [(gates.well_formed(p), gates.determination_problem(p, s)) for _a, _b, p, s, _m in rows]
    assert fast == plain
    assert fast_broken == [gates.well_formed(p) for p in broken] and len(broken) >= 100
    assert all(r is not None for r in fast_broken)


def test_meta_equals_json_dumps(corpus):
    _eng, rows = corpus
    for *_x, meta in rows:
        assert meta == json.dumps(json.loads(meta), sort_keys=True)
    obj = {"b": [1, 2.5, None, True], "a": {"z": "\u00e9", "y": (1, 2)}, "c": "x\ny"}
    assert engine._META_JSON.encode(obj) == json.dumps(obj, sort_keys=True)


# -- the rows with every shortcut replaced by its plain work ---------------------------------------------------------
class _PlainEncoder:
    @staticmethod
    def encode(obj):
        return json.dumps(obj, sort_keys=True)


def _plain_everything(monkeypatch):
    monkeypatch.setattr(frames, "NUMBER", frames.NUMBER_PLAIN)
    monkeypatch.setattr(gates, "NUMBER", frames.NUMBER_PLAIN)
    monkeypatch.setattr(
        gates, "parse_text", lambda text, seeds, numbers_in_text=None: frames.parse_text(text, seeds)
    )
    monkeypatch.setattr(frames, "split_sentences", plain_split)
    monkeypatch.setattr(defects, "_redundant_in_text", defects._redundant_in_text_plain)
    monkeypatch.setattr(frames, "expand_short", plain_expand_short)
    monkeypatch.setattr(frames.Mentions, "__init__", plain_mentions_init)
    monkeypatch.setattr(frames, "new_quantity", Quantity)
    monkeypatch.setitem(
        operators.OPERATORS, "rename", dc_replace(operators.OPERATORS["rename"], fn=plain_rename)
    )
    monkeypatch.setattr(
        solver,
        "_drop_key",
        lambda p, drop: tuple(
            n for n in drop if any(x.name == n and x.value is not None for x in p.quantities)
        ),
    )
    monkeypatch.setattr(solver, "_expand1", plain_expand1)
    monkeypatch.setattr(gates, "free_names", lambda e: e.free_symbols())
    monkeypatch.setattr(engine, "_META_JSON", _PlainEncoder)
    monkeypatch.setattr(engine, "GC_GEN0", None)
    monkeypatch.setattr(engine, "GC_FREEZE", False)


def _spy_items(monkeypatch, probe) -> list:
    """What ``probe()`` reads inside each ``MutationEngine._item`` call (item index 2 raises)."""
    seen = []
    real = MutationEngine._item

    def spy(self, seed, index):
        seen.append(probe())
        if index == 2:
            raise RuntimeError("boom")
        return real(self, seed, index)

    monkeypatch.setattr(MutationEngine, "_item", spy)
    return seen


def test_item_puts_the_collector_thresholds_back(monkeypatch):
    import gc

    before = gc.get_threshold()
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=4)
    seen = _spy_items(monkeypatch, gc.get_threshold)
    eng.item(SEED, 0)
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError):
        eng.item(SEED, 2)
    assert gc.get_threshold() == before  # put back on an error too
    assert seen[0][0] == max(before[0], engine.GC_GEN0) and seen[0][1:] == before[1:]
    monkeypatch.setattr(engine, "GC_GEN0", None)
    eng.item(SEED, 1)
    assert seen[-1] == before


def test_item_freezes_the_older_objects_only_while_it_is_made(monkeypatch):
    """``GC_FREEZE``: the objects alive before an item are out of the collector's generations while it is
    made and back after (an error too); a caller's own freeze is left as it was."""
    import gc

    assert gc.get_freeze_count() == 0
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=4)
    seen = _spy_items(monkeypatch, gc.get_freeze_count)
    eng.item(SEED, 0)
    assert seen[-1] > 1000 and gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError):
        eng.item(SEED, 2)
    assert gc.get_freeze_count() == 0  # unfrozen on an error too
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        eng.item(SEED, 1)
        assert seen[-1] == frozen and gc.get_freeze_count() > 0  # the caller's freeze left on
    finally:
        gc.unfreeze()
    # a freeze zeroes the generations' counts: one full collection every GC_FULL_EVERY frozen items
    fulls = []
    monkeypatch.setattr(engine, "GC_FULL_EVERY", 2)
    monkeypatch.setattr(engine, "_FROZEN_ITEMS", [0])
    monkeypatch.setattr(gc, "collect", lambda *a: fulls.append(a) or 0)
    for i in (4, 5, 6, 7, 8):
        eng.item(SEED, i)
    assert fulls == [(), ()] and engine._FROZEN_ITEMS[0] == 1
    gc.disable()
    try:
        eng.item(SEED, 9)  # the collector turned off by the caller: no freeze, no collection
    finally:
        gc.enable()
    assert seen[-1] == 0 and len(fulls) == 2
    monkeypatch.setattr(engine, "GC_FREEZE", False)
    eng.item(SEED, 3)
    assert seen[-1] == 0 and len(fulls) == 2


def _rows(k: int, items) -> dict[int, list[str]]:
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=k)
    out = {}
    for i in items:
        it = eng.item(SEED, i)
        out[i] = [json.dumps(r, sort_keys=True, default=str) for r in it.rows] or [f"rejected: {it.rejected}"]
    return out


@pytest.mark.parametrize("k", [1, 8, 16])
def test_rows_equal_with_every_shortcut_plain(k, monkeypatch):
    items = list(range(40 if k > 1 else 120))
    fast_cold = _rows(k, items)
    fast_reversed = _rows(k, items[::-1])
    frames._SPLIT_LAST[:] = [None, ()]
    with monkeypatch.context() as m:
        _plain_everything(m)
        assert operators.OPERATORS["rename"].fn is plain_rename
        plain = _rows(k, items)
    fast_warm = _rows(k, items)
    n_rows = sum(len(v) for v in plain.values())
    assert n_rows >= (100 if k == 1 else 150)
    assert fast_cold == plain
    assert fast_reversed == plain
    assert fast_warm == plain
