"""Issue 19 item 3, round 5: level-3 rows per CPU second of a base commit and of this tree, side by side in
one process, the two alternating item by item (seed 1, items 0..N-1; ``time.process_time``), so load
drift hits each alike; and whether the two give the same rows.

    python benchmarks/mutation_round5.py --items 300 --ks 1,8,16            # base: f4a35cc
    python benchmarks/mutation_round5.py --items 300 --ks 16 --base HEAD~3

The base commit's ``hf_mathrules`` (``git archive``) is imported as the package ``hf_mathrules_base``
beside this tree's (the package imports itself relatively, so the two share no module and no cache).
Every row of every item (the chain's own and its variants, as JSON with sorted keys) and the gate of
every rejected item are compared between the two; a difference is counted and the first few printed.
Distinct structures (``meta["signature"]``) are counted over the rows of each configuration.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_base(ref: str):
    """The ``hf_mathrules.mutate`` package of commit ``ref``, imported as ``hf_mathrules_base.mutate``."""
    blob = subprocess.run(
        ["git", "archive", ref, "hf_mathrules"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    where = tempfile.mkdtemp(prefix="mutation_round5_")
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(where, filter="data")
    os.rename(os.path.join(where, "hf_mathrules"), os.path.join(where, "hf_mathrules_base"))
    sys.path.insert(0, where)
    return importlib.import_module("hf_mathrules_base.mutate")


def rows_of(item) -> list[str]:
    if not item.rows:
        return [f"rejected: {item.rejected}"]
    return [json.dumps(r, sort_keys=True, default=str) for r in item.rows]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=300, help="level-3 items per configuration")
    ap.add_argument("--ks", default="1,8,16", help="values of variants_per_chain (comma-separated)")
    ap.add_argument("--base", default="f4a35cc", help="the commit to compare with (default: round 5's start)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="the first item index")
    a = ap.parse_args()
    base = load_base(a.base)
    print(f"base: {a.base} from {os.path.dirname(base.__file__)}")
    sys.path.insert(0, ROOT)  # this tree, not whatever checkout the venv installed
    from hf_mathrules import mutate as this

    print(f"this tree: {os.path.dirname(this.__file__)}")

    ks = [int(x) for x in a.ks.split(",")]
    trees = {"base": base, "this tree": this}
    engs = {
        (k, t): mod.MutationEngine(level=3, second_opinion="none", variants_per_chain=k)
        for k in ks
        for t, mod in trees.items()
    }
    for e in engs.values():
        e.item(99, 0)  # warm: seeds loaded, patterns compiled
    T, R, S = Counter(), Counter(), {key: set() for key in engs}
    differ = Counter()
    shown = 0
    keys = list(engs)
    for i in range(a.start, a.start + a.items):
        for k in ks:
            got = {}
            order = ("base", "this tree") if (i + k) % 2 == 0 else ("this tree", "base")
            for t in order:
                t0 = time.process_time()
                it = engs[(k, t)].item(a.seed, i)
                T[(k, t)] += time.process_time() - t0
                R[(k, t)] += len(it.rows)
                S[(k, t)].update(json.loads(r["meta"])["signature"] for r in it.rows)
                got[t] = rows_of(it)
            if got["base"] != got["this tree"]:
                differ[k] += 1
                if shown < 3:
                    shown += 1
                    print(f"K={k} item {i}: rows differ", got["base"][:1], got["this tree"][:1])
    print(
        f"## level 3, items {a.start}..{a.start + a.items - 1} of seed {a.seed} per configuration, base {a.base}, "
        "alternating item by item"
    )
    print("| K | tree | rows | rows per chain | distinct structures | CPU s | rows/CPU-s |")
    print("|---|---|---|---|---|---|---|")
    for k, t in keys:
        n = R[(k, t)]
        print(
            f"| {k} | {t} | {n} | {n / a.items:.2f} | {len(S[(k, t)])} | {T[(k, t)]:.2f} | {n / T[(k, t)]:.0f} |"
        )
    for k in ks:
        speed = (R[(k, "this tree")] / T[(k, "this tree")]) / (R[(k, "base")] / T[(k, "base")])
        print(f"K={k}: this tree / base = {speed:.2f}x; items whose rows differ: {differ[k]} of {a.items}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
