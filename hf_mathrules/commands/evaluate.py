"""``mathrules evaluate``: batched greedy generation on rule test sets (in- and out-of-distribution, word
problems), scored by our checker; a JSON + Markdown + PNG report, base and fine-tuned side by side."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import add_dataclass_options, dataclass_from_args


def specs_from_args(args: argparse.Namespace) -> list:
    from ..evaluation.runner import ModelSpec

    specs = []
    if args.base:
        specs.append(ModelSpec("base", args.base))
    elif args.adapter and not args.no_base:
        specs.append(ModelSpec("base", args.model))
    specs.append(
        ModelSpec(
            args.label or ("fine-tuned" if (args.adapter or args.base) else "model"), args.model, args.adapter
        )
    )
    return specs


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..evaluation.report import build_report, write_report
    from ..evaluation.runner import EvalSettings, check_splits, evaluate_models, resolve_rules

    settings = dataclass_from_args(EvalSettings, args)
    settings.rules = resolve_rules(settings.rules)
    check_splits(settings.splits)
    if args.n < 1:
        raise ValueError("-n must be at least 1")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    specs = specs_from_args(args)
    records, timings = evaluate_models(specs, settings, progress=not args.quiet)
    report = build_report(records, timings, [vars(s) for s in specs], vars(settings))
    paths = write_report(report, out, plots=not args.no_plots)
    for label, o in report["overall"].items():
        per_split = {"test": "test_accuracy", "test_heldout_vocab": "heldout_names_accuracy"}
        per_split["test_ood_vocab"] = "unseen_vocabulary_accuracy"
        per_split["test_ood_level"] = "ood_level_accuracy"
        parts = [f"{split} {o[key]:.1%}" for split, key in per_split.items() if o.get(key) is not None]
        print(f"{label}: " + ", ".join(parts) + f" ({o['n']} problems)")
    print("report: " + ", ".join(str(p) for p in paths.values()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from ..evaluation.runner import EvalSettings

    p = sub.add_parser("evaluate", help="evaluate a model (and its base) on rule test sets with the checker")
    p.add_argument(
        "--model", required=True, help="model: a Hub id or a local folder (the base, with --adapter)"
    )
    p.add_argument("--adapter", default=None, help="PEFT adapter (Hub id or folder) applied to --model")
    p.add_argument("--base", default=None, help="a separate base model to compare against (full fine-tunes)")
    p.add_argument("--no-base", action="store_true", help="with --adapter: do not evaluate the bare base too")
    p.add_argument("--label", default=None, help="name of the evaluated model in the report")
    add_dataclass_options(p, EvalSettings)
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--output-dir", default="outputs/evaluation", help="where report.json/.md and plots go")
    p.set_defaults(func=cmd_evaluate)
