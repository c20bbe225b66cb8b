"""Experiment 3, recursion for linear systems: a model trained on ``linear_system`` with 2 and 3 unknowns
(levels 1-4) answers systems of 2, 3 and 4 unknowns directly (it writes its own sub-answers) and the
paper's way (each ``Sub-problem:`` is sent back to the model, its answer substituted, generation
resumed).  Accuracy vs the number of unknowns for both."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from . import common

NAME = "recursion"
# the level whose table sets the unit-pivot, small-coefficient systems of each size
LEVEL_OF_SIZE = {2: 1, 3: 3, 4: 5}
DEFAULTS = {
    "train_levels": "1-4",
    "unknowns": [2, 3, 4],
    "seeds": None,  # e.g. [0, 1, 2]: one model per seed (its data, initial weights and test problems)
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
    seeds = common.seed_list(opts)
    if len(seeds) > 1 and opts.extra.get("model_dir"):
        raise ValueError(
            f"{NAME} with several seeds trains one model per seed; leave model_dir out "
            "(or give model_dirs, one finished run per seed)"
        )
    trained_sizes = trained_unknowns(opts.extra["train_levels"])
    cells, trained = [], []
    for seed in seeds:
        seed_opts = dataclasses.replace(opts, seed=seed)
        name = "linear_system" if len(seeds) == 1 else f"linear_system-seed{seed}"
        folder, summary = common.train_model(seed_opts, name, [f"linear_system:{opts.extra['train_levels']}"])
        trained.append({**summary, "seed": seed})
        model, tok = common.load_trained(seed_opts, folder)
        for n in opts.extra["unknowns"]:
            level = LEVEL_OF_SIZE.get(n, 5)
            cell_rows = common.rows("linear_system", level, opts.n_eval, seed=seed, knobs={"n_unknowns": n})
            prompts = [r["prompt"] for r in cell_rows]
            for mode in ("direct", "recursive"):
                completions = common.complete(model, tok, prompts, seed_opts, recursive=mode == "recursive")
                cell = common.public(common.score(cell_rows, completions))
                cells.append({"unknowns": n, "level": level, "mode": mode, "seed": seed, **cell})
        del model
    pooled = common.pool_seeds(cells, ("unknowns", "mode"))
    body = []
    for n in opts.extra["unknowns"]:
        d, r = pooled[(n, "direct")], pooled[(n, "recursive")]
        per_seed = " / ".join(
            f"{common.pct(c['accuracy'])} vs {common.pct(c2['accuracy'])}"
            for c in cells if (c["unknowns"], c["mode"]) == (n, "direct")
            for c2 in cells if (c2["unknowns"], c2["mode"], c2["seed"]) == (n, "recursive", c["seed"])
        )  # fmt: skip
        body.append([n, "yes" if n in trained_sizes else "no", LEVEL_OF_SIZE.get(n, 5), d["n"],
                     common.accuracy_text(d), common.accuracy_text(r), per_seed])  # fmt: skip
    table = common.markdown_table(
        ["unknowns", "trained on", "level knobs", f"n ({len(seeds)} seeds pooled)", "direct",
         "recursive calls", "per seed: direct vs recursive"],
        body,
    )  # fmt: skip
    results = {
        "seeds": seeds,
        "trained_unknowns": sorted(trained_sizes),
        "training": trained,
        "cells": cells,
        "pooled": [{"unknowns": n, "mode": m, **c} for (n, m), c in pooled.items()],
    }
    plot(results["pooled"], opts)
    return common.write_outputs(opts, NAME, results, table, t0)


def trained_unknowns(levels: str) -> set[int]:
    """The system sizes (unknowns) the training levels hold, as the rule's level table sets them."""
    from ..rules.linear_system import LinearSystemConfig
    from ..train.data import parse_mix

    (entry,) = parse_mix([f"linear_system:{levels}"])
    return {LinearSystemConfig.LEVEL_KNOBS[lv]["n_unknowns"] for lv in entry.levels}


def plot(pooled: list[dict[str, Any]], opts: common.ExperimentOptions) -> None:
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    xs = opts.extra["unknowns"]
    for mode, style in (("direct", "-o"), ("recursive", "--s")):
        cells = [next(c for c in pooled if (c["unknowns"], c["mode"]) == (n, mode)) for n in xs]
        ys = [100 * c["accuracy"] for c in cells]
        err = [[100 * (c["accuracy"] - c["wilson95"][0]) for c in cells],
               [100 * (c["wilson95"][1] - c["accuracy"]) for c in cells]]  # fmt: skip
        ax.errorbar(xs, ys, yerr=err, fmt=style, capsize=3, label=mode)
    ax.set_xticks(xs)
    ax.set_xlabel(
        f"unknowns (trained on {', '.join(map(str, sorted(trained_unknowns(opts.extra['train_levels']))))})"
    )
    ax.set_ylabel("verified accuracy (%, 95% Wilson)")
    ax.set_ylim(-3, 103)
    ax.set_title("Linear systems: direct vs recursive calls")
    ax.legend()
    common.save_figure(fig, opts.output_dir / "recursion.png")
