"""The main job on the embedded default, end to end and offline: build distributivity data, train the
tiny preset from scratch on CPU, evaluate it (test and out-of-distribution splits) with our checker, and
write the report with its plots.  ``mathrules demo`` calls ``run_main_job``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

MAIN_RULE = "distributivity"


def main_job_arguments(output_dir: Path, steps: int, rows: int, level: int, overwrite: bool):
    """``(MathRulesArguments, SFTConfig, ModelConfig)`` of the main job: the tiny preset on one rule."""
    from .config import MathRulesArguments, model_config, tiny_sft_config

    margs = MathRulesArguments(
        preset="tiny",
        rules=[f"{MAIN_RULE}:{level}:{rows}"],
        generation_eval_steps=max(25, steps // 8),
        generation_eval_samples=64,
        max_new_tokens=96,
        test_rows=0,  # the report below evaluates the test split
        overwrite=overwrite,
    )
    sft = tiny_sft_config(output_dir=str(output_dir), max_steps=steps, disable_tqdm=True)
    return margs, sft, model_config()


def run_main_job(
    output_dir: str | Path = "outputs/main",
    *,
    steps: int = 500,
    rows: int = 20000,
    level: int = 1,
    test_n: int = 200,
    ood_n: int = 50,
    overwrite: bool = True,
    progress: bool = True,
) -> dict[str, Any]:
    """Train and evaluate the tiny model; returns the summary also written to ``summary.json``.

    ``output_dir/model`` holds the model, tokenizer and card; ``output_dir/report`` the evaluation
    report (``report.json``, ``report.md``, ``accuracy.png``, ``outcomes.png``, ``first_wrong_step.png``,
    ``training_curve.png``)."""
    from ..evaluation.report import build_report, write_report
    from ..evaluation.runner import EVAL_SPLITS, EvalSettings, evaluate_loaded
    from ..modeling import load_for_inference
    from .curves import plot_training_curve
    from .sft import train

    t_start = time.perf_counter()
    out = Path(output_dir)
    model_dir, report_dir = out / "model", out / "report"
    margs, sft, model_args = main_job_arguments(model_dir, steps, rows, level, overwrite)
    result = train(margs, sft, model_args, progress=progress)
    if result.interrupted:
        raise KeyboardInterrupt
    model, tok = load_for_inference(str(model_dir))
    records: list[dict[str, Any]] = []
    timings: dict[str, dict[str, float]] = {}
    for splits, n in ((["test"], test_n), ([s for s in EVAL_SPLITS if s != "test"], ood_n)):
        settings = EvalSettings(rules=[MAIN_RULE], splits=splits, levels=[level], n=n, max_new_tokens=256)
        recs, timing = evaluate_loaded(model, tok, "tiny", settings, progress=progress)
        records += recs
        for k, v in timing.items():
            timings.setdefault("tiny", {}).setdefault(k, 0.0)
            timings["tiny"][k] += v
    t = timings["tiny"]
    t["problems_per_second"] = t["problems"] / t["generation_seconds"] if t["generation_seconds"] else 0.0
    report = build_report(
        records,
        timings,
        [{"label": "tiny", "model": str(model_dir), "adapter": None}],
        {"rules": [MAIN_RULE], "splits": list(EVAL_SPLITS), "levels": [level], "n": test_n, "ood_n": ood_n},
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    curve = plot_training_curve(
        result.generation_history, result.log_history, report_dir / "training_curve.png"
    )
    report["training"] = {
        "steps": result.global_step,
        "train_seconds": result.train_seconds,
        "tokens_per_second": result.tokens_per_second,
        "generation_history": result.generation_history,
    }
    report["extra_plots"] = [curve.name]
    paths = write_report(report, report_dir)
    summary = {
        "model_dir": str(model_dir),
        "report_dir": str(report_dir),
        "test_accuracy": report["overall"]["tiny"]["test_accuracy"],
        "unseen_vocabulary_accuracy": report["overall"]["tiny"]["unseen_vocabulary_accuracy"],
        "ood_level_accuracy": report["overall"]["tiny"]["ood_level_accuracy"],
        "train_steps": result.global_step,
        "train_seconds": result.train_seconds,
        "tokens_per_second": result.tokens_per_second,
        "total_seconds": time.perf_counter() - t_start,
        "files": sorted({str(p) for p in [*paths.values(), curve]}),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
