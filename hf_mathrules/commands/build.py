"""``mathrules build``: prepare rule datasets into the datasets cache under their Hub-style ids.

Afterwards, in any process, ``load_dataset("hf_mathrules/<rule>")`` loads them.  Run that with
``HF_HUB_OFFLINE=1``: without it, when the Hub cannot be reached, huggingface_hub retries for about 23 s
before datasets falls back to the cache.  ``--output-dir`` also writes a folder (parquet per split and a
README.md dataset card with ``configs:``) that ``load_dataset(folder)`` loads.

``--executor local|slurm --tasks N --output-dir DIR`` generates on datatrove instead (``pip install
'hf-mathrules[scale]'``): ``N`` tasks each take a share of every rule's index range, a second stage drops
repeats across tasks, and ``DIR/<split>/*.parquet`` (read in file-name order) holds the same rows as the
local build.  Nothing goes into the datasets cache.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..data import SPLIT_ROWS
from .options import parse_knob

EPILOG = """\
examples:
  mathrules build distributivity
  HF_HUB_OFFLINE=1 python -c 'from datasets import load_dataset; print(load_dataset("hf_mathrules/distributivity"))'
  mathrules build distributivity factorization --mix algebra --weights 2 1 --num-proc 2
  mathrules build distributivity --n-train 50000 --level 1 2 3 --output-dir out/distributivity
  mathrules build distributivity --n-train 1000000 --executor local --tasks 8 --workers 2 --output-dir out/d
  mathrules build all --n-train 100000000 --executor slurm --tasks 512 --partition cpu --output-dir /fsx/mr

Loading by the Hub-style id reads the datasets cache; set HF_HUB_OFFLINE=1 for that call, otherwise
huggingface_hub first tries the Hub and, when it cannot be reached, retries for about 23 s.
"""


def add_dataset_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `build` and `push dataset`: sizes, seed, levels, vocabulary, knobs."""
    for name, what in (
        ("n_train", "the train split"),
        ("n_validation", "the validation split"),
        ("n_test", "the test split"),
        ("n_ood", "each out-of-distribution test split (0: none)"),
    ):
        rows = SPLIT_ROWS[name]
        p.add_argument(
            f"--{name.replace('_', '-')}", type=int, default=rows, help=f"rows of {what} (default {rows})"
        )
    p.add_argument("--seed", type=int, default=0, help="seed (items are a hash of rule, seed and index)")
    p.add_argument("--level", type=int, nargs="+", default=[1], help="difficulty level(s) 1-5 (default 1)")
    p.add_argument(
        "--vocab",
        default=None,
        help="variable names: letters, words, list:a,b, file:P, tokenizer:N[@train:K]",
    )
    p.add_argument(
        "--ood-vocab", default=None, help="held-out vocabulary for test_ood_vocab (default: words)"
    )
    p.add_argument(
        "--knob",
        action="append",
        default=[],
        metavar="[RULE:]NAME=VALUE",
        help="set a rule knob (repeatable); in a mixture prefix the rule: --knob distributivity:n_terms=3; "
        "mutated configs take MutateConfig fields, e.g. --knob variants_per_chain=8 (mutated_word_problems: "
        "up to 8 rows per chain, the chain's program with its givens redrawn; faster, fewer distinct structures)",
    )
    p.add_argument(
        "--num-proc",
        type=int,
        default=None,
        help="processes (default: every core for large splits); the rows do not depend on it",
    )
    p.add_argument("--cache-dir", default=None, help="datasets cache (default: HF_DATASETS_CACHE)")


