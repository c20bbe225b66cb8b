"""Where can GRPO move a trained model?  Greedy accuracy beside the pass@k of sampled completions, per rule
and level, on validation problems (never the test split the experiments report).

GRPO only reweights what the policy samples: a cell whose k samples per prompt are all wrong (or all
right) gives it no gradient, and the prompts that greedy decoding gets wrong but some sample gets right are
what reweighting can turn into greedy accuracy (``hf_mathrules.evaluation.headroom``).  One JSON record per
cell is appended to ``--out``; the Markdown table is printed.

    python benchmarks/rl_headroom.py --model outputs/training_recipe/NAME \\
        --cells factorization:3 isolate_variable:3 --n 100 --k 16 --temperature 1.0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cell_spec(text: str) -> tuple[str, int]:
    rule, _, level = text.partition(":")
    if not rule or not level.isdigit():
        raise argparse.ArgumentTypeError(f"a cell is RULE:LEVEL (e.g. factorization:3), not {text!r}")
    return rule, int(level)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="a finished mathrules train folder")
    p.add_argument("--cells", nargs="+", type=cell_spec, required=True, help="RULE:LEVEL ...")
    p.add_argument("--n", type=int, default=100, help="validation problems per cell")
    p.add_argument("--k", type=int, default=16, help="samples per problem (GRPO's num_generations)")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument(
        "--seed", type=int, default=0, help="problems are validation rows of seed + 2, as GRPO's dev set"
    )
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=str(HERE / "rl_headroom.jsonl"))
    args = p.parse_args(argv)
    if args.n < 1 or args.k < 1 or not args.temperature > 0:
        p.error("--n and --k must be at least 1 and --temperature above 0")

    import torch

    from hf_mathrules.evaluation.headroom import headroom, sample_completions
    from hf_mathrules.experiments import common
    from hf_mathrules.modeling import load_for_inference
    from hf_mathrules.rules import rule_names

    unknown = sorted({r for r, _ in args.cells} - set(rule_names()))
    if unknown:
        p.error(f"unknown rule(s) {', '.join(unknown)}")
    bad = [f"{r}:{lv}" for r, lv in args.cells if not 1 <= lv <= 5]
    if bad:
        p.error(f"levels are 1-5 (validation problems), not {', '.join(bad)}")
    if not (Path(args.model) / "config.json").is_file():
        p.error(f"{args.model} is not a saved model folder (no config.json)")
    torch.set_num_threads(args.threads)
    model, tok = load_for_inference(args.model)
    opts = argparse.Namespace(max_new_tokens=args.max_new_tokens)
    records = []
    for rule, level in args.cells:
        t0 = time.perf_counter()
        cell_rows = common.rows(rule, level, args.n, split="validation", seed=args.seed + 2)
        prompts = [r["prompt"] for r in cell_rows]
        greedy = common.complete(model, tok, prompts, opts)
        sampled = sample_completions(
            model, tok, prompts, args.k, temperature=args.temperature,
            max_new_tokens=args.max_new_tokens, seed=args.seed,
        )  # fmt: skip
        cell = headroom(cell_rows, greedy, sampled)
        record = {
            "model": args.model, "rule": rule, "level": level, "temperature": args.temperature,
            "seconds": round(time.perf_counter() - t0, 1), "load_1m": round(os.getloadavg()[0], 2), **cell,
        }  # fmt: skip
        records.append(record)
        with open(args.out, "a") as f:
            f.write(json.dumps(record) + "\n")
    print(table(records))
    return 0


def table(records: list[dict]) -> str:
    head = "| cell | n x k | greedy | pass@1 (sampled) | pass@k | all wrong / mixed / all right | greedy wrong, a sample right |"
    lines = [head, "|" + "---|" * 7]
    for r in records:
        lo, hi = r["greedy_wilson95"]
        lines.append(
            f"| {r['rule']} {r['level']} | {r['n']} x {r['k']} | {100 * r['greedy_accuracy']:.0f}% "
            f"[{100 * lo:.1f}, {100 * hi:.1f}] | {100 * r['pass_at_k']['1']:.1f}% | "
            f"{100 * r['pass_at_k'][str(r['k'])]:.0f}% | {100 * r['all_wrong']:.0f} / {100 * r['mixed']:.0f} / "
            f"{100 * r['all_right']:.0f}% | {100 * r['greedy_wrong_sample_right']:.0f}% |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
