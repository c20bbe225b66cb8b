"""Options shared by every command that configures a rule: seed, level, vocabulary, knobs."""

from __future__ import annotations

import argparse
from typing import Any

from ..vocab import parse_vocab_spec


def add_rule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0, help="seed (items are a hash of seed and index)")
    p.add_argument("--level", type=int, default=1, help="difficulty 1-5 (6: out-of-distribution)")
    p.add_argument(
        "--vocab",
        default=None,
        help="variable names: letters (default), words, list:a,b,c, file:PATH, tokenizer:NAME_OR_PATH, "
        "each optionally with @train:K[:SEED] or @heldout:K[:SEED]",
    )
    p.add_argument(
        "--knob",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a rule knob directly (repeatable), e.g. --knob n_terms=4",
    )


def parse_knob(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--knob needs NAME=VALUE, got {text!r}")
    low = raw.strip().lower()
    value: Any
    if low in ("true", "false"):
        value = low == "true"
    else:
        try:
            value = int(raw)
        except ValueError:
            value = raw
    return name.strip(), value


def rule_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    kwargs: dict[str, Any] = dict(parse_knob(k) for k in args.knob)
    kwargs["level"] = args.level
    if args.vocab:
        kwargs["vocab"] = parse_vocab_spec(args.vocab)
    return kwargs
