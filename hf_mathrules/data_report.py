"""The data half of the main job: generate every rule at every level, validate with SymPy, time it,
print a sample per rule and write a JSON summary and a PNG chart."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .io import atomic_path
from .rules import make_rule, rule_names
from .rules.base import LEVELS
from .validate import validate_row


def rule_data_report(
    n_per_level: int = 200,
    seed: int = 0,
    out_dir: str | Path | None = None,
    names: list[str] | None = None,
) -> dict[str, Any]:
    """Generate ``n_per_level`` rows per rule (every registered rule, or ``names``) and level, validate
    them all, measure examples/s."""
    results: dict[str, Any] = {}
    names = rule_names() if names is None else list(names)
    bar = tqdm(total=len(names) * len(LEVELS), desc="generate + validate", unit="rule-level")
    for name in names:
        per_level = {}
        for level in LEVELS:
            rule = make_rule(name, level=level)
            t0 = time.perf_counter()
            rows = rule.generate(n_per_level, seed=seed, split=None)
            gen_s = time.perf_counter() - t0
            failures = [(r["id"], e) for r in rows if (e := validate_row(r, rule))]
            per_level[level] = {
                "rows": len(rows),
                "valid": len(rows) - len(failures),
                "examples_per_s": len(rows) / gen_s if gen_s else float("inf"),
                "failures": failures[:5],
                "sample": {"prompt": rows[0]["prompt"], "completion": rows[0]["completion"]},
            }
            bar.update(1)
        results[name] = per_level
    bar.close()
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with atomic_path(out / "rules.json") as tmp:
            tmp.write_text(json.dumps(results, indent=2, default=str))
        plot_speed(results, out / "rules_speed.png")
    return results


def plot_speed(results: dict[str, Any], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the core install has no matplotlib; the chart is optional there
        return
    fig, ax = plt.subplots(figsize=(9, 4.5))
    colors = plt.get_cmap("tab20").colors  # 11 rules: the default 10-colour cycle would repeat one
    markers = "os^Dv<>pP*Xh"
    for i, (name, per_level) in enumerate(results.items()):
        ys = [v["examples_per_s"] for v in per_level.values()]
        ax.plot(list(per_level), ys, marker=markers[i % len(markers)], color=colors[i % 20], label=name)
    ax.set_yscale("log")
    ax.set_xlabel("level")
    ax.set_ylabel("examples / s (one process, incl. split + dedup)")
    ax.set_title("hf-mathrules generation speed per rule and level")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


def format_report(results: dict[str, Any]) -> str:
    lines = ["rule                  " + "  ".join(f"L{lv} valid   ex/s" for lv in LEVELS)]
    for name, per_level in results.items():
        cells = [f"{v['valid']:>4}/{v['rows']:<4}{v['examples_per_s']:>6.0f}" for v in per_level.values()]
        lines.append(f"{name:<22}" + "  ".join(cells))
    return "\n".join(lines)
