"""Build every Hub dataset repo ``hf_mathrules/<rule>`` (parquet shards + dataset card) and push each in
a single commit, or with ``--dry-run DIR`` write the exact folders to ``DIR/<rule>/`` instead.

    python dataset_scripts/publish_all.py --dry-run out/hub              # look before pushing
    HF_TOKEN=... python dataset_scripts/publish_all.py                   # every registered rule
    python dataset_scripts/publish_all.py distributivity factorization --n-train 50000 --num-proc 2

The token comes from `hf auth login` or HF_TOKEN and is never printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hf_mathrules.commands.build import add_dataset_options, dataset_params
from hf_mathrules.data.publishing import push_dataset
from hf_mathrules.rules import rule_names


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("rules", nargs="*", help="rules to publish (default: every registered rule)")
    p.add_argument("--namespace", default="hf_mathrules", help="Hub namespace of the repos")
    p.add_argument("--dry-run", default=None, metavar="DIR", help="write DIR/<rule>/ instead of pushing")
    p.add_argument("--validate-sample", type=int, default=200, help="rows per split re-checked for the card")
    add_dataset_options(p)
    args = p.parse_args(argv)
    failed = []
    for rule in args.rules or rule_names():
        name, params = dataset_params(args, [rule], None)
        try:
            where = push_dataset(
                name,
                f"{args.namespace}/{rule}",
                dry_run_dir=str(Path(args.dry_run) / rule) if args.dry_run else None,
                num_proc=args.num_proc,
                cache_dir=args.cache_dir,
                validate_sample=args.validate_sample,
                **params,
            )
            print(f"{rule}: {where}", file=sys.stderr)
        except ValueError as exc:  # one bad rule does not stop the others
            print(f"{rule}: error: {exc}", file=sys.stderr)
            failed.append(rule)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
