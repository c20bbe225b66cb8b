"""Issue 19 item 3, round 9: level-3 rows per CPU second of a base commit and of this tree, each run in its
own process, base and tree alternating (base first in even pairs, tree first in odd ones), as
``mutation_round8_gc.py`` without its ``GC_GEN0 = None`` configuration.

Each run makes items 0..N-1 of seed 1 at level 3 with ``variants_per_chain`` K after one warm-up item and
reports rows, CPU seconds (``time.process_time`` of the process) and the digest of every row; the table
gives every pair, the medians and their ratio, and whether every run's digest is the same.

    python benchmarks/mutation_round9_speed.py --items 600 --ks 8,16 --pairs 5 --base 935f775
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None
which, items, k, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
if which == "base":
    import hf_mathrules_base.mutate as m
else:
    import hf_mathrules.mutate as m
eng = m.MutationEngine(level=3, second_opinion="none", variants_per_chain=k)
eng.item(99, 0)
h, rows = hashlib.blake2b(digest_size=8), 0
t0 = time.process_time()
for i in range(items):
    it = eng.item(seed, i)
    rows += len(it.rows)
    for r in it.rows:
        h.update(json.dumps(r, sort_keys=True, default=str).encode())
cpu = time.process_time() - t0
print(json.dumps({"rows": rows, "cpu": cpu, "digest": h.hexdigest()}))
"""


def run(which: str, path: str, items: int, k: int, seed: int) -> dict:
    env = {**os.environ, "PYTHONPATH": ROOT}
    with open(os.devnull) as null:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, path, which, str(items), str(k), str(seed)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True, stdin=null,
        ).stdout  # fmt: skip
    got = json.loads(out.strip().splitlines()[-1])
    got["load"] = os.getloadavg()[0]
    return got


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=600)
    ap.add_argument("--ks", default="8,16", help="values of variants_per_chain (comma-separated)")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--base", default="935f775")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from mutation_round5 import load_base

    base_dir = os.path.dirname(os.path.dirname(os.path.dirname(load_base(a.base).__file__)))
    for k in [int(x) for x in a.ks.split(",")]:
        got: dict[str, list[dict]] = {"base": [], "tree": []}
        print(f"## level 3, K = {k}, items 0..{a.items - 1} of seed {a.seed}, {a.pairs} pairs")
        print("| pair | base rows/CPU-s | tree rows/CPU-s | tree / base | load average (1 min, after) |")
        print("|---|---|---|---|---|", flush=True)
        for r in range(a.pairs):
            order = [("base", base_dir), ("tree", "")]
            for name, path in order if r % 2 == 0 else order[::-1]:
                got[name].append(run(name, path, a.items, k, a.seed))
            b, t = (got[n][r]["rows"] / got[n][r]["cpu"] for n in ("base", "tree"))
            loads = f"{got['base'][r]['load']:.1f} / {got['tree'][r]['load']:.1f}"
            print(f"| {r + 1} | {b:.0f} | {t:.0f} | {t / b:.2f}x | {loads} |", flush=True)
        rate = {n: [x["rows"] / x["cpu"] for x in runs] for n, runs in got.items()}
        mb, mt = statistics.median(rate["base"]), statistics.median(rate["tree"])
        print(f"| median | {mb:.0f} | {mt:.0f} | {mt / mb:.2f}x | |")
        digests = {x["digest"] for runs in got.values() for x in runs}
        print(f"rows: {got['tree'][0]['rows']} (base {got['base'][0]['rows']}); digests {sorted(digests)}; "
              f"rows identical in every run: {len(digests) == 1}")  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
