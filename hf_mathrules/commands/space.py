"""``mathrules space``: run the demo Space (``spaces/app.py``) locally: the base model and its adapter side
by side, every step checked.  Without ``--model`` it serves what ``MATHRULES_MODEL`` / ``MATHRULES_ADAPTER``
name, else what ``mathrules demo --adapter`` made, else says what to run."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def _app_module(folder: str | None):
    from ..train.hub import space_folder

    app = space_folder(folder) / "app.py"
    spec = importlib.util.spec_from_file_location("mathrules_space_app", app)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def cmd_space(args: argparse.Namespace) -> int:
    try:
        import gradio  # noqa: F401
    except ImportError:
        raise ValueError("the Space needs gradio: pip install 'hf-mathrules[space]'") from None
    if args.adapter and not args.model:
        raise ValueError("--adapter needs --model (the adapter's base)")
    for name, value in (("--model", args.model), ("--adapter", args.adapter)):
        if value and value.startswith((".", "/", "~")) and not Path(value).expanduser().exists():
            raise FileNotFoundError(f"{name} {value}: no such folder")
    app = _app_module(args.folder)
    try:
        app.main(args.model, args.adapter, server_name=args.host, server_port=args.port, share=False)
    except SystemExit as exc:  # the app's own "what to run" message
        if isinstance(exc.code, str):
            raise ValueError(exc.code) from None
        raise
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("space", help="run the demo Space locally (base vs adapter, every step checked)")
    p.add_argument("--model", default=None, help="base model: Hub id or folder")
    p.add_argument("--adapter", default=None, help="PEFT adapter for the base: Hub id or folder")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--folder", default=None, help="the Space folder (default spaces/)")
    p.set_defaults(func=cmd_space)
