"""A model trained to work linear systems in place, scored on the recursion experiment's own test problems.

``mathrules experiment recursion`` scores each seed's models on ``n`` test problems per size (seed S, level
``LEVEL_OF_SIZE[n]``); its "direct" cell asks the model to answer in one completion written the default way,
which leaves the smaller system's answer to a one-line guess. A model trained with ``inline=true`` rows
works the smaller system in place instead; this scores such a model on the *same* problems (the prompts are
checked equal), so its accuracy is measured on exactly the problems of that seed's recursive-call cell.

    python benchmarks/direct_baseline.py "outputs/training_recipe/linear-systems-inline+max_length=1024" \
        --seed 0 --unknowns 3 --knob pairwise_sums=true --knob inline=true --max-new-tokens 800
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def problems(seed: int, unknowns: int, n: int, knobs: dict) -> list[dict]:
    """The recursion experiment's test rows for (seed, unknowns), written with ``knobs``; raises if the
    knobs change the problems (they may only change how a completion is written)."""
    from hf_mathrules.experiments import common
    from hf_mathrules.experiments.recursion import LEVEL_OF_SIZE

    level = LEVEL_OF_SIZE.get(unknowns, 5)
    plain = common.rows("linear_system", level, n, seed=seed, knobs={"n_unknowns": unknowns})
    rows = common.rows("linear_system", level, n, seed=seed, knobs={"n_unknowns": unknowns, **knobs})
    if [r["prompt"] for r in rows] != [r["prompt"] for r in plain]:
        raise SystemExit(f"the knobs {knobs} change the problems, not only the completions: nothing to pair")
    return rows


def main(argv: list[str] | None = None) -> int:
    from hf_mathrules.commands.options import parse_knob
    from hf_mathrules.rules import ConfigError

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", type=Path, help="a trained model folder")
    ap.add_argument("--seed", type=int, default=0, help="the recursion experiment's seed (its test problems)")
    ap.add_argument("--unknowns", type=int, default=3)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--knob", action="append", default=[], metavar="NAME=VALUE",
                    help="how the model's rows are written, e.g. inline=true")  # fmt: skip
    ap.add_argument("--max-new-tokens", type=int, default=800)
    ap.add_argument("--out", type=Path, help="write the cell as JSON here")
    a = ap.parse_args(argv)
    if not (a.model / "config.json").is_file():
        ap.error(f"{a.model} is not a trained model folder (no config.json)")
    if a.n < 1 or a.max_new_tokens < 1:
        ap.error("--n and --max-new-tokens must be at least 1")
    try:
        knobs = dict(parse_knob(k) for k in a.knob)
    except ValueError as exc:
        ap.error(str(exc))

    from hf_mathrules.evaluation.generation import generate
    from hf_mathrules.experiments import common
    from hf_mathrules.modeling import load_for_inference

    try:
        rows = problems(a.seed, a.unknowns, a.n, knobs)
    except (ConfigError, KeyError, TypeError) as exc:
        ap.error(str(exc))
    model, tok = load_for_inference(str(a.model))
    completions = generate(model, tok, [r["prompt"] for r in rows], max_new_tokens=a.max_new_tokens,
                           batch_size=32, progress=True)  # fmt: skip
    cell = common.public(common.score(rows, completions))
    cell.update({"model": str(a.model), "seed": a.seed, "unknowns": a.unknowns, "knobs": knobs})
    print(f"{a.model}: {a.unknowns} unknowns, seed {a.seed}'s test problems, worked in one completion: "
          f"{common.accuracy_text(cell)}")  # fmt: skip
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = a.out.with_suffix(a.out.suffix + ".tmp")
        tmp.write_text(json.dumps(cell, indent=1))
        tmp.replace(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
