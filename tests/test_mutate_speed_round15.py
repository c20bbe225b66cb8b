"""Issue 19 item 3, round 15: work that a chain's variants (``variants_per_chain``) share, done once per chain,
each checked against the per-variant work on what the engine itself renames while it makes items 0..99 of
levels 1, 3 and 5 at K = 16 (seed 1):

- ``operators.SHARED_RENAME``: ``operators.Renamer(final)`` renames every copy of ``final`` the variants
  rename (and copies with other values drawn) exactly as the ``rename`` operator does: the same new names
  drawn (the generator left in the same state), the same texts, the same quantity objects where nothing
  changes, the same intros, meta, variant and kept solutions;
- ``engine.FORMED_CARRIED`` and ``engine.LINKS_CARRIED``: every variant that ``finish`` did not ask
  ``well_formed`` (or ``gates.unlinked``) about is one that the gate passes, and ``unique`` with ``linked``
  gives every program the verdict it gives without;
- the rows at K = 1, 8 and 16 are the same with every round-15 shortcut off.

Each check fails when its shortcut is wrong (tried on the committed code, then put back: see
benchmarks/ROUND15.md).
"""

import random

import pytest
from mutation_rows import make_items, redrawn_copies, rows_the_same_when

from hf_mathrules.mutate import engine, operators


@pytest.fixture(scope="module")
def seen():
    """Every (program, renamer) ``final_rename`` was asked for while items 0..99 of levels 1, 3 and 5 were
    made at K = 16, and the programs whose variants were drawn."""
    renamed, finals, finished = [], [], []
    plain_rename, plain_plan = engine.final_rename, engine._redraw_plan
    plain_finish = engine.MutationEngine.finish

    def finish(self, start, final, *a, formed=False, linked=False, **kw):
        finished.append((final, formed, linked))
        return plain_finish(self, start, final, *a, formed=formed, linked=linked, **kw)

    def final_rename(p, rng, ctx, record=True, renamer=None):
        renamed.append((p, renamer))
        return plain_rename(p, rng, ctx, record=record, renamer=renamer)

    def redraw_plan(p):
        finals.append(p)
        return plain_plan(p)

    engine.final_rename, engine._redraw_plan = final_rename, redraw_plan
    engine.MutationEngine.finish = finish
    try:
        make_items(100)
    finally:
        engine.final_rename, engine._redraw_plan = plain_rename, plain_plan
        engine.MutationEngine.finish = plain_finish
    return {"renamed": renamed, "finals": finals, "finished": finished}


def _same_rename(base, p, seed: int) -> None:
    a, b = random.Random(seed), random.Random(seed)
    got = operators.Renamer(base)(p, a)
    want = operators.rename(p, b, None)
    assert a.getstate() == b.getstate()
    assert got[1] == want[1] == ()
    g, w = got[0], want[0]
    # every field (the quantities below) equal with its type, and every kept value the same object
    assert list(g.__dict__) == list(w.__dict__)
    for k, v in w.__dict__.items():
        if k.startswith("_"):
            assert g.__dict__[k] is v, k
        elif k != "quantities":
            assert g.__dict__[k] == v and type(g.__dict__[k]) is type(v), k
    # the quantities: equal fields, and the same object exactly where the operator keeps ``p``'s
    assert len(g.quantities) == len(w.quantities) == len(p.quantities)
    for x, y, old in zip(g.quantities, w.quantities, p.quantities):
        assert (x is old) == (y is old)
        assert x.__dict__ == y.__dict__ and x == y
    assert g.intros == w.intros and g.meta == w.meta and g.variant == w.variant
    assert list(g.meta) == list(w.meta)
    for dg, dw in zip(g.meta.get("distractors", ()), w.meta.get("distractors", ())):
        assert list(dg.items()) == list(dw.items())
    for key in ("_solutions", "_signature", "_problem", "_links"):
        assert (key in g.__dict__) == (key in w.__dict__)
        if key in g.__dict__:
            assert g.__dict__[key] is w.__dict__[key]


def test_the_shared_renamer_is_the_rename_operator(seen):
    used = [(p, r) for p, r in seen["renamed"] if r is not None]
    assert len(used) >= 1500
    people = 0
    for i, (p, r) in enumerate(used):
        base = next(f for f in seen["finals"] if r.people is f.meta.get("people", {}))
        people += bool(r.people)
        _same_rename(base, p, i)
        _same_rename(base, p, i + 1)
    assert people >= 1000


def test_the_shared_renamer_renames_copies_with_other_values(seen):
    n = 0
    for i, final in enumerate(seen["finals"]):
        for j, p in enumerate(redrawn_copies(final, 3, i)):
            _same_rename(final, p, 7 * i + j)
            n += 1
        _same_rename(final, final, i)
    assert n >= 300


def test_a_text_with_a_name_inside_a_word_is_left_as_it_is(seen):
    final = next(f for f in seen["finals"] if f.meta.get("people"))
    name = next(iter(final.meta["people"].values()))
    x = final.quantities[0]
    odd = operators.replace(
        x, desc=f"the {name}s and {name}ville", frame=None, question=None, short="", event=f"{name}{name}."
    )
    p = operators.replace(final, quantities=(odd, *final.quantities[1:]))
    _same_rename(p, p, 3)
    assert operators.Renamer(p)(p, random.Random(3))[0].quantities[0] is odd


