"""Issue 19 item 3, round 15: work that a chain's variants (``variants_per_chain``) share, done once per chain,
each checked against the per-variant work on what the engine itself renames while it makes items 0..99 of
levels 1, 3 and 5 at K = 16 (seed 1):

- ``operators.SHARED_RENAME``: ``operators.Renamer(final)`` renames every copy of ``final`` the variants
  rename (and copies with other values drawn) exactly as the ``rename`` operator does: the same new names
  drawn (the generator left in the same state), the same texts, the same quantity objects where nothing
  changes, the same intros, meta, variant and kept solutions;
- the rows at K = 1, 8 and 16 are the same with every round-15 shortcut off.

Each check fails when its shortcut is wrong (tried on the committed code, then put back: see
benchmarks/ROUND15.md).
"""

import random

import pytest
from mutation_rows import level3_rows, make_items, redrawn_copies

from hf_mathrules.mutate import engine, operators


@pytest.fixture(scope="module")
def seen():
    """Every (program, renamer) ``final_rename`` was asked for while items 0..99 of levels 1, 3 and 5 were
    made at K = 16, and the programs whose variants were drawn."""
    renamed, finals = [], []
    plain_rename, plain_plan = engine.final_rename, engine._redraw_plan

    def final_rename(p, rng, ctx, record=True, renamer=None):
        renamed.append((p, renamer))
        return plain_rename(p, rng, ctx, record=record, renamer=renamer)

    def redraw_plan(p):
        finals.append(p)
        return plain_plan(p)

    engine.final_rename, engine._redraw_plan = final_rename, redraw_plan
    try:
        make_items(100)
    finally:
        engine.final_rename, engine._redraw_plan = plain_rename, plain_plan
    return {"renamed": renamed, "finals": finals}


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


def test_rows_the_same_with_every_shortcut_off(monkeypatch):
    want = {k: level3_rows(k, 40) for k in (1, 8, 16)}
    monkeypatch.setattr(operators, "SHARED_RENAME", False)
    for k in (1, 8, 16):
        assert level3_rows(k, 40) == want[k], k
