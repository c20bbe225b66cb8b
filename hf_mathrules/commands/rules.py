"""``mathrules list`` and ``mathrules show``: what rules exist, their knobs, and pretty samples."""

from __future__ import annotations

import argparse
import dataclasses
import json

from ..rules import get_rule, make_rule, rule_names
from ..rules.base import LEVELS
from .options import add_rule_options, rule_kwargs


def cmd_list(args: argparse.Namespace) -> int:
    for name in rule_names():
        cls = get_rule(name)
        knobs = [f.name for f in dataclasses.fields(cls.config_class) if f.name not in ("level", "vocab")]
        tag = " [word problem]" if cls.word_problem else ""
        print(f"{name}{tag}: {cls.description}")
        print(f"    target form: {cls.target_form}; knobs: {', '.join(knobs)}")
        if args.verbose:
            for level in LEVELS:
                print(f"    level {level}: {json.dumps(cls.config_class.LEVEL_KNOBS[level])}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    kwargs = rule_kwargs(args)
    rule = make_rule(args.rule, **kwargs)
    split = None if args.split == "all" else args.split
    for row in rule.generate(args.n, seed=args.seed, split=split):
        print(f"--- {row['id']}  (level {row['difficulty']}, {row['split']})")
        print(row["prompt"])
        print(row["completion"])
        print()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list the rules and their knobs")
    p.add_argument("-v", "--verbose", action="store_true", help="also print each level's knob values")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="print a few samples of a rule")
    p.add_argument("rule", help="rule name (see `mathrules list`)")
    p.add_argument("-n", type=int, default=3, help="how many samples (default 3)")
    p.add_argument("--split", default="train", choices=["train", "validation", "test", "all"])
    add_rule_options(p)
    p.set_defaults(func=cmd_show)
