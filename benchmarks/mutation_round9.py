"""Issue 21, round 9: before/after of the word rows in one comparable run.

    # rows of a tree (run with PYTHONPATH on that tree: the base in its own folder, then this branch)
    python benchmarks/mutation_round9.py dump --out /tmp/before.pkl
    python benchmarks/mutation_round9.py dump --out /tmp/after.pkl
    # both scored by this branch's checks
    python benchmarks/mutation_round9.py score /tmp/before.pkl /tmp/after.pkl

``dump`` pickles ``mutation.quality_items(600)`` (the items ``--quality`` reads: 100 word rows at each of
levels 1-6, seed 0, and the linear and system rows) as (family, level, row, program) and the yield of
``--yield-only 150`` (word rows per item, items 0-149 of seed 7).  ``score`` reads two dumps and prints,
per dump, the word rows with any automatic defect (``mutation.row_defects``: every check of rounds 3-9),
the count per check, the style findings (rounds 6, 8 and 9, counted apart), the repeated 4-gram rate within
a problem (the formula of ``mutation.FLUENCY_RUNNER``), the yield, the SymPy re-check of every row
(``mutation.recheck``) and the read-back of every word text (``parse_text``, re-solved to the answer).
With ``--gsm-symbolic N`` (round 11) the same run also scores N rows of reasoning-gym's gsm_symbolic by the
same 4-gram measure and prints each dump's ratio to it.
"""

from __future__ import annotations

import argparse
import pickle
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def dump(out: Path, n: int, yield_items: int) -> None:
    from mutation import LEVELS, quality_items

    from hf_mathrules.mutate import MutationEngine

    items = quality_items(n)
    rows = [(fam, lv, it.row, it.final) for (fam, lv), its in items.items() for it in its]
    yields = {}
    for lv in LEVELS:
        eng = MutationEngine(level=lv, second_opinion="none")
        yields[lv] = sum(eng.item(7, i).row is not None for i in range(yield_items)) / yield_items
        print(f"level {lv}: {yields[lv]:.2f} rows per item", flush=True)
    out.write_bytes(pickle.dumps({"rows": rows, "yield": yields, "yield_items": yield_items}))
    print(f"{len(rows)} rows -> {out}")


def repeated_4grams(text: str) -> float:
    """The share of a text's 4-grams said before in it (numbers as one token): ``FLUENCY_RUNNER``'s."""
    toks = [
        ("<num>" if w[0].isdigit() else w.lower())
        for w in re.findall(r"[A-Za-z']+|[0-9]+(?:[.,][0-9]+)*", text)
    ]
    grams = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
    return sum(1 for i, g in enumerate(grams) if g in grams[:i]) / max(len(grams), 1)


class _Item:
    def __init__(self, row, program):
        self.row, self.final = row, program


def score(path: Path) -> dict:
    from mutation import family_row_defects, recheck

    from hf_mathrules.mutate.defects import repeated_descriptions, round8_style, round9_style
    from hf_mathrules.mutate.frames import parse_text
    from hf_mathrules.mutate.seeds import load_seeds
    from hf_mathrules.mutate.solver import solve

    seeds = load_seeds()
    d = pickle.loads(path.read_bytes())
    word = [(lv, r, p) for fam, lv, r, p in d["rows"] if fam == "word"]
    per_level, found, bad = Counter(), Counter(), 0
    for lv, r, p in word:
        f = family_row_defects(_Item(r, p), seeds, "word")
        found.update(f)
        bad += bool(f)
        per_level[lv] += bool(f)
    sym = Counter()
    for fam, _lv, r, p in d["rows"]:
        if fam != "word":
            sym[fam] += bool(family_row_defects(_Item(r, p), seeds, fam))
    style = Counter(k for _, r, p in word for k in round8_style(r, p) | round9_style(r, p))
    style["one description of 5+ words in two consecutive sentences"] = sum(
        bool(repeated_descriptions(r["prompt"], p)) for _, r, p in word
    )
    rep = statistics.mean(repeated_4grams(r["prompt"]) for _, r, _ in word)
    # validity: SymPy re-solves every stored problem (``mutation.recheck``), and every word text read back
    # by ``parse_text`` re-solves to the row's answer
    invalid = sum(recheck(r) is not None for _, _, r, _ in d["rows"])
    read_back = 0
    for _, r, p in word:
        back = parse_text(r["prompt"], seeds).program
        if back is not None:
            got = solve(back).values.get(back.query[0])
            read_back += got is not None and got == solve(p).values.get(p.query[0])
    return {
        "word rows": len(word), "with a defect": bad, "per level": dict(sorted(per_level.items())),
        "by check": dict(found.most_common()), "symbolic rows with a defect": dict(sym),
        "style": dict(style.most_common()), "repeated 4-grams": rep, "yield": d["yield"],
        "SymPy re-check failures (all rows)": f"{invalid}/{len(d['rows'])}",
        "word texts read back to the answer": f"{read_back}/{len(word)}",
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("dump")
    a.add_argument("--out", type=Path, required=True)
    a.add_argument("--rows", type=int, default=600)
    a.add_argument("--yield-items", type=int, default=150)
    b = sub.add_parser("score")
    b.add_argument("dumps", type=Path, nargs="+")
    b.add_argument(
        "--gsm-symbolic",
        type=int,
        default=0,
        metavar="N",
        help="also score N rows of reasoning-gym's gsm_symbolic (mutation.RG_RUNNER: seed 42, its virtualenv "
        "made from PyPI when missing) by the same repeated 4-gram measure, and each dump's ratio to it",
    )
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.rows, args.yield_items)
        return
    peer = None
    if args.gsm_symbolic:
        from mutation import gsm_symbolic

        got, reason = gsm_symbolic(args.gsm_symbolic)
        if got is None:
            print(f"gsm_symbolic not available: {reason}")
        else:
            peer = statistics.mean(repeated_4grams(r["q"]) for r in got["rows"])
            print(f"## gsm_symbolic ({len(got['rows'])} rows)\n- repeated 4-grams: {100 * peer:.2f}%")
    for path in args.dumps:
        s = score(path)
        print(f"## {path}")
        for k, v in s.items():
            print(f"- {k}: {f'{100 * v:.2f}%' if k == 'repeated 4-grams' else v}")
        if peer:
            print(f"- repeated 4-grams / gsm_symbolic's: {s['repeated 4-grams'] / peer:.2f}x")


if __name__ == "__main__":
    main()
