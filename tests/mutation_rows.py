"""What the mutation speed rounds' tests compare: level-3 rows as JSON text item by item (the shortcuts must
leave them unchanged) and programs with their givens drawn again (issue 19 rounds 10-12)."""

import gc
import json
import random

from hf_mathrules.mutate import MutationEngine, engine


def level3_rows(k: int, items: int, seed: int = 1) -> list:
    """Each item's rows (sorted-key JSON) at ``variants_per_chain`` k, or its rejection and reason."""
    eng = MutationEngine(level=3, second_opinion="none", variants_per_chain=k)
    out = []
    for i in range(items):
        it = eng.item(seed, i)
        out.append([json.dumps(r, sort_keys=True) for r in it.rows] or [it.rejected, it.reason])
    return out


def redrawn_copies(final, n: int, seed: int) -> list:
    """``n`` copies of a program with its givens drawn again (the variants' redraw plan), none when the
    program has no plan."""
    plan = engine._redraw_plan(final)
    rng = random.Random(seed)
    return [final.with_values({name: draw(rng) for name, draw in plan}) for _ in range(n if plan else 0)]


def solution_key(s) -> tuple | None:
    """A solution as tests compare it across shortcuts: status, values with their types, every step (its
    equation by identity) and the detail."""
    if s is None:
        return None
    values = {k: (v, type(v)) for k, v in s.values.items()}
    steps = [
        (st.name, st.value, type(st.value), id(st.equation), st.how, tuple(map(id, st.block)), st.together)
        for st in s.steps
    ]
    return s.status, values, steps, s.detail


def recording_refuter(plain, log: list):
    """``solver.refuter`` as ``plain`` makes it, each one recorded in ``log`` as (program, trace, draws), a
    draw being a copy of ``known`` before the call and ``refuse``."""

    def refuter(program, trace):
        f = plain(program, trace)
        draws: list = []
        log.append((program, trace, draws))

        def refuted(known, refuse):
            draws.append((dict(known), refuse))
            return f(known, refuse)

        refuted.before_block = f.before_block
        return refuted

    return refuter


def replay_both_ways(monkeypatch, switch: str, program, drop, trace) -> list:
    """``solver._replay`` of a recorded plan with the solver's module switch ``switch`` on, then off."""
    from hf_mathrules.mutate import solver

    out = []
    for on in (True, False):
        monkeypatch.setattr(solver, switch, on)
        out.append(solver._replay(program, drop, trace))
    return out


def replays_agree(monkeypatch, switch: str, solved) -> int:
    """Every recorded plan of ``solved`` ((program, drop, solution) the engine solved) replayed with the solver's
    switch ``switch`` on and off gives the same solution (``solution_key``); how many replays solved a step by
    the affine path's event (``solver.SOLVED``)."""
    from hf_mathrules.mutate import solver

    replays = 0
    for p, drop, _ in solved:
        trace = solver.plan_of(p, drop)
        if trace is None:
            continue
        got, want = replay_both_ways(monkeypatch, switch, p, drop, trace)
        assert solution_key(got) == solution_key(want)
        replays += any(ev[0] == solver.SOLVED for ev in trace)
    return replays


def rows_the_same_when(monkeypatch, switches, items: int = 40, ks=(1, 8, 16)) -> dict:
    """The level-3 rows of items 0..items-1 at each K of ``ks`` are the same before and after each
    ``(module, name)`` of ``switches`` is set to False (or ``(module, name, value)`` to value); the rows
    before, by K."""
    want = {k: level3_rows(k, items) for k in ks}
    for module, name, *value in switches:
        monkeypatch.setattr(module, name, value[0] if value else False)
    for k in ks:
        assert level3_rows(k, items) == want[k], k
    return want


def make_items(items: int, levels=(1, 3, 5), k: int = 16, seed: int = 1):
    """Items 0..items-1 of each level at ``variants_per_chain`` k (what the speed tests record while it
    runs); the last level's engine.  The solver's plan caches start empty: they are bounded (cleared at
    20,000 plans), so plans an earlier test left there would make what a test records here depend on which
    tests its process ran first (CI's worker forgot some plans mid-run: 3,918 affine replays, not ~4,400)."""
    from hf_mathrules.mutate import solver

    solver._PLANS.clear()
    solver._SHAPES.clear()
    for level in levels:
        eng = MutationEngine(level=level, second_opinion="none", variants_per_chain=k)
        for i in range(items):
            eng.item(seed, i)
    return eng


def tracked(x) -> bool:
    """Whether the cyclic collector tracks ``x`` or anything in it (dicts' values, tuples' items; rounds 17-18)."""
    if gc.is_tracked(x):
        return True
    items = x.values() if isinstance(x, dict) else x if isinstance(x, tuple) else ()
    return any(tracked(y) for y in items)
