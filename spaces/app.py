"""Gradio Space: a base model and its fine-tuned adapter solve the same problem side by side, streamed, and
our checker marks every step ✓/✗ and the answer.

Which models: ``MATHRULES_MODEL`` (Hub id or folder) and ``MATHRULES_ADAPTER`` (a PEFT adapter, Hub id or
folder); without them ``models.json`` next to this file (written by ``mathrules push space``), then what
``mathrules demo --adapter`` made (``outputs/demo/adapter/{base,adapter}``), then ``mathrules demo``'s model;
with none of these the app says what to run.

User and model text only ever reach our own parser in ``hf_mathrules.verify`` (never ``eval``,
``sympify`` or ``parse_expr``)."""

from __future__ import annotations

import json
import os
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from hf_mathrules.prompting import read_answer, read_step
from hf_mathrules.rules import get_rule, make_rule, rule_names
from hf_mathrules.verify.steps import MAX_PROBLEM_CHARS, Checked, ProblemError, check_completion, read_typed

HERE = Path(__file__).resolve().parent
ADAPTER_DEMO = ("outputs/demo/adapter/base", "outputs/demo/adapter/adapter")  # mathrules demo --adapter
MAIN_DEMO = "outputs/demo/main/model"  # mathrules demo
CONCURRENCY = 2  # requests generating at once; the rest wait in the queue
MAX_NEW_TOKENS = 320
EXAMPLE_SEED = 1000
LEVELS = (1, 2, 3, 4, 5)
LATEX = [{"left": "$", "right": "$", "display": False}]


# -- what is loaded -------------------------------------------------------------------------------------


@dataclass
class ModelInfo:
    """What a model or adapter says about itself (its card and training_config.json)."""

    name: str
    trained_on: dict[str, set[int]] = field(default_factory=dict)  # rule -> levels
    accuracy: dict[tuple[str, int], float] = field(default_factory=dict)
    base_model: str | None = None
    method: str | None = None

    def describe(self) -> str:
        mix = "; ".join(f"`{r}` level {', '.join(map(str, sorted(lv)))}" for r, lv in self.trained_on.items())
        acc = ", ".join(f"{r} L{lv}: {a:.0%}" for (r, lv), a in sorted(self.accuracy.items()))
        out = f"**`{self.name}`**"
        if self.method:
            out += f" ({self.method}" + (f" on `{self.base_model}`" if self.base_model else "") + ")"
        out += f" — trained on {mix or 'unknown data (no training_config.json)'}"
        if acc:
            out += f"; verified test accuracy from its card: {acc}"
        return out


def _read(source: str, filename: str) -> str | None:
    p = Path(source)
    if p.is_dir():
        f = p / filename
        return f.read_text() if f.is_file() else None
    try:
        from huggingface_hub import hf_hub_download

        return Path(hf_hub_download(source, filename)).read_text()
    except Exception:
        return None


def model_info(source: str) -> ModelInfo:
    """The rules and levels a model was trained on (training_config.json) and its card's results."""
    info = ModelInfo(source)
    cfg_text = _read(source, "training_config.json")
    if cfg_text:
        cfg = json.loads(cfg_text).get("mathrules", {})
        from hf_mathrules.train.data import parse_mix

        for entry in parse_mix(cfg.get("rules") or [], str(cfg.get("levels", "1")), 1):
            info.trained_on.setdefault(entry.rule, set()).update(entry.levels)
        info.method = cfg.get("method")
    card_text = _read(source, "README.md")
    if card_text:
        from huggingface_hub import ModelCard

        card = ModelCard(card_text)
        info.base_model = card.data.base_model if isinstance(card.data.base_model, str) else None
        for r in card.data.eval_results or []:
            rule = (r.dataset_type or "").rsplit("/", 1)[-1]
            m = re.fullmatch(r"level(\d+)", r.dataset_config or "")
            if rule and m and isinstance(r.metric_value, (int, float)):
                info.accuracy[(rule, int(m.group(1)))] = float(r.metric_value)
    return info


@dataclass
class Loaded:
    """The models the app serves: the base (adapter off) and, with an adapter, the fine-tuned model."""

    tokenizer: Any
    base: Any
    tuned: Any | None
    base_info: ModelInfo
    adapter_info: ModelInfo | None

    def knows(self, rule: str, level: int) -> str | None:
        """``adapter``, ``base`` or None: which model was trained on this rule and level."""
        if self.adapter_info and level in self.adapter_info.trained_on.get(rule, ()):
            return "adapter"
        if level in self.base_info.trained_on.get(rule, ()):
            return "base"
        return None


