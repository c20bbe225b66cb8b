"""Loading a model for inference (evaluation, the Space, the main job): a model plus an optional PEFT
adapter, with errors that name the problem before any weights load.  Training builds its model through
TRL (``hf_mathrules.train.modeling``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .rules import ConfigError


def check_model_source(name_or_path: str, what: str = "model") -> None:
    """A clear error for a missing local model folder or an unreachable Hub id (before any work)."""
    from transformers import AutoConfig

    p = Path(name_or_path)
    if p.exists() and not (p / "config.json").is_file():
        raise FileNotFoundError(f"{what} folder {name_or_path} has no config.json")
    try:
        AutoConfig.from_pretrained(name_or_path)
    except OSError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileNotFoundError(f"cannot load {what} {name_or_path!r}: {first}") from None


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
