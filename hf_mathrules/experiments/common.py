"""What every experiment shares: options (tiny preset by default, any base with ``--model_name_or_path``),
training through ``hf_mathrules.train.train`` (TRL's SFTTrainer), rows through ``hf_mathrules.data``,
generation and scoring through ``hf_mathrules.evaluation``, and the outputs: ``results.json`` (with the
wall time), ``table.md`` and a PNG plot in the experiment's folder."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io import atomic_path

# the miniature runs (tests) train a still smaller tiny model
MINI_SHAPE = {"tiny_hidden_size": 32, "tiny_layers": 1, "tiny_heads": 2, "tiny_intermediate_size": 64}


@dataclass
class ExperimentOptions:
    """Options shared by every experiment; each experiment has its own defaults and a miniature
    (``--mini``: seconds, for tests) for the sizes."""

    output_dir: Path = Path("outputs/experiments")
    model_name_or_path: str | None = None  # None: the tiny preset, trained from scratch on CPU
    method: str | None = None  # qlora / lora / full (default: full for tiny, qlora for a base model)
    steps: int | None = None  # SFT steps per trained model
    batch_size: int | None = None
    learning_rate: float | None = None
    rows_per_level: int | None = None  # training rows per rule and level
    n_eval: int | None = None  # test problems per cell
    max_new_tokens: int | None = None
    max_length: int | None = None  # SFT sequence length (tokens; characters for the tiny preset)
    # the tiny preset's recipe (benchmarks/training_recipe.py): math tokens, rows packed without padding
    tiny_tokenizer: str | None = None  # default "math"
    pack_length: int | None = None  # default max_length, else 256 tokens; 0: TRL's padded batches
    tiny_number_embedding: str | None = (
        None  # default "random"; "fourier": number tokens start at their value
    )
    cpu_threads: int = 0
    seed: int = 0
    mini: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # experiment-specific options

    def with_defaults(self, defaults: dict[str, Any], mini: dict[str, Any]) -> ExperimentOptions:
        """Unset sizes from the experiment's defaults (its miniature ones with ``mini``)."""
        table = {**defaults, **(mini if self.mini else {})}
        changes = {k: v for k, v in table.items() if hasattr(self, k) and getattr(self, k) is None}
        extra = {k: v for k, v in table.items() if not hasattr(self, k)}
        return dataclasses.replace(self, **changes, extra={**extra, **self.extra})

    @property
    def tiny(self) -> bool:
        return not self.model_name_or_path


