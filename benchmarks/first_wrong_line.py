"""Where a trained model's wrong completions first leave the reference: for each wrong answer on ``--n`` test
problems of one rule and level, the first line that differs from the generated row's own completion, with
the line before it; for matrices (gaussian_elimination), whether only the constant column differs.

    python benchmarks/first_wrong_line.py outputs/training_recipe/gaussian gaussian_elimination 2 --n 100
    python benchmarks/first_wrong_line.py outputs/training_recipe/linear-systems linear_system 2 --show 10
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def kind_of(ref: str, got: str | None) -> str:
    """What the first differing line is: a matrix row (constant column alone or not), an operation, ..."""
    if got is None:
        return "completion ends early"
    if ref.startswith("[") and got.startswith("["):
        a, b = ref.strip("[]").replace("|", " ").split(), got.strip("[]").replace("|", " ").split()
        if len(a) != len(b):
            return "matrix row: entry count"
        bad = [j for j, (x, y) in enumerate(zip(a, b)) if x != y]
        return "matrix row: constant column only" if bad == [len(a) - 1] else "matrix row: a coefficient"
    if "<-" in ref or ref.startswith("swap"):
        return "row operation"
    if " = " in ref and " = " in got and ref.split(" = ")[0] == got.split(" = ")[0]:
        return "right-hand side"
    return "other line"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", type=Path, help="a trained model folder")
    p.add_argument("rule")
    p.add_argument("level", type=int)
    p.add_argument("--n", type=int, default=100, help="test problems")
    p.add_argument("--seed", type=int, default=12345, help="12345: the dev problems")
    p.add_argument("--max-new-tokens", type=int, default=1000)
    p.add_argument("--show", type=int, default=0, help="print this many failures in full")
    args = p.parse_args(argv)
    if not (args.model / "config.json").is_file():
        p.error(f"{args.model} is not a trained model folder (no config.json)")
    if args.n < 1 or args.max_new_tokens < 1:
        p.error("--n and --max-new-tokens must be at least 1")
    import torch

    from hf_mathrules.evaluation.generation import generate
    from hf_mathrules.evaluation.scoring import score_batch
    from hf_mathrules.modeling import load_for_inference
    from hf_mathrules.rules import ConfigError, make_rule

    try:
        rows = make_rule(args.rule, level=args.level).generate(args.n, seed=args.seed, split="test")
    except (ConfigError, KeyError) as exc:
        p.error(str(exc))
    model, tok = load_for_inference(str(args.model))
    with torch.inference_mode():
        completions = generate(model, tok, [r["prompt"] for r in rows], max_new_tokens=args.max_new_tokens,
                               batch_size=50, progress=True)  # fmt: skip
    kinds: Counter[str] = Counter()
    shown = 0
    for row, completion, score in zip(rows, completions, score_batch(rows, completions)):
        if score.correct:
            continue
        ref, got = row["completion"].splitlines(), completion.splitlines()
        i = next((i for i, (a, b) in enumerate(zip(ref, got)) if a != b), min(len(ref), len(got)))
        if i >= len(ref):
            kinds["completion runs past the reference"] += 1
            continue
        kinds[kind_of(ref[i], got[i] if i < len(got) else None)] += 1
        if shown < args.show:
            shown += 1
            print(
                f"after {ref[i - 1] if i else '(start)'!r}\n  reference: {ref[i]}\n  model:     {got[i] if i < len(got) else None}"
            )
    wrong = sum(kinds.values())
    print(
        f"{args.rule} level {args.level}: {len(rows) - wrong}/{len(rows)} right; first wrong line of the {wrong} wrong:"
    )
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
