"""Prepare the builder into the datasets cache under the Hub-style id, and load it back; or read one
split's rows straight from the builder's shards (``split_rows``, what training and evaluation use).

After ``build_to_cache("distributivity")`` a plain ``datasets.load_dataset("hf_mathrules/distributivity")``
in any later process finds the data: datasets falls back to its cache when the Hub has no such repo or
cannot be reached.  Set ``HF_HUB_OFFLINE=1`` for that call: without it, when the Hub cannot be reached,
huggingface_hub retries for about 23 seconds (5 tries with backoff) before datasets falls back to the
cache.  The most recently built parameters of an id are the ones a plain ``load_dataset(id)`` returns.

A build is prepared in a temporary folder inside the cache and renamed into place when complete, so a
failed or interrupted build (even a killed process) never leaves a half-written entry under the id.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets

from ..rules import OOD_SPLITS, ConfigError
from . import DEFAULT_RULE
from .builder import MathRules, split_shards
from .config import HUB_NAMESPACE, VERSION, MathRulesConfig, make_config
from .generation import code_hash, shard_rows

CACHE_CONFIG_NAME = "default"  # what load_dataset(id) picks when no config is named


def hub_id(name: str) -> str:
    return name if "/" in name else f"{HUB_NAMESPACE}/{name}"


def entry_hash(config: MathRulesConfig) -> str:
    """Cache hash of one build: package version + generator source + generation parameters."""
    return hashlib.blake2b(f"{code_hash()}\x1f{config.params_digest()}".encode(), digest_size=8).hexdigest()


def _builder(config: MathRulesConfig, repo_id: str, cache_dir: str) -> MathRules:
    params = config.params()
    params["rules"] = tuple(params["rules"])
    params["levels"] = tuple(params["levels"])
    if params["weights"] is not None:
        params["weights"] = tuple(params["weights"])
    return MathRules(
        cache_dir=cache_dir,
        dataset_name=repo_id.split("/")[-1],
        repo_id=repo_id,
        hash=entry_hash(config),
        config_id=CACHE_CONFIG_NAME,
        name=CACHE_CONFIG_NAME,
        **params,
    )


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    return Path(os.path.expanduser(str(cache_dir or datasets.config.HF_DATASETS_CACHE)))


def build_to_cache(
    name: str,
    *,
    repo_id: str | None = None,
    num_proc: int | None = None,
    cache_dir: str | os.PathLike | None = None,
    **params: Any,
) -> Path:
    """Generate ``name`` (a rule, a mixture, or any name with ``rules=[...]``) into the datasets cache
    under ``repo_id`` (default ``hf_mathrules/<name>``); returns the entry's folder.  Parameters are the
    fields of ``MathRulesConfig`` (n_train, n_validation, n_test, n_ood, seed, levels, vocab, ood_vocab,
    knobs, rules, weights); they are checked before anything is generated.  ``num_proc``: processes
    generating each split (None: every core for a split of 50k+ draws); the rows do not depend on it."""
    config = make_config(name, **params)
    repo_id = hub_id(repo_id or name)
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise ConfigError(f"repo id must look like namespace/name, got {repo_id!r}")
    if num_proc is not None and (not isinstance(num_proc, int) or num_proc < 1):
        raise ConfigError(f"num_proc must be a positive integer, got {num_proc!r}")
    root = cache_root(cache_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = Path(_builder(config, repo_id, str(root)).cache_dir)
    if (final / "dataset_info.json").is_file():
        os.utime(final)  # the latest build is what a plain load_dataset(id) picks
        return final
    tmp_root = tempfile.mkdtemp(prefix=".mathrules-build-", dir=root)
    try:
        builder = _builder(config, repo_id, tmp_root)
        try:
            builder.download_and_prepare(num_proc=num_proc)
        except datasets.exceptions.DatasetGenerationError as exc:
            raise _user_error(exc) from exc
        built = Path(builder.cache_dir)
        final.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError, OSError):
            os.rename(built, final)  # atomic on one file system; a concurrent twin may have won
        if not (final / "dataset_info.json").is_file():
            raise OSError(f"could not move the built dataset into {final}")
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    return final


def _user_error(exc: BaseException) -> BaseException:
    """The ``ConfigError`` behind datasets' generic "An error occurred while generating" (a parameter
    that only shows as wrong part-way, e.g. more rows than distinct problems), else ``exc`` itself."""
    seen = exc
    while seen is not None:
        if isinstance(seen, ConfigError):
            return ConfigError(str(seen))
        seen = seen.__cause__ or seen.__context__
    return exc


def load(
    name: str = DEFAULT_RULE,
    split: str | None = None,
    *,
    repo_id: str | None = None,
    num_proc: int | None = None,
    cache_dir: str | os.PathLike | None = None,
    **params: Any,
) -> datasets.DatasetDict | datasets.Dataset:
    """Build (or reuse) ``name`` and return its splits: train, validation, test, test_ood_level (level 6)
    and test_ood_vocab (held-out names at ``levels``, like test) (a ``Dataset`` when ``split`` is given).
    ``hf_mathrules.load`` is this function."""
    build_to_cache(name, repo_id=repo_id, num_proc=num_proc, cache_dir=cache_dir, **params)
    config = make_config(name, **params)
    builder = _builder(config, hub_id(repo_id or name), str(cache_root(cache_dir)))
    if split is not None and split not in config.split_sizes():
        raise ConfigError(f"unknown split {split!r}; this dataset has {', '.join(config.split_sizes())}")
    return builder.as_dataset(split=split)


def size_param(split: str) -> str:
    """The parameter that sets a split's size: ``n_train``, ``n_validation``, ``n_test`` or ``n_ood``."""
    return "n_ood" if split in OOD_SPLITS else f"n_{split}"


def split_rows(name: str = DEFAULT_RULE, split: str = "train", **params: Any) -> Iterator[dict[str, Any]]:
    """The rows of ``load(name, split, **params)``, in the same order, generated lazily in this process
    from the builder's own shards; the cache is neither read nor written.  Parameters are checked now."""
    config = make_config(name, **params)
    shards = split_shards(config)
    if split not in shards:
        raise ConfigError(f"unknown split {split!r}; this dataset has {', '.join(config.split_sizes())}")
    return itertools.chain.from_iterable(shard_rows(spec) for spec in shards[split])


__all__ = [
    "CACHE_CONFIG_NAME",
    "VERSION",
    "build_to_cache",
    "cache_root",
    "entry_hash",
    "hub_id",
    "load",
    "size_param",
    "split_rows",
]
