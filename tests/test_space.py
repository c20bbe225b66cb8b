"""The Gradio Space app, in process: named endpoints through gradio_client, verdicts from the checker,
hostile text never executed."""

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

from hf_mathrules.rules import make_rule, rule_names
from hf_mathrules.train.tiny import TinyModelConfig, character_tokenizer, tiny_llama

APP = Path(__file__).resolve().parents[1] / "spaces" / "app.py"


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
def client(app):
    from gradio_client import Client

    tok = character_tokenizer([r["prompt"] for n in rule_names() for r in make_rule(n).generate(2)])
    model = tiny_llama(tok, TinyModelConfig(hidden_size=32, num_hidden_layers=1, intermediate_size=64))
    demo = app.build_demo(model, tok, max_new_tokens=8)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    demo.close()


def test_new_problem_then_solve_through_named_endpoints(client):
    prompt, completion, verdict = client.predict("distributivity", 1, api_name="/new_problem")
    assert prompt.startswith("Expand and simplify:") and completion == verdict == ""
    completion, verdict = client.predict(prompt, api_name="/solve")  # the reference stays in the session
    assert isinstance(completion, str)
    assert "reference answer" in verdict and "not correct" in verdict  # an untrained model, told so


def test_checker_verdicts_for_typed_and_generated_prompts(app):
    known = app.free_prompt_rules()
    assert known.get("Expand and simplify:") == "distributivity"
    typed = "Expand and simplify:\nb(m + t)"
    good = "= bm + bt\nAnswer: b*m + b*t"
    assert "verified correct" in app.check(typed, good, None, known)
    assert "not correct" in app.check(typed, "= bm + t\nAnswer: b*m + t", None, known)
    bad_step = app.check(typed, "= bm + bt + 1\n= bm + bt\nAnswer: b*m + b*t", None, known)
    assert "first wrong step: line 1" in bad_step
    row = make_rule("distributivity", level=2).generate(1, split="test")[0]
    assert "verified correct" in app.check(row["prompt"], row["completion"], row, known)
    assert "not checked" in app.check("What is love?", "Answer: 42", None, known)


def test_hostile_text_is_never_executed(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    known = app.free_prompt_rules()
    payload = "__import__('pathlib').Path('PWNED').touch()"
    for prompt, completion in (
        (f"Expand and simplify:\n{payload}", "Answer: 1"),
        ("Expand and simplify:\nb(m + t)", f"= {payload}\nAnswer: {payload}"),
    ):
        verdict = app.check(prompt, completion, None, known)
        assert "verified correct" not in verdict
    assert not (tmp_path / "PWNED").exists()
