"""QLoRA on CPU (bitsandbytes 4-bit nf4): train a few LoRA steps on a quantized tiny random Llama with
``mathrules train``'s code path, save, reload the adapter onto the full-precision base, merge, and check
the merged logits match the adapter's; an adapter for another base is refused with a clear error."""

import json

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl.trainer import sft_trainer

from hf_mathrules.modeling import attach_adapter, load_for_inference
from hf_mathrules.rules import ConfigError
from hf_mathrules.train.config import parse_train_args
from hf_mathrules.train.sft import train
from hf_mathrules.train.tiny import TinyModelConfig, character_tokenizer, tiny_llama

HUB_ID = "example-org/tiny-llama-base"


def _save_base(path, hidden=64, layers=2):
    tok = character_tokenizer([])
    model = tiny_llama(
        tok, TinyModelConfig(hidden_size=hidden, num_hidden_layers=layers, intermediate_size=128)
    )
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return tok


@pytest.fixture(scope="module")
def qlora_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("qlora")
    _save_base(root / "base")
    argv = [
        "--model_name_or_path", str(root / "base"), "--base_model_hub_id", HUB_ID, "--method", "qlora",
        "--rules", "distributivity:1:32", "--validation_rows", "4", "--max_steps", "3",
        "--per_device_train_batch_size", "8", "--learning_rate", "1e-2", "--lora_r", "4", "--lora_alpha", "8",
        "--lora_dropout", "0", "--generation_eval_steps", "0", "--test_rows", "2", "--max_new_tokens", "8",
        "--output_dir", str(root / "adapter"), "--disable_tqdm", "true", "--save_strategy", "no",
    ]  # fmt: skip
    margs, sft, model_args = parse_train_args(argv)
    assert margs.resolved_method() == "qlora" and model_args.load_in_4bit and model_args.use_peft
    loaded = []
    original = sft_trainer.create_model_from_path

    def spy(*args, **kwargs):  # SFTTrainer loads the base itself, from TRL's quantization config
        loaded.append(original(*args, **kwargs))
        return loaded[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sft_trainer, "create_model_from_path", spy)
        result = train(margs, sft, model_args, progress=False)
    assert len(loaded) == 1 and loaded[0].is_loaded_in_4bit
    return root, result


def test_qlora_trains_4bit_and_saves_an_adapter_naming_its_hub_base(qlora_run):
    root, result = qlora_run
    assert result.global_step == 3
    cfg = json.loads((root / "adapter" / "adapter_config.json").read_text())
    assert cfg["base_model_name_or_path"] == HUB_ID  # never the local path
    adapted = {t.rsplit(".", 1)[-1] for t in cfg["target_modules"]}
    assert adapted == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    assert not (root / "adapter" / "model.safetensors").exists()  # the adapter only
    card = (root / "adapter" / "README.md").read_text()
    assert f"base_model: {HUB_ID}" in card and str(root) not in card and "qlora" in card


def test_lora_weights_moved_and_merged_logits_match_the_adapter(qlora_run):
    root, _ = qlora_run
    from peft import PeftModel

    tok = AutoTokenizer.from_pretrained(root / "adapter")
    ids = tok(["Expand and simplify:\nb(m + t)\n= bm"], return_tensors="pt")["input_ids"]
    base = AutoModelForCausalLM.from_pretrained(root / "base", dtype=torch.float32)
    with torch.no_grad():
        base_logits = base(ids).logits
    peft_model = PeftModel.from_pretrained(base, root / "adapter")
    lora_b = [p for n, p in peft_model.named_parameters() if "lora_B" in n]
    assert lora_b and any(p.abs().sum() > 0 for p in lora_b)  # training changed the adapter
    with torch.no_grad():
        adapter_logits = peft_model(ids).logits
        merged = peft_model.merge_and_unload()
        merged_logits = merged(ids).logits
    assert not torch.allclose(adapter_logits, base_logits, atol=1e-4)
    torch.testing.assert_close(merged_logits, adapter_logits, atol=1e-4, rtol=1e-4)
    model, _ = load_for_inference(str(root / "base"), str(root / "adapter"))  # the evaluate/Space path
    with torch.no_grad():
        torch.testing.assert_close(model(ids).logits, adapter_logits, atol=1e-4, rtol=1e-4)


def test_adapter_for_another_base_is_refused(qlora_run, tmp_path):
    root, _ = qlora_run
    _save_base(tmp_path / "other", hidden=32, layers=2)
    other = AutoModelForCausalLM.from_pretrained(tmp_path / "other")
    with pytest.raises(ConfigError, match=r"adapter .*adapter does not match base model .*other"):
        attach_adapter(other, str(root / "adapter"))
