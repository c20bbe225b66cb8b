"""The Space's logic in process: every rule's reference solution checks out step by step, a corrupted step
is found, typed problems are read by the checker first (and refused with a message when they cannot be),
and the named endpoints answer through gradio_client.  The browser tests (test_browser_space.py) drive
the real page against the trained fixtures."""

import importlib.util
import re
import socket
import sys
from pathlib import Path

import pytest

from hf_mathrules.rules import get_rule, make_rule, rule_names

SPACE = Path(__file__).resolve().parents[1] / "spaces"
APP = SPACE / "app.py"


def _load_app():
    spec = importlib.util.spec_from_file_location("mathrules_space_app", APP)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def app():
    return _load_app()


@pytest.fixture(scope="module")
def sc():
    """The step checker, in the package beside ``verify_steps``."""
    from hf_mathrules.verify import steps

    return steps


def _bump_last_digit(line: str) -> str:
    m = list(re.finditer(r"\d", line))[-1]
    return line[: m.start()] + str((int(m.group()) + 1) % 10) + line[m.end() :]


@pytest.mark.parametrize("rule", rule_names())
def test_reference_solution_checks_out_and_a_wrong_step_is_found(sc, rule):
    for level in (1, 3):
        row = make_rule(rule, level=level).generate(1, seed=5, split="test")[0]
        checked = sc.check_completion(
            get_rule(rule), row["problem"], row["completion"], row["prompt"], row["answer"]
        )
        steps = [ln for ln in checked.lines if ln.kind == "step"]
        assert checked.correct, (rule, level, [(ln.text, ln.ok, ln.note) for ln in checked.lines])
        assert steps and all(ln.ok is True for ln in steps)
        # corrupt the first checked step: the checker must flag exactly that line
        first = next(i for i, ln in enumerate(checked.lines) if ln.kind == "step")
        target = checked.lines[first].text.split("\n")[-1]
        if not re.search(r"\d", target):
            continue
        lines = row["completion"].split("\n")
        k = lines.index(target)
        lines[k] = _bump_last_digit(lines[k])
        bad = sc.check_completion(
            get_rule(rule), row["problem"], "\n".join(lines), row["prompt"], row["answer"]
        )
        if bad.lines[first].kind == "step":  # a digit in a name (R3 -> R4) makes it a side note instead
            assert bad.first_bad == first, (rule, level, lines[k])
            assert not bad.correct


@pytest.mark.parametrize("rule", [r for r in rule_names() if not r.startswith("word_")])
def test_typed_problem_builds_the_prompt_the_model_was_trained_on(sc, rule):
    for row in make_rule(rule, level=1).generate(6, seed=2, split="test"):
        instruction, *math = row["prompt"].split("\n")
        # the whole prompt typed: kept as is
        assert sc.read_typed(get_rule(rule), row["prompt"]).prompt == row["prompt"]
        # the math alone: the rule's instruction is added (when the row uses the default wording)
        typed = sc.read_typed(get_rule(rule), "\n".join(math))
        if "ascending" not in instruction:
            assert typed.prompt == row["prompt"]
        # the checker's reading of the typed text is the row's problem
        v = sc.verify(
            row["problem"], typed.problem, kind="system" if len(math) > 1 else "auto", extract=False
        )
        assert v.equivalent is True


def test_typed_examples_parse_for_every_rule(sc):
    for rule in rule_names():
        typed = sc.read_typed(get_rule(rule), get_rule(rule).typed_example)
        assert typed.prompt.strip()
        assert (typed.problem is None) == rule.startswith("word_")


@pytest.mark.parametrize(
    "rule, text, message",
    [
        ("distributivity", "", "empty"),
        ("distributivity", "   \n  ", "empty"),
        ("distributivity", "x" * 5000, "5,000 characters"),
        ("distributivity", "__import__('os').system('touch PWNED')", "cannot read"),
        ("distributivity", "b(m + ", "cannot read"),
        ("distributivity", "2x + 1 = 3", "one expression"),
        ("isolate_variable", "2x + 1", "one equation"),
        ("isolate_variable", "x + y = 3", "one unknown"),
        ("linear_system", "x + y = 3", "two or more equations"),
        ("gaussian_elimination", "x + y + z = 3\nx - y = 1", "cannot fix 3 unknowns"),
        ("commutativity", "x + y^2", "one variable"),
    ],
)
def test_typed_problem_refused_with_a_message(sc, rule, text, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sc.ProblemError, match=re.escape(message)):
        sc.read_typed(get_rule(rule), text)
    assert not (tmp_path / "PWNED").exists()


