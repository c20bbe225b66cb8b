"""Loading models: a base for training by method (QLoRA, LoRA, full), and a model plus optional adapter
for evaluation, with errors that name the problem before any work starts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..rules import ConfigError


def quantization_config(compute_dtype=None):
    """bitsandbytes 4-bit nf4 with double quantization; bf16 compute on a GPU that has it, else fp32."""
    import torch
    from transformers import BitsAndBytesConfig

    if compute_dtype is None:
        bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        compute_dtype = torch.bfloat16 if bf16 else torch.float32
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute_dtype,
    )


def device_map() -> dict[str, Any]:
    """Each process of ``accelerate launch`` keeps its quantized copy on its own device."""
    import torch

    if not torch.cuda.is_available():
        return {"": "cpu"}
    from accelerate import PartialState

    return {"": PartialState().local_process_index}


def check_model_source(name_or_path: str, what: str = "model") -> None:
    """A clear error for a missing local model folder or an unreachable Hub id (before training)."""
    from transformers import AutoConfig

    p = Path(name_or_path)
    if p.exists() and not (p / "config.json").is_file():
        raise FileNotFoundError(f"{what} folder {name_or_path} has no config.json")
    try:
        AutoConfig.from_pretrained(name_or_path)
    except OSError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileNotFoundError(f"cannot load {what} {name_or_path!r}: {first}") from None


def load_training_model(name_or_path: str, method: str, dtype=None):
    """The base model for ``method``: 4-bit for qlora, full precision otherwise."""
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {}
    if method == "qlora":
        kwargs["quantization_config"] = quantization_config()
        kwargs["device_map"] = device_map()
    elif dtype is not None:
        kwargs["dtype"] = dtype
    return AutoModelForCausalLM.from_pretrained(name_or_path, **kwargs)


def lora_config(r: int, alpha: int, dropout: float, target_modules: list[str]):
    from peft import LoraConfig

    targets: Any = "all-linear" if target_modules in (["all-linear"], "all-linear") else list(target_modules)
    return LoraConfig(
        r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=targets, task_type="CAUSAL_LM"
    )


def adapter_config(adapter: str) -> dict[str, Any]:
    """The adapter's ``adapter_config.json``; a clear error when the folder is not a PEFT adapter."""
    p = Path(adapter)
    cfg = p / "adapter_config.json"
    if p.exists():
        if not cfg.is_file():
            raise FileNotFoundError(f"adapter {adapter} has no adapter_config.json (not a PEFT adapter)")
        return json.loads(cfg.read_text())
    from huggingface_hub import hf_hub_download

    try:
        return json.loads(Path(hf_hub_download(adapter, "adapter_config.json")).read_text())
    except Exception as exc:
        raise FileNotFoundError(f"cannot load adapter {adapter!r}: {type(exc).__name__}") from None


def _missing_modules(model, targets: list[str]) -> list[str]:
    """Targets (short names like ``q_proj`` or full paths) that no module of ``model`` matches."""
    names = [name for name, _ in model.named_modules()]
    return sorted(t for t in targets if not any(n == t or n.endswith("." + t) for n in names))


def attach_adapter(model, adapter: str):
    """``PeftModel`` of ``model`` with ``adapter``; an error naming both when they do not fit."""
    from peft import PeftModel

    cfg = adapter_config(adapter)
    targets = cfg.get("target_modules")
    if isinstance(targets, list):
        missing = _missing_modules(model, targets)
        if missing:
            raise ConfigError(
                f"adapter {adapter} does not match base model {model.name_or_path}: it adapts modules "
                f"{', '.join(missing)} that the base model does not have"
            )
    try:
        return PeftModel.from_pretrained(model, adapter)
    except (RuntimeError, ValueError, KeyError) as exc:
        detail = " ".join(str(exc).split())[:300]
        raise ConfigError(
            f"adapter {adapter} does not match base model {model.name_or_path}: {detail}"
        ) from None


def load_for_inference(model: str, adapter: str | None = None, merge: bool = True, dtype=None):
    """``(model, tokenizer)`` ready for generation: eval mode, left padding, pad token set.  With an
    adapter it is loaded onto the full-precision base (and merged unless ``merge=False``)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    check_model_source(model)
    if adapter:
        adapter_config(adapter)  # fail on a bad adapter before loading the base weights
    tok_source = adapter if adapter and (Path(adapter) / "tokenizer_config.json").is_file() else model
    tokenizer = AutoTokenizer.from_pretrained(tok_source)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    kwargs = {"dtype": dtype} if dtype is not None else {}
    net = AutoModelForCausalLM.from_pretrained(model, **kwargs)
    if adapter:
        net = attach_adapter(net, adapter)
        if merge:
            net = net.merge_and_unload()
    net.eval()
    if net.generation_config.pad_token_id is None:
        net.generation_config.pad_token_id = tokenizer.pad_token_id
    return net, tokenizer