def resolve_sources(model: str | None = None, adapter: str | None = None) -> tuple[str, str | None]:
    """Where the models come from (see the module docstring); a SystemExit that says what to run."""
    model = model or os.environ.get("MATHRULES_MODEL") or None
    adapter = adapter or os.environ.get("MATHRULES_ADAPTER") or None
    if model:
        return model, adapter
    if adapter:
        raise SystemExit("MATHRULES_ADAPTER is set but MATHRULES_MODEL is not: give the adapter's base model")
    pinned = HERE / "models.json"
    if pinned.is_file():
        data = json.loads(pinned.read_text())
        return data["model"], data.get("adapter")
    if all(Path(p).is_dir() for p in ADAPTER_DEMO):
        return ADAPTER_DEMO
    if Path(MAIN_DEMO).is_dir():
        return MAIN_DEMO, None
    raise SystemExit(
        "no model to serve: run `mathrules demo --adapter` (trains a base model and a LoRA adapter into "
        "outputs/demo/adapter, a few minutes on a CPU), or set MATHRULES_MODEL (and MATHRULES_ADAPTER) to "
        "Hub ids or folders, or `mathrules space --model ID_OR_DIR --adapter ID_OR_DIR`"
    )


def load_models(model: str | None = None, adapter: str | None = None) -> Loaded:
    """Load the base and, with an adapter, a second copy with the adapter merged (two independent
    models, so concurrent requests never see the adapter switched off under them)."""
    from hf_mathrules.modeling import load_for_inference

    model, adapter = resolve_sources(model, adapter)
    base, tok = load_for_inference(model)
    tuned = load_for_inference(model, adapter)[0] if adapter else None
    return Loaded(tok, base, tuned, model_info(model), model_info(adapter) if adapter else None)


# -- rendering ------------------------------------------------------------------------------------------

_SAFE_MATH = re.compile(r"[\w\s+\-*/^().,=±]*")


def to_latex(text: str) -> str | None:
    """Plain model math as inline LaTeX for KaTeX, or None when the text is not plain math."""
    if not _SAFE_MATH.fullmatch(text) or re.search(r"[A-Za-z]{3,}", text.replace(" or ", " ")):
        return None
    s = text.replace("**", "^").replace("±", r"\pm ")
    s = re.sub(r"\^\(([^()]*)\)", r"^{\1}", s)
    s = re.sub(r"\^(-?\w+)", r"^{\1}", s)
    s = s.replace("*", r" \cdot ").replace(" or ", r" \;\text{or}\; ")
    return f"${s}$"


def _matrix_latex(block: str) -> str | None:
    rows = [r.strip().strip("[]") for r in block.split("\n")]
    cells = []
    for r in rows:
        left, bar, right = r.partition("|")
        if not bar or not re.fullmatch(r"[-\d/\s]*", left + right):
            return None
        cells.append(left.split() + right.split())
    if not cells or len({len(c) for c in cells}) != 1:
        return None
    n = len(cells[0])
    spec = "r" * (n - 1) + "|r"
    body = r" \\ ".join(
        " & ".join(re.sub(r"(-?\d+)/(\d+)", r"\\tfrac{\1}{\2}", c) for c in row) for row in cells
    )
    return rf"$\left[\begin{{array}}{{{spec}}} {body} \end{{array}}\right]$"


def _plain(text: str) -> str:
    """Text shown verbatim inside a Markdown table cell (a code span; no HTML, no pipes)."""
    text = text.replace("`", "'").replace("|", "¦").strip()
    return f"`{text}`" if text else ""


def _cell(line_text: str, role: str) -> str:
    if "\n" in line_text:
        return _matrix_latex(line_text) or "<br>".join(_plain(t) for t in line_text.split("\n"))
    t = line_text.strip()
    if role == "step":
        step = read_step(t)  # a "= ..." line
        eq, rest = ("=", step) if step is not None else ("", t)
        label, colon, math = rest.rpartition(": ") if ": " in rest else ("", "", rest)
        latex = to_latex(math)
        if latex:
            prefix = _plain(label + colon) + " " if colon else ""
            return prefix + (latex.replace("$", "$= ", 1) if eq else latex)
    if role == "answer":
        answer = read_answer(t)
        latex = to_latex(answer) if answer else None
        if latex:
            return "**Answer:** " + latex
    return _plain(t)