def test_typed_problems_checked_without_a_reference(sc):
    typed = sc.read_typed(get_rule("distributivity"), "b(m + t)")
    good = sc.check_completion(
        get_rule("distributivity"), typed.problem, "= bm + bt\nAnswer: b*m + b*t", typed.prompt
    )
    assert good.correct and good.n_steps == 1
    bad = sc.check_completion(
        get_rule("distributivity"), typed.problem, "= bm + bt + 1\n= bm + bt\nAnswer: b*m + b*t"
    )
    assert bad.first_bad == 0 and bad.answer_ok is True and not bad.correct
    typed = sc.read_typed(get_rule("isolate_variable"), "6d - 3 = 15")
    completion = "Collect the d terms:\n6d = 15 + 3\nCombine like terms:\n6d = 18\nDivide both sides by 6:\nd = 3\nAnswer: d = 3"
    assert sc.check_completion(get_rule("isolate_variable"), typed.problem, completion).correct
    wrong = completion.replace("6d = 18", "6d = 19")
    checked = sc.check_completion(get_rule("isolate_variable"), typed.problem, wrong)
    assert checked.first_bad == 3 and checked.lines[3].ok is False
    typed = sc.read_typed(get_rule("quadratic"), "x^2 - 5x + 6 = 0")
    roots = "Factor:\n(x - 2)(x - 3) = 0\nx - 2 = 0 or x - 3 = 0\nx = 2 or x = 3\nAnswer: x = 2 or x = 3"
    assert sc.check_completion(get_rule("quadratic"), typed.problem, roots).correct
    typed = sc.read_typed(get_rule("linear_system"), "x + y = 5\nx - y = 1")
    system = "Isolate x in equation 1: x = 5 - y\nSubstitute: 5 - y - y = 1\ny = 2\nBack-substitute: x = 5 - 2 = 3\nAnswer: x = 3, y = 2"
    assert sc.check_completion(get_rule("linear_system"), typed.problem, system).correct
    assert (
        sc.check_completion(
            get_rule("linear_system"), typed.problem, system.replace("y = 2\n", "y = 3\n")
        ).first_bad
        == 2
    )
    # prose: the model's own first equation stands in for the problem, and the page says so
    word = sc.check_completion(
        get_rule("word_resistors"), None, "Equation: R = 12 + 30\nR = 42\nAnswer: R = 42"
    )
    assert word.correct and word.notes and "does not read prose" in word.notes[0]


def test_verdict_never_claims_steps_that_were_not_written(app, sc):
    row = make_rule("distributivity", level=1).generate(1, seed=1, split="test")[0]
    checked = sc.check_completion(
        get_rule("distributivity"), row["problem"], f"Answer: {row['answer']}", row["prompt"], row["answer"]
    )
    text = app.headline(checked)
    assert "no steps written" in text and "verified correct" not in text and "check out" not in text
    # a wrong step is reported by its line in the whole solution (prose lines count too)
    completion = "Let us expand.\n= 3x + 3\n= 3x + 4\nAnswer: 3*x + 3"
    checked = sc.check_completion(get_rule("distributivity"), "3*(x + 1)", completion, "", "3*x + 3")
    assert "first wrong step: line 3" in app.headline(checked)
    table = app.render_checked(checked)
    assert "first wrong step" in table and "<mark>" in table and "$" in table


def test_without_models_the_app_says_what_to_run(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MATHRULES_MODEL", raising=False)
    monkeypatch.delenv("MATHRULES_ADAPTER", raising=False)
    with pytest.raises(SystemExit, match="mathrules demo --adapter"):
        app.resolve_sources()
    monkeypatch.setenv("MATHRULES_ADAPTER", "x/y")
    with pytest.raises(SystemExit, match="MATHRULES_MODEL"):
        app.resolve_sources()
    monkeypatch.setenv("MATHRULES_MODEL", "a/b")
    assert app.resolve_sources() == ("a/b", "x/y")
    monkeypatch.delenv("MATHRULES_MODEL")
    monkeypatch.delenv("MATHRULES_ADAPTER")
    for d in app.ADAPTER_DEMO:
        (tmp_path / d).mkdir(parents=True)
    assert app.resolve_sources() == app.ADAPTER_DEMO


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    from hf_mathrules.train.tiny import TinyModelConfig, character_tokenizer, tiny_llama

    tok = character_tokenizer([r["prompt"] for n in rule_names() for r in make_rule(n).generate(2)])
    shape = TinyModelConfig(hidden_size=32, num_hidden_layers=1, intermediate_size=64)
    base_info = app.ModelInfo("test/base", {"distributivity": {1}})
    adapter_info = app.ModelInfo("test/adapter", {"isolate_variable": {1}}, method="lora")
    loaded = app.Loaded(tok, tiny_llama(tok, shape), tiny_llama(tok, shape, seed=1), base_info, adapter_info)
    demo = app.build_demo(loaded, max_new_tokens=12)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    demo.close()


def test_named_endpoints_through_gradio_client(client, tmp_path, monkeypatch):
    assert {"/new_problem", "/solve", "/clear"} <= set(
        client.view_api(return_format="dict")["named_endpoints"]
    )
    prompt, note, *cleared = client.predict("isolate_variable", 1, api_name="/new_problem")
    assert prompt.startswith("Solve for") and "adapter was trained on isolate_variable" in note
    assert cleared == ["", "", "", ""]
    status, base, tuned, base_v, tuned_v = client.predict("isolate_variable", 1, prompt, api_name="/solve")
    # both columns checked (an untrained model may write only blank lines: the page says so)
    assert "done" in status and all("| line |" in c or "wrote nothing" in c for c in (base, tuned))
    assert ("verified correct" in base_v) is False and base_v.startswith("###")  # untrained: told so
    status, *outs = client.predict("quadratic", 1, "x^2 - 5x + 6 = 0", api_name="/solve")
    assert "typed quadratic problem" in status and "Neither model was trained on quadratic" in status
    monkeypatch.chdir(tmp_path)
    for text, message in (
        ("", "empty"),
        ("x" * 5000, "5,000 characters long"),
        ("__import__('pathlib').Path('PWNED').touch()", "could not be used"),
    ):
        status, *outs = client.predict("distributivity", 1, text, api_name="/solve")
        assert status.startswith("⛔") and message in status and outs == ["", "", "", ""]
    assert not (tmp_path / "PWNED").exists()


def test_mathrules_space_without_models_says_what_to_run(tmp_path):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("MATHRULES_")}
    r = subprocess.run(
        [sys.executable, "-m", "hf_mathrules.cli", "space"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "run `mathrules demo --adapter`" in r.stderr and "MATHRULES_MODEL" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "hf_mathrules.cli", "space", "--model", "./nowhere"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and "no such folder" in r.stderr
