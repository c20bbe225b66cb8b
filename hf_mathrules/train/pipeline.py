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


# -- the base + adapter job (``mathrules demo --adapter``) --------------------------------------------------

BASE_RULES = ("distributivity", "factorization", "simplification")
ADAPTER_RULE = (
    "commutativity"  # isolate_variable needs arithmetic this tiny base cannot learn: 20% (see README)
)


def _say(progress: bool, text: str) -> None:
    if progress:
        print(f"[mathrules demo --adapter] {text}", flush=True)


def adapter_train_argv(
    base_dir: str | Path,
    adapter_dir: str | Path,
    *,
    rule: str = ADAPTER_RULE,
    level: int = 1,
    rows: int = 6000,
    steps: int = 600,
    learning_rate: float = 3e-3,
    lora_r: int = 32,
    test_n: int = 100,
    push_id: str | None = None,
    base_hub_id: str | None = None,
) -> list[str]:
    """The ``mathrules train`` command line that trains the LoRA adapter on top of the base."""
    argv = [
        "--model_name_or_path",
        str(base_dir),
        "--method",
        "lora",
        "--rules",
        f"{rule}:{level}:{rows}",
        "--output_dir",
        str(adapter_dir),
        "--max_steps",
        str(steps),
        "--learning_rate",
        str(learning_rate),
        "--lr_scheduler_type",
        "cosine",
        "--warmup_steps",
        str(max(1, steps // 20)),
        "--per_device_train_batch_size",
        "32",
        "--per_device_eval_batch_size",
        "64",
        "--lora_r",
        str(lora_r),
        "--lora_alpha",
        str(lora_r),
        "--lora_dropout",
        "0",
        "--logging_steps",
        str(max(1, min(25, steps // 4))),
        "--save_steps",
        str(max(steps, 1)),
        "--generation_eval_steps",
        "0",
        "--test_rows",
        str(test_n),
        "--max_new_tokens",
        "160",
        "--disable_tqdm",
        "true",
        "--overwrite",
        "true",
    ]
    if base_hub_id:
        argv += ["--base_model_hub_id", base_hub_id]
    if push_id:
        argv += ["--push-to-hub", push_id]
    return argv


def _accuracy_on(model_dir: Path, adapter_dir: Path | None, rule: str, level: int, n: int, progress: bool):
    from ..evaluation.runner import EvalSettings, evaluate_loaded
    from ..modeling import load_for_inference

    model, tok = load_for_inference(str(model_dir), str(adapter_dir) if adapter_dir else None)
    settings = EvalSettings(rules=[rule], splits=["test"], levels=[level], n=n, max_new_tokens=160)
    records, _ = evaluate_loaded(model, tok, "m", settings, progress=progress)
    return sum(r["correct"] for r in records) / max(1, len(records)), len(records)


def run_adapter_job(
    output_dir: str | Path = "outputs/demo/adapter",
    *,
    base_steps: int = 700,
    base_rows: int = 6000,
    adapter_steps: int = 600,
    adapter_rows: int = 6000,
    adapter_rule: str = ADAPTER_RULE,
    adapter_level: int = 1,
    eval_n: int = 100,
    push_namespace: str | None = None,
    existing_base: str | Path | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Train a base model from scratch on a mixture of rules (the tiny preset: the stand-in for a
    pretrained model), then a LoRA adapter on top of it with ``mathrules train --model_name_or_path BASE
    --method lora`` on a rule the base never saw; measure the base's and the adapter's verified accuracy
    on that rule's test split.  With ``push_namespace`` both go to the Hub with their cards.
    ``existing_base``: a base this job made before (its folder); step 1 is skipped."""
    from .config import MathRulesArguments, model_config, parse_train_args, tiny_sft_config
    from .sft import train

    t_start = time.perf_counter()
    out = Path(output_dir)
    base_dir, adapter_dir = out / "base", out / "adapter"
    base_id = f"{push_namespace}/mathrules-tiny-base" if push_namespace else None
    suffix = adapter_rule.replace("_", "-") + (f"-level{adapter_level}" if adapter_level != 1 else "")
    adapter_id = f"{push_namespace}/mathrules-tiny-{suffix}-lora" if push_namespace else None
    if adapter_rule in BASE_RULES and adapter_level == 1:
        raise ValueError(
            f"the adapter must teach a rule or level the base does not know; the base learns {adapter_rule} "
            "level 1: choose another rule or --adapter-level 2-5"
        )

    if existing_base is not None:
        base_dir = Path(existing_base)
        done = base_dir / "train_results.json"
        if not done.is_file() or not (base_dir / "training_config.json").is_file():
            raise FileNotFoundError(f"--base {base_dir}: not a finished `mathrules train` folder")
        trained = json.loads(done.read_text())
        known = json.loads((base_dir / "training_config.json").read_text())["mathrules"]["rules"]
        from .data import parse_mix

        if any(e.rule == adapter_rule and adapter_level in e.levels for e in parse_mix(known)):
            raise ValueError(
                f"the base in {base_dir} was trained on {adapter_rule} level {adapter_level}: choose another"
            )
        _say(progress, f"1/4 base model: reusing {base_dir} ({trained['global_step']} steps)")
        if base_id:
            from .hub import push_model

            push_model(base_dir, base_id)
        base_result = type(
            "Done", (), {"global_step": trained["global_step"], "train_seconds": trained["train_seconds"]}
        )
        base_cpu = 0.0
    else:
        _say(
            progress,
            f"1/4 base model: the tiny preset from scratch on {', '.join(BASE_RULES)} (level 1), "
            f"{base_steps} steps -> {base_dir}",
        )
        margs = MathRulesArguments(
            preset="tiny",
            rules=[f"{r}:1:{base_rows}" for r in BASE_RULES],
            generation_eval_steps=0,
            test_rows=min(eval_n, 50),
            max_new_tokens=160,
            overwrite=True,
        )
        sft = tiny_sft_config(
            output_dir=str(base_dir),
            max_steps=base_steps,
            per_device_train_batch_size=32,
            logging_steps=max(1, min(50, base_steps // 4)),
            save_steps=max(base_steps, 1),
            disable_tqdm=not progress,
            push_to_hub=bool(base_id),
            hub_model_id=base_id,
        )
        cpu0 = time.process_time()
        base_result = train(margs, sft, model_config(), progress=progress)
        base_cpu = time.process_time() - cpu0
        if base_result.interrupted:
            raise KeyboardInterrupt
        _say(
            progress, f"   base trained: {base_result.global_step} steps in {base_result.train_seconds:.0f} s"
        )

    _say(
        progress,
        f"2/4 base model on {adapter_rule} level {adapter_level} (never trained on it), {eval_n} test problems",
    )
    before, n = _accuracy_on(base_dir, None, adapter_rule, adapter_level, eval_n, progress)
    _say(progress, f"   base verified accuracy: {before:.1%} of {n}")

    argv = adapter_train_argv(
        base_dir,
        adapter_dir,
        rule=adapter_rule,
        level=adapter_level,
        rows=adapter_rows,
        steps=adapter_steps,
        test_n=eval_n,
        push_id=adapter_id,
        base_hub_id=base_id,
    )
    _say(progress, "3/4 LoRA adapter: mathrules train " + " ".join(argv))
    a_margs, a_sft, a_model = parse_train_args(argv)
    cpu0 = time.process_time()
    adapter_result = train(a_margs, a_sft, a_model, progress=progress)
    adapter_cpu = time.process_time() - cpu0
    if adapter_result.interrupted:
        raise KeyboardInterrupt
    _say(
        progress,
        f"   adapter trained: {adapter_result.global_step} steps in {adapter_result.train_seconds:.0f} s",
    )

    _say(progress, f"4/4 base + adapter on the same {eval_n} test problems")
    after, _ = _accuracy_on(base_dir, adapter_dir, adapter_rule, adapter_level, eval_n, progress)
    _say(progress, f"   adapter verified accuracy: {after:.1%} (base {before:.1%})")
    summary = {
        "base_dir": str(base_dir),
        "adapter_dir": str(adapter_dir),
        "base_rules": [f"{r}:1" for r in BASE_RULES],
        "adapter_rule": f"{adapter_rule}:{adapter_level}",
        "eval_problems": n,
        "base_accuracy_on_adapter_rule": before,
        "adapter_accuracy_on_adapter_rule": after,
        "base_train_steps": base_result.global_step,
        "base_train_seconds": base_result.train_seconds,
        "base_cpu_seconds": base_cpu,
        "adapter_train_steps": adapter_result.global_step,
        "adapter_cpu_seconds": adapter_cpu,
        "adapter_train_seconds": adapter_result.train_seconds,
        "adapter_train_command": "mathrules train " + " ".join(argv),
        "pushed": {"base": base_id, "adapter": adapter_id} if push_namespace else None,
        "total_seconds": time.perf_counter() - t_start,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
