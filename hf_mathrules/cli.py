"""``mathrules``: one entry point, one module per sub-command under ``hf_mathrules/commands``.

Each command module defines ``register(subparsers)`` which adds its parser and sets ``func``.  Errors
that a user can fix (``ValueError`` and friends raised with a message) become one line on stderr and
exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

COMMAND_MODULES = (
    "rules",
    "generate",
    "verify",
    "build",
    "push",
    "train",
    "evaluate",
    "demo",
    "mutate",
    "space",
    "experiment",
)


class UserError(Exception):
    """An error the user can fix; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mathrules", description="Synthetic math-rule data and its checker."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        import_module(f"hf_mathrules.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        rc = args.func(args)
    except BrokenPipeError:  # `mathrules list | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("mathrules: interrupted", file=sys.stderr)
        return 130
    except (UserError, ValueError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"mathrules {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return int(rc or 0)


if __name__ == "__main__":
    sys.exit(main())
