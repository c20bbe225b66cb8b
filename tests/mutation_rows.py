"""What the mutation speed rounds' tests compare: level-3 rows as JSON text item by item (the shortcuts must
leave them unchanged) and programs with their givens drawn again (issue 19 rounds 10-12)."""

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
