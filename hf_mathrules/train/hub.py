"""Publishing a trained output folder: the adapter records its base as a Hub id, and everything (weights,
tokenizer, card, configs; not checkpoints) goes up in one commit."""

from __future__ import annotations

import json
import os
import tempfile
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
    cfg_file = dest / "training_config.json"
    if cfg_file.is_file():  # public: no local paths (the base by its Hub id, the output folder by name)
        config = json.loads(cfg_file.read_text())
        if config.get("model", {}).get("model_name_or_path"):
            config["model"]["model_name_or_path"] = hub_base
        if "output_dir" in config.get("sft", {}):
            config["sft"]["output_dir"] = repo_id.rsplit("/", 1)[-1]
        config.get("sft", {}).pop("logging_dir", None)
        cfg_file.write_text(json.dumps(config, indent=2))
    if (dest / "training_config.json").is_file() and (dest / "train_results.json").is_file():
        rebuild_model_card(dest, repo_id, hub_base).save(str(dest / "README.md"))
    return dest


def _publishing_api(token: str | None = None):
    """An authenticated HfApi, or the clear no-token error (shared with dataset publishing)."""
    from ..data.publishing import _api

    return _api(token)


def commit_folder(folder: Path, repo_id: str, repo_type: str, message: str, **kwargs) -> str:
    from ..data.publishing import commit_folder as _commit

    return _commit(folder, repo_id, repo_type, message, **kwargs)


def _repo_root() -> Path:
    from ..data.publishing import REPO_ROOT

    return REPO_ROOT


SPACE_FOLDER = Path("spaces")
SPACE_FILES = ("app.py", "README.md", "requirements.txt")  # the step checker ships in the package


def push_model(
    folder: str | os.PathLike,
    repo_id: str,
    *,
    base_model_id: str | None = None,
    dry_run_dir: str | os.PathLike | None = None,
    token: str | None = None,
    private: bool = False,
) -> str:
    """Push a finished ``mathrules train`` folder (a model or a PEFT adapter) as ``repo_id`` in one commit:
    checkpoints left out, the adapter's base and the card's ``base_model`` named by ``base_model_id``."""
    if repo_id.count("/") != 1:
        raise ConfigError(f"--repo-id must look like namespace/name, got {repo_id!r}")
    if not Path(folder).is_dir():
        raise FileNotFoundError(f"model folder {folder} does not exist")
    if dry_run_dir is not None:
        return str(stage_model_folder(Path(folder), Path(dry_run_dir), repo_id, base_model_id))
    _publishing_api(token)
    with tempfile.TemporaryDirectory(prefix="mathrules-model-") as tmp:
        staged = stage_model_folder(Path(folder), Path(tmp) / "model", repo_id, base_model_id)
        return commit_folder(
            staged, repo_id, "model", "Upload model trained with hf-mathrules", token=token, private=private
        )


def space_folder(folder: str | os.PathLike | None = None) -> Path:
    candidates = [Path(folder)] if folder else [SPACE_FOLDER, _repo_root() / SPACE_FOLDER]
    for c in candidates:
        if c.is_dir():
            missing = [f for f in SPACE_FILES if not (c / f).is_file()]
            if missing:
                raise ConfigError(f"Space folder {c} lacks {', '.join(missing)}")
            return c
    raise ConfigError(f"Space folder not found (looked in {', '.join(map(str, candidates))})")


def _card_datasets(repo_id: str) -> list[str]:
    """The datasets a model's card names (empty when the card cannot be read)."""
    try:
        from huggingface_hub import ModelCard

        return list(ModelCard.load(repo_id).data.datasets or [])
    except Exception:
        return []


def stage_space(
    src: Path, dest: Path, model: str, adapter: str | None, datasets: list[str] | None = None
) -> Path:
    """Copy the Space folder to ``dest`` with ``models.json`` (what the app loads) and README front matter
    naming the model, the adapter and their datasets."""
    import json
    import re
    import shutil

    import yaml

    for name, value in (("--model", model), ("--adapter", adapter)):
        if value and (Path(value).exists() or value.count("/") != 1):
            raise ConfigError(
                f"{name} must be a Hub id (namespace/name) for a Space, which cannot see local folders; "
                f"got {value!r}: push it first (mathrules push model)"
            )
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "models.json"))
    (dest / "models.json").write_text(json.dumps({"model": model, "adapter": adapter}, indent=2) + "\n")
    readme = (dest / "README.md").read_text()
    m = re.match(r"---\n(.*?)\n---\n", readme, re.S)
    if not m:
        raise ConfigError(f"{src / 'README.md'} has no YAML front matter")
    meta = yaml.safe_load(m.group(1)) or {}
    meta["models"] = [x for x in (model, adapter) if x]
    found = list(dict.fromkeys(datasets or []))
    if found:
        meta["datasets"] = found
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    (dest / "README.md").write_text(f"---\n{front}---\n" + readme[m.end() :])
    return dest


def push_space(
    repo_id: str,
    model: str,
    adapter: str | None = None,
    *,
    folder: str | os.PathLike | None = None,
    dry_run_dir: str | os.PathLike | None = None,
    token: str | None = None,
    private: bool = False,
) -> str:
    """Upload the Gradio Space (``spaces/``) as ``repo_id`` in one commit, set to load ``model`` and
    ``adapter`` (Hub ids) and naming them, and their datasets, in its README front matter."""
    src = space_folder(folder)
    if repo_id.count("/") != 1:
        raise ConfigError(f"--repo-id must look like namespace/name, got {repo_id!r}")
    if dry_run_dir is not None:
        return str(stage_space(src, Path(dry_run_dir), model, adapter))
    _publishing_api(token)
    datasets = [d for m in (model, adapter) if m for d in _card_datasets(m)]
    with tempfile.TemporaryDirectory(prefix="mathrules-space-") as tmp:
        staged = stage_space(src, Path(tmp) / "space", model, adapter, datasets)
        return commit_folder(
            staged,
            repo_id,
            "space",
            "Upload the hf-mathrules demo Space",
            token=token,
            space_sdk="gradio",
            private=private,
        )
