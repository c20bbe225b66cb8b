"""Gradio 6 demo of the sympy_equivalence metric (hand-written: evaluate's widget helper relies on the
inputs module that Gradio 6 removed).

One pair, or a batch (JSON lines pasted or uploaded, one ``{"reference": ..., "prediction": ...}`` per
line); verdicts as a table with their reasons.  Named API endpoints: ``/check`` and ``/check_batch``.
A verdict's ``path`` field (fast path or worker) is returned as ``decided_by``: gradio_client takes any
``path`` key in an endpoint's output for a file to download."""

from __future__ import annotations

import json
from pathlib import Path

import evaluate
import gradio as gr

from hf_mathrules.verify import FORMS as TARGET_FORMS
from hf_mathrules.verify import KINDS as ANSWER_KINDS

FORMS = ["none", *TARGET_FORMS]  # "none": no form check
KINDS = list(ANSWER_KINDS)
COLUMNS = [
    "#",
    "equivalent",
    "reason",
    "detail",
    "reference (read)",
    "prediction (read)",
    "kind",
    "decided by",
]
MAX_BATCH = 500  # items per batch
MAX_BATCH_CHARS = 1_000_000
MAX_FIELD_CHARS = 20_000
EXAMPLE_BATCH = "\n".join(
    json.dumps(x)
    for x in (
        {"reference": "x = -2", "prediction": "2x + 4 = 0"},
        {"reference": "a*b + a*c", "prediction": "a(b + c)", "form": "expanded"},
        {"reference": ["1/2", "0.5"], "prediction": "The answer is $\\frac{1}{2}$."},
        {"reference": "x = 1 or x = -3", "prediction": "x = 1"},
    )
)

metric = evaluate.load(str(Path(__file__).resolve().parent))


class InputError(ValueError):
    """Input the app refuses; the message is shown to the user."""


def public(verdict: dict) -> dict:
    """A verdict safe to return from an endpoint: ``path`` renamed ``decided_by``."""
    out = {k: v for k, v in verdict.items() if k != "path"}
    out["decided_by"] = verdict.get("path", "")
    return out


def _row(i: int, v: dict) -> list:
    mark = {True: "✅ yes", False: "❌ no", None: "⚠️ undecided"}[v.get("equivalent")]
    return [
        i,
        mark,
        v.get("reason", ""),
        v.get("detail", ""),
        v.get("gold", ""),
        v.get("pred", ""),
        v.get("kind", ""),
        v.get("decided_by", ""),
    ]


def _references(value, where: str) -> list[str]:
    refs = [value] if isinstance(value, str) else value
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise InputError(f"{where}: the reference must be a string or a list of strings")
    refs = [r for r in refs if r.strip()]
    if not refs:
        raise InputError(f"{where}: the reference is empty")
    return refs


def _compute(pairs: list[tuple[str, list[str], str | None]], form: str | None, kind: str) -> list[dict]:
    groups: dict[str | None, list[int]] = {}
    for i, (_, _, f) in enumerate(pairs):
        groups.setdefault(f, []).append(i)
    verdicts: list[dict] = [{}] * len(pairs)
    for f, idx in groups.items():
        out = metric.compute(
            predictions=[pairs[i][0] for i in idx],
            references=[pairs[i][1] for i in idx],
            form=f or form,
            kind=kind,
        )
        for i, v in zip(idx, out["verdicts"]):
            verdicts[i] = public(v)
    return verdicts


def _options(form: str, kind: str) -> tuple[str | None, str]:
    if form not in FORMS:
        raise InputError(f"unknown form {form!r}; choose one of {', '.join(FORMS)}")
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return (None if form == "none" else form), kind


def check(reference: str, prediction: str, form: str, kind: str):
    """One pair: a headline, the verdict table (one row) and the verdict as JSON."""
    try:
        f, k = _options(form, kind)
        reference, prediction = reference or "", prediction or ""
        if not reference.strip():
            raise InputError("the reference is empty: type the correct answer")
        if not prediction.strip():
            raise InputError("the prediction is empty: type an answer or a whole completion")
        for name, text in (("reference", reference), ("prediction", prediction)):
            if len(text) > MAX_FIELD_CHARS:
                raise InputError(f"the {name} is {len(text):,} characters; the limit is {MAX_FIELD_CHARS:,}")
        refs = [r.strip() for r in reference.split("||") if r.strip()]
        v = _compute([(prediction, refs, None)], f, k)[0]
    except InputError as exc:
        return f"⛔ {exc}", [], {}
    icon = {True: "✅ equivalent", False: "❌ not equivalent", None: "⚠️ undecided"}[v["equivalent"]]
    return f"### {icon}\nreason: `{v['reason']}` — {v['detail']}", [_row(1, v)], v


