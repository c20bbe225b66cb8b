"""Issue 19 item 3, round 4: level-3 rows per CPU second with the variant pipeline's switches off (round 3's
code paths) and on, side by side in one process, the configurations alternating item by item (seed 1,
items 0..N-1; ``time.process_time``), so load drift hits each alike.

    python benchmarks/mutation_round4.py --items 400 --ks 8,16
    python benchmarks/mutation_round4.py --items 300 --ks 16 --ablate   # each switch off in turn

Switches (module constants, so that both code paths run in one process): ``solver.SHAPED`` (plans found
by program shape: the read-back program replays), ``engine.SCREEN`` (draws refused by following the
recorded plan), ``engine.FRESH`` (values already tried are drawn anew), ``engine.UNPIN`` (numbers that
pin an unknown computed from a value drawn for it) and ``engine.VARIANT_DRAWS``.
"round 3" is all off with 8 draws per variant; "round 4" is this tree's defaults.  K = 1 rows are the same
in both (the switches act on variants only, and the shape replay gives the search's result).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from hf_mathrules.mutate import MutationEngine, engine, solver

DEFAULTS = {
    "SHAPED": solver.SHAPED,
    "SCREEN": engine.SCREEN,
    "FRESH": engine.FRESH,
    "UNPIN": engine.UNPIN,
    "VARIANT_DRAWS": engine.VARIANT_DRAWS,
}
ROUND3 = {"SHAPED": False, "SCREEN": False, "FRESH": False, "UNPIN": False, "VARIANT_DRAWS": 8}
# round 3's rows, made faster: the shape replay and the screen only (the same rows as ROUND3)
SAME_ROWS = {**ROUND3, "SHAPED": True, "SCREEN": True}


def switch(s: dict) -> None:
    solver.SHAPED = s["SHAPED"]
    engine.SCREEN, engine.FRESH, engine.UNPIN = s["SCREEN"], s["FRESH"], s["UNPIN"]
    engine.VARIANT_DRAWS = s["VARIANT_DRAWS"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=400, help="level-3 items per configuration")
    ap.add_argument("--ks", default="8,16", help="values of variants_per_chain (comma-separated)")
    ap.add_argument("--draws", default="", help="also round 4 with these VARIANT_DRAWS (comma-separated)")
    ap.add_argument("--ablate", action="store_true", help="round 4 with each switch off in turn (largest K)")
    a = ap.parse_args()
    configs: dict[str, tuple[int, dict]] = {}
    ks = [int(x) for x in a.ks.split(",")]
    if a.ablate:
        k = max(ks)
        configs[f"K={k}, round 3"] = (k, ROUND3)
        configs[f"K={k}, round 4"] = (k, DEFAULTS)
        for name, off in (("SHAPED", False), ("SCREEN", False), ("FRESH", False), ("UNPIN", False),
                          ("VARIANT_DRAWS", 8)):  # fmt: skip
            configs[f"K={k}, round 4 but {name}={off}"] = (k, {**DEFAULTS, name: off})
        configs[f"K={k}, round 4 but UNPIN=False, SCREEN=False"] = (
            k,
            {**DEFAULTS, "UNPIN": False, "SCREEN": False},
        )
        ks = []
    for k in ks:
        configs[f"K={k}, round 3"] = (k, ROUND3)
        if k > 1:
            configs[f"K={k}, round 3's rows (replay by shape, screen)"] = (k, SAME_ROWS)
        configs[f"K={k}, round 4"] = (k, DEFAULTS)
        for d in (int(x) for x in a.draws.split(",") if x and k > 1):
            configs[f"K={k}, round 4, {d} draws"] = (k, {**DEFAULTS, "VARIANT_DRAWS": d})
    engs = {
        n: MutationEngine(level=3, second_opinion="none", variants_per_chain=k)
        for n, (k, _) in configs.items()
    }
    for n, e in engs.items():
        switch(configs[n][1])
        e.item(99, 0)
    names = list(configs)
    T, R = Counter(), Counter()
    for i in range(a.items):
        for n in names if i % 2 == 0 else names[::-1]:
            switch(configs[n][1])
            t = time.process_time()
            it = engs[n].item(1, i)
            T[n] += time.process_time() - t
            R[n] += len(it.rows)
    switch(DEFAULTS)
    print(f"## level 3, {a.items} items per configuration, alternating item by item (seed 1)")
    print("| configuration | rows | rows per chain | CPU s | rows/CPU-s |")
    print("|---|---|---|---|---|")
    for n in names:
        print(f"| {n} | {R[n]} | {R[n] / a.items:.2f} | {T[n]:.2f} | {R[n] / T[n]:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
