"""The tiny preset end to end on CPU, a few steps only: tokenizer, training through the CLI, saved
artefacts and card, no silent overwrite, interruption leaves a checkpoint that a rerun resumes."""

import json
import os
import shutil
import signal

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from hf_mathrules.cli import main
from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.train import callbacks
from hf_mathrules.train.config import parse_train_args
from hf_mathrules.train.sft import DONE_FILE, train
from hf_mathrules.train.tiny import character_tokenizer, math_tokenizer, prose_words

FEW = [
    "--rules", "distributivity:1:64", "--validation_rows", "8", "--per_device_train_batch_size", "16",
    "--generation_eval_steps", "2", "--generation_eval_samples", "4", "--max_new_tokens", "24",
    "--test_rows", "4", "--logging_steps", "1", "--tiny_hidden_size", "32", "--tiny_layers", "1",
    "--tiny_intermediate_size", "64", "--disable_tqdm", "true",
]  # fmt: skip


def test_character_tokenizer_round_trips_and_reloads(tmp_path):
    rows = make_rule("distributivity", level=2).generate(20, split="train")
    tok = character_tokenizer(r["prompt"] + r["completion"] for r in rows)
    text = rows[0]["prompt"] + "\n" + rows[0]["completion"]
    ids = tok(text)["input_ids"]
    assert ids[0] == tok.bos_token_id and len(ids) == len(text) + 1  # one token per character
    assert tok.decode(ids, skip_special_tokens=True) == text
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again(text)["input_ids"] == ids and again.padding_side == "left"


def test_math_tokenizer_is_lossless_shorter_and_keeps_variables_as_characters(tmp_path):
    rules = ("distributivity", "factorization", "commutativity", "simplification", "isolate_variable")
    rows = [r for name in rules for r in make_rule(name, level=2).generate(60, seed=3, split="train")]
    texts = [r["prompt"] + "\n" + r["completion"] for r in rows]
    tok, chars = math_tokenizer(texts), character_tokenizer(texts)
    words = set(prose_words(texts))
    assert {"Expand", "Factor", "Solve", "Answer", "coefficients"} <= words
    variables = {v for r in rows for v in r["problem"] if v.isalpha()}
    assert not words & variables  # a variable is never a word token
    for text in texts:  # every row decodes to itself, in fewer tokens than characters
        ids = tok(text)["input_ids"]
        assert tok.decode(ids, skip_special_tokens=True) == text
    total = sum(len(tok(t)["input_ids"]) for t in texts)
    assert total < 0.75 * sum(len(chars(t)["input_ids"]) for t in texts)
    pieces = tok.convert_ids_to_tokens(tok("Expand and simplify:\n12ab(x + 15)")["input_ids"])
    assert pieces[1:] == ["Expand", " ", "and", " ", "simplify", ":", "\n", "12", "a", "b", "(", "x", " + ",
                          "15", ")"]  # fmt: skip
    ids = tok("x = 1234567 - 905")["input_ids"]  # numbers without a token of their own: pieces, no <unk>
    assert tok.unk_token_id not in ids and tok.decode(ids, skip_special_tokens=True) == "x = 1234567 - 905"
    assert len(tok) < 400  # a token per number below 100 and per three-digit number seen, not all 1000
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again(texts[0])["input_ids"] == tok(texts[0])["input_ids"]
    # math-digits: the same words and operators, numbers one digit a token, still lossless
    digits = math_tokenizer(texts, whole_numbers=False)
    pieces = digits.convert_ids_to_tokens(digits("Solve for x:\n58 - 9x = 12")["input_ids"])
    assert pieces[1:] == [
        "Solve",
        " ",
        "for",
        " ",
        "x",
        ":",
        "\n",
        "5",
        "8",
        " - ",
        "9",
        "x",
        " = ",
        "1",
        "2",
    ]
    assert all(digits.decode(digits(t)["input_ids"], skip_special_tokens=True) == t for t in texts)
    assert len(digits) < len(tok) - 90


def test_train_saves_model_tokenizer_card_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", *FEW, "--max_steps", "4", "--output_dir", str(out)]) == 0
    for name in ("model.safetensors", "tokenizer.json", "README.md", "training_config.json", DONE_FILE):
        assert (out / name).is_file(), name
    card = (out / "README.md").read_text()
    assert "model-index:" in card and "hf_mathrules/distributivity" in card and str(tmp_path) not in card
    results = json.loads((out / "train_results.json").read_text())
    assert results["global_step"] == 4 and results["test"][0]["n"] == 4
    assert [h["step"] for h in results["generation_history"]] == [2, 4]
    model = AutoModelForCausalLM.from_pretrained(out)
    assert model.config.model_type == "llama" and model.config.hidden_size == 32
    capsys.readouterr()
    assert main(["train", *FEW, "--max_steps", "4", "--output_dir", str(out)]) == 2
    assert "already holds a finished model; pass --overwrite" in capsys.readouterr().err
    stamp = (out / "model.safetensors").stat().st_mtime_ns
    assert (out / "model.safetensors").stat().st_mtime_ns == stamp  # untouched


