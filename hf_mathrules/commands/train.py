"""``mathrules train``: fine-tune (QLoRA by default) or train the tiny preset on rule data with TRL.

Arguments are parsed by TRL's ``TrlParser`` over ``(MathRulesArguments, SFTConfig, ModelConfig)``
(``--config file.yaml``, flags override the file); ``mathrules train --help`` lists them all, with the
shorthands (``--push-to-hub ID``, ``--method``)."""

from __future__ import annotations

import argparse
import sys


def cmd_train(args: argparse.Namespace) -> int:
    from ..train.config import parse_train_args
    from ..train.sft import train

    margs, sft, model_args = parse_train_args(args.argv)
    result = train(margs, sft, model_args)
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


def _hand_over(args=None, namespace=None):
    """The ``train`` sub-parser's parse: every option after ``train`` goes, unread, to TRL's parser
    (``parse_train_args``), as TRL's own CLI hands ``trl sft``'s options to its script's parser."""
    ns = namespace if namespace is not None else argparse.Namespace()
    ns.argv, ns.func = list(args or []), cmd_train
    return ns, []


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train on rule data with TRL (QLoRA by default; --preset tiny trains a small model on CPU)",
        add_help=False,  # --help is TrlParser's: it lists every MathRulesArguments/SFTConfig/ModelConfig flag
    )
    p.parse_known_args = _hand_over
