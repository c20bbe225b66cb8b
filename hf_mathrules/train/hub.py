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


STAGE_IGNORE = ("checkpoint-*", "runs", "*.tmp", "training_args.bin", "__pycache__")


def stage_model_folder(folder: Path, dest: Path, repo_id: str, base_model_id: str | None = None) -> Path:
    """Copy a finished output folder to ``dest`` as it goes to ``repo_id``: no checkpoints, the adapter's
    ``base_model_name_or_path`` and the card's ``base_model`` set to the base's Hub id, the card rebuilt
    under the repo's name."""
    import shutil

    from .card import rebuild_model_card

    folder, dest = Path(folder), Path(dest)
    if not (folder / "config.json").is_file() and not (folder / "adapter_config.json").is_file():
        raise FileNotFoundError(
            f"{folder} holds neither a model (config.json) nor an adapter (adapter_config.json)"
        )
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns(*STAGE_IGNORE))
    cfg_path = dest / "adapter_config.json"
    hub_base = base_model_id
    if cfg_path.is_file():
        cfg = json.loads(cfg_path.read_text())
        current = cfg.get("base_model_name_or_path")
        if base_model_id:
            cfg["base_model_name_or_path"] = base_model_id
        elif current is None or Path(str(current)).exists():
            raise ConfigError(
                f"{folder} is an adapter whose base is not named on the Hub: pass --base-model-id ORG/NAME "
                "(push the base model there first)"
            )
        else:
            hub_base = current
        cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True))
    if (dest / "training_config.json").is_file() and (dest / "train_results.json").is_file():
        rebuild_model_card(dest, repo_id, hub_base).save(str(dest / "README.md"))
    return dest
