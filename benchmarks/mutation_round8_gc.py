"""Issue 19 item 3, round 8: level-3 rows per CPU second of a base commit and of this tree, each
configuration in its own process (so that no configuration's garbage is collected on another's time, as it
would be in ``mutation_round5.py``'s one process once ``MutationEngine.item`` moves the collector's
threshold), the configurations alternating run by run:

- ``base``: the base commit (``git archive``, imported as ``hf_mathrules_base``);
- ``tree, GC_GEN0=None``: this tree with the interpreter's collector thresholds (the code's speed-ups only);
- ``tree``: this tree as it is (``GC_GEN0`` = 10,000 while an item is made).

Each run makes items 0..N-1 of seed 1 at level 3 with ``variants_per_chain`` K after one warm-up item and
reports rows, CPU seconds (``time.process_time``) and the collector's time (``gc.callbacks``); the table
gives each configuration's median run and the rows' digest (the same in every configuration).

    python benchmarks/mutation_round8_gc.py --items 600 --k 16 --runs 3 --base 6934528
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
import gc, hashlib, json, sys, time
sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None
which, items, k, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
if which == "base":
    import hf_mathrules_base.mutate as m
else:
    import hf_mathrules.mutate as m
    import hf_mathrules.mutate.engine as E
    if which == "tree-nogen0":
        E.GC_GEN0 = None
eng = m.MutationEngine(level=3, second_opinion="none", variants_per_chain=k)
eng.item(99, 0)
spent, t = [0.0], {}
def cb(phase, info):
    if phase == "start":
        t[0] = time.process_time()
    else:
        spent[0] += time.process_time() - t[0]
gc.callbacks.append(cb)
h, rows = hashlib.blake2b(digest_size=8), 0
t0 = time.process_time()
for i in range(items):
    it = eng.item(seed, i)
    rows += len(it.rows)
    for r in it.rows:
        h.update(json.dumps(r, sort_keys=True, default=str).encode())
cpu = time.process_time() - t0
print(json.dumps({"rows": rows, "cpu": cpu, "gc": spent[0], "digest": h.hexdigest()}))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=600)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base", default="6934528")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from mutation_round5 import load_base

    base_dir = os.path.dirname(os.path.dirname(os.path.dirname(load_base(a.base).__file__)))
    configs = [("base", base_dir), ("tree-nogen0", ""), ("tree", "")]
    got: dict[str, list[dict]] = {c: [] for c, _ in configs}
    env = {**os.environ, "PYTHONPATH": ROOT}
    with open(os.devnull) as null:
        for r in range(a.runs):
            for name, path in configs if r % 2 == 0 else configs[::-1]:
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, path, name, str(a.items), str(a.k), str(a.seed)],
                    env=env, cwd=ROOT, capture_output=True, text=True, check=True, stdin=null,
                ).stdout  # fmt: skip
                got[name].append(json.loads(out.strip().splitlines()[-1]))
    print(f"## level 3, K = {a.k}, items 0..{a.items - 1} of seed {a.seed}, {a.runs} runs per configuration")
    print("| configuration | rows | rows/CPU-s per run | median | collector share (median run) | digest |")
    print("|---|---|---|---|---|---|")
    med = {}
    for name, _ in configs:
        runs = got[name]
        rates = [x["rows"] / x["cpu"] for x in runs]
        m = statistics.median(rates)
        med[name] = m
        mid = sorted(runs, key=lambda x: x["rows"] / x["cpu"])[len(runs) // 2]
        print(
            f"| {name} | {runs[0]['rows']} | {', '.join(f'{v:.0f}' for v in rates)} | {m:.0f} | "
            f"{100 * mid['gc'] / mid['cpu']:.1f}% | {runs[0]['digest']} |"
        )
    digests = {x["digest"] for runs in got.values() for x in runs}
    print(f"rows identical in every run: {len(digests) == 1}")
    for name in ("tree-nogen0", "tree"):
        print(f"{name} / base = {med[name] / med['base']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
