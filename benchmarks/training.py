"""Training and evaluation speed of the tiny preset on CPU.

1. Tiny preset training: throughput (tokens/s) and verified accuracy vs wall time (PNG), from the main job
   (or an existing main-job output with --from-summary).
2. Evaluation: problems/s of batched greedy generation against one-at-a-time generation on the same
   prompts and the same trained model (ratio; target >= 5x).

    python benchmarks/training.py --output-dir benchmarks/out/training            # train + measure
    python benchmarks/training.py --model outputs/main/model --skip-training       # generation only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path


def machine() -> dict:
    import torch

    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average_1_5_15": load,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def bench_generation(model_dir: str, n: int, batch_size: int, seed: int = 0) -> dict:
    from hf_mathrules.evaluation.generation import generate, generate_one_at_a_time
    from hf_mathrules.evaluation.scoring import score_batch
    from hf_mathrules.modeling import load_for_inference
    from hf_mathrules.rules import make_rule

    model, tok = load_for_inference(model_dir)
    rows = make_rule("distributivity", level=1).generate(n, seed=seed, split="test")
    prompts = [r["prompt"] for r in rows]
    generate(model, tok, prompts[:4], max_new_tokens=64, progress=False)  # warm-up
    t0 = time.perf_counter()
    batched = generate(model, tok, prompts, max_new_tokens=96, batch_size=batch_size, progress=False)
    t_batched = time.perf_counter() - t0
    t0 = time.perf_counter()
    single = generate_one_at_a_time(model, tok, prompts, max_new_tokens=96)
    t_single = time.perf_counter() - t0
    acc = sum(s.correct for s in score_batch(rows, batched)) / n
    return {
        "problems": n,
        "batch_size": batch_size,
        "batched_seconds": t_batched,
        "single_seconds": t_single,
        "batched_problems_per_second": n / t_batched,
        "single_problems_per_second": n / t_single,
        "speedup": t_single / t_batched,
        "same_outputs": batched == single,
        "accuracy_of_batched_outputs": acc,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output-dir", default="benchmarks/out/training")
    ap.add_argument("--steps", type=int, default=500, help="tiny preset training steps")
    ap.add_argument("--skip-training", action="store_true", help="only the generation benchmark")
    ap.add_argument("--model", default=None, help="trained model folder (default: the one trained here)")
    ap.add_argument("-n", type=int, default=128, help="problems for the generation benchmark")
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine_at_start": machine()}
    model_dir = args.model
    if not args.skip_training:
        from hf_mathrules.train.pipeline import run_main_job

        summary = run_main_job(out / "main", steps=args.steps)
        results["main_job"] = summary
        model_dir = model_dir or summary["model_dir"]
        history = json.loads((out / "main" / "report" / "report.json").read_text())["training"]
        results["accuracy_vs_time"] = [
            {
                "step": h["step"],
                "train_seconds": round(h["train_seconds"], 1),
                "accuracy": h["eval/verified_accuracy"],
            }
            for h in history["generation_history"]
        ]
    if model_dir is None:
        ap.error("--skip-training needs --model")
    results["generation"] = bench_generation(model_dir, args.n, args.batch_size)
    results["machine_at_end"] = machine()
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "accuracy_vs_time"}, indent=2))
    for h in results.get("accuracy_vs_time", []):
        print(f"step {h['step']:>4}  {h['train_seconds']:>6.1f} s  accuracy {h['accuracy']:.1%}")


if __name__ == "__main__":
    main()
