"""Gradio 6 demo of the sympy_equivalence metric (hand-written: evaluate's widget helper relies on the
inputs module that Gradio 6 removed)."""

from pathlib import Path

import evaluate
import gradio as gr

FORMS = ["none", "expanded", "factored", "solved", "simplified", "ordered"]
KINDS = ["auto", "expression", "equation", "system", "roots", "set", "tuple", "matrix", "text"]

metric = evaluate.load(str(Path(__file__).resolve().parent))


def check(reference: str, prediction: str, form: str, kind: str) -> dict:
    refs = [r.strip() for r in reference.split("||") if r.strip()] or [""]
    out = metric.compute(
        predictions=[prediction], references=[refs], form=None if form == "none" else form, kind=kind
    )
    return out["verdicts"][0]


with gr.Blocks(title="SymPy equivalence") as demo:
    gr.Markdown(
        "# SymPy equivalence\nIs the prediction equivalent to the reference (and in the target form)? "
        "Plain, SymPy-style or LaTeX; separate several acceptable references with `||`."
    )
    with gr.Row():
        reference = gr.Textbox(label="Reference", value="x = -2")
        prediction = gr.Textbox(label="Prediction (or full completion)", value="2x + 4 = 0")
    with gr.Row():
        form = gr.Dropdown(FORMS, value="none", label="Form")
        kind = gr.Dropdown(KINDS, value="auto", label="Kind")
    button = gr.Button("Check")
    verdict = gr.JSON(label="Verdict")
    button.click(check, [reference, prediction, form, kind], verdict, api_name="check")

if __name__ == "__main__":
    demo.launch()
