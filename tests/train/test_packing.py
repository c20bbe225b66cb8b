"""Packed rows: every token kept once, bins mix rules, attention stays within a row (the packed loss equals
the loss of the same rows run one by one), and a too-short pack length is refused."""

from __future__ import annotations

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.train.packing import PackedRowsCollator, pack_examples, position_ids
from hf_mathrules.train.tiny import TinyModelConfig, make_tokenizer, tiny_llama

RULES = ("distributivity", "simplification", "isolate_variable")


@pytest.fixture(scope="module")
def rows():
    out = []
    for rule in RULES:
        out += make_rule(rule, level=2).generate(20, seed=3, split="train")
    return out


@pytest.fixture(scope="module")
def tokenized(rows):
    tok = make_tokenizer("math", [r["prompt"] + "\n" + r["completion"] for r in rows])
    ids, labels = [], []
    for r in rows:
        p = tok(r["prompt"])["input_ids"]
        full = tok(r["prompt"] + r["completion"])["input_ids"] + [tok.eos_token_id]
        ids.append(full)
        labels.append([-100] * len(p) + full[len(p) :])
    return tok, ids, labels


def test_every_token_is_packed_once_and_bins_mix_rules(tokenized, rows):
    tok, ids, labels = tokenized
    bins = pack_examples(ids, labels, 256, tok.pad_token_id, seed=1)
    assert all(len(b["input_ids"]) == len(b["labels"]) == sum(b["seq_lengths"]) == 256 for b in bins)
    real = sum(len(x) for x in ids)
    assert real / (len(bins) * 256) > 0.85
    # the packed targets are exactly the completion tokens of the rows, each once
    want = sorted(t for row in labels for t in row if t != -100)
    got = sorted(t for b in bins for t in b["labels"] if t != -100)
    assert got == want
    # row order is shuffled: bins hold rows of several lengths (each rule has its own)
    assert len(set(bins[0]["seq_lengths"])) > 2
    assert position_ids([3, 2]) == [0, 1, 2, 0, 1]


def test_packed_loss_equals_rows_run_alone(tokenized):
    import torch

    tok, ids, labels = tokenized
    model = tiny_llama(tok, TinyModelConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                            intermediate_size=64))  # fmt: skip
    model.eval()
    bins = pack_examples(ids[:12], labels[:12], 512, tok.pad_token_id, seed=0)
    batch = PackedRowsCollator(tok.pad_token_id)(bins)
    assert "attention_mask" not in batch
    with torch.no_grad():
        logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
        packed = torch.nn.functional.cross_entropy(
            logits[:, :-1].reshape(-1, logits.shape[-1]), batch["labels"][:, 1:].reshape(-1), reduction="sum"
        )
        alone = 0.0
        for x, y in zip(ids[:12], labels[:12]):
            lg = model(input_ids=torch.tensor([x])).logits[0, :-1]
            alone += torch.nn.functional.cross_entropy(lg, torch.tensor(y[1:]), reduction="sum")
    # any attention across rows would change the packed logits
    assert torch.allclose(packed, alone, rtol=1e-4), (packed, alone)


def test_pack_length_shorter_than_a_row_is_refused(tokenized):
    tok, ids, labels = tokenized
    with pytest.raises(ConfigError, match="pack_length 10 is shorter than the longest training row"):
        pack_examples(ids, labels, 10, tok.pad_token_id)


