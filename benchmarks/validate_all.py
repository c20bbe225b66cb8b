"""Exhaustive validation: every rule x level (1-5 and the out-of-distribution level 6) re-read with SymPy
(`hf_mathrules.validate`), rows spread evenly, chunks in worker processes, with a progress bar.

    python benchmarks/validate_all.py                          # a million rows (hours on 2 cores)
    python benchmarks/validate_all.py --rows 66000 --json out.json

Prints a table of valid/checked per rule and level, rows/s, and the first failures (if any); exits 1 when
any row fails.  The test suite runs a sample of the same check (tests/rules/test_validation_thorough.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from hf_mathrules.rules import make_rule, rule_names
from hf_mathrules.rules.base import LEVELS, OOD_LEVEL

ALL_LEVELS = (*LEVELS, OOD_LEVEL)


def validate_chunk(name: str, level: int, seed: int, start: int, count: int) -> tuple[str, int, int, list]:
    from hf_mathrules.validate import validate_row

    rule = make_rule(name, level=level)
    failures = []
    for index in range(start, start + count):
        row = rule.item(seed, index)
        row.pop("_canonical")
        errs = validate_row(row, rule)
        if errs:
            failures.append({"index": index, "problem": row["problem"], "errors": errs})
    return name, level, count, failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows in all, split evenly over rule x level")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chunk", type=int, default=250, help="rows per task")
    ap.add_argument("--json", help="write the per-cell results here")
    args = ap.parse_args(argv)
    names = rule_names()
    per_cell = max(1, args.rows // (len(names) * len(ALL_LEVELS)))
    tasks = [
        (name, level, args.seed, start, min(args.chunk, per_cell - start))
        for name in names
        for level in ALL_LEVELS
        for start in range(0, per_cell, args.chunk)
    ]
    from tqdm import tqdm

    checked: dict[tuple[str, int], int] = {}
    failures: dict[tuple[str, int], list] = {}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as ex, tqdm(total=sum(t[-1] for t in tasks)) as bar:
        for job in as_completed([ex.submit(validate_chunk, *t) for t in tasks]):
            name, level, count, fails = job.result()
            checked[(name, level)] = checked.get((name, level), 0) + count
            failures.setdefault((name, level), []).extend(fails)
            bar.update(count)
    seconds = time.perf_counter() - t0
    total = sum(checked.values())
    bad = sum(len(f) for f in failures.values())
    print(f"| rule | {' | '.join(f'L{lv}' for lv in ALL_LEVELS)} |")
    print("|---|" + "---|" * len(ALL_LEVELS))
    for name in names:
        cells = [
            f"{checked[(name, lv)] - len(failures[(name, lv)])}/{checked[(name, lv)]}" for lv in ALL_LEVELS
        ]
        print(f"| {name} | {' | '.join(cells)} |")
    print(
        f"\n{total - bad}/{total} rows valid ({100 * (total - bad) / max(total, 1):.3f}%) in {seconds:.0f} s "
        f"with {args.workers} processes ({total / seconds:.0f} rows/s)"
    )
    for (name, level), fails in failures.items():
        for f in fails[:3]:
            print(f"FAIL {name} L{level} #{f['index']}: {f['problem']}: {f['errors']}", file=sys.stderr)
    if args.json:
        out = {
            "rows": total,
            "invalid": bad,
            "seconds": seconds,
            "workers": args.workers,
            "cells": {
                f"{n}|{lv}": {"checked": c, "failures": failures[(n, lv)]} for (n, lv), c in checked.items()
            },
        }
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
