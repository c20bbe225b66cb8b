"""Experiment 4, Gaussian elimination step by step: a model trained on ``gaussian_elimination`` (2 and 3
unknowns, levels 1-4) is scored per row operation (the k-th operation and the matrix after it equal the
reference's k-th; and, separately, the written matrix is what the model's own operation gives) and on
the final solution, vs matrix size.  The paper: 88.5% with Llama-2 7B (QLoRA)."""

from __future__ import annotations

import re
import time
from fractions import Fraction
from typing import Any

from . import common

NAME = "gaussian"
LEVEL_OF_SIZE = {2: 1, 3: 3, 4: 5}
PAPER_ACCURACY = 0.885
DEFAULTS = {
    "train_levels": "1-4",
    "sizes": [2, 3, 4],
    "steps": 100,
    "batch_size": 8,
    "rows_per_level": 2000,
    "n_eval": 12,
    "max_new_tokens": 480,
    "max_length": 1024,
}
MINI = {"train_levels": "1", "sizes": [2], "steps": 2, "batch_size": 4, "rows_per_level": 20, "n_eval": 2,
        "max_new_tokens": 24, "max_length": 256}  # fmt: skip
PAPER = (
    "The paper reports 88.5% accuracy on step-by-step Gaussian elimination for Llama-2 7B fine-tuned with "
    "QLoRA."
)
_ROW = re.compile(r"^\s*\[(.*)\]\s*$")
_NAMED_ROW = re.compile(r"^\s*R(\d+) = \[(.*)\]\s*$")
_SWAP = re.compile(r"^\s*swap R(\d+), R(\d+)\s*$")
_SCALE = re.compile(r"^\s*R(\d+) <- (-?(?:\d+(?:/\d+)?\*)?|-)R(\d+)\s*$")
# ``R2 <- R2 - 3*R1``, or scaling the target first (the rule's ``fraction_free``) ``R2 <- 3*R2 - 2*R1``
_ADD = re.compile(r"^\s*R(\d+) <- ((?:\d+\*)?)R(\d+) ([+-]) ((?:\d+(?:/\d+)?\*)?)R(\d+)\s*$")


def _matrix_row(text: str) -> tuple[Fraction, ...] | None:
    try:
        return tuple(Fraction(t) for t in text.replace("|", " ").split())
    except (ValueError, ZeroDivisionError):
        return None


def parse_steps(completion: str) -> tuple[list | None, list[tuple[str, list]]]:
    """``(start matrix, [(operation text, matrix after it), ...])`` read from a completion.  With only the
    changed rows written after each operation (the rule's ``changed_rows``: ``R2 = [0 3 3 | 3]``), the
    matrix after it is the one before with those rows replaced; the whole matrix written at the end is
    then not another step."""
    start, steps, op, cur = None, [], None, []
    pending: set[int] = set()  # rows the current operation changed that are not written yet
    written: list | None = None  # the matrix those rows are written into

    def flush():
        nonlocal start, cur
        if cur:
            if op is None and start is None:
                start = cur
            elif op is not None:
                steps.append((op, cur))
        cur = []

    for line in completion.splitlines():
        m = _ROW.match(line)
        if m:
            row = _matrix_row(m.group(1))
            cur.append(row)
            continue
        flush()
        named = _NAMED_ROW.match(line)
        if named and int(named.group(1)) in pending and written is not None:
            k = int(named.group(1))
            pending.discard(k)
            if k <= len(written):
                written[k - 1] = _matrix_row(named.group(2))
            if not pending:
                steps.append((op, written))
                op, written = None, None
        elif line.strip().startswith(("R", "swap")) and ("<-" in line or "swap" in line):
            op = " ".join(line.split())
            targets = _SWAP.match(op) or re.match(r"R(\d+) <-", op)
            pending = {int(g) for g in targets.groups()[:2] if g and g.isdigit()} if targets else set()
            before = steps[-1][1] if steps else start
            written = list(before) if before is not None else None
    flush()
    return start, steps


def _coef(text: str) -> Fraction:
    if text in ("", None):
        return Fraction(1)
    if text == "-":
        return Fraction(-1)
    return Fraction(text.rstrip("*"))


def apply_op(op: str, m: list) -> list | None:
    """The matrix ``op`` gives from ``m`` (None: not an operation we read, or rows out of range)."""
    try:
        rows = [list(r) for r in m]
        if s := _SWAP.match(op):
            i, j = int(s.group(1)) - 1, int(s.group(2)) - 1
            rows[i], rows[j] = rows[j], rows[i]
        elif s := _SCALE.match(op):
            i, c = int(s.group(1)) - 1, _coef(s.group(2))
            if int(s.group(3)) - 1 != i:
                return None
            rows[i] = [c * x for x in rows[i]]
        elif s := _ADD.match(op):
            i, u, c, j = int(s.group(1)) - 1, _coef(s.group(2)), _coef(s.group(5)), int(s.group(6)) - 1
            if int(s.group(3)) - 1 != i:
                return None
            c = -c if s.group(4) == "-" else c
            rows[i] = [u * a + c * b for a, b in zip(rows[i], rows[j])]
        else:
            return None
        return [tuple(r) for r in rows]
    except (IndexError, TypeError):
        return None