def test_the_trainers_batches_keep_rows_apart_and_mask_prompts(rows):
    """Through a real ``SFTTrainer``: its column filter and dataloader keep what packing needs."""
    from datasets import Dataset
    from trl import SFTTrainer

    from hf_mathrules.train.config import tiny_sft_config
    from hf_mathrules.train.data import sft_row
    from hf_mathrules.train.packing import use_packed_rows

    tok = make_tokenizer("math", [r["prompt"] + "\n" + r["completion"] for r in rows])
    model = tiny_llama(tok, TinyModelConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                            intermediate_size=64))  # fmt: skip
    args = tiny_sft_config(output_dir="unused", per_device_train_batch_size=2, max_steps=1, report_to="none")
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list([sft_row(r) for r in rows]),
        processing_class=tok,
    )
    efficiency = use_packed_rows(trainer, 256, seed=0)
    assert 0.85 < efficiency <= 1
    batch = next(iter(trainer.get_train_dataloader()))
    assert "attention_mask" not in batch and batch["use_cache"] is False
    pos = batch["position_ids"]
    assert pos.shape == batch["input_ids"].shape == (2, 256) and int((pos == 0).sum()) > 4
    # every row's prompt is masked: the token after each row start is a prompt token, never a target
    starts = (pos == 0).nonzero().tolist()
    assert all(int(batch["labels"][b, i]) == -100 and int(batch["labels"][b, i + 1]) == -100
               for b, i in starts if i + 1 < 256 and int(batch["input_ids"][b, i]) != tok.pad_token_id)  # fmt: skip
    targets = int((batch["labels"] != -100).sum())
    assert 0.2 * 512 < targets < 0.8 * 512


def test_train_cli_trains_on_packed_rows_and_counts_real_tokens(tmp_path, capsys):
    from hf_mathrules.cli import main

    out = tmp_path / "run"
    args = [
        "train", "--rules", "distributivity:1:64", "simplification:1:64", "--validation_rows", "4",
        "--per_device_train_batch_size", "4", "--generation_eval_steps", "0", "--test_rows", "4",
        "--max_new_tokens", "24", "--logging_steps", "1", "--tiny_hidden_size", "32", "--tiny_layers", "1",
        "--tiny_intermediate_size", "64", "--tiny_tokenizer", "math", "--pack_length", "256",
        "--max_steps", "3", "--disable_tqdm", "true", "--output_dir", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    import json

    results = json.loads((out / "train_results.json").read_text())
    assert results["global_step"] == 3
    # 3 steps x 4 packed rows x 256 positions, less the bins' padding tails
    assert 0.8 * 3 * 4 * 256 < results["train_tokens"] <= 3 * 4 * 256
    assert main([*args[:-2], "--pack_length", "20", "--overwrite", "--output_dir", str(tmp_path / "b")]) == 2
    assert "pack_length 20 is shorter than the longest training row" in capsys.readouterr().err


def test_rows_longer_than_max_length_are_packed_whole(rows):
    """TRL cuts rows to ``max_length`` before they are packed; a packed run lifts a ``max_length`` shorter
    than its bins, so a row longer than it keeps its last steps and its answer (the tiny preset's 512 cut the
    3x3 elimination rows in 1,024-token bins)."""
    from datasets import Dataset
    from trl import SFTTrainer

    from hf_mathrules.train.config import MathRulesArguments, tiny_sft_config
    from hf_mathrules.train.data import sft_row
    from hf_mathrules.train.sft import _run_sft_config

    tok = make_tokenizer("math", [r["prompt"] + "\n" + r["completion"] for r in rows])
    model = tiny_llama(tok, TinyModelConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                            intermediate_size=64))  # fmt: skip
    sft = tiny_sft_config(output_dir="unused", per_device_train_batch_size=2, max_steps=1, report_to="none",
                          max_length=24)  # fmt: skip
    unpacked = _run_sft_config(sft, None, MathRulesArguments(preset="tiny"))
    packed = _run_sft_config(sft, None, MathRulesArguments(preset="tiny", pack_length=256))
    assert unpacked.max_length == 24 and packed.max_length is None and sft.max_length == 24
    wide = _run_sft_config(sft, None, MathRulesArguments(preset="tiny", pack_length=16))
    assert wide.max_length == 24  # bins shorter than max_length: the packing refuses longer rows itself
    lengths = {}
    for name, args in (("cut", unpacked), ("packed", packed)):
        trainer = SFTTrainer(
            model=model, args=args, train_dataset=Dataset.from_list([sft_row(r) for r in rows]),
            processing_class=tok,
        )  # fmt: skip
        lengths[name] = max(len(x) for x in trainer.train_dataset["input_ids"])
    assert lengths["cut"] == 24 < lengths["packed"] <= 256