def dataset_params(args: argparse.Namespace, rules: list[str], mix: str | None) -> tuple[str, dict[str, Any]]:
    """(name, params) for hf_mathrules.data from parsed options."""
    knobs: dict[str, Any] = {}
    for text in args.knob:
        name, value = parse_knob(text)
        if ":" in name:
            rule, _, knob = name.partition(":")
            knobs.setdefault(rule, {})[knob] = value
        elif mix:
            raise ValueError(f"--knob {text!r}: in a mixture name the rule, e.g. --knob {rules[0]}:{text}")
        else:
            knobs[name] = value
    if len(rules) == 1 and not mix and set(knobs) == {rules[0]}:
        knobs = knobs[rules[0]]
    params: dict[str, Any] = {
        "n_train": args.n_train,
        "n_validation": args.n_validation,
        "n_test": args.n_test,
        "n_ood": args.n_ood,
        "seed": args.seed,
        "levels": tuple(args.level),
        "vocab": args.vocab,
        "ood_vocab": args.ood_vocab,
        "knobs": knobs,
    }
    if mix:
        params["rules"] = tuple(rules)
        if getattr(args, "weights", None):
            params["weights"] = tuple(args.weights)
        return mix, params
    if getattr(args, "weights", None):
        raise ValueError("--weights needs --mix NAME (weights of a mixture)")
    return rules[0], params


def cmd_build(args: argparse.Namespace) -> int:
    from ..data import build_to_cache, hub_id, make_config
    from ..data.export import export_folder

    if args.executor:
        return cmd_build_distributed(args)
    if args.mix:
        jobs = [dataset_params(args, args.rules, args.mix)]
    else:
        if args.output_dir and len(args.rules) > 1:
            raise ValueError("--output-dir takes one dataset: one RULE, or several with --mix NAME")
        jobs = [dataset_params(args, [r], None) for r in args.rules]
    for name, params in jobs:  # every config is checked before anything is generated
        make_config(name, **params)
    for name, params in jobs:
        path = build_to_cache(name, num_proc=args.num_proc, cache_dir=args.cache_dir, **params)
        print(f"built {hub_id(name)} in {path}", file=sys.stderr)
        if args.output_dir:
            out = export_folder(
                name,
                args.output_dir,
                overwrite=args.overwrite,
                num_proc=args.num_proc,
                cache_dir=args.cache_dir,
                validate_sample=args.validate_sample,
                **params,
            )
            print(f"wrote {out} (parquet per split + README.md)", file=sys.stderr)
    return 0


def cmd_build_distributed(args: argparse.Namespace) -> int:
    from ..data.distributed import build_distributed

    if not args.output_dir:
        raise ValueError("--executor needs --output-dir DIR (the parquet files go there, not into the cache)")
    if len(args.rules) > 1 and not args.mix:
        raise ValueError("--executor takes one dataset: one RULE, or several with --mix NAME")
    name, params = dataset_params(args, args.rules, args.mix)
    slurm = {k: v for k, v in (("partition", args.partition), ("time", args.time)) if v}
    out = build_distributed(
        name,
        args.output_dir,
        executor=args.executor,
        tasks=args.tasks,
        workers=args.workers,
        slurm=slurm,
        **params,
    )
    done = "wrote" if args.executor == "local" else "submitted; when the jobs end, find"
    print(f"{done} {out} (<split>/*.parquet + README.md)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="prepare rule datasets into the datasets cache (load_dataset('hf_mathrules/RULE') then works)",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "rules",
        nargs="+",
        metavar="RULE",
        help="rule name(s) or a named mixture (all, symbolic, word_problems)",
    )
    p.add_argument("--mix", default=None, metavar="NAME", help="build the RULEs as one mixture called NAME")
    p.add_argument("--weights", type=float, nargs="+", default=None, help="mixture weights, one per RULE")
    p.add_argument(
        "--output-dir", default=None, help="also write parquet + README.md here (load_dataset(folder))"
    )
    p.add_argument("--overwrite", action="store_true", help="replace a non-empty --output-dir")
    p.add_argument(
        "--validate-sample", type=int, default=200, help="rows per split re-checked with SymPy for the card"
    )
    scale = p.add_argument_group("past one machine (datatrove; pip install 'hf-mathrules[scale]')")
    scale.add_argument(
        "--executor",
        choices=("local", "slurm"),
        default=None,
        help="generate on datatrove with this executor",
    )
    scale.add_argument("--tasks", type=int, default=4, help="datatrove tasks (shares of the index range)")
    scale.add_argument("--workers", type=int, default=-1, help="tasks run at once (-1: all)")
    scale.add_argument("--partition", default=None, help="Slurm partition")
    scale.add_argument("--time", default=None, help="Slurm time limit per task (default 04:00:00)")
    add_dataset_options(p)
    p.set_defaults(func=cmd_build)
