"""The training side of model loading, as TRL's ``sft.py`` does it: PEFT and quantization come from TRL's
``ModelConfig`` through TRL's ``get_peft_config`` / ``get_quantization_config`` (called in ``sft.train``; ``peft_config`` below);
``SFTTrainer`` loads the base model from its name with those and places it itself (TRL 1.x has no ``get_kbit_device_map`` any more:
its ``create_model_from_path`` picks the device map).  Loading for inference is ``hf_mathrules.modeling``."""

from __future__ import annotations

import re
from typing import Any


def model_init_kwargs(model_args, sft_model_init_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """How ``SFTTrainer`` loads the base model, built as TRL's ``sft.py`` builds it (revision, attention
    implementation, dtype); the SFTConfig's own ``model_init_kwargs`` win."""
    return {
        "revision": model_args.model_revision,
        "attn_implementation": model_args.attn_implementation,
        "dtype": model_args.dtype,
        **(sft_model_init_kwargs or {}),
    }


def peft_config(model_args):
    """TRL's ``get_peft_config`` (None unless ``use_peft``), with one repair: ``ModelConfig`` turns a
    one-name ``--lora_target_modules q_proj`` into the string ``"q_proj"``, which PEFT reads as a regex
    over full module paths (matching nothing); a single plain name is matched as a module name again."""
    from trl import get_peft_config

    config = get_peft_config(model_args)
    targets = getattr(config, "target_modules", None)
    if isinstance(targets, str) and targets != "all-linear" and re.fullmatch(r"\w+", targets):
        config.target_modules = {targets}
    return config