def machine() -> dict[str, Any]:
    import platform

    import torch

    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15": load,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def train_model(
    opts: ExperimentOptions,
    name: str,
    rules: list[str],
    *,
    vocab: str | None = None,
    steps: int | None = None,
    general_dataset: str | None = None,
    general_fraction: float = 0.1,
) -> tuple[Path, dict[str, Any]]:
    """Train one model on ``rules`` (``NAME:LEVELS:ROWS`` specs) into ``output_dir/models/name``; the
    tiny preset from scratch, or ``--model_name_or_path`` with ``--method``.  Returns the folder and a
    summary (steps, seconds, tokens/s, final training loss).  With ``--set model_dir=PATH`` (experiments
    that train one model) the finished run in PATH is used instead and nothing is trained."""
    if opts.extra.get("model_dir"):
        return trained_folder(opts.extra["model_dir"])
    if opts.extra.get("model_dirs"):
        return trained_folder(seed_model_dir(opts))
    from ..train.config import MathRulesArguments, base_sft_config, model_config, tiny_sft_config
    from ..train.sft import train

    out = Path(opts.output_dir) / "models" / name
    margs = MathRulesArguments(
        preset="tiny" if opts.tiny else None,
        method=opts.method,
        rules=list(rules),
        rows_per_level=opts.rows_per_level or 2000,
        validation_rows=8,
        rules_seed=opts.seed,
        vocab=vocab,
        general_dataset=general_dataset,
        general_fraction=general_fraction,
        generation_eval_steps=0,
        test_rows=0,
        overwrite=True,
        cpu_threads=opts.cpu_threads,
        max_new_tokens=opts.max_new_tokens or 256,
        tiny_tokenizer=opts.tiny_tokenizer or "math",
        tiny_number_embedding=opts.tiny_number_embedding or "random",
        # rows are cut at max_length first, so packed rows of that length hold every row
        pack_length=(opts.max_length or 256 if opts.pack_length is None else opts.pack_length)
        if opts.tiny
        else 0,
        **(MINI_SHAPE if opts.mini and opts.tiny else {}),
    )
    sft_kwargs: dict[str, Any] = {
        "output_dir": str(out),
        "max_steps": steps or opts.steps or 300,
        "logging_steps": max(1, (steps or opts.steps or 300) // 10),
        "save_steps": 10**9,
        "save_strategy": "no",
        "disable_tqdm": True,
        "seed": opts.seed,
    }
    if opts.batch_size:
        sft_kwargs["per_device_train_batch_size"] = opts.batch_size
    if opts.learning_rate:
        sft_kwargs["learning_rate"] = opts.learning_rate
    if opts.max_length:
        sft_kwargs["max_length"] = opts.max_length
    sft = tiny_sft_config(**sft_kwargs) if opts.tiny else base_sft_config(**sft_kwargs)
    model = model_config(model_name_or_path=opts.model_name_or_path)
    t0 = time.perf_counter()
    result = train(margs, sft, model, progress=False)
    losses = [r["loss"] for r in result.log_history if "loss" in r]
    return out, {
        "model": name,
        "rules": list(rules),
        "vocab": vocab,
        "steps": result.global_step,
        "train_seconds": round(result.train_seconds, 1),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "tokens_per_second": round(result.tokens_per_second),
        "final_loss": round(losses[-1], 4) if losses else None,
    }


def trained_folder(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """A finished ``mathrules train`` folder given to an experiment instead of training one
    (``--set model_dir=PATH``), with the summary its ``train_results.json`` and ``training_config.json`` hold."""
    folder = Path(path)
    done = folder / "train_results.json"
    if not done.is_file():
        raise ValueError(f"{folder} is not a finished training run (no train_results.json); train one with "
                         "mathrules train or leave model_dir out")  # fmt: skip
    summary = json.loads(done.read_text())
    config_file = folder / "training_config.json"
    config = json.loads(config_file.read_text()) if config_file.is_file() else {}
    return folder, {
        "model": str(folder),
        "rules": config.get("mathrules", {}).get("rules"),
        "steps": summary.get("global_step"),
        "train_seconds": round(summary.get("train_seconds") or 0, 1),
        "tokens_per_second": round(summary.get("tokens_per_second") or 0),
        "reused": True,
    }


def load_trained(opts: ExperimentOptions, folder: Path):
    """``(model, tokenizer)`` of a trained folder: a full model, or an adapter on the base model."""
    from ..modeling import load_for_inference

    folder = Path(folder)
    if (folder / "adapter_config.json").is_file():
        return load_for_inference(opts.model_name_or_path, str(folder))
    return load_for_inference(str(folder))


def rows(
    rule: str,
    level: int,
    n: int,
    *,
    split: str = "test",
    seed: int = 0,
    vocab: str | None = None,
    knobs: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``n`` rows of one split at one level, as ``load_dataset("hf_mathrules/<rule>")`` gives them."""
    from ..data.loading import size_param, split_rows

    params: dict[str, Any] = {"levels": (level,), "seed": seed, size_param(split): n}
    if vocab:
        params["ood_vocab" if split == "test_ood_vocab" else "vocab"] = vocab
    if knobs:
        params["knobs"] = knobs
    return list(split_rows(rule, split, **params))


def complete(
    model, tok, prompts: list[str], opts: ExperimentOptions, *, recursive: bool = False
) -> list[str]:
    """Greedy completions (``linear_system``'s recursive calls with ``recursive``)."""
    from ..evaluation.generation import generate
    from ..evaluation.recursion import recursive_completions

    kwargs = {"max_new_tokens": opts.max_new_tokens or 256, "batch_size": 32, "progress": False}
    if recursive:
        return recursive_completions(model, tok, prompts, **kwargs)
    return generate(model, tok, prompts, **kwargs)


def score(cell_rows: list[dict[str, Any]], completions: list[str]) -> dict[str, Any]:
    """Accuracy, outcome shares and first-wrong-step counts of one cell."""
    from collections import Counter

    from ..evaluation.scoring import OUTCOMES, score_batch
    from ..evaluation.stats import wilson_interval

    scores = score_batch(cell_rows, completions)
    n = max(1, len(scores))
    outcomes = Counter(s.outcome for s in scores)
    chains = [s for s in scores if s.n_steps is not None]
    first_bad = Counter(s.first_bad_step + 1 for s in chains if s.first_bad_step is not None)
    return {
        "n": len(scores),
        "correct": outcomes["correct"],
        "accuracy": outcomes["correct"] / n,
        "wilson95": [round(x, 4) for x in wilson_interval(outcomes["correct"], len(scores))],
        **{f"frac_{o}": outcomes[o] / n for o in OUTCOMES},
        "chains": len(chains),
        "chains_without_steps": sum(1 for s in chains if not s.n_steps),
        "all_steps_valid": sum(1 for s in chains if s.n_steps and s.first_bad_step is None)
        / max(1, len(chains)),
        "first_wrong_step": dict(sorted(first_bad.items())),
        "_scores": scores,
    }


def seed_list(opts: ExperimentOptions) -> list[int]:
    """The seeds an experiment trains one model each for (``--set 'seeds=[0, 1, 2]'``; default ``--seed``)."""
    seeds = opts.extra.get("seeds") or [opts.seed]
    if not isinstance(seeds, list) or not all(type(s) is int for s in seeds):
        raise ValueError(f"seeds must be a list of integers, e.g. --set 'seeds=[0, 1, 2]', got {seeds!r}")
    return seeds


def seed_model_dir(opts: ExperimentOptions) -> str:
    """The finished run for ``opts.seed`` from ``--set 'model_dirs=["A", "B", "C"]'`` (one folder per seed
    of ``seeds``, in their order): models trained before, e.g. by ``mathrules train --seed S``, scored on
    each seed's own test problems and pooled as if the experiment had trained them."""
    dirs, seeds = opts.extra["model_dirs"], seed_list(opts)
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs) or len(dirs) != len(seeds):
        raise ValueError(
            f"model_dirs must be a list of {len(seeds)} folder(s), one per seed of {seeds}, e.g. --set "
            f"'seeds=[0, 1]' --set 'model_dirs=[\"runs/s0\", \"runs/s1\"]'; got {dirs!r}"
        )
    return dirs[seeds.index(opts.seed)]


def pool_seeds(cells: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[tuple, dict[str, Any]]:
    """Cells of several seeds pooled per ``keys`` (e.g. ``("k", "level", "names")``): correct and n
    summed, with the accuracy, its 95% Wilson interval and the pooled share decided wrong_form."""
    from ..evaluation.stats import wilson_interval

    out: dict[tuple, dict[str, Any]] = {}
    for c in cells:
        p = out.setdefault(tuple(c[k] for k in keys), {"n": 0, "correct": 0, "_wrong_form": 0.0})
        p["n"] += c["n"]
        p["correct"] += c["correct"]
        p["_wrong_form"] += c["frac_wrong_form"] * c["n"]
    for p in out.values():
        p["accuracy"] = p["correct"] / max(1, p["n"])
        p["wilson95"] = [round(x, 4) for x in wilson_interval(p["correct"], p["n"])]
        p["frac_wrong_form"] = p.pop("_wrong_form") / max(1, p["n"])
    return out


def public(cell: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cell.items() if not k.startswith("_")}


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def accuracy_text(cell: dict[str, Any]) -> str:
    """``97.0% [91.5, 99.0] (n=100)``: a cell's accuracy with its 95% Wilson interval."""
    from ..evaluation.stats import format_accuracy

    return format_accuracy(cell["correct"], cell["n"])


def markdown_table(header: list[str], body: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: Path) -> Path:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    pyplot().close(fig)
    return path


def write_outputs(
    opts: ExperimentOptions, name: str, results: dict[str, Any], table: str, started: float
) -> dict[str, Any]:
    """``results.json`` (results, options, machine, wall time) and ``table.md`` in the output folder."""
    out = Path(opts.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    wall = time.perf_counter() - started
    results = {
        "experiment": name,
        **results,
        "wall_seconds": round(wall, 1),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(opts).items()},
        "machine": machine(),
    }
    with atomic_path(out / "results.json") as tmp:
        Path(tmp).write_text(json.dumps(results, indent=2, default=str))
    header = f"Wall time {wall:.0f} s ({'tiny preset' if opts.tiny else opts.model_name_or_path})\n\n"
    with atomic_path(out / "table.md") as tmp:
        Path(tmp).write_text(header + table)
    return results
