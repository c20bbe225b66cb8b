"""Experiment 3, recursion for linear systems: a model trained on ``linear_system`` with 2 and 3 unknowns
(levels 1-4) answers systems of 2, 3 and 4 unknowns directly (it writes its own sub-answers) and the
paper's way (each ``Sub-problem:`` is sent back to the model, its answer substituted, generation
resumed).  Accuracy vs the number of unknowns for both."""

from __future__ import annotations

import time
from typing import Any

from . import common

NAME = "recursion"
# the level whose table sets the unit-pivot, small-coefficient systems of each size
LEVEL_OF_SIZE = {2: 1, 3: 3, 4: 5}
DEFAULTS = {
    "train_levels": "1-4",
    "unknowns": [2, 3, 4],
    "steps": 100,
    "batch_size": 8,
    "rows_per_level": 2000,
    "n_eval": 12,
    "max_new_tokens": 320,
    "max_length": 768,
}
MINI = {"train_levels": "1", "unknowns": [2, 3], "steps": 2, "batch_size": 4, "rows_per_level": 20,
        "n_eval": 2, "max_new_tokens": 24, "max_length": 256}  # fmt: skip
PAPER = (
    "The paper solves linear systems by recursive calls (the model solves a sub-problem, its answer is "
    "substituted and the model is called again) and reports that this lets the model handle systems larger "
    "than those it was trained on."
)


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    folder, trained = common.train_model(
        opts, "linear_system", [f"linear_system:{opts.extra['train_levels']}"]
    )
    model, tok = common.load_trained(opts, folder)
    cells = []
    for n in opts.extra["unknowns"]:
        level = LEVEL_OF_SIZE.get(n, 5)
        cell_rows = common.rows("linear_system", level, opts.n_eval, seed=opts.seed, knobs={"n_unknowns": n})
        prompts = [r["prompt"] for r in cell_rows]
        for mode in ("direct", "recursive"):
            completions = common.complete(model, tok, prompts, opts, recursive=mode == "recursive")
            cell = common.public(common.score(cell_rows, completions))
            cells.append({"unknowns": n, "level": level, "mode": mode, **cell})
    body = []
    for n in opts.extra["unknowns"]:
        d = next(c for c in cells if c["unknowns"] == n and c["mode"] == "direct")
        r = next(c for c in cells if c["unknowns"] == n and c["mode"] == "recursive")
        body.append([n, d["level"], d["n"], common.pct(d["accuracy"]), common.pct(r["accuracy"])])
    table = common.markdown_table(["unknowns", "level knobs", "n", "direct", "recursive calls"], body)
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for mode, style in (("direct", "-o"), ("recursive", "--s")):
        xs = opts.extra["unknowns"]
        ys = [
            100 * next(c["accuracy"] for c in cells if c["unknowns"] == n and c["mode"] == mode) for n in xs
        ]
        ax.plot(xs, ys, style, label=mode)
    ax.set_xticks(opts.extra["unknowns"])
    ax.set_xlabel("unknowns (trained on 2 and 3)")
    ax.set_ylabel("verified accuracy (%)")
    ax.set_ylim(-3, 103)
    ax.set_title("Linear systems: direct vs recursive calls")
    ax.legend()
    common.save_figure(fig, opts.output_dir / "recursion.png")
    return common.write_outputs(opts, NAME, {"training": trained, "cells": cells}, table, t0)
