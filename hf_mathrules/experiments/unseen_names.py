"""Experiment 2, unseen variable names (paper D.1): train distributivity with a training vocabulary of K
names, test at the *training* level on the test split with those names and with names held out of
training (the vocabulary changes, the level does not).  Accuracy on held-out names vs K.

The name pool: ``pairs`` (every two-letter name our parser takes as a variable, 650 or so, so K can reach
500 with a held-out complement), ``letters`` (22), ``words`` (our built-in words), or any vocabulary spec
(``tokenizer:meta-llama/Llama-3.2-1B`` on a machine that has the tokenizer)."""

from __future__ import annotations

import dataclasses
import string
import time
from pathlib import Path
from typing import Any

from . import common

NAME = "unseen_names"
DEFAULTS = {
    "rule": "distributivity",
    "levels": [1],
    "pool": "pairs",
    "ks": [10, 50, 500],
    "seeds": None,  # e.g. [0, 1, 2]: one model per K and seed (a seed draws the names, data and weights)
    "steps": 80,
    "batch_size": 32,
    "rows_per_level": 2000,  # K=10 two-letter names admit about 3,500 distinct level-1 training problems
    "n_eval": 20,
    "max_new_tokens": 64,
}
MINI = {"ks": [5, 20], "steps": 2, "batch_size": 8, "rows_per_level": 30, "n_eval": 3, "max_new_tokens": 16}
PAPER = (
    "Paper D.1 (Llama, QLoRA, distributivity, names from the tokenizer's vocabulary): accuracy on the training "
    "vocabulary is stable across sizes and clearly above the complement; training on a larger vocabulary "
    "improves generalization to unseen names."
)


def pool_spec(pool: str, folder: Path) -> str:
    """A vocabulary spec for the name pool (``pairs`` is written to a file in ``folder``)."""
    if pool != "pairs":
        return pool
    from ..vocab import is_valid_name

    names = [a + b for a in string.ascii_lowercase for b in string.ascii_lowercase if is_valid_name(a + b)]
    path = Path(folder) / "pairs.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(names) + "\n")
    return f"file:{path.resolve()}"


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    from ..vocab import parse_vocab_spec

    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    if opts.extra.get("model_dir") or opts.extra.get("model_dirs"):
        raise ValueError(f"{NAME} trains several models; model_dir(s) apply to experiments that train one")
    rule, levels, ks = opts.extra["rule"], opts.extra["levels"], opts.extra["ks"]
    base = pool_spec(opts.extra["pool"], opts.output_dir)
    size = len(parse_vocab_spec(base))
    lv = f"{min(levels)}-{max(levels)}" if len(levels) > 1 else str(levels[0])
    seeds = common.seed_list(opts)
    cells, trained = [], []
    for seed in seeds:
        seed_opts = dataclasses.replace(opts, seed=seed)
        for k in ks:
            if not 0 < k < size:
                raise ValueError(f"K={k} must be between 1 and {size - 1} for the {opts.extra['pool']} pool")
            train_vocab, held_vocab = f"{base}@train:{k}:{seed}", f"{base}@heldout:{k}:{seed}"
            name = f"k{k}" if len(seeds) == 1 else f"k{k}-seed{seed}"
            folder, summary = common.train_model(seed_opts, name, [f"{rule}:{lv}"], vocab=train_vocab)
            trained.append({**summary, "seed": seed})
            model, tok = common.load_trained(seed_opts, folder)
            for level in levels:
                for names, vocab in (("training names", train_vocab), ("held-out names", held_vocab)):
                    cell_rows = common.rows(rule, level, opts.n_eval, seed=seed, vocab=vocab)
                    completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], seed_opts)
                    cell = common.public(common.score(cell_rows, completions))
                    cells.append({"k": k, "level": level, "names": names, "seed": seed, **cell})
            del model
    pooled = common.pool_seeds(cells, ("k", "level", "names"))
    body = []
    for k in ks:
        for level in levels:
            seen, held = (pooled[(k, level, names)] for names in ("training names", "held-out names"))
            per_seed = " / ".join(
                common.pct(c["accuracy"]) for c in cells
                if (c["k"], c["level"], c["names"]) == (k, level, "held-out names")
            )  # fmt: skip
            body.append([k, size - k, level, common.accuracy_text(seen), common.accuracy_text(held),
                         per_seed, common.pct(held["frac_wrong_form"])])  # fmt: skip
    table = common.markdown_table(
        ["K (training names)", "held-out names", "level", f"test, training names ({len(seeds)} seeds pooled)",
         "test, held-out names (pooled)", "held-out names per seed", "held-out: right value, wrong form"],
        body,
    )  # fmt: skip
    results = {
        "rule": rule,
        "pool": opts.extra["pool"],
        "pool_size": size,
        "seeds": seeds,
        "training": trained,
        "cells": cells,
        "pooled": [{"k": k, "level": lv, "names": nm, **c} for (k, lv, nm), c in pooled.items()],
    }
    plot(list(results["pooled"]), ks, levels, opts)
    return common.write_outputs(opts, NAME, results, table, t0)


def plot(cells, ks, levels, opts) -> None:
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for level in levels:
        for names, style in (("training names", "-o"), ("held-out names", "--s")):
            ys = [100 * next(c["accuracy"] for c in cells if c["k"] == k and c["level"] == level
                             and c["names"] == names) for k in ks]  # fmt: skip
            ax.plot(ks, ys, style, label=f"{names}, level {level}")
    ax.set_xscale("log")
    ax.set_xlabel("K: training vocabulary size (names)")
    ax.set_ylabel("verified accuracy (%)")
    ax.set_ylim(-3, 103)
    ax.set_title("Unseen variable names at the training level")
    ax.legend(fontsize=8)
    common.save_figure(fig, opts.output_dir / "unseen_names.png")
