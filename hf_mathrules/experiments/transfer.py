"""Experiment 5, transfer to word problems: for each pair (rule -> word problem), three models from the
same starting point (the tiny preset from scratch, or ``--model_name_or_path``):

* ``rule only``: trained on the rule (``isolate_variable``; ``linear_system``);
* ``rule + word``: the same rule data plus a small amount of word-problem data;
* ``word only``: the small amount of word-problem data alone (what the word data gives without the rule).

Each is scored on the word problems' test split (and the rule's)."""

from __future__ import annotations

import time
from typing import Any

from . import common

NAME = "transfer"
VARIANTS = ("rule only", "rule + word", "word only")
DEFAULTS = {
    "pairs": [["isolate_variable", "word_resistors"], ["linear_system", "word_fruit_baskets"]],
    "levels": "1-2",
    "word_rows": 100,
    "variants": list(VARIANTS),  # a subset trains and scores only those
    "steps": 50,
    "batch_size": 16,
    "rows_per_level": 2000,
    "n_eval": 12,
    "max_new_tokens": 256,
    "max_length": 640,
}
MINI = {"pairs": [["isolate_variable", "word_resistors"]], "levels": "1", "word_rows": 4, "steps": 2,
        "batch_size": 4, "rows_per_level": 20, "n_eval": 2, "max_new_tokens": 24, "max_length": 256}  # fmt: skip
PAPER = (
    "The paper's Llama models fine-tuned on the symbolic rules apply them to word problems (resistors, fruit "
    "baskets, quadratics): the model translates the text into equations with what it already knows, then "
    "uses the rule."
)


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    if opts.extra.get("model_dir") or opts.extra.get("model_dirs"):
        raise ValueError(f"{NAME} trains several models; model_dir(s) apply to experiments that train one")
    levels, word_rows = opts.extra["levels"], opts.extra["word_rows"]
    variants = opts.extra["variants"]
    if not isinstance(variants, list) or not variants or any(v not in VARIANTS for v in variants):
        raise ValueError(f"variants must be a non-empty list of {', '.join(VARIANTS)}, got {variants!r}")
    eval_level = int(str(levels).split("-")[0].split(",")[0])
    cells, trained = [], []
    for rule, word in opts.extra["pairs"]:
        mixes = {
            "rule only": [f"{rule}:{levels}"],
            "rule + word": [f"{rule}:{levels}", f"{word}:{levels}:{word_rows}"],
            "word only": [f"{word}:{levels}:{word_rows}"],
        }
        for variant in variants:
            folder, summary = common.train_model(opts, f"{rule}-{variant.replace(' + ', '+').replace(' ', '_')}",
                                                 mixes[variant])  # fmt: skip
            trained.append({"variant": variant, **summary})
            model, tok = common.load_trained(opts, folder)
            for target in (word, rule):
                cell_rows = common.rows(target, eval_level, opts.n_eval, seed=opts.seed)
                completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], opts)
                cell = common.public(common.score(cell_rows, completions))
                cells.append({"pair": f"{rule} -> {word}", "variant": variant, "evaluated_on": target,
                              "level": eval_level, **cell})  # fmt: skip
            del model
    body = []
    for rule, word in opts.extra["pairs"]:
        for variant in variants:
            w = next(c for c in cells if c["pair"] == f"{rule} -> {word}" and c["variant"] == variant
                     and c["evaluated_on"] == word)  # fmt: skip
            r = next(c for c in cells if c["pair"] == f"{rule} -> {word}" and c["variant"] == variant
                     and c["evaluated_on"] == rule)  # fmt: skip
            body.append([f"{rule} -> {word}", variant, common.accuracy_text(r), common.accuracy_text(w)])
    table = common.markdown_table(
        [
            "pair",
            "trained on",
            f"the rule (level {eval_level}; in-distribution unless word only)",
            f"word problems (level {eval_level})",
        ],
        body,
    )
    table += (f"\nWord data: {word_rows} rows per level (levels {levels}); rule data: "
              f"{opts.rows_per_level} rows per level.\n")  # fmt: skip
    plot(cells, variants, opts)
    return common.write_outputs(opts, NAME, {"training": trained, "cells": cells}, table, t0)


def plot(cells, variants, opts) -> None:
    plt = common.pyplot()
    pairs = list(dict.fromkeys(c["pair"] for c in cells))
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.25
    for j, variant in enumerate(variants):
        ys = [100 * next(c["accuracy"] for c in cells if c["pair"] == p and c["variant"] == variant
                         and c["evaluated_on"] == p.split(" -> ")[1]) for p in pairs]  # fmt: skip
        bars = ax.bar([i + j * width for i in range(len(pairs))], ys, width, label=variant)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks([i + width for i in range(len(pairs))], pairs, fontsize=8)
    ax.set_ylabel("verified accuracy on word problems (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Transfer from a rule to word problems")
    ax.legend(fontsize=8)
    common.save_figure(fig, opts.output_dir / "transfer.png")