def test_a_gate_not_asked_again_passes(seen):
    from hf_mathrules.mutate import gates

    formed = linked = 0
    for final, f, k in seen["finished"]:
        if f:
            formed += 1
            assert gates.well_formed(final) is None
        if k:
            linked += 1
            assert gates.unlinked(final) is None
    assert formed >= 1500 and linked >= 1500
    # every program gated, and the chains' final programs with their copies
    for p in [final for final, _, _ in seen["finished"]] + seen["finals"]:
        want = gates.unique(p)
        if gates.unlinked(p) is None:
            assert gates.unique(p, linked=True) == want


def test_unique_with_linked_asks_everything_else(seen, monkeypatch):
    """``linked`` leaves out ``unlinked`` alone: with a problem string that states the answer, or a query that
    states a value, ``unique`` says so with ``linked`` as without."""
    from hf_mathrules.mutate import gates

    monkeypatch.setattr(gates, "states_answer", lambda problem, query: True)
    programs = [final for final, _, _ in seen["finished"]][:300]
    for p in programs:
        want = gates.unique(p)
        assert gates.unique(p, linked=True) == want
        if gates.unlinked(p) is None and want is not None:
            assert want in (
                "the problem string states the answer",
                "the answer is stated in the problem",
            ) or (want.startswith("the solver cannot"))
    stated = 0
    for p in programs:
        (q,) = p.query
        c = p.with_quantity(operators.replace(p.q(q), value=7))
        assert gates.unique(c, linked=True) == gates.unique(c) == "the answer is stated in the problem"
        stated += 1
    assert stated >= 250


def _items_with_a_chain_verdict(monkeypatch, gate: str) -> list:
    """The (formed, linked) each variant's ``finish`` got while items 0..29 of level 3 were made at K = 16,
    with ``gates.<gate>`` refusing each chain's final program when ``variants`` asks about it (and nothing
    else)."""
    from hf_mathrules.mutate import gates

    chains, got = [], []
    plain_gate, plain_plan = getattr(gates, gate), engine._redraw_plan
    plain_finish = engine.MutationEngine.finish

    def redraw_plan(p):
        chains.append(p)
        return plain_plan(p)

    def refusing(p):
        return "refused (test)" if chains and p is chains[-1] else plain_gate(p)

    def finish(self, start, final, *a, formed=False, linked=False, **kw):
        if kw.get("variant"):
            got.append((formed, linked))
        return plain_finish(self, start, final, *a, formed=formed, linked=linked, **kw)

    monkeypatch.setattr(gates, gate, refusing)
    monkeypatch.setattr(engine, "_redraw_plan", redraw_plan)
    monkeypatch.setattr(engine.MutationEngine, "finish", finish)
    make_items(30, levels=(3,))
    return got


def test_a_chain_whose_final_program_is_refused_carries_nothing(monkeypatch):
    got = _items_with_a_chain_verdict(monkeypatch, "well_formed")
    assert len(got) >= 100 and not any(f for f, _ in got) and all(k for _, k in got)
    monkeypatch.undo()
    got = _items_with_a_chain_verdict(monkeypatch, "unlinked")
    assert len(got) >= 100 and not any(k for _, k in got) and all(f for f, _ in got)


def test_a_rename_not_carried_is_gated_again(monkeypatch):
    """A renamed variant for which ``exact_carried`` does not hold is asked ``well_formed`` again."""
    monkeypatch.setattr(engine, "exact_carried", lambda before, after: False)
    got = []
    plain_finish = engine.MutationEngine.finish

    def finish(self, start, final, *a, formed=False, linked=False, **kw):
        if kw.get("variant"):
            got.append(formed)
        return plain_finish(self, start, final, *a, formed=formed, linked=linked, **kw)

    monkeypatch.setattr(engine.MutationEngine, "finish", finish)
    make_items(30, levels=(3,))
    assert len(got) >= 100 and not any(got)


def test_a_copy_keeps_the_verdicts_the_chain_carries(seen):
    """``well_formed`` and ``unlinked`` of every copy with other values (and renamed) as of the final program."""
    from hf_mathrules.mutate import gates

    n = 0
    for i, final in enumerate(seen["finals"]):
        formed, linked = gates.well_formed(final), gates.unlinked(final)
        for j, p in enumerate(redrawn_copies(final, 3, i)):
            assert gates.well_formed(p) == formed and gates.unlinked(p) == linked
            q = operators.Renamer(final)(p, random.Random(j))[0]
            assert gates.unlinked(q) == linked
            if engine.exact_carried(p, q):
                assert gates.well_formed(q) == formed
            n += 1
    assert n >= 300


def test_rows_the_same_with_every_shortcut_off(monkeypatch):
    switches = [(operators, "SHARED_RENAME"), (engine, "FORMED_CARRIED"), (engine, "LINKS_CARRIED")]
    rows_the_same_when(monkeypatch, switches)
