"""``mathrules demo``: the main job on the embedded default, end to end, no download.

Generates every rule at every level, validates each row with SymPy, prints samples and figures; then
builds the distributivity data, trains the tiny Llama preset from scratch on CPU, evaluates it with our
checker (test and out-of-distribution splits) and writes the report with its plots.

``mathrules demo --adapter`` makes what the Space shows instead: a base model trained from scratch on a
mixture of rules, then a LoRA adapter trained on top of it (``mathrules train --model_name_or_path BASE
--method lora``) on a rule the base never saw, with the base's and the adapter's verified accuracy on
that rule; ``--push-to-hub NAMESPACE`` pushes both with their model cards."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..data_report import format_report, rule_data_report


def cmd_adapter(args: argparse.Namespace) -> int:
    try:
        from ..train.pipeline import run_adapter_job
    except ImportError as exc:
        raise ValueError(
            f"training needs the train extras ({exc.name} is missing): pip install 'hf-mathrules[train]'"
        ) from None
    if args.push_to_hub and "/" in args.push_to_hub:
        raise ValueError("--push-to-hub takes a namespace (user or organisation), e.g. --push-to-hub you")
    from ..rules import rule_names

    if args.adapter_rule not in rule_names():
        raise ValueError(f"unknown --adapter-rule {args.adapter_rule!r}; known: {', '.join(rule_names())}")
    for name in ("base_steps", "adapter_steps", "eval_n", "rows"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
    out = Path(args.output_dir) / "adapter" if args.output_dir == "outputs/demo" else Path(args.output_dir)
    summary = run_adapter_job(
        out,
        base_steps=args.base_steps,
        base_rows=args.rows,
        adapter_steps=args.adapter_steps,
        adapter_rows=args.rows,
        eval_n=args.eval_n,
        push_namespace=args.push_to_hub,
        adapter_rule=args.adapter_rule,
        adapter_level=args.adapter_level,
        existing_base=args.base,
    )
    print(json.dumps(summary, indent=2, default=str))
    print(
        f"\nbase {summary['base_accuracy_on_adapter_rule']:.1%} -> adapter "
        f"{summary['adapter_accuracy_on_adapter_rule']:.1%} verified accuracy on {summary['adapter_rule']} "
        f"({summary['eval_problems']} test problems); adapter trained in {summary['adapter_train_seconds']:.0f} s.\n"
        f"Serve them: mathrules space --model {summary['base_dir']} --adapter {summary['adapter_dir']}"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.adapter:
        return cmd_adapter(args)
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
    a = p.add_argument_group("base + adapter (--adapter)")
    a.add_argument(
        "--adapter",
        action="store_true",
        help="train a base on distributivity, factorization and simplification, then a LoRA adapter that "
        "teaches it a new rule (--adapter-rule); output in OUTPUT_DIR/adapter/{base,adapter}",
    )
    a.add_argument("--base-steps", type=int, default=700, help="training steps of the base (default 700)")
    a.add_argument(
        "--adapter-steps", type=int, default=600, help="training steps of the adapter (default 600)"
    )
    a.add_argument(
        "--adapter-rule",
        default="commutativity",
        help="the rule the adapter teaches (level 1; default commutativity; not one of the base's rules)",
    )
    a.add_argument("--adapter-level", type=int, default=1, choices=range(1, 6), help="its level (default 1)")
    a.add_argument(
        "--base", default=None, metavar="DIR", help="reuse a base this command trained before (skips step 1)"
    )
    a.add_argument("--rows", type=int, default=6000, help="training rows per rule (default 6000)")
    a.add_argument(
        "--eval-n", type=int, default=100, help="test problems scored before and after (default 100)"
    )
    a.add_argument(
        "--push-to-hub",
        default=None,
        metavar="NAMESPACE",
        help="push NAMESPACE/mathrules-tiny-base and NAMESPACE/mathrules-tiny-<rule>-lora with their cards",
    )
    p.set_defaults(func=cmd_demo)
