"""``mathrules train``: fine-tune (QLoRA by default) or train the tiny preset on rule data with TRL.

Arguments are parsed by TRL's ``TrlParser`` (our ``MathRulesArguments`` plus every ``SFTConfig`` field,
``--config file.yaml``, flags override the file); ``mathrules train --help`` lists them all."""

from __future__ import annotations

import argparse
import sys


def cmd_train(args: argparse.Namespace) -> int:
    from ..train.config import parse_train_args
    from ..train.sft import train

    margs, sft = parse_train_args(args.argv)
    result = train(margs, sft)
    if result.interrupted:
        print(
            f"training stopped at step {result.global_step}; a checkpoint is in {result.output_dir}; "
            "run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    print(
        f"trained {result.global_step} steps in {result.train_seconds:.0f} s "
        f"({result.tokens_per_second:.0f} tokens/s); model, tokenizer and card in {result.output_dir}"
    )
    if result.generation_history:
        last = result.generation_history[-1]
        print(f"verified accuracy on the validation sample: {last['eval/verified_accuracy']:.1%}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    # every option belongs to TrlParser: hide them from our argparse with a prefix it never sees
    p = sub.add_parser(
        "train",
        help="train on rule data with TRL (QLoRA by default; --preset tiny trains a small model on CPU)",
        add_help=False,
        prefix_chars="+",
    )
    p.add_argument("argv", nargs="*", help="options for TrlParser (see mathrules train --help)")
    p.set_defaults(func=cmd_train)
