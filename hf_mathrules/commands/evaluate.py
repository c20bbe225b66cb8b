"""``mathrules evaluate``: batched greedy generation on rule test sets (in- and out-of-distribution, word
problems), scored by our checker; a JSON + Markdown + PNG report, base and fine-tuned side by side."""

from __future__ import annotations

import argparse
from pathlib import Path


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

    settings = EvalSettings(
        rules=resolve_rules(args.rules),
        splits=args.splits,
        levels=args.levels,
        n=args.n,
        seed=args.seed,
        batch_size=args.batch_size,
        max_new_tokens=args.max_new_tokens,
        recursive=not args.no_recursive,
        vocab=args.vocab,
        heldout_vocab=args.heldout_vocab,
    )
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
    from ..evaluation.runner import EVAL_SPLITS

    p = sub.add_parser("evaluate", help="evaluate a model (and its base) on rule test sets with the checker")
    p.add_argument(
        "--model", required=True, help="model: a Hub id or a local folder (the base, with --adapter)"
    )
    p.add_argument("--adapter", default=None, help="PEFT adapter (Hub id or folder) applied to --model")
    p.add_argument("--base", default=None, help="a separate base model to compare against (full fine-tunes)")
    p.add_argument("--no-base", action="store_true", help="with --adapter: do not evaluate the bare base too")
    p.add_argument("--label", default=None, help="name of the evaluated model in the report")
    p.add_argument(
        "--rules",
        nargs="+",
        default=["distributivity"],
        help="rule names, or all / word / math (default distributivity)",
    )
    p.add_argument(
        "--splits", nargs="+", default=list(EVAL_SPLITS), help=f"splits (default: {' '.join(EVAL_SPLITS)})"
    )
    p.add_argument("--levels", nargs="+", type=int, default=[1], help="levels of the in-distribution splits")
    p.add_argument("-n", type=int, default=100, help="problems per rule, split and level")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument(
        "--no-recursive", action="store_true", help="linear_system: let the model write sub-answers itself"
    )
    p.add_argument(
        "--vocab", default=None, help="the training vocabulary of the test split (e.g. letters@train:8)"
    )
    p.add_argument(
        "--heldout-vocab",
        default=None,
        help="names held out of training, for test_heldout_vocab (training level) and test_ood_vocab "
        "(default: the complement of --vocab's @train:K, else built-in words)",
    )
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--output-dir", default="outputs/evaluation", help="where report.json/.md and plots go")
    p.set_defaults(func=cmd_evaluate)
