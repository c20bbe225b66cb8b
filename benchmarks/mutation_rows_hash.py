"""Are two trees' mutated rows the same?  Run in each tree (its own ``PYTHONPATH``) and compare the output.

    python benchmarks/mutation_rows_hash.py 200                  # one hash of every row (and rejection)
    python benchmarks/mutation_rows_hash.py 150 --formal a.json  # per item: (problem, answer, split) or gate
    python benchmarks/mutation_rows_hash.py --compare a.json b.json
    python benchmarks/mutation_rows_hash.py 100 --k 8            # word levels 1, 3, 5 with variants

The hash covers items 0..N-1 of seed 5 at word levels 1, 3, 5, linear 3 and system 3: every row as JSON
(sorted keys), and the gate and reason of every rejected item.  ``--formal`` keeps only what a renamed
text does not change (word levels 1, 3, 5).  ``--k K`` hashes every row of each item (the chain's own,
then its variants) of word levels 1, 3 and 5 at ``variants_per_chain=K``.
"""

from __future__ import annotations

import argparse
import hashlib
import json


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=200)
    ap.add_argument("--formal", metavar="OUT")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"))
    ap.add_argument("--k", type=int, default=0, help="variants_per_chain for word levels 1, 3, 5")
    ap.add_argument(
        "--round3-draws",
        action="store_true",
        help="variants drawn as round 3 drew them (8 draws, no unpinning)",
    )
    a = ap.parse_args()
    if a.compare:
        x, y = (json.load(open(f)) for f in a.compare)
        diff = [k for k in x if x[k] != y.get(k)]
        print(f"{len(x)} items; {len(x) - len(diff)} the same; differing: {diff[:20]}")
        for k in diff[:20]:
            print(k, x[k][:1] if len(x[k]) == 1 else "row", "->", y[k][:1] if len(y[k]) == 1 else "row")
        return 0
    from hf_mathrules.mutate import MutationEngine

    if a.round3_draws:
        from hf_mathrules.mutate import engine

        for name, v in (("FRESH", False), ("UNPIN", False), ("VARIANT_DRAWS", 8)):
            if hasattr(engine, name):
                setattr(engine, name, v)

    if a.formal:
        out = {}
        for lv in (1, 3, 5):
            e = MutationEngine(level=lv, second_opinion="none")
            for i in range(a.n):
                it = e.item(5, i)
                r = it.row
                out[f"{lv}:{i}"] = [r["problem"], r["answer"], r["split"]] if r else [it.rejected]
        json.dump(out, open(a.formal, "w"))
        return 0
    h, rows = hashlib.sha256(), 0
    if a.k:
        for lv in (1, 3, 5):
            e = MutationEngine(level=lv, second_opinion="none", variants_per_chain=a.k)
            for i in range(a.n):
                it = e.item(5, i)
                for r in it.rows:
                    rows += 1
                    h.update(json.dumps(r, sort_keys=True, default=str).encode())
                if it.row is None:
                    h.update(f"{it.rejected}|{it.reason}".encode())
        print(rows, "rows", h.hexdigest())
        return 0
    for fam, lv in (("word", 1), ("word", 3), ("word", 5), ("linear", 3), ("system", 3)):
        e = MutationEngine(level=lv, family=fam, second_opinion="none")
        for i in range(a.n):
            it = e.item(5, i)
            if it.row is not None:
                rows += 1
                h.update(json.dumps(it.row, sort_keys=True, default=str).encode())
            else:
                h.update(f"{it.rejected}|{it.reason}".encode())
    print(rows, "rows", h.hexdigest())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
