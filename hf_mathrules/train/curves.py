"""Training curves as PNG: verified accuracy (generation callback) and loss against training wall time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..io import atomic_path


def plot_training_curve(
    generation_history: list[dict[str, Any]], log_rows: list[dict[str, Any]], path: Path, title: str = ""
) -> Path:
    """Accuracy (left axis) and training loss (right axis, log scale) against seconds of training."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    if generation_history:
        xs = [h["train_seconds"] for h in generation_history]
        ax.plot(xs, [100 * h["eval/verified_accuracy"] for h in generation_history], "o-", color="#2e7d32")
    ax.set_xlabel("training wall time (s)")
    ax.set_ylabel("verified accuracy on validation sample (%)", color="#2e7d32")
    ax.set_ylim(0, 102)
    ax.axhline(98, ls=":", color="#2e7d32", lw=1)
    if log_rows:
        ax2 = ax.twinx()
        ax2.plot([r["seconds"] for r in log_rows], [r["loss"] for r in log_rows], color="#1565c0", lw=1)
        ax2.set_yscale("log")
        ax2.set_ylabel("training loss", color="#1565c0")
    ax.set_title(title or "Tiny preset: accuracy and loss vs wall time")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return Path(path)