def _parse_batch(text: str) -> list[tuple[str, list[str], str | None]]:
    if not text or not text.strip():
        raise InputError("the batch is empty: paste JSON lines or upload a .jsonl file")
    if len(text) > MAX_BATCH_CHARS:
        raise InputError(f"the batch is {len(text):,} characters; the limit is {MAX_BATCH_CHARS:,}")
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip()]
    if len(lines) > MAX_BATCH:
        raise InputError(f"the batch has {len(lines)} lines; the limit is {MAX_BATCH} (nothing was checked)")
    pairs = []
    for n, ln in lines:
        try:
            item = json.loads(ln)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n} is not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(item, dict):
            raise InputError(f'line {n}: expected an object like {{"reference": ..., "prediction": ...}}')
        pred = item.get("prediction", item.get("pred"))
        ref = item.get("reference", item.get("references", item.get("gold")))
        if not isinstance(pred, str) or not pred.strip():
            raise InputError(f"line {n}: the prediction is missing or empty")
        if ref is None:
            raise InputError(f"line {n}: the reference is missing")
        form = item.get("form")
        if form is not None and form not in FORMS:
            raise InputError(f"line {n}: unknown form {form!r}")
        pairs.append((pred, _references(ref, f"line {n}"), None if form in (None, "none") else form))
    return pairs


def check_batch(jsonl: str, form: str, kind: str):
    """Many pairs: a summary and one table row per line."""
    try:
        f, k = _options(form, kind)
        pairs = _parse_batch(jsonl)
        verdicts = _compute(pairs, f, k)
    except InputError as exc:
        return f"⛔ {exc}", []
    n = len(verdicts)
    right = sum(v["equivalent"] is True for v in verdicts)
    reasons: dict[str, int] = {}
    for v in verdicts:
        reasons[v["reason"]] = reasons.get(v["reason"], 0) + 1
    counts = ", ".join(f"{r}: {c}" for r, c in sorted(reasons.items()))
    summary = f"### accuracy {right / n:.1%} ({right} of {n} equivalent)\n{counts}"
    return summary, [_row(i, v) for i, v in enumerate(verdicts, 1)]


def read_upload(path: str | None) -> str:
    if not path:
        return ""
    p = Path(path)
    if p.stat().st_size > MAX_BATCH_CHARS:
        raise gr.Error(f"the file is {p.stat().st_size:,} bytes; the limit is {MAX_BATCH_CHARS:,}")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise gr.Error("the file is not UTF-8 text (expected JSON lines)") from None


with gr.Blocks(title="SymPy equivalence") as demo:
    gr.Markdown(
        "# SymPy equivalence\nIs the prediction equivalent to the reference (and in the target form)? "
        "Plain, SymPy-style or LaTeX; a whole completion works (the answer is extracted). Separate several "
        "acceptable references with `||`. Text is read by a whitelisted parser, never executed."
    )
    with gr.Row():
        form = gr.Dropdown(FORMS, value="none", label="Form", elem_id="form")
        kind = gr.Dropdown(KINDS, value="auto", label="Kind", elem_id="kind")
    with gr.Tab("One pair", elem_id="tab-one"):
        with gr.Row():
            reference = gr.Textbox(label="Reference", value="x = -2", lines=2, elem_id="reference")
            prediction = gr.Textbox(
                label="Prediction (or full completion)",
                value="2x + 4 = 0",
                lines=5,
                placeholder="e.g.\nFirst subtract 4 ...\nAnswer: x = -2",
                elem_id="prediction",
            )
        button = gr.Button("Check", variant="primary", elem_id="check")
        headline = gr.Markdown(elem_id="headline")
        table = gr.Dataframe(headers=COLUMNS, label="Verdict", wrap=True, elem_id="verdict-table")
        verdict = gr.JSON(label="Verdict (JSON)")
        gr.Examples(
            [
                ["x = -2", "2x + 4 = 0", "none"],
                ["a*b + a*c", "a(b + c)", "expanded"],
                ["x = 1 or x = -3", "The roots are $\\boxed{\\{-3, 1\\}}$", "none"],
                ["3*(x + 1)", "3x + 3", "factored"],
            ],
            inputs=[reference, prediction, form],
        )
        button.click(check, [reference, prediction, form, kind], [headline, table, verdict], api_name="check")
    with gr.Tab("Batch (JSON lines)", elem_id="tab-batch"):
        batch = gr.Textbox(
            label='One {"reference": ..., "prediction": ...} per line (reference: a string or a list; '
            f'optional "form"); up to {MAX_BATCH} lines',
            lines=8,
            value=EXAMPLE_BATCH,
            elem_id="batch",
        )
        upload = gr.File(
            label="or upload a .jsonl file",
            file_types=[".jsonl", ".json", ".txt"],
            type="filepath",
            height=120,
        )
        batch_button = gr.Button("Check all", variant="primary", elem_id="check-batch")
        batch_summary = gr.Markdown(elem_id="batch-summary")
        batch_table = gr.Dataframe(headers=COLUMNS, label="Verdicts", wrap=True, elem_id="batch-table")
        upload.upload(read_upload, upload, batch, api_visibility="private")
        batch_button.click(
            check_batch, [batch, form, kind], [batch_summary, batch_table], api_name="check_batch"
        )

demo.queue(default_concurrency_limit=4, max_size=64)

if __name__ == "__main__":
    demo.launch()
