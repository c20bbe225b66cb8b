"""Issue 19 item 3, round 3: rows per chain (``variants_per_chain``) and the rename at the end of every chain
(``final_rename``), side by side in one process.

    python benchmarks/mutation_variants.py --items 600 --rows 1000 --mix 600
    python benchmarks/mutation_variants.py --ks 1,8,16 --skip level3,mix     # throughput only
    python benchmarks/mutation_variants.py --ks 8,16 --skip throughput,mix --round3-draws  # round 3's draws

1. throughput at level 3: the configs alternate item by item (seed 1, items 0..N-1), rows per CPU second
   of this process (``time.process_time``), so load drift hits each alike;
2. diversity at level 3: the first ``--rows`` rows of seed 0 (items in index order, every row of an item:
   the chain's own row, then its variants), distinct structures per 1,000 rows, distinct-2/3, self-BLEU-4
   (``benchmarks/mutation.py``), rows per chain, the automatic defects of ``--quality`` and a SymPy re-check
   of a sample;
3. the same for ``--mix`` word rows over levels 1-6 (an equal share each, seed 0: the rows of round 2's
   quality table), for K=1 with and without the final rename.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mutation as M  # noqa: E402

from hf_mathrules.mutate import MutationEngine  # noqa: E402
from hf_mathrules.mutate.seeds import load_seeds  # noqa: E402

BASELINE = "K=1, no final rename (round 2)"
CONFIGS = {BASELINE: {"variants_per_chain": 1, "final_rename": False}}  # name -> MutateConfig knobs; + --ks


def throughput(items: int, names: list[str]) -> dict[str, tuple[int, float]]:
    engs = {n: MutationEngine(level=3, second_opinion="none", **CONFIGS[n]) for n in names}
    for e in engs.values():
        e.item(99, 0)
    T, R = Counter(), Counter()
    for i in range(items):
        for n in names if i % 2 == 0 else names[::-1]:
            t = time.process_time()
            it = engs[n].item(1, i)
            T[n] += time.process_time() - t
            R[n] += len(it.rows)
    return {n: (R[n], R[n] / T[n]) for n in names}


def first_rows(eng: MutationEngine, n: int, seed: int = 0) -> tuple[list, int]:
    """(the first n row-giving Items, chains tried): each item's own row, then its variants."""
    out, index = [], 0
    while len(out) < n and index < 60 * n:
        it = eng.item(seed, index)
        index += 1
        if it.row is not None:
            out.append(it)
        out.extend(it.variants)
    return out[:n], index


def measure(items: list, seeds) -> dict:
    rows = [it.row for it in items]
    metas = [json.loads(r["meta"]) for r in rows]
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)
    div = M.diversity(
        [rows[i]["prompt"] for i in order],
        [metas[i]["signature"] for i in order],
        set(MutationEngine().seed_signatures),
        [tuple(metas[i]["operators"]) for i in order],
    )
    defects = sum(1 for it in items if M.row_defects(it, seeds))
    sample = random.Random(1).sample(rows, min(40, len(rows)))
    bad = sum(1 for r in sample if M.recheck(r))
    return {
        **div,
        "per_1000": 1000 * div["distinct_structures"] / len(rows),
        "defects": defects,
        "sympy": f"{len(sample) - bad}/{len(sample)}",
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=600, help="level-3 items per config for throughput")
    ap.add_argument("--rows", type=int, default=1000, help="level-3 rows per config for diversity")
    ap.add_argument("--mix", type=int, default=600, help="word rows over levels 1-6 (K=1 configs)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: throughput,level3,mix")
    ap.add_argument("--ks", default="1,4,8", help="the values of variants_per_chain compared (default 1,4,8)")
    ap.add_argument(
        "--round3-draws",
        action="store_true",
        help="variants drawn as round 3 drew them (8 draws, no fresh values, no unpinning)",
    )
    a = ap.parse_args()
    if a.round3_draws:
        from hf_mathrules.mutate import engine

        engine.FRESH, engine.UNPIN, engine.VARIANT_DRAWS = False, False, 8
    for k in a.ks.split(","):
        CONFIGS[f"K={int(k)}"] = {"variants_per_chain": int(k)}
    skip = set(a.skip.split(","))
    seeds = load_seeds()
    names = list(CONFIGS)
    if "throughput" not in skip:
        print(f"## throughput, level 3, {a.items} items per config, alternating item by item", flush=True)
        for n, (rows, rate) in throughput(a.items, names).items():
            print(
                f"| {n} | {rows} rows | {rows / a.items:.2f} rows/chain | {rate:.0f} rows/CPU-s |", flush=True
            )
    cols = ("distinct_structures", "per_1000", "distinct_2", "distinct_3", "self_bleu", "op_entropy")
    if "level3" not in skip:
        print(f"## level 3, first {a.rows} rows of seed 0", flush=True)
        for n in names:
            t = time.process_time()
            items, chains = first_rows(MutationEngine(level=3, second_opinion="none", **CONFIGS[n]), a.rows)
            cpu = time.process_time() - t
            m = measure(items, seeds)
            print(
                f"| {n} | {len(items)} rows from {chains} chains | "
                + " | ".join(f"{c} {m[c]:.3f}" if isinstance(m[c], float) else f"{c} {m[c]}" for c in cols)
                + f" | defects {m['defects']} | sympy {m['sympy']} | gen CPU {cpu:.1f} s |",
                flush=True,
            )
    if "mix" not in skip:
        print(f"## levels 1-6, {a.mix} word rows (seed 0, {a.mix // 6} per level)", flush=True)
        for n in names[:2]:
            items = []
            for lv in M.LEVELS:
                eng = MutationEngine(level=lv, second_opinion="none", **CONFIGS[n])
                items += eng.items_with_rows(a.mix // 6, seed=0, max_tries=60 * (a.mix // 6))
            m = measure(items, seeds)
            ops = Counter(o for it in items for o in it.final.history)
            print(
                f"| {n} | {len(items)} rows | "
                + " | ".join(f"{c} {m[c]:.3f}" if isinstance(m[c], float) else f"{c} {m[c]}" for c in cols)
                + f" | defects {m['defects']} | sympy {m['sympy']} | renames {ops['rename']} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
