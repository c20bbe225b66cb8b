"""``mathrules generate``: rows of one rule to JSONL or Parquet, optionally validated with SymPy."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from ..io import write_rows
from ..rules import generate_rows
from ..rules.common import OOD_SPLITS, SPLITS
from .options import add_rule_options, rule_kwargs


def cmd_generate(args: argparse.Namespace) -> int:
    if args.n < 1:
        raise ValueError(f"-n must be at least 1, got {args.n}")
    kwargs = rule_kwargs(args)
    split = None if args.split == "all" else args.split
    rows = generate_rows(args.rule, args.n, seed=args.seed, split=split, progress=not args.quiet, **kwargs)
    rc = 0
    if args.validate:
        from ..rules import split_rules
        from ..validate import validate_row

        # the rule the rows came from: test_ood_vocab at --level with held-out names, test_ood_level at 6
        knobs = {k: v for k, v in kwargs.items() if k not in ("level", "vocab")}
        rule = split_rules(args.rule, split, (args.level,), kwargs.get("vocab"), **knobs)[0]
        failures = []
        for row in tqdm(rows, desc=f"validating {args.rule}", unit="row", disable=args.quiet):
            errs = validate_row(row, rule)
            if errs:
                failures.append((row["id"], errs))
        ok = len(rows) - len(failures)
        print(
            f"validated {ok}/{len(rows)} rows of {args.rule} ({100.0 * ok / len(rows):.2f}%)", file=sys.stderr
        )
        for rid, errs in failures[:20]:
            print(f"  {rid}: {'; '.join(errs)}", file=sys.stderr)
        rc = 1 if failures else 0
    if args.output:
        n = write_rows(args.output, rows)
        print(f"wrote {n} rows to {args.output}", file=sys.stderr)
    elif not args.validate:
        import json

        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    return rc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate rows of a rule to .jsonl or .parquet")
    p.add_argument("rule", help="rule name (see `mathrules list`)")
    p.add_argument("-n", type=int, default=1000, help="number of rows (default 1000)")
    p.add_argument(
        "--split",
        default="train",
        choices=[*SPLITS, *OOD_SPLITS, "all"],
        help="which split's rows (split membership is a hash of the problem); test_ood_vocab is drawn at "
        "--level with variable names held out of training (--vocab, default built-in words), "
        "test_ood_level at level 6",
    )
    p.add_argument(
        "-o", "--output", help="output file, .jsonl or .parquet (written atomically); stdout if omitted"
    )
    p.add_argument(
        "--validate", action="store_true", help="check every row with SymPy; exit 1 on any failure"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_rule_options(p)
    p.set_defaults(func=cmd_generate)