def step_scores(reference: str, completion: str) -> list[dict[str, bool]]:
    """Per reference operation k: ``match`` (the model's k-th operation and matrix equal the reference's)
    and ``valid`` (the model's k-th matrix is what its own k-th operation gives from its previous one)."""
    ref_start, ref_steps = parse_steps(reference)
    start, steps = parse_steps(completion)
    out = []
    prev = start
    for k, (ref_op, ref_m) in enumerate(ref_steps):
        if k >= len(steps):
            out.append({"match": False, "valid": False})
            continue
        op, m = steps[k]
        valid = prev is not None and None not in m and apply_op(op, prev) == [tuple(r) for r in m]
        out.append({"match": op == ref_op and m == ref_m and start == ref_start, "valid": bool(valid)})
        prev = m
    return out


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    folder, trained = common.train_model(
        opts, "gaussian_elimination", [f"gaussian_elimination:{opts.extra['train_levels']}"]
    )
    model, tok = common.load_trained(opts, folder)
    cells = []
    for size in opts.extra["sizes"]:
        level = LEVEL_OF_SIZE.get(size, 5)
        cell_rows = common.rows("gaussian_elimination", level, opts.n_eval, seed=opts.seed,
                                knobs={"n_unknowns": size})  # fmt: skip
        completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], opts)
        cell = common.public(common.score(cell_rows, completions))
        per_op: dict[int, list[dict[str, bool]]] = {}
        for row, completion in zip(cell_rows, completions):
            for k, s in enumerate(step_scores(row["completion"], completion)):
                per_op.setdefault(k + 1, []).append(s)
        cell["operation_match"] = {k: sum(s["match"] for s in v) / len(v) for k, v in sorted(per_op.items())}
        cell["operation_valid"] = {k: sum(s["valid"] for s in v) / len(v) for k, v in sorted(per_op.items())}
        all_ops = [s for v in per_op.values() for s in v]
        cell["all_operations_match"] = sum(s["match"] for s in all_ops) / max(1, len(all_ops))
        cell["all_operations_valid"] = sum(s["valid"] for s in all_ops) / max(1, len(all_ops))
        cells.append({"unknowns": size, "level": level, **cell})
    body = []
    for c in cells:
        ops = ", ".join(f"{k}: {common.pct(v)}" for k, v in c["operation_match"].items())
        body.append([f"{c['unknowns']}x{c['unknowns'] + 1}", c["n"], common.pct(c["accuracy"]),
                     common.pct(c["all_operations_match"]), common.pct(c["all_operations_valid"]), ops])  # fmt: skip
    body.append(["paper: Llama-2 7B QLoRA", "", common.pct(PAPER_ACCURACY), "", "", ""])
    table = common.markdown_table(
        ["augmented matrix", "n", "final solution", "operations = reference", "operations applied correctly",
         "per operation k (= reference)"],
        body,
    )  # fmt: skip
    plot(cells, opts)
    return common.write_outputs(opts, NAME, {"training": trained, "cells": cells,
                                             "paper_accuracy": PAPER_ACCURACY}, table, t0)  # fmt: skip


def plot(cells, opts) -> None:
    plt = common.pyplot()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    xs = [c["unknowns"] for c in cells]
    ax.plot(xs, [100 * c["accuracy"] for c in cells], "-o", label="ours: final solution")
    ax.plot(xs, [100 * c["all_operations_match"] for c in cells], "--s", label="ours: operations = reference")
    ax.axhline(100 * PAPER_ACCURACY, color="#c62828", ls=":", label="paper: Llama-2 7B QLoRA (88.5%)")
    ax.set_xticks(xs)
    ax.set_xlabel("unknowns (augmented matrix n x n+1)")
    ax.set_ylabel("%")
    ax.set_ylim(-3, 103)
    ax.set_title("Gaussian elimination vs size")
    ax.legend(fontsize=7)
    for c in cells:
        ks = list(c["operation_match"])
        ax2.plot(
            ks, [100 * v for v in c["operation_match"].values()], "-o", label=f"{c['unknowns']} unknowns"
        )
    ax2.set_xlabel("row operation k")
    ax2.set_ylabel("k-th operation and matrix = reference (%)")
    ax2.set_ylim(-3, 103)
    ax2.set_title("Accuracy of each row operation")
    ax2.legend(fontsize=7)
    common.save_figure(fig, opts.output_dir / "gaussian.png")