def test_interrupted_run_leaves_checkpoint_and_rerun_resumes(tmp_path, monkeypatch):
    out = tmp_path / "run"
    argv = [*FEW, "--max_steps", "6", "--save_steps", "100", "--output_dir", str(out)]
    original = callbacks.GracefulStopCallback.on_step_end

    def ctrl_c_at_step_3(self, args, state, control, **kw):
        if state.global_step == 3 and not self.requested:
            os.kill(os.getpid(), signal.SIGINT)  # the real signal path, as from a terminal
        return original(self, args, state, control, **kw)

    monkeypatch.setattr(callbacks.GracefulStopCallback, "on_step_end", ctrl_c_at_step_3)
    first = train(*parse_train_args(argv), progress=False)
    assert first.interrupted and first.global_step == 3
    assert (out / "checkpoint-3" / "optimizer.pt").is_file() and not (out / DONE_FILE).exists()
    monkeypatch.setattr(callbacks.GracefulStopCallback, "on_step_end", original)
    second = train(*parse_train_args(argv), progress=False)
    assert second.resumed_from.endswith("checkpoint-3") and second.global_step == 6
    assert (out / DONE_FILE).is_file()


def test_qlora_needs_a_pretrained_base(tmp_path):
    with pytest.raises(ConfigError, match="qlora needs a pretrained"):
        train(
            *parse_train_args([*FEW, "--method", "qlora", "--output_dir", str(tmp_path / "o")]),
            progress=False,
        )


def test_trainer_trains_with_muon_and_resumes_from_its_checkpoint(tmp_path):
    out = tmp_path / "run"
    argv = [*FEW, "--optimizer", "muon", "--max_steps", "4", "--save_steps", "2", "--output_dir", str(out)]
    first = train(*parse_train_args(argv), progress=False)
    assert first.global_step == 4 and (out / "checkpoint-2" / "optimizer.pt").is_file()
    state = torch.load(out / "checkpoint-2" / "optimizer.pt", weights_only=False)
    assert len(state["param_groups"]) == 2 and len(state["state"]) > 0  # Muon's group and AdamW's
    # resume from the step-2 checkpoint: its optimizer state loads into a fresh MuonWithAdamW (that the
    # loaded state takes the same step is tested in test_optimizers.py)
    (out / DONE_FILE).unlink()
    shutil.rmtree(out / "checkpoint-4")
    second = train(*parse_train_args(argv), progress=False)
    assert second.resumed_from.endswith("checkpoint-2") and second.global_step == 4
    assert [r["step"] for r in second.log_history] == [r["step"] for r in first.log_history if r["step"] > 2]


def test_a_checkpoint_cut_off_mid_save_is_skipped_and_the_one_before_resumed(tmp_path):
    """A run killed while writing checkpoint-4 (no trainer_state.json yet: the trainer writes it last) resumes
    from checkpoint-2, with a warning naming the cut-off folder, instead of failing to load it."""
    out = tmp_path / "run"
    argv = [*FEW, "--max_steps", "4", "--save_steps", "2", "--output_dir", str(out)]
    first = train(*parse_train_args(argv), progress=False)
    assert first.global_step == 4
    (out / DONE_FILE).unlink()
    (out / "checkpoint-4" / "trainer_state.json").unlink()
    (out / "checkpoint-4" / "optimizer.pt").unlink()
    with pytest.warns(UserWarning, match="checkpoint-4 is incomplete"):
        second = train(*parse_train_args(argv), progress=False)
    assert second.resumed_from.endswith("checkpoint-2") and second.global_step == 4
    assert (out / DONE_FILE).is_file()


def test_the_initial_weights_follow_the_rules_seed():
    """Runs of several seeds start from different weights (seed 0: the weights every earlier run had)."""
    import torch

    from hf_mathrules.train.config import MathRulesArguments
    from hf_mathrules.train.sft import _build_model
    from hf_mathrules.train.tiny import TinyModelConfig, make_tokenizer, tiny_llama

    rows = {"prompt": ["Expand:\n2(x + 3)\n"], "completion": ["Answer: 2x + 6"]}

    def weights(seed):
        model, _ = _build_model(MathRulesArguments(preset="tiny", rules_seed=seed), None, rows)
        return model.get_input_embeddings().weight

    assert torch.equal(weights(0), weights(0)) and not torch.equal(weights(0), weights(1))
    tok = make_tokenizer("char", ["Expand:\n2(x + 3)\nAnswer: 2x + 6"])
    assert torch.equal(weights(0), tiny_llama(tok, TinyModelConfig()).get_input_embeddings().weight)
