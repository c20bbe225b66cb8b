"""The evaluation report: aggregates of the per-row records (accuracy per rule, split and level; form
errors apart from wrong answers; where the first wrong step falls), written as JSON and Markdown, with
the models side by side."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..io import atomic_path
from .scoring import OUTCOMES


def _key(r: dict[str, Any]) -> tuple[str, str, int]:
    return (r["rule"], r["split"], r["level"])


def aggregate(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (model, rule, split, level): n, accuracy, outcome fractions, first-wrong-step counts."""
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[(r["model"], *_key(r))].append(r)
    out = []
    for (model, rule, split, level), rs in sorted(
        groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3], kv[0][0])
    ):
        n = len(rs)
        outcomes = Counter(r["outcome"] for r in rs)
        chains = [r for r in rs if r.get("n_steps") is not None]
        first_bad = Counter(r["first_bad_step"] for r in chains if r.get("first_bad_step") is not None)
        out.append(
            {
                "model": model,
                "rule": rule,
                "split": split,
                "level": level,
                "n": n,
                "accuracy": outcomes["correct"] / n,
                **{f"frac_{o}": outcomes[o] / n for o in OUTCOMES},
                "steps_checked": len(chains),
                "all_steps_valid": sum(1 for r in chains if r["n_steps"] and r.get("first_bad_step") is None)
                / max(1, len(chains)),
                "first_bad_step": {str(k): v for k, v in sorted(first_bad.items())},
            }
        )
    return out


def build_report(
    records: list[dict[str, Any]],
    timings: dict[str, dict[str, float]],
    models: list[dict[str, Any]],
    settings: dict[str, Any],
    samples_per_cell: int = 2,
) -> dict[str, Any]:
    """The whole report as plain data (what ``report.json`` holds)."""
    cells = aggregate(records)
    samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        key = f"{r['model']}|{r['rule']}|{r['split']}|{r['level']}"
        if len(samples[key]) < samples_per_cell:
            samples[key].append(
                {k: r[k] for k in ("prompt", "reference", "completion", "outcome", "first_bad_step")}
            )
    overall = {}
    for m in models:
        rs = [r for r in records if r["model"] == m["label"]]
        # each split on its own: in-distribution and out-of-distribution accuracy are never averaged
        overall[m["label"]] = {
            "n": len(rs),
            "n_per_split": dict(Counter(r["split"] for r in rs)),
            # held-out names at the training level(s): vocabulary alone, level unchanged
            "heldout_names_accuracy": _acc([r for r in rs if r["split"] == "test_heldout_vocab"]),
            # test_ood_vocab: held-out names (built-in words or --heldout-vocab) at the training level(s)
            "unseen_vocabulary_accuracy": _acc([r for r in rs if r["split"] == "test_ood_vocab"]),
            "ood_level_accuracy": _acc([r for r in rs if r["split"] == "test_ood_level"]),
            "test_accuracy": _acc([r for r in rs if r["split"] == "test"]),
        }
    return {
        "models": models,
        "settings": settings,
        "overall": overall,
        "timing": timings,
        "cells": cells,
        "samples": dict(samples),
    }


def _acc(rs: list[dict[str, Any]]) -> float | None:
    return sum(r["correct"] for r in rs) / len(rs) if rs else None


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: overall, per cell side by side, outcomes, first wrong step."""
    labels = [m["label"] for m in report["models"]]
    lines = ["# Evaluation report", ""]
    for m in report["models"]:
        adapter = f" + adapter `{m['adapter']}`" if m.get("adapter") else ""
        lines.append(f"- **{m['label']}**: `{m['model']}`{adapter}")
    s = report["settings"]
    lines += [
        "",
        f"Greedy decoding; {s['n']} problems per cell; rules: {', '.join(s['rules'])}; "
        f"splits: {', '.join(s['splits'])}. Correct = equivalent to the reference and in the rule's target "
        "form (checked by hf_mathrules.verify).",
        "",
        "## Overall",
        "",
        "Level and vocabulary are kept apart: *held-out names* is the test split at the training level(s) "
        "with variable names never used in training (vocabulary changed, level not); *unseen vocabulary* is "
        "`test_ood_vocab`, held-out names (built-in words unless `--heldout-vocab` is given) at the training "
        "level(s) too; *harder level* is level 6 with the training names (level changed, vocabulary not).",
        "",
        "| model | test | held-out names, training level | unseen vocabulary, training level (OOD) | "
        "harder level (OOD) | problems/s |",
        "|---|---|---|---|---|---|",
    ]
    for label in labels:
        o, t = report["overall"][label], report["timing"].get(label, {})
        lines.append(
            f"| {label} | {_pct(o['test_accuracy'])} | {_pct(o.get('heldout_names_accuracy'))} | "
            f"{_pct(o['unseen_vocabulary_accuracy'])} | {_pct(o['ood_level_accuracy'])} | "
            f"{t.get('problems_per_second', 0):.1f} |"
        )
    by_cell: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for c in report["cells"]:
        by_cell[(c["rule"], c["split"], c["level"])][c["model"]] = c
    lines += ["", "## Accuracy per rule, split and level", ""]
    lines.append("| rule | split | level | n | " + " | ".join(labels) + " |")
    lines.append("|---|---|---|---|" + "---|" * len(labels))
    for (rule, split, level), per in by_cell.items():
        n = next(iter(per.values()))["n"]
        accs = " | ".join(_pct(per[label]["accuracy"]) if label in per else "" for label in labels)
        lines.append(f"| {rule} | {split} | {level} | {n} | {accs} |")
    lines += ["", "## Outcomes (form errors apart from wrong answers)", ""]
    lines.append(
        "| model | rule | split | level | " + " | ".join(o.replace("_", " ") for o in OUTCOMES) + " |"
    )
    lines.append("|---|---|---|---|" + "---|" * len(OUTCOMES))
    for c in report["cells"]:
        fr = " | ".join(_pct(c[f"frac_{o}"]) for o in OUTCOMES)
        lines.append(f"| {c['model']} | {c['rule']} | {c['split']} | {c['level']} | {fr} |")
    chain_cells = [c for c in report["cells"] if c["steps_checked"]]
    if chain_cells:
        lines += ["", "## Where the first wrong step falls (rules with a `= ...` chain)", ""]
        lines.append("| model | rule | split | level | chains | all steps valid | first wrong step: count |")
        lines.append("|---|---|---|---|---|---|---|")
        for c in chain_cells:
            hist = ", ".join(f"step {int(k) + 1}: {v}" for k, v in c["first_bad_step"].items()) or "none"
            lines.append(
                f"| {c['model']} | {c['rule']} | {c['split']} | {c['level']} | {c['steps_checked']} | "
                f"{_pct(c['all_steps_valid'])} | {hist} |"
            )
    if report.get("plots"):
        lines += ["", "## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in report["plots"]]
    return "\n".join(lines) + "\n"


def write_report(report: dict[str, Any], out_dir: Path, plots: bool = True) -> dict[str, Path]:
    """Write ``report.json``, ``report.md`` and the PNG plots into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    if plots:
        from .plots import write_plots

        # plots made elsewhere (e.g. the training curve) are listed in ``extra_plots``
        report["plots"] = [p.name for p in write_plots(report, out_dir)] + list(report.get("extra_plots", []))
        paths.update({Path(p).stem: out_dir / p for p in report["plots"]})
    for name, text in (
        ("report.json", json.dumps(report, indent=2, default=str)),
        ("report.md", to_markdown(report)),
    ):
        with atomic_path(out_dir / name) as tmp:
            Path(tmp).write_text(text)
        paths[name] = out_dir / name
    return paths
