"""Same items as `benchmarks/mutation.py --quality --rows N` (seed 0, items in index order), plus the
SymPy re-check of every row (mutation.recheck) and word-row diversity (mutation.diversity)."""

import json
import random
import sys
import time
from collections import Counter

sys.argv = sys.argv[:2]
sys.path.insert(0, "benchmarks")
import mutation as M  # noqa: E402

from hf_mathrules.mutate import MutationEngine  # noqa: E402
from hf_mathrules.mutate.seeds import load_seeds  # noqa: E402

n = int(sys.argv[1])
seeds = load_seeds()
t0 = time.process_time()
items = M.quality_items(n)
print(f"generation CPU {time.process_time() - t0:.1f} s", flush=True)
allw = anyw = 0
for (fam, lv), its in items.items():
    found = Counter()
    bad = 0
    for it in its:
        d = M.family_row_defects(it, seeds, fam)
        found.update(d)
        bad += bool(d)
    if fam == "word":
        allw += len(its)
        anyw += bad
    print(f"| {fam} | {lv} | {len(its)} rows | defects {bad} | {dict(found) or '-'} |")
print(f"word rows with any defect: {anyw}/{allw}")
rows = [it.row for its in items.values() for it in its]
fails = [(r["id"], v) for r in rows if (v := M.recheck(r))]
print(f"validity (SymPy re-check): {len(rows) - len(fails)}/{len(rows)}", fails[:3])
word = [it.row for (fam, _), its in items.items() if fam == "word" for it in its]
metas = [json.loads(r["meta"]) for r in word]
order = list(range(len(word)))
random.Random(0).shuffle(order)
div = M.diversity(
    [word[i]["prompt"] for i in order],
    [metas[i]["signature"] for i in order],
    set(MutationEngine().seed_signatures),
    [tuple(metas[i]["operators"]) for i in order],
)
print("word diversity:", {k: round(v, 4) if isinstance(v, float) else v for k, v in div.items()})
steps = {
    lv: [json.loads(it.row["meta"])["difficulty"]["steps"] for it in items[("word", lv)]] for lv in M.LEVELS
}
print("mean steps per level:", {lv: round(sum(v) / len(v), 2) for lv, v in steps.items() if v})
ops = Counter(o for m in metas for o in m["operators"])
print("operators in word rows:", dict(ops.most_common()))
