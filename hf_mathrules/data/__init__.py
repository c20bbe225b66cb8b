"""Datasets layer: the builder, loading and building into the cache, streaming, export and publishing.

Its modules need the ``hub`` extras (``datasets``, ``pyarrow``); the names below are imported on first use,
so ``hf_mathrules.data.curriculum`` (and the rule tests) import without them."""

from __future__ import annotations

import importlib
from typing import Any

DEFAULT_RULE = "distributivity"  # the rule loaded, streamed, trained on and evaluated when none is named
# rows of each split of a dataset (MathRulesConfig's defaults, and those of mathrules build / push dataset);
# n_ood: each out-of-distribution test split (0: leave them out)
SPLIT_ROWS = {"n_train": 10_000, "n_validation": 1_000, "n_test": 1_000, "n_ood": 500}

_HOMES = {
    "FEATURES": "builder",
    "MathRules": "builder",
    "HUB_NAMESPACE": "config",
    "MathRulesConfig": "config",
    "config_names": "config",
    "make_config": "config",
    "mixtures": "config",
    "build_to_cache": "loading",
    "hub_id": "loading",
    "load": "loading",
    "split_rows": "loading",
    "stream": "streaming",
}
__all__ = ["DEFAULT_RULE", "SPLIT_ROWS", *sorted(_HOMES)]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
