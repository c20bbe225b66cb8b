"""Endless rows as a ``datasets.IterableDataset``: nothing is written, memory stays constant.

``num_shards`` stream shards (default 64) take disjoint item indices (shard ``s`` of ``S``: indices
``s, s + S, ...``), so the stream splits cleanly over DataLoader workers and over nodes with
``datasets.distributed.split_dataset_by_node`` (give each node the same ``num_shards``; a multiple of the
world size keeps whole shards per node).  The rows of every shard are a pure function of the parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import datasets

from ..rules import ConfigError
from .builder import FEATURES
from .config import ALL_SPLITS, make_config
from .generation import shard_spec, stream_rows


def _stream_shards(shards: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    # one shard per entry; with several (after resharding), take turns row by row
    iters = [stream_rows(s["specs"], s["weights"], s["shard"], s["num_shards"]) for s in shards]
    while True:
        for it in iters:
            yield next(it)


def stream(
    name: str = "distributivity",
    split: str = "train",
    *,
    num_shards: int = 64,
    **params: Any,
) -> datasets.IterableDataset:
    """An endless ``IterableDataset`` of one split (train, validation, test, test_ood_level or
    test_ood_vocab) of a rule or mixture.  Parameters as for ``load`` (the n_* sizes are ignored)."""
    config = make_config(name, **params)
    if split not in ALL_SPLITS:
        raise ConfigError(f"unknown split {split!r}; valid: {', '.join(ALL_SPLITS)}")
    if not isinstance(num_shards, int) or isinstance(num_shards, bool) or num_shards < 1:
        raise ConfigError(f"num_shards must be a positive integer, got {num_shards!r}")
    rules = config.rule_list()
    specs = [
        shard_spec(
            rule,
            split,
            0,
            config.seed,
            config.levels,
            config.vocab,
            config.ood_vocab_spec(),
            config.rule_knobs(rule),
        )
        for rule in rules
    ]
    weights = list(config.weights) if config.weights else [1.0] * len(rules)
    shards = [
        {"specs": specs, "weights": weights, "shard": s, "num_shards": num_shards} for s in range(num_shards)
    ]
    return datasets.IterableDataset.from_generator(
        _stream_shards, features=FEATURES, gen_kwargs={"shards": shards}
    )
