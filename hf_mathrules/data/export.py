"""Export a built dataset as a folder the Hub (and ``load_dataset(folder)``) understands: one parquet
file per split shard under ``data/`` and a README.md dataset card whose YAML lists the configs.

The folder is written beside the target under a temporary name and renamed into place, so an interrupted
export never leaves a half-written folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import datasets
from tqdm import tqdm

from ..rules import ConfigError
from ..validate import validate_rows
from .card import render_card
from .config import make_config
from .loading import hub_id, load

MAX_ROWS_PER_FILE = 500_000
VALIDATE_SAMPLE = 200  # rows per split re-checked with SymPy for the card


def write_parquet_shards(
    dataset: datasets.DatasetDict, folder: Path, max_rows_per_file: int = MAX_ROWS_PER_FILE
) -> dict[str, str]:
    """``data/<split>-0000i-of-0000N.parquet`` per split; returns the glob per split for the card."""
    data_dir = folder / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    patterns: dict[str, str] = {}
    for split, ds in dataset.items():
        n_files = max(1, -(-len(ds) // max_rows_per_file))
        for i in range(n_files):
            part = ds.shard(n_files, i, contiguous=True) if n_files > 1 else ds
            part.to_parquet(str(data_dir / f"{split}-{i:05d}-of-{n_files:05d}.parquet"))
        patterns[split] = f"data/{split}-*.parquet"
    return patterns


def validation_summary(dataset: datasets.DatasetDict, sample: int = VALIDATE_SAMPLE) -> dict[str, str]:
    """SymPy re-check of the first ``sample`` rows of each split, as one line per split."""
    out = {}
    for split, ds in dataset.items():
        rows = ds.select(range(min(sample, len(ds))))
        report = validate_rows(tqdm(rows, desc=f"validating {split}", unit="row", leave=False))
        out[split] = f"{report.summary()} of the first {report.checked} rows"
    return out


def write_folder(
    name: str,
    folder: Path,
    *,
    repo_id: str | None = None,
    num_proc: int | None = None,
    cache_dir: str | os.PathLike | None = None,
    validate_sample: int = VALIDATE_SAMPLE,
    max_rows_per_file: int = MAX_ROWS_PER_FILE,
    **params: Any,
) -> Path:
    """Build ``name`` (cached) and write its parquet shards and card into the empty folder ``folder``."""
    config = make_config(name, **params)
    repo_id = hub_id(repo_id or name)
    dataset = load(name, repo_id=repo_id, num_proc=num_proc, cache_dir=cache_dir, **params)
    patterns = write_parquet_shards(dataset, folder, max_rows_per_file)
    validation = validation_summary(dataset, validate_sample) if validate_sample else None
    card = render_card(config, dataset, repo_id, patterns, validation)
    (folder / "README.md").write_text(card, encoding="utf-8")
    return folder


def export_folder(
    name: str, output_dir: str | os.PathLike, *, overwrite: bool = False, **kwargs: Any
) -> Path:
    """``write_folder`` into ``output_dir`` atomically.  An existing non-empty ``output_dir`` is replaced
    only with ``overwrite=True``."""
    target = Path(output_dir)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"output dir {target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ConfigError(f"output dir {target} is not empty; pass --overwrite to replace it")
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    try:
        write_folder(name, tmp, **kwargs)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.replace(target, old / "x")
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)
    return target
