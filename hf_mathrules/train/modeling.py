"""Loading models: a base for training by method (QLoRA, LoRA, full), and a model plus optional adapter
for evaluation, with errors that name the problem before any work starts."""

from __future__ import annotations

from typing import Any

from ..modeling import (  # noqa: F401  (inference loading lives on the ground floor)
    adapter_config,
    attach_adapter,
    check_model_source,
    load_for_inference,
)


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
