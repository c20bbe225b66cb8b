"""Level independence and seed spread of mutated word rows (issue 21 item 3): for each level, how many
distinct seeds the rows of N items come from; for each pair of adjacent levels, how many indices start
from the same seed instance, come from the same seed, or keep all but one sentence of the lower level's
row (a nested row).

    python benchmarks/level_spread.py 200 3    # N items per level, seed
"""

import collections
import json
import sys

from hf_mathrules.mutate import MutationEngine

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 3
engs = {lv: MutationEngine(level=lv, second_opinion="none") for lv in range(1, 7)}
items = {lv: {} for lv in engs}
for lv, eng in engs.items():
    for i in range(N):
        items[lv][i] = eng.item(SEED, i)


def sents(text):
    import re

    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


for lv in range(1, 7):
    rows = [it.row for it in items[lv].values() if it.row is not None]
    seeds = collections.Counter(json.loads(r["meta"])["seed_id"] for r in rows)
    starts = collections.Counter(it.start.seed_id for it in items[lv].values() if it.start is not None)
    top = seeds.most_common(3)
    print(
        f"L{lv}: items {N}, rows {len(rows)}, distinct seeds among rows {len(seeds)}, "
        f"among starts {len(starts)}, top {top}"
    )
# nesting: same index at level L and L+1, both rows; same seed id? row L+1 sentences a superset of row L's?
for lv in range(1, 6):
    same_seed = nested = both = same_start = 0
    for i in range(N):
        a, b = items[lv][i], items[lv + 1][i]
        if (
            a.start is not None
            and b.start is not None
            and a.start.problem_string() == b.start.problem_string()
        ):
            same_start += 1
        if a.row is None or b.row is None:
            continue
        both += 1
        ma, mb = json.loads(a.row["meta"]), json.loads(b.row["meta"])
        same_seed += ma["seed_id"] == mb["seed_id"]
        sa, sb = set(sents(a.row["prompt"])), set(sents(b.row["prompt"]))
        if sa and len(sa & sb) >= max(1, len(sa) - 1):
            nested += 1
    print(
        f"L{lv}->L{lv + 1}: same start instance {same_start}/{N}; both rows {both}, same seed {same_seed}, "
        f"nested (all but <=1 sentence of L reappear in L+1) {nested}"
    )
