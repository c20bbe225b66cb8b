"""Options shared by every command that configures a rule: seed, level, vocabulary, knobs; and the options
of a settings dataclass, one per field."""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, TypeVar

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


T = TypeVar("T")


def add_dataclass_options(p: argparse.ArgumentParser, cls: type) -> None:
    """One option per field of the dataclass ``cls``, with its default, type and ``help`` metadata:
    ``--field-name`` (``-n`` for a one-letter name); a list takes one or more values; a bool that is true
    by default becomes ``--no-field-name``."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        kind = hints[f.name]
        help = f.metadata.get("help")
        dashed = f.name.replace("_", "-")
        if kind is bool:
            flag, action = (f"--no-{dashed}", "store_false") if default else (f"--{dashed}", "store_true")
            p.add_argument(flag, dest=f.name, action=action, default=default, help=help)
            continue
        shown = " ".join(map(str, default)) if isinstance(default, list) else default
        help = f"{help or f.name.replace('_', ' ')} (default: {shown})" if default is not None else help
        flag = f"-{f.name}" if len(f.name) == 1 else f"--{dashed}"
        if typing.get_origin(kind) is list:
            (item,) = typing.get_args(kind)
            p.add_argument(flag, dest=f.name, nargs="+", type=item, default=default, help=help)
        else:
            if typing.get_origin(kind) in (typing.Union, types.UnionType):  # X | None
                (kind,) = (a for a in typing.get_args(kind) if a is not type(None))
            p.add_argument(flag, dest=f.name, type=kind, default=default, help=help)


def dataclass_from_args(cls: type[T], args: argparse.Namespace) -> T:
    """The dataclass ``cls`` from the options ``add_dataclass_options`` added."""
    return cls(**{f.name: getattr(args, f.name) for f in dataclasses.fields(cls)})
