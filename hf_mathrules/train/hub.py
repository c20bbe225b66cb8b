"""Publishing a trained output folder: the adapter records its base as a Hub id, and everything (weights,
tokenizer, card, configs; not checkpoints) goes up in one commit."""

from __future__ import annotations

import json
from pathlib import Path

from ..rules import ConfigError

PUSH_IGNORE = ["checkpoint-*", "checkpoint-*/**", "runs/**", "*.tmp"]


def fix_adapter_base(output_dir: Path, hub_base: str | None) -> None:
    """Replace a local path in ``adapter_config.json``'s ``base_model_name_or_path`` by the Hub id."""
    cfg_path = Path(output_dir) / "adapter_config.json"
    if not cfg_path.is_file():
        return
    cfg = json.loads(cfg_path.read_text())
    base = cfg.get("base_model_name_or_path")
    if base and Path(base).exists():
        cfg["base_model_name_or_path"] = hub_base
        cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True))


def push_output(output_dir: Path, repo_id: str, private: bool = False, token: str | None = None) -> str:
    """Create ``repo_id`` (if needed) and upload ``output_dir`` as one commit; returns the commit URL."""
    from huggingface_hub import HfApi

    output_dir = Path(output_dir)
    cfg_path = output_dir / "adapter_config.json"
    if cfg_path.is_file():
        base = json.loads(cfg_path.read_text()).get("base_model_name_or_path")
        if base is None or Path(str(base)).exists():
            raise ConfigError(
                "the adapter's base model is a local path; pass --base_model_hub_id ORG/NAME so the "
                "pushed adapter names its base on the Hub"
            )
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    info = api.upload_folder(
        repo_id=repo_id,
        folder_path=str(output_dir),
        commit_message="Upload model trained with hf-mathrules",
        ignore_patterns=PUSH_IGNORE,
    )
    return str(getattr(info, "commit_url", info))