def render_checked(checked: Checked) -> str:
    """The solution as a table: one row per line, ✓/✗ per step and for the answer, the first wrong step
    flagged."""
    rows = ["| | line | solution | checker |", "|:-:|--:|---|---|"]
    number = 1
    for i, ln in enumerate(checked.lines):
        if not ln.text.strip():
            number += 1
            continue
        mark = {True: "✅", False: "❌", None: "⚠️"}[ln.ok] if ln.kind in ("step", "answer") else ""
        note = ln.note.replace("|", "¦")
        if i == checked.first_bad:
            mark, note = "❌ ⟵", f"**first wrong step** {note}".strip()
        cell = _cell(ln.text, ln.kind)
        if i == checked.first_bad:
            cell = f"<mark>{cell}</mark>"
        span = ln.text.count("\n")
        where = f"{number}" if not span else f"{number}–{number + span}"
        rows.append(f"| {mark} | {where} | {cell} | {note} |")
        number += span + 1
    if len(rows) == 2:
        return "*(the model wrote nothing)*"
    return "\n".join(rows)


def _line_number(checked: Checked, index: int) -> int:
    return 1 + sum(ln.text.count("\n") + 1 for ln in checked.lines[:index])


def headline(checked: Checked) -> str:
    """One verdict line: never 'every step is right' when there were no steps."""
    if checked.correct:
        return f"### ✅ verified correct\nanswer right and all {checked.n_steps} steps check out"
    parts = []
    if checked.answer_ok is True:
        parts.append("answer right")
    elif checked.answer_ok is False:
        parts.append(f"answer wrong ({checked.answer_note})")
    else:
        parts.append(f"answer not decided ({checked.answer_note})")
    if checked.n_steps == 0:
        parts.append("no steps written")
    elif checked.first_bad is not None:
        parts.append(f"first wrong step: line {_line_number(checked, checked.first_bad)}")
    else:
        parts.append(f"all {checked.n_steps} steps check out")
    icon = "⚠️" if checked.answer_ok is None else "❌"
    title = "not verified" if checked.answer_ok is not False else "not correct"
    return f"### {icon} {title}\n" + "; ".join(parts)


def _escape_stream(text: str) -> str:
    return "```text\n" + text.replace("```", "'''") + "\n```"


# -- generation -----------------------------------------------------------------------------------------


class _Feed:
    """A transformers streamer that pushes ``(label, text so far)`` into a shared queue."""

    def __init__(self, tokenizer, label: str, out: queue.Queue):
        self.tokenizer, self.label, self.out = tokenizer, label, out
        self.ids: list[int] = []
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:  # generate() hands the prompt over first
            self.prompt_seen = True
            return
        self.ids.extend(int(i) for i in value.reshape(-1).tolist())
        self.out.put((self.label, self.tokenizer.decode(self.ids, skip_special_tokens=True)))

    def end(self) -> None:
        self.out.put((self.label, None))


def _generate(model, tokenizer, prompt: str, feed: _Feed, max_new_tokens: int) -> None:
    import torch

    from hf_mathrules.prompting import model_prompt

    try:
        enc = tokenizer([model_prompt(prompt)], return_tensors="pt")
        enc.pop("token_type_ids", None)
        eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else None
        with torch.inference_mode():
            model.generate(
                **enc,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=eos,
                streamer=feed,
            )
    except Exception as exc:  # reported on the page, never a traceback
        feed.out.put((feed.label, exc))
        feed.out.put((feed.label, None))


def stream_both(loaded: Loaded, prompt: str, max_new_tokens: int):
    """Yield ``{label: text so far}`` while the base and the fine-tuned model generate concurrently."""
    out: queue.Queue = queue.Queue()
    models = {"base": loaded.base}
    if loaded.tuned is not None:
        models["tuned"] = loaded.tuned
    texts = dict.fromkeys(models, "")
    for label, model in models.items():
        feed = _Feed(loaded.tokenizer, label, out)
        threading.Thread(
            target=_generate, args=(model, loaded.tokenizer, prompt, feed, max_new_tokens), daemon=True
        ).start()
    running, last = set(models), 0.0
    while running:
        label, text = out.get()
        if text is None:
            running.discard(label)
        elif isinstance(text, Exception):
            raise gr.Error(f"the {label} model failed: {type(text).__name__}: {str(text)[:200]}")
        else:
            texts[label] = text
        if time.perf_counter() - last > 0.1 or not running:
            last = time.perf_counter()
            yield dict(texts)


