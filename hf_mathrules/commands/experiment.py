"""``mathrules experiment NAME``: one of the rules paper's experiments (``hf_mathrules.experiments``), with
the tiny preset on a CPU in minutes, or a real base model with ``--model_name_or_path``; writes
``results.json`` (with the wall time), ``table.md`` and a PNG into ``--output-dir``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def cmd_experiment(args: argparse.Namespace) -> int:
    from ..experiments import EXPERIMENTS, experiment_module
    from ..experiments.common import ExperimentOptions

    names = list(EXPERIMENTS) if args.name == "all" else [args.name]
    extra = {}
    for item in args.set or []:
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"--set needs KEY=VALUE, got {item!r}")
        extra[key.replace("-", "_")] = _value(value)
    if args.config:  # YAML: option: value (as the flags' names with underscores), set: {key: value}
        import yaml

        data = yaml.safe_load(Path(args.config).read_text()) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{args.config} must hold a YAML mapping")
        extra = {**(data.pop("set", None) or {}), **extra}
        data.pop("experiment", None)
        for key, value in data.items():
            if key not in vars(args) or key in ("name", "func", "config"):
                raise ValueError(f"unknown option {key!r} in {args.config}")
            if getattr(args, key) in (None, False):
                setattr(args, key, value)
    for name in names:
        module = experiment_module(name)
        out = Path(args.output_dir or "outputs/experiments") / name
        opts = ExperimentOptions(
            output_dir=out,
            model_name_or_path=args.model_name_or_path,
            method=args.method,
            steps=args.steps,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            rows_per_level=args.rows_per_level,
            n_eval=args.n_eval,
            max_new_tokens=args.max_new_tokens,
            max_length=args.max_length,
            tiny_tokenizer=args.tiny_tokenizer,
            pack_length=args.pack_length,
            tiny_number_embedding=args.tiny_number_embedding,
            cpu_threads=args.cpu_threads or 0,
            seed=args.seed or 0,
            mini=bool(args.mini),
            extra=extra,
        )
        results = module.run(opts)
        print((out / "table.md").read_text())
        print(f"{name}: {results['wall_seconds']:.0f} s; results, table and plot in {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from ..experiments import EXPERIMENTS

    p = sub.add_parser(
        "experiment",
        help="run one of the rules paper's experiments (tiny preset on CPU, or --model_name_or_path)",
        description="Experiments: " + ", ".join(EXPERIMENTS) + " (or all). Sizes default to a few minutes "
        "on a 2-core CPU with the tiny preset; --set KEY=VALUE changes an experiment's own settings "
        "(e.g. --set ks=[10,50,500]).",
    )
    p.add_argument("name", choices=[*EXPERIMENTS, "all"])
    p.add_argument("--config", default=None, help="YAML file of these options (see experiments/*.yaml)")
    p.add_argument("--output-dir", default=None, help="parent folder (default outputs/experiments)")
    p.add_argument("--model_name_or_path", "--model-name-or-path", default=None,
                   help="a base model (Hub id or folder) instead of the tiny preset")  # fmt: skip
    p.add_argument("--method", choices=["qlora", "lora", "full"], default=None)
    p.add_argument("--steps", type=int, default=None, help="training steps per model")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--learning-rate", type=float, default=None)
    p.add_argument("--rows-per-level", type=int, default=None, help="training rows per rule and level")
    p.add_argument("--n-eval", type=int, default=None, help="test problems per cell")
    p.add_argument("--max-new-tokens", type=int, default=None)
    p.add_argument("--max-length", type=int, default=None, help="training sequence length")
    p.add_argument("--tiny-tokenizer", "--tiny_tokenizer", choices=["char", "math", "math-digits"], default=None,
                   help="tiny preset's tokenizer (default math)")  # fmt: skip
    p.add_argument("--pack-length", "--pack_length", type=int, default=None,
                   help="tiny preset: pack rows into rows of this many tokens (default 256; 0: padded batches)")  # fmt: skip
    p.add_argument("--tiny-number-embedding", "--tiny_number_embedding", choices=["random", "fourier"],
                   default=None, help="tiny preset: number tokens' first embeddings (default random; fourier: "
                   "their value's Fourier features, the recipe's single-rule runs)")  # fmt: skip
    p.add_argument("--cpu-threads", "--cpu_threads", type=int, default=None, help="torch threads (0: auto)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--mini", action="store_true", help="a miniature run (seconds; what the tests run)")
    p.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="an experiment's own setting (JSON value)"
    )
    p.set_defaults(func=cmd_experiment)
