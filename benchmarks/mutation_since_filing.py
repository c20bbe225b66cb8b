"""Issue 19 item 3 on one machine: level-3 rows per CPU second of the engine as it was when the issue was
filed (1e361c9, 484 rows/s on that session's machine: one row per item) against this tree, one row per
item (K = 1) and with ``variants_per_chain`` K (the replayed plan for new constants, as the issue proposed).

Machines differ by 2x or more (RESULTS, round 14), so a rate is only comparable with the filing commit's
measured in the same run: each configuration runs in its own process, in turn, ``--rounds`` times, on items
0..N-1 of seed 1 after one warm-up item; the table gives the medians and each one's ratio to the filing
commit's, and ``x 484`` the rate that ratio means on the machine that measured 484.

    python benchmarks/mutation_since_filing.py --items 300 --ks 1,16 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILED = "1e361c9"  # RESULTS' "without z3: 484 rows/s" (2026-12-02), the figure issue 19 quotes
FILED_RATE = 484

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import hf_mathrules.mutate as m
items, k = int(sys.argv[2]), int(sys.argv[3])
kwargs = {"variants_per_chain": k} if k else {}  # k = 0: an engine without variants (the filing commit)
eng = m.MutationEngine(level=3, second_opinion="none", **kwargs)
eng.item(99, 0)
rows, t0 = 0, time.process_time()
for i in range(items):
    it = eng.item(1, i)
    rows += len(it.rows) if hasattr(it, "rows") else it.row is not None
print(json.dumps({"rows": rows, "cpu": time.process_time() - t0}))
"""


def filed_tree(where: Path) -> Path:
    """The filing commit's files, from this repository's history."""
    archive = where / "filed.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", FILED], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(where / "filed", filter="data")
    return where / "filed"


def run(tree: Path, items: int, k: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(items), str(k)],
        env=env, cwd=tree, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
    ).stdout  # fmt: skip
    got = json.loads(out.strip().splitlines()[-1])
    return {**got, "rate": got["rows"] / got["cpu"], "load": os.getloadavg()[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--ks", default="1,16", help="this tree's variants_per_chain values (comma-separated)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    try:
        ks = [int(k) for k in args.ks.split(",")]
    except ValueError:
        ap.error(f"--ks must be whole numbers separated by commas, got {args.ks!r}")
    if args.items < 1 or args.rounds < 1 or any(k < 1 for k in ks):
        ap.error("--items, --rounds and every K must be >= 1")
    with tempfile.TemporaryDirectory() as tmp:
        filed = filed_tree(Path(tmp))
        configs = [(f"{FILED} (filed), one row an item", filed, 0)] + [
            (f"this tree, K = {k}", ROOT, k) for k in ks
        ]
        runs: dict[str, list[dict]] = {name: [] for name, _, _ in configs}
        for r in range(args.rounds):
            for name, tree, k in configs if r % 2 == 0 else configs[::-1]:
                got = run(tree, args.items, k)
                runs[name].append(got)
                print(
                    f"round {r + 1}: {name}: {got['rows']} rows, {got['rate']:.0f} rows/CPU-s (load {got['load']:.2f})"
                )
    base = statistics.median(g["rate"] for g in runs[configs[0][0]])
    print(
        f"\n| engine | rows | rows/CPU-s (each round) | median | x filed | x {FILED_RATE} |\n|---|---|---|---|---|---|"
    )
    for name, got in runs.items():
        med = statistics.median(g["rate"] for g in got)
        each = ", ".join(f"{g['rate']:.0f}" for g in got)
        print(
            f"| {name} | {got[0]['rows']} | {each} | {med:.0f} | {med / base:.2f} | {FILED_RATE * med / base:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
