"""``mathrules push``: publish a dataset (parquet + card), a trained model or adapter (with its card), the
demo Space, or the sympy_equivalence metric (a Gradio Space) to the Hugging Face Hub, each in a single
commit.  The token comes from `hf auth login` or
HF_TOKEN and is never printed.  ``--dry-run DIR`` writes the exact folder that would be pushed."""

from __future__ import annotations

import argparse
import sys

from .build import add_dataset_options, dataset_params


def cmd_push_dataset(args: argparse.Namespace) -> int:
    from ..data.publishing import push_dataset

    name, params = dataset_params(args, args.rules, args.mix)
    where = push_dataset(
        name,
        args.repo_id,
        dry_run_dir=args.dry_run,
        private=args.private,
        num_proc=args.num_proc,
        cache_dir=args.cache_dir,
        validate_sample=args.validate_sample,
        **params,
    )
    print(f"{'wrote' if args.dry_run else 'pushed'} {where}", file=sys.stderr)
    return 0


def cmd_push_metric(args: argparse.Namespace) -> int:
    from ..data.publishing import push_metric

    where = push_metric(args.repo_id, folder=args.folder, dry_run_dir=args.dry_run, private=args.private)
    print(f"{'wrote' if args.dry_run else 'pushed'} {where}", file=sys.stderr)
    return 0


def cmd_push_model(args: argparse.Namespace) -> int:
    from ..train.hub import push_model

    where = push_model(
        args.folder,
        args.repo_id,
        base_model_id=args.base_model_id,
        dry_run_dir=args.dry_run,
        private=args.private,
    )
    print(f"{'wrote' if args.dry_run else 'pushed'} {where}", file=sys.stderr)
    return 0


def cmd_push_space(args: argparse.Namespace) -> int:
    from ..train.hub import push_space

    where = push_space(
        args.repo_id,
        args.model,
        args.adapter,
        folder=args.folder,
        dry_run_dir=args.dry_run,
        private=args.private,
    )
    print(f"{'wrote' if args.dry_run else 'pushed'} {where}", file=sys.stderr)
    return 0


def _publish_options(parser, kind: str) -> None:
    """The options every push shares: a dry run into a folder, a private repo."""
    parser.add_argument(
        "--dry-run", default=None, metavar="DIR", help="write the exact folder to DIR, push nothing"
    )
    parser.add_argument("--private", action="store_true", help=f"create the {kind} private")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "push",
        help="publish a dataset, a model or adapter, the demo Space or the metric to the Hub (one commit)",
        description=__doc__,
    )
    what = p.add_subparsers(dest="what", metavar="WHAT")
    what.required = True

    d = what.add_parser("dataset", help="build RULE(s) and push parquet + dataset card")
    d.add_argument("rules", nargs="+", metavar="RULE", help="rule name(s); several need --mix NAME")
    d.add_argument("--repo-id", default=None, help="Hub dataset repo (default hf_mathrules/<name>)")
    d.add_argument("--mix", default=None, metavar="NAME", help="push the RULEs as one mixture called NAME")
    d.add_argument("--weights", type=float, nargs="+", default=None, help="mixture weights, one per RULE")
    _publish_options(d, "repo")
    d.add_argument("--validate-sample", type=int, default=200, help="rows per split re-checked for the card")
    add_dataset_options(d)
    d.set_defaults(func=cmd_push_dataset)

    mo = what.add_parser(
        "model", help="push a finished `mathrules train` folder (model or adapter) with its card"
    )
    mo.add_argument("folder", help="the training output folder")
    mo.add_argument("--repo-id", required=True, help="Hub model repo, e.g. you/mathrules-tiny-base")
    mo.add_argument(
        "--base-model-id",
        default=None,
        help="the base model's Hub id (written into adapter_config.json and the card's base_model)",
    )
    _publish_options(mo, "repo")
    mo.set_defaults(func=cmd_push_model)

    sp = what.add_parser("space", help="push spaces/ as the demo Space, set to load MODEL (+ ADAPTER)")
    sp.add_argument("--repo-id", required=True, help="Space id, e.g. you/mathrules-demo")
    sp.add_argument("--model", required=True, help="the base model's Hub id")
    sp.add_argument("--adapter", default=None, help="the adapter's Hub id (shown side by side with the base)")
    sp.add_argument("--folder", default=None, help="Space folder (default spaces)")
    _publish_options(sp, "Space")
    sp.set_defaults(func=cmd_push_space)

    m = what.add_parser("metric", help="push metrics/sympy_equivalence as a Gradio Space (evaluate.load)")
    m.add_argument("--repo-id", required=True, help="Space id; its name must be sympy_equivalence")
    m.add_argument("--folder", default=None, help="metric folder (default metrics/sympy_equivalence)")
    _publish_options(m, "Space")
    m.set_defaults(func=cmd_push_metric)