# -- the app --------------------------------------------------------------------------------------------


def rule_choices(loaded: Loaded) -> list[tuple[str, str]]:
    """Dropdown entries: the rules a model knows first, marked; the others marked as not trained."""

    def mark(rule: str) -> tuple[int, str]:
        a = loaded.adapter_info.trained_on.get(rule) if loaded.adapter_info else None
        b = loaded.base_info.trained_on.get(rule)
        if a:
            return 0, f"{rule} — adapter learned it (level {', '.join(map(str, sorted(a)))})"
        if b:
            return 1, f"{rule} — base knows it (level {', '.join(map(str, sorted(b)))})"
        return 2, f"{rule} — not trained (expect nonsense)"

    marked = sorted(((*mark(r), r) for r in rule_names()), key=lambda x: (x[0], x[2]))
    return [(label, rule) for _, label, rule in marked]


def placeholder(rule: str) -> str:
    return f"Press New problem, or type one for {rule}, e.g.\n{get_rule(rule).typed_example}"


def knowledge_note(loaded: Loaded, rule: str, level: int) -> str:
    who = loaded.knows(rule, int(level))
    if who == "adapter":
        return f"The adapter was trained on {rule} level {int(level)}; the base was not — compare them."
    if who == "base":
        return f"The base model was trained on {rule} level {int(level)}."
    trained = [
        lv for info in (loaded.base_info, loaded.adapter_info) if info for lv in info.trained_on.get(rule, ())
    ]
    if trained:
        return (
            f"⚠️ {rule} was trained at level {', '.join(map(str, sorted(set(trained))))} only: "
            f"level {int(level)} is new to both models, expect mistakes."
        )
    return f"⚠️ Neither model was trained on {rule}: expect nonsense (the checker will say so)."


def _summary(loaded: Loaded) -> str:
    lines = ["# Step-by-step math, verified"]
    if loaded.adapter_info:
        lines.append(
            "A **base** model and the same base with a **fine-tuned adapter** solve the same problem side by "
            "side; the hf-mathrules checker marks every step ✓/✗ and the answer. What differs is what the "
            "adapter learned."
        )
        lines.append(f"- Base: {loaded.base_info.describe()}")
        lines.append(f"- Adapter: {loaded.adapter_info.describe()}")
    else:
        lines.append(
            "A model solves the problem; the hf-mathrules checker marks every step ✓/✗ and the answer."
        )
        lines.append(f"- Model: {loaded.base_info.describe()} (no adapter loaded)")
    lines.append(
        "\nTyped problems are read by the checker's own parser (never `eval` or SymPy's string parser) before "
        "any model runs."
    )
    return "\n".join(lines)


