"""Level-3 mutation rows as JSON text, item by item: what the speed rounds' shortcuts must leave unchanged
(issue 19 rounds 11 and 12 compare them with every shortcut off)."""

import json

from hf_mathrules.mutate import MutationEngine


def level3_rows(k: int, items: int, seed: int = 1) -> list:
    """Each item's rows (sorted-key JSON) at ``variants_per_chain`` k, or its rejection and reason."""
    eng = MutationEngine(level=3, second_opinion="none", variants_per_chain=k)
    out = []
    for i in range(items):
        it = eng.item(seed, i)
        out.append([json.dumps(r, sort_keys=True) for r in it.rows] or [it.rejected, it.reason])
    return out
