"""Experiment 1, several rules in one model: one model trained on a mixture of symbolic rules (levels 1-2);
test accuracy per rule and level, and per rule where the first wrong step of the derivation falls.  The
same model is then asked the levels above its training ones (``ood_levels``: more terms and variables than
it saw), the rules paper's top-down generalization (its appendix D.1)."""

from __future__ import annotations

import time
from typing import Any

from . import common

NAME = "several_rules"
DEFAULTS = {
    "rules": ["distributivity", "factorization", "commutativity", "simplification", "isolate_variable"],
    "levels": [1, 2],
    "ood_levels": [3, 4, 5],
    # the CPU recipe (benchmarks/training_recipe.py): math tokens, 256-token packed rows, 24 a step
    "steps": 2400,
    "batch_size": 24,
    "rows_per_level": 20000,
    "n_eval": 100,
    "max_new_tokens": 320,
}
MINI = {"rules": ["distributivity", "simplification"], "levels": [1], "ood_levels": [2], "steps": 2,
        "batch_size": 8, "rows_per_level": 40, "n_eval": 3, "max_new_tokens": 24}  # fmt: skip
PAPER = (
    "The paper fine-tunes Llama models per rule (QLoRA) and reports that each rule is learned and reused; it "
    "gives no single-model mixture table to compare against."
)


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    rules, levels = opts.extra["rules"], opts.extra["levels"]
    ood_levels = [lv for lv in opts.extra.get("ood_levels", []) if lv not in levels]
    lv = f"{min(levels)}-{max(levels)}" if len(levels) > 1 else str(levels[0])
    folder, trained = common.train_model(opts, "mixture", [f"{r}:{lv}" for r in rules])
    model, tok = common.load_trained(opts, folder)
    cells = []
    for rule in rules:
        for level in [*levels, *ood_levels]:
            cell_rows = common.rows(rule, level, opts.n_eval, seed=opts.seed)
            completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], opts)
            cells.append(
                {"rule": rule, "level": level, "trained_level": level in levels,
                 **common.public(common.score(cell_rows, completions))}
            )  # fmt: skip
    body = [
        [
            c["rule"],
            c["level"],
            "trained" if c["trained_level"] else "above training",
            common.accuracy_text(c),
            common.pct(c["frac_wrong_form"]),
            common.pct(c["frac_wrong_answer"] + c["frac_unparsable"] + c["frac_no_answer"]),
            (f"{c['chains']} chains ({c['chains_without_steps']} without a step), all valid "
             f"{common.pct(c['all_steps_valid'])}; "
             + (", ".join(f"step {k}: {v}" for k, v in c["first_wrong_step"].items()) or "no wrong step"))
            if c["chains"] else "no `=` chain",
        ]
        for c in cells
    ]  # fmt: skip
    table = common.markdown_table(
        ["rule", "level", "level is", "verified accuracy [95% CI] (n)", "right value, wrong form", "wrong / no answer",
         "first wrong step"],
        body,
    )  # fmt: skip
    plot(cells, opts)
    return common.write_outputs(opts, NAME, {"training": trained, "cells": cells}, table, t0)


def plot(cells: list[dict[str, Any]], opts: common.ExperimentOptions) -> None:
    plt = common.pyplot()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4))
    labels = [f"{c['rule']}\nL{c['level']}" for c in cells]
    bars = ax.bar(range(len(cells)), [100 * c["accuracy"] for c in cells],
                  color=["#1f77b4" if c["trained_level"] else "#ff7f0e" for c in cells])  # fmt: skip
    ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(cells)), labels, fontsize=7, rotation=45, ha="right")
    ax.set_ylabel("verified accuracy (%)")
    ax.set_ylim(0, 105)
    ax.set_title("One model, several rules: test accuracy (orange: levels above training)")
    steps = sorted({int(k) for c in cells for k in c["first_wrong_step"]}) or [1]
    chain_cells = [c for c in cells if c["chains"]]
    width = 0.8 / max(1, len(chain_cells))
    for j, c in enumerate(chain_cells):
        ax2.bar([s + j * width for s in steps], [c["first_wrong_step"].get(s, 0) for s in steps], width,
                label=f"{c['rule']} L{c['level']}")  # fmt: skip
    ax2.set_xlabel("first wrong step (1 = first line of the derivation)")
    ax2.set_ylabel("completions")
    ax2.set_title("Where the first wrong step falls")
    if chain_cells:
        ax2.legend(fontsize=6)
    common.save_figure(fig, opts.output_dir / "several_rules.png")
