"""``mathrules evaluate`` on a tiny local model for every rule (word problems included), batched
generation equal to one-at-a-time generation, and clear errors for bad input."""

import json
import re

import pytest
import torch

from hf_mathrules.cli import main
from hf_mathrules.evaluation.generation import generate, generate_one_at_a_time
from hf_mathrules.rules import make_rule, rule_names
from hf_mathrules.train.tiny import TinyModelConfig, character_tokenizer, tiny_llama


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny")
    texts = [
        r["prompt"] + r["completion"] for n in rule_names() for r in make_rule(n).generate(3, split="train")
    ]
    tok = character_tokenizer(texts)
    model = tiny_llama(
        tok, TinyModelConfig(hidden_size=32, num_hidden_layers=1, intermediate_size=64), seed=1
    )
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_batched_generation_matches_one_at_a_time(tiny_model_dir):
    from hf_mathrules.modeling import load_for_inference

    model, tok = load_for_inference(str(tiny_model_dir))
    prompts = [r["prompt"] for r in make_rule("distributivity", level=2).generate(6, split="test")]
    prompts += [make_rule("word_resistors").generate(1, split="test")[0]["prompt"]]  # very different lengths
    batched = generate(model, tok, prompts, max_new_tokens=12, batch_size=4, progress=False)
    single = generate_one_at_a_time(model, tok, prompts, max_new_tokens=12)
    assert batched == single and all(len(c) > 0 for c in batched)


def test_evaluate_every_rule_and_the_word_problems(tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "report"
    rc = main(
        ["evaluate", "--model", str(tiny_model_dir), "--rules", "all", "--splits", "test", "-n", "2",
         "--max-new-tokens", "8", "--quiet", "--output-dir", str(out)]
    )  # fmt: skip
    assert rc == 0
    report = json.loads((out / "report.json").read_text())
    assert {c["rule"] for c in report["cells"]} == set(rule_names())
    assert any(r.startswith("word_") for r in rule_names())
    assert all(c["n"] == 2 for c in report["cells"])
    # an untrained model: every answer is scored, none is counted correct by accident
    assert report["overall"]["model"]["test_accuracy"] == 0.0
    assert "accuracy" not in report["overall"]["model"]  # splits are reported apart, never averaged
    for png in ("accuracy.png", "outcomes.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    assert "| distributivity | test | 1 | 2 |" in (out / "report.md").read_text()


def test_evaluate_ood_splits(tiny_model_dir, tmp_path):
    out = tmp_path / "r"
    argv = ["evaluate", "--model", str(tiny_model_dir), "--rules", "distributivity", "-n", "2",
            "--max-new-tokens", "4", "--quiet", "--no-plots", "--output-dir", str(out)]  # fmt: skip
    assert main(argv) == 0
    cells = json.loads((out / "report.json").read_text())["cells"]
    # held-out names at the training level (vocabulary alone), test_ood_vocab too; only test_ood_level is 6
    assert {(c["split"], c["level"]) for c in cells} == {
        ("test", 1),
        ("test_heldout_vocab", 1),
        ("test_ood_level", 6),
        ("test_ood_vocab", 1),
    }


def test_heldout_names_at_every_training_level(tiny_model_dir, tmp_path):
    out = tmp_path / "r"
    argv = ["evaluate", "--model", str(tiny_model_dir), "--rules", "distributivity", "-n", "2",
            "--levels", "1", "2", "--splits", "test", "test_heldout_vocab", "test_ood_vocab",
            "--vocab", "letters@train:8", "--max-new-tokens", "4", "--quiet", "--no-plots",
            "--output-dir", str(out)]  # fmt: skip
    assert main(argv) == 0
    report = json.loads((out / "report.json").read_text())
    assert {(c["split"], c["level"]) for c in report["cells"]} == {
        ("test", 1), ("test", 2), ("test_heldout_vocab", 1), ("test_heldout_vocab", 2),
        ("test_ood_vocab", 1), ("test_ood_vocab", 2),
    }  # fmt: skip
    from hf_mathrules.vocab import parse_vocab_spec

    held = set(parse_vocab_spec("letters@heldout:8").names)
    samples = [s for k, v in report["samples"].items() if "test_heldout_vocab" in k for s in v]
    assert samples and all(set(re.findall(r"[a-z]+", s["reference"])) <= held for s in samples)
    assert "heldout_names_accuracy" in report["overall"]["model"]
    assert "held-out names, training level" in (out / "report.md").read_text()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--model", "/no/such/model"], "/no/such/model"),
        (["--rules", "nope"], "unknown rule 'nope'"),
        (["--splits", "dev"], "unknown split 'dev'"),
        (["--adapter", "/no/adapter"], "cannot load adapter '/no/adapter'"),
    ],
)
def test_bad_input_is_one_clear_error(tiny_model_dir, tmp_path, capsys, extra, message):
    argv = ["evaluate", "--model", str(tiny_model_dir), "--output-dir", str(tmp_path), "--quiet", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_generation_uses_left_padding_and_kv_cache(tiny_model_dir, monkeypatch):
    from hf_mathrules.modeling import load_for_inference

    model, tok = load_for_inference(str(tiny_model_dir))
    seen = {}
    original = model.generate

    def spy(**kw):
        seen.update(kw)
        return original(**kw)

    monkeypatch.setattr(model, "generate", spy)
    generate(model, tok, ["a", "a much longer prompt"], max_new_tokens=2, progress=False)
    assert seen["use_cache"] is True and seen["do_sample"] is False
    assert seen["attention_mask"][0, 0] == 0 and torch.all(seen["attention_mask"][:, -1] == 1)
