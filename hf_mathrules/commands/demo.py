"""``mathrules demo``: the main job on the embedded default, end to end, no download.

Generates every rule at every level, validates each row with SymPy, prints samples and figures; then
builds the distributivity data, trains the tiny Llama preset from scratch on CPU, evaluates it with our
checker (test and out-of-distribution splits) and writes the report with its plots."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..data_report import format_report, rule_data_report


def cmd_demo(args: argparse.Namespace) -> int:
    out = Path(args.output_dir)
    results = rule_data_report(n_per_level=args.n, seed=args.seed, out_dir=out / "rules")
    for name, per_level in results.items():
        sample = per_level[1]["sample"]
        print(f"\n=== {name} (level 1 sample)\n{sample['prompt']}\n{sample['completion']}")
    print("\n" + format_report(results))
    bad = sum(v["rows"] - v["valid"] for p in results.values() for v in p.values())
    print(f"\nrule report: {out / 'rules' / 'rules.json'} and {out / 'rules' / 'rules_speed.png'}")
    if bad:
        print(f"{bad} generated rows failed SymPy validation")
        return 1
    if args.data_only:
        return 0
    try:
        from ..train.pipeline import run_main_job
    except ImportError as exc:
        raise ValueError(
            f"training needs the train extras ({exc.name} is missing): pip install 'hf-mathrules[train]'"
        ) from None
    summary = run_main_job(out / "main", steps=args.steps, overwrite=True)
    print(json.dumps(summary, indent=2, default=str))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the main job on the embedded default (no download)")
    p.add_argument("--output-dir", default="outputs/demo", help="where reports go (default outputs/demo)")
    p.add_argument("-n", type=int, default=50, help="rows per rule and level to generate and validate")
    p.add_argument("--steps", type=int, default=500, help="training steps of the tiny model")
    p.add_argument("--data-only", action="store_true", help="only the rule report: no training")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_demo)