def build_demo(loaded: Loaded, max_new_tokens: int = MAX_NEW_TOKENS) -> gr.Blocks:
    choices = rule_choices(loaded)
    first_rule = choices[0][1]
    first_level = min((loaded.adapter_info or loaded.base_info).trained_on.get(first_rule, {1}))
    counter = {"i": 0}
    has_adapter = loaded.tuned is not None

    def new_problem(rule: str, level: float):
        if rule not in rule_names():
            raise gr.Error(f"unknown rule {rule!r}")
        counter["i"] += 1
        row = make_rule(rule, level=int(level)).generate(1, seed=EXAMPLE_SEED + counter["i"], split="test")[0]
        return row["prompt"], row, knowledge_note(loaded, rule, level), "", "", "", ""

    def on_rule(rule: str, level: float):
        return gr.update(placeholder=placeholder(rule)), knowledge_note(loaded, rule, level)

    def solve(rule: str, level: float, text: str, reference: dict | None):
        empty = ("", "", "", "")
        if rule not in rule_names():
            yield (f"⛔ unknown rule {rule!r}", *empty)
            return
        text = (text or "").replace("\r", "")
        if len(text) > MAX_PROBLEM_CHARS:  # before anything else: never cut silently
            yield (
                f"⛔ **Your problem is {len(text):,} characters long; the limit is {MAX_PROBLEM_CHARS:,}.** "
                "Nothing was cut and no model ran: shorten it and press Solve again.",
                *empty,
            )
            return
        if (
            reference
            and reference.get("prompt", "").strip() == text.strip()
            and reference.get("rule") == rule
        ):
            prompt, problem, answer = reference["prompt"], reference["problem"], reference["answer"]
            origin = (
                f"generated {rule} problem (level {reference.get('difficulty')}); reference answer `{answer}`"
            )
        else:
            try:
                typed = read_typed(get_rule(rule), text)
            except ProblemError as exc:
                yield (f"⛔ **Your problem could not be used:** {exc}. No model ran.", *empty)
                return
            prompt, problem, answer = typed.prompt, typed.problem, None
            origin = f"typed {rule} problem" + (
                "" if problem else " (prose: the checker reads the model's equations)"
            )
        status = f"⏳ generating… ({origin})\n\n{knowledge_note(loaded, rule, level)}"
        base_md = tuned_md = ""
        yield status, "", "", "", ""
        texts: dict[str, str] = {}
        for texts in stream_both(loaded, prompt, max_new_tokens):
            base_md = _escape_stream(texts["base"])
            tuned_md = _escape_stream(texts.get("tuned", ""))
            yield status, base_md, tuned_md, "", ""
        status = f"✔️ done: {origin}\n\n{knowledge_note(loaded, rule, level)}"
        results = {}
        for label, completion in texts.items():
            checked = check_completion(get_rule(rule), problem, completion, prompt, answer)
            notes = "\n\n".join(f"ℹ️ {n}" for n in checked.notes)
            results[label] = (headline(checked), render_checked(checked) + ("\n\n" + notes if notes else ""))
        base_v, base_steps = results["base"]
        tuned_v, tuned_steps = results.get("tuned", ("", ""))
        yield status, base_steps, tuned_steps, base_v, tuned_v

    def clear():
        return "", None, "", "", "", "", ""

    with gr.Blocks(title="hf-mathrules: base vs fine-tuned, step by step, verified") as demo:
        gr.Markdown(_summary(loaded), elem_id="summary")
        reference = gr.State(None)
        with gr.Row():
            rule = gr.Dropdown(choices, value=first_rule, label="rule", elem_id="rule", scale=3)
            level = gr.Slider(1, 5, value=first_level, step=1, label="level", elem_id="level", scale=2)
            new_btn = gr.Button("New problem", elem_id="new-problem", scale=1)
        problem = gr.Textbox(
            label="problem",
            info=f"the math alone (the rule's instruction is added), or an instruction line ending in ':' then "
            f"the math; up to {MAX_PROBLEM_CHARS} characters",
            lines=4,
            placeholder=placeholder(first_rule),
            elem_id="problem",
        )
        with gr.Row():
            solve_btn = gr.Button("Solve", variant="primary", elem_id="solve")
            clear_btn = gr.Button("Clear", elem_id="clear")
        status = gr.Markdown(knowledge_note(loaded, first_rule, first_level), elem_id="status")
        with gr.Row(equal_height=False):
            with gr.Column():
                gr.Markdown("## Base model" + (" (adapter off)" if has_adapter else ""))
                base_verdict = gr.Markdown(elem_id="base-verdict")
                base_out = gr.Markdown(latex_delimiters=LATEX, elem_id="base-steps")
            with gr.Column(visible=has_adapter):
                gr.Markdown("## Fine-tuned (adapter on)")
                tuned_verdict = gr.Markdown(elem_id="tuned-verdict")
                tuned_out = gr.Markdown(latex_delimiters=LATEX, elem_id="tuned-steps")
        gr.Examples(
            [[r, get_rule(r).typed_example] for _, r in choices],
            inputs=[rule, problem],
            label="typed examples (click one, then Solve)",
        )
        outputs = [status, base_out, tuned_out, base_verdict, tuned_verdict]
        rule.change(on_rule, [rule, level], [problem, status], api_visibility="private")
        level.change(
            lambda r, lv: knowledge_note(loaded, r, lv), [rule, level], status, api_visibility="private"
        )
        new_btn.click(
            new_problem, [rule, level], [problem, reference, status, *outputs[1:]], api_name="new_problem"
        )
        solve_btn.click(
            solve, [rule, level, problem, reference], outputs, api_name="solve", concurrency_limit=CONCURRENCY
        )
        clear_btn.click(clear, None, [problem, reference, *outputs], api_name="clear")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=32)
    return demo


def main(model: str | None = None, adapter: str | None = None, **launch: Any) -> None:
    loaded = load_models(model, adapter)
    build_demo(loaded).launch(**launch)


if __name__ == "__main__":
    main(
        server_name=os.environ.get("GRADIO_SERVER_NAME"),
        server_port=int(os.environ["GRADIO_SERVER_PORT"]) if os.environ.get("GRADIO_SERVER_PORT") else None,
    )
