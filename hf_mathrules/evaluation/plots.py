"""PNG plots of an evaluation report (matplotlib, headless): accuracy per rule and split with the
models side by side, outcome breakdown, and where the first wrong step falls."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from ..io import atomic_path
from .scoring import OUTCOMES

OUTCOME_COLORS = {
    "correct": "#2e7d32",
    "wrong_form": "#f9a825",
    "wrong_answer": "#c62828",
    "no_answer": "#6d4c41",
    "unparsable": "#7b1fa2",
    "undecided": "#9e9e9e",
}


# models side by side: distinct colours for up to 20 (matplotlib's default cycle repeats after 10)
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
    "#dbdb8d", "#9edae5",
)  # fmt: skip


def _save(fig, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    return path


def _cell_label(c: dict[str, Any]) -> str:
    split = {
        "test": "test",
        "test_heldout_vocab": "held-out names",
        "test_ood_level": "OOD level",
        "test_ood_vocab": "unseen vocab",
    }.get(c["split"], c["split"])
    return f"{c['rule']}\n{split} L{c['level']}"


def write_plots(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """``accuracy.png``, ``outcomes.png`` and (when a rule has step chains) ``first_wrong_step.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [m["label"] for m in report["models"]]
    cells = report["cells"]
    keys = list(dict.fromkeys((c["rule"], c["split"], c["level"]) for c in cells))
    by = {(c["model"], c["rule"], c["split"], c["level"]): c for c in cells}
    paths = []

    # accuracy, models side by side
    width = 0.8 / max(1, len(labels))
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(keys) + 2), 4.2))
    for j, label in enumerate(labels):
        xs = [i + j * width for i in range(len(keys))]
        ys = [100 * by[(label, *k)]["accuracy"] if (label, *k) in by else 0 for k in keys]
        bars = ax.bar(xs, ys, width, label=label, color=PALETTE[j % len(PALETTE)])
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks([i + width * (len(labels) - 1) / 2 for i in range(len(keys))])
    ax.set_xticklabels([_cell_label({"rule": k[0], "split": k[1], "level": k[2]}) for k in keys], fontsize=7)
    ax.set_ylabel("verified accuracy (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Accuracy per rule, split and level")
    ax.legend(fontsize=8)
    paths.append(_save(fig, Path(out_dir) / "accuracy.png"))
    plt.close(fig)

    # outcomes: stacked fractions, one bar per (model, cell)
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(cells) + 2), 4.2))
    bottoms = [0.0] * len(cells)
    for o in OUTCOMES:
        vals = [100 * c[f"frac_{o}"] for c in cells]
        ax.bar(range(len(cells)), vals, bottom=bottoms, color=OUTCOME_COLORS[o], label=o.replace("_", " "))
        bottoms = [b + v for b, v in zip(bottoms, vals)]
    ax.set_xticks(range(len(cells)))
    ax.set_xticklabels(
        [f"{c['model']}\n{_cell_label(c)}" for c in cells], fontsize=6, rotation=60, ha="right"
    )
    ax.set_ylabel("% of problems")
    ax.set_title("Outcomes: form errors apart from wrong answers")
    ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
    paths.append(_save(fig, Path(out_dir) / "outcomes.png"))
    plt.close(fig)

    # first wrong step
    hist: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for c in cells:
        for k, v in c["first_bad_step"].items():
            hist[c["model"]][int(k) + 1] += v
    if any(c["steps_checked"] for c in cells):
        fig, ax = plt.subplots(figsize=(6, 3.6))
        steps = sorted({s for h in hist.values() for s in h}) or [1]
        for j, label in enumerate(labels):
            ys = [hist[label].get(s, 0) for s in steps]
            ax.bar([s + j * width for s in steps], ys, width, label=label, color=PALETTE[j % len(PALETTE)])
        ax.set_xticks([s + width * (len(labels) - 1) / 2 for s in steps])
        ax.set_xticklabels([str(s) for s in steps])
        ax.set_xlabel("first wrong step (1 = first line of the derivation)")
        ax.set_ylabel("completions")
        ax.set_title("Where the first wrong step falls")
        ax.legend(fontsize=8)
        paths.append(_save(fig, Path(out_dir) / "first_wrong_step.png"))
        plt.close(fig)
    return paths
