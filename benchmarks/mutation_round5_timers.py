"""Issue 19 item 3, round 5: where a level-3 variant row's time goes, by per-call timers (``time.process_time``
around each gate and step of ``MutationEngine.finish`` and ``variants``), in one process of the tree on
``PYTHONPATH``; run it in two trees to compare (the timers add a little to each call).

    for t in ../wt19-base .; do PYTHONPATH=$t python benchmarks/mutation_round5_timers.py --k 16 --items 150; done

Per variant row: a call's total time over the number of variant rows (a finish that rejects counts too).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from hf_mathrules.mutate import MutationEngine, engine, gates


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=16, help="variants_per_chain")
    ap.add_argument("--items", type=int, default=150, help="level-3 items (seed 1)")
    a = ap.parse_args()
    T, N = Counter(), Counter()
    pt = time.process_time

    def wrap(mod, name, label=None):
        f, label = getattr(mod, name), label or name

        def timed(*args, **kw):
            t = pt()
            try:
                return f(*args, **kw)
            finally:
                T[label] += pt() - t
                N[label] += 1

        setattr(mod, name, timed)

    for n in ("informalize", "number_defects", "difficulty", "final_rename", "_distinct_distractors"):
        wrap(engine, n)
    wrap(engine, "solve", "solve (engine: draws, finish)")
    for n in ("well_formed", "exact", "unique", "steps_ok", "round_trip"):
        wrap(gates, n, "gates." + n)
    wrap(gates, "parse_text", "parse_text (in round_trip)")
    wrap(gates, "solve", "solve (gates: unique, round_trip)")
    for n in ("row", "finish", "variants"):
        wrap(engine.MutationEngine, n, "MutationEngine." + n)
    e = MutationEngine(level=3, second_opinion="none", variants_per_chain=a.k)
    e.item(99, 0)
    T.clear()
    N.clear()
    t = pt()
    rows = variant_rows = 0
    for i in range(a.items):
        it = e.item(1, i)
        rows += len(it.rows)
        variant_rows += len(it.variants)
    dt = pt() - t
    print(
        f"K={a.k}, {a.items} items: {rows} rows ({variant_rows} variant rows) in {dt:.2f} CPU s, {rows / dt:.0f} rows/CPU-s"
    )
    print("| call | calls | ms per call | ms per variant row |")
    print("|---|---|---|---|")
    for label, v in T.most_common():
        print(f"| {label} | {N[label]} | {1e3 * v / N[label]:.3f} | {1e3 * v / max(variant_rows, 1):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
