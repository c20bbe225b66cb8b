"""A reading sample of mutated rows (issue 21): word rows at levels 1-6, linear and system rows, written in
full (prompt, completion, answer) with their item keys, for a person to read and tally defects.

    python benchmarks/reading_sample.py --seed 5150 --out benchmarks/reading/frozen_5150_before.md
    python benchmarks/reading_sample.py --keys benchmarks/reading/frozen_5150_before.md --out ...after.md

With --keys the same item keys (family, level, seed, index) are regenerated; a key whose item is now
rejected is replaced by the next index of the same family and level that gives a row (marked so).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

PLAN = [("word", lv, 6) for lv in range(1, 7)] + [
    ("linear", 1, 2), ("linear", 3, 2), ("linear", 5, 2), ("linear", 6, 1),
    ("system", 1, 2), ("system", 3, 2), ("system", 5, 2), ("system", 6, 1),
]  # fmt: skip
KEY = re.compile(r"^## (\d+)\. key (\w+) L(\d) seed (\d+) index (\d+)")


def engine(fam: str, lv: int):
    from hf_mathrules.mutate import MutationEngine

    return MutationEngine(level=lv, family=fam, second_opinion="none")


def first_rows(seed: int) -> list[tuple[str, int, int, int, object]]:
    out = []
    for fam, lv, k in PLAN:
        eng, got, i = engine(fam, lv), 0, 0
        while got < k:
            it = eng.item(seed, i)
            if it.row is not None:
                out.append((fam, lv, seed, i, it))
                got += 1
            i += 1
    return out


def same_keys(path: Path) -> list[tuple[str, int, int, int, object, str]]:
    keys = [m.groups() for m in map(KEY.match, path.read_text().splitlines()) if m]
    used = {(f, int(lv), int(s), int(i)) for _, f, lv, s, i in keys}
    out = []
    for _, fam, lv, seed, idx in keys:
        lv, seed, idx = int(lv), int(seed), int(idx)
        eng = engine(fam, lv)
        it, note, j = eng.item(seed, idx), "", idx
        while it.row is None:
            j += 1
            if (fam, lv, seed, j) in used:
                continue
            it, note = eng.item(seed, j), f" (index {idx} now rejected: {eng.item(seed, idx).rejected})"
        used.add((fam, lv, seed, j))
        out.append((fam, lv, seed, j, it, note))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int)
    ap.add_argument("--keys", type=Path, help="a sample file whose item keys to regenerate")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    rows = same_keys(a.keys) if a.keys else [(*r, "") for r in first_rows(a.seed)]
    lines = ["# Reading sample (issue 21)", ""]
    for n, (fam, lv, seed, idx, it, note) in enumerate(rows, 1):
        r = it.row
        lines += [
            f"## {n}. key {fam} L{lv} seed {seed} index {idx}{note}",
            "",
            f"operators: {' '.join(json.loads(r['meta'])['operators'])}",
            "",
            "Prompt:",
            "",
            *["    " + ln for ln in r["prompt"].splitlines()],
            "",
            "Completion:",
            "",
            *["    " + ln for ln in r["completion"].splitlines()],
            "",
            f"Answer: {r['answer']}",
            "",
        ]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines))
    print(f"{len(rows)} rows -> {a.out}")


if __name__ == "__main__":
    main()
