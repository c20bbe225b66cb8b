"""Push a dataset (parquet + card) or the ``sympy_equivalence`` metric (as a Gradio Space) to the Hub.

Each push is ONE commit (``HfApi.create_commit``): the files of the new version are uploaded first
(LFS for parquet), then a single commit adds them and deletes whatever the repo held that the new version
does not.  If anything fails before that commit, the repo is unchanged.  Tokens come from the usual
huggingface_hub login or ``HF_TOKEN``; they are never printed or written anywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from ..rules import ConfigError
from .export import write_folder
from .loading import hub_id

REPO_ROOT = Path(__file__).resolve().parents[2]
METRIC_FOLDER = Path("metrics") / "sympy_equivalence"
METRIC_FILES = ("sympy_equivalence.py", "README.md", "requirements.txt", "app.py")


def _api(token: str | None = None) -> Any:
    from huggingface_hub import HfApi, get_token

    token = token or get_token()
    if not token:
        raise ConfigError(
            "no Hugging Face token: run `hf auth login` or set HF_TOKEN (needed to push; --dry-run needs none)"
        )
    return HfApi(token=token)


def commit_folder(
    folder: Path, repo_id: str, repo_type: str, message: str, token: str | None = None, **create_kwargs: Any
) -> str:
    """Create the repo if needed and make its files exactly those of ``folder`` in one commit; returns
    the commit URL."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    api = _api(token)
    api.create_repo(repo_id, repo_type=repo_type, exist_ok=True, **create_kwargs)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    new_paths = {p.relative_to(folder).as_posix() for p in files}
    existing = set(api.list_repo_files(repo_id, repo_type=repo_type))
    ops: list[Any] = [CommitOperationAdd(p.relative_to(folder).as_posix(), str(p)) for p in files]
    ops += [CommitOperationDelete(path) for path in sorted(existing - new_paths) if path != ".gitattributes"]
    info = api.create_commit(repo_id, ops, commit_message=message, repo_type=repo_type)
    return str(info.commit_url)


def push_dataset(
    name: str,
    repo_id: str | None = None,
    *,
    dry_run_dir: str | os.PathLike | None = None,
    token: str | None = None,
    private: bool = False,
    **kwargs: Any,
) -> str:
    """Build ``name``, write its folder and push it to ``repo_id`` (default ``hf_mathrules/<name>``) in
    one commit.  With ``dry_run_dir`` the exact folder is written there instead and nothing is pushed.
    Other keyword arguments as for ``write_folder`` (sizes, seed, levels, vocab, knobs, num_proc ...)."""
    repo_id = hub_id(repo_id or name)
    if dry_run_dir is not None:
        from .export import export_folder

        return str(export_folder(name, dry_run_dir, repo_id=repo_id, overwrite=True, **kwargs))
    _api(token)  # no token: fail before generating anything
    with tempfile.TemporaryDirectory(prefix="mathrules-push-") as tmp:
        folder = write_folder(name, Path(tmp), repo_id=repo_id, **kwargs)
        return commit_folder(
            folder, repo_id, "dataset", f"Upload {repo_id} (hf-mathrules)", token=token, private=private
        )


def metric_folder(folder: str | os.PathLike | None = None) -> Path:
    """The metric's folder: given, ``metrics/sympy_equivalence`` under the working directory, or the
    one in this source checkout."""
    candidates = [Path(folder)] if folder else [METRIC_FOLDER, REPO_ROOT / METRIC_FOLDER]
    for c in candidates:
        if c.is_dir():
            missing = [f for f in METRIC_FILES if not (c / f).is_file()]
            if missing:
                raise ConfigError(f"metric folder {c} lacks {', '.join(missing)}")
            return c
    raise ConfigError(f"metric folder not found (looked in {', '.join(map(str, candidates))})")


def push_metric(
    repo_id: str,
    *,
    folder: str | os.PathLike | None = None,
    dry_run_dir: str | os.PathLike | None = None,
    token: str | None = None,
    private: bool = False,
) -> str:
    """Upload the metric as a Gradio Space so that ``evaluate.load(repo_id)`` works.  evaluate needs the
    module file to be named like the repo, so the repo name must be ``sympy_equivalence``."""
    src = metric_folder(folder)
    if repo_id.count("/") != 1:
        raise ConfigError(f"--repo-id must look like namespace/name, got {repo_id!r}")
    module = next(p.stem for p in src.glob("*.py") if p.name != "app.py")
    if repo_id.split("/")[1] != module:
        raise ConfigError(
            f"evaluate.load finds the module by the repo name: name the Space {repo_id.split('/')[0]}/{module}"
        )
    if dry_run_dir is not None:
        import shutil

        out = Path(dry_run_dir)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(src, out, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return str(out)
    with tempfile.TemporaryDirectory(prefix="mathrules-metric-") as tmp:
        import shutil

        staged = Path(tmp) / module
        shutil.copytree(src, staged, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return commit_folder(
            staged,
            repo_id,
            "space",
            f"Upload {module} metric (hf-mathrules)",
            token=token,
            space_sdk="gradio",
            private=private,
        )
