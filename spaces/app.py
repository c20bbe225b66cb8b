"""Gradio Space: a model fine-tuned with hf-mathrules solves a problem step by step, and our checker
verifies the answer (and each ``= ...`` step).

Configure with environment variables: ``MATHRULES_MODEL`` (Hub id or folder; default
``outputs/demo/main/model``, what ``mathrules demo`` trains) and optionally ``MATHRULES_ADAPTER``.

User text only ever reaches our own parser in ``hf_mathrules.verify`` (never ``eval``, ``sympify`` or
``parse_expr``)."""

from __future__ import annotations

import os
from typing import Any

import gradio as gr

from hf_mathrules.evaluation.generation import generate
from hf_mathrules.evaluation.scoring import answer_line, score_completion, step_lines
from hf_mathrules.rules import get_rule, make_rule, rule_names
from hf_mathrules.verify import verify, verify_steps

MAX_PROMPT_CHARS = 2000
EXAMPLE_SEED = 7


def free_prompt_rules() -> dict[str, str]:
    """Instruction line -> rule, for the rules whose prompt is an instruction plus one expression line
    (so a typed prompt of that shape can be checked without a reference)."""
    out = {}
    for name in rule_names():
        rule = make_rule(name, level=1)
        if rule.kind != "expression":
            continue
        lines = rule.generate(1, seed=0, split="test")[0]["prompt"].splitlines()
        if len(lines) == 2:
            out[lines[0].strip()] = name
    return out


def _verdict_text(ok: bool | None, headline: str, details: list[str]) -> str:
    icon = {True: "✅", False: "❌", None: "⚠️"}[ok]
    return f"### {icon} {headline}\n\n" + "\n".join(f"- {d}" for d in details)


def check(prompt: str, completion: str, reference: dict[str, Any] | None, known: dict[str, str]) -> str:
    """A Markdown verdict: against the generated problem's reference when the prompt is unchanged,
    else (for single-expression rules) against the typed problem itself."""
    if reference and reference.get("prompt") == prompt:
        s = score_completion(reference, completion)
        details = [f"reference answer: `{reference['answer']}`", f"outcome: {s.outcome.replace('_', ' ')}"]
        if s.n_steps is not None:
            details.append(
                "every step follows from the previous one"
                if s.first_bad_step is None
                else f"first wrong step: line {s.first_bad_step + 1}"
            )
        return _verdict_text(s.correct, "verified correct" if s.correct else "not correct", details)
    lines = [ln for ln in prompt.strip().splitlines() if ln.strip()]
    rule_name = known.get(lines[0].strip()) if len(lines) == 2 else None
    if rule_name is None:
        return _verdict_text(
            None,
            "not checked",
            [
                "only generated problems, or a typed prompt in the form of a single-expression rule, are checked"
            ],
        )
    problem, answer = lines[1], answer_line(completion)
    if answer is None:
        return _verdict_text(False, "no `Answer:` line", [f"rule: {rule_name}"])
    v = verify(problem, answer, form=get_rule(rule_name).target_form, extract=False)
    details = [f"rule: {rule_name}", f"checker: {v.reason.replace('_', ' ')}"]
    steps = step_lines(completion)
    if steps:
        first_bad = verify_steps(problem, steps).first_bad
        details.append(
            "every step follows from the problem"
            if first_bad is None
            else f"first wrong step: line {first_bad + 1}"
        )
    return _verdict_text(v.equivalent is True, "verified correct" if v.equivalent else "not correct", details)


def build_demo(model, tokenizer, max_new_tokens: int = 256) -> gr.Blocks:
    known = free_prompt_rules()
    names = rule_names()
    counter = {"i": 0}

    def new_problem(rule: str, level: float):
        if rule not in names:
            raise gr.Error(f"unknown rule {rule!r}")
        counter["i"] += 1
        row = make_rule(rule, level=int(level)).generate(1, seed=EXAMPLE_SEED + counter["i"], split="test")[0]
        return row["prompt"], row, "", ""

    def solve(prompt: str, reference: dict | None):
        prompt = (prompt or "").strip()
        if not prompt:
            raise gr.Error("type a problem or press New problem")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise gr.Error(f"the prompt is longer than {MAX_PROMPT_CHARS} characters")
        completion = generate(model, tokenizer, [prompt], max_new_tokens=max_new_tokens, progress=False)[0]
        return completion, check(prompt, completion, reference, known)

    with gr.Blocks(title="hf-mathrules: step by step, verified") as demo:
        gr.Markdown(
            "# Step-by-step math, verified\nA model trained on hf-mathrules rule data writes each step; "
            "our checker (a safe parser plus SymPy in a sandboxed worker) verifies the answer and the steps."
        )
        reference = gr.State(None)
        with gr.Row():
            rule = gr.Dropdown(names, value=names[0], label="rule")
            level = gr.Slider(1, 5, value=1, step=1, label="level")
            new_btn = gr.Button("New problem")
        prompt = gr.Textbox(label="problem (prompt)", lines=4, max_length=MAX_PROMPT_CHARS)
        solve_btn = gr.Button("Solve", variant="primary")
        completion = gr.Textbox(label="model's solution", lines=8, buttons=["copy"])
        verdict = gr.Markdown()
        new_btn.click(
            new_problem, [rule, level], [prompt, reference, completion, verdict], api_name="new_problem"
        )
        solve_btn.click(solve, [prompt, reference], [completion, verdict], api_name="solve")
    return demo


DEFAULT_MODEL = "outputs/demo/main/model"  # where `mathrules demo` saves its model


def load_model():
    from hf_mathrules.modeling import load_for_inference

    model = os.environ.get("MATHRULES_MODEL") or DEFAULT_MODEL
    adapter = os.environ.get("MATHRULES_ADAPTER") or None
    if model == DEFAULT_MODEL and not os.path.isdir(model):
        raise SystemExit(
            f"no model at {DEFAULT_MODEL}: run `mathrules demo` first (it trains one there), or set "
            "MATHRULES_MODEL to a Hub id or a model folder"
        )
    return load_for_inference(model, adapter)


if __name__ == "__main__":
    build_demo(*load_model()).launch()
