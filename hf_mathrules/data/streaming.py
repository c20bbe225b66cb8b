"""Endless rows as a ``datasets.IterableDataset``: nothing is written, memory stays constant.

``num_shards`` stream shards (default 64) take disjoint item indices (shard ``s`` of ``S``: indices
``s, s + S, ...``), so the stream splits cleanly over DataLoader workers and over nodes with
``datasets.distributed.split_dataset_by_node`` (give each node the same ``num_shards``; a multiple of the
world size keeps whole shards per node).  The rows of every shard are a pure function of the parameters.

Shards are endless, so a process does not read its shards one after the other (it would never leave the
first): it takes turns, one row from each of its shards in shard order.  The single-process stream is
therefore row ``k`` from shard ``k mod S``, and under ``torchrun`` (``split_dataset_by_node`` with ``S`` a
multiple of the world size) rank ``r`` reads shards ``r, r + W, ...``: ranks never share an item, and the
first ``m`` rows of each of the ``W`` ranks are together the first ``W * m`` rows of the single-process
stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

import datasets
from datasets.builder import Key
from datasets.iterable_dataset import ExamplesIterable

from ..rules import ConfigError
from . import DEFAULT_RULE
from .builder import FEATURES
from .config import ALL_SPLITS, make_config
from .generation import shard_spec, stream_rows


def _stream_shards(shards: list[dict[str, Any]]) -> Iterator[tuple[Key, dict[str, Any]]]:
    # the shards this process reads, taking turns row by row (they are endless)
    iters = [stream_rows(s["specs"], s["weights"], s["shard"], s["num_shards"]) for s in shards]
    k = 0
    while True:
        for it in iters:
            yield Key(0, k), next(it)
            k += 1


class InterleavedShards(ExamplesIterable):
    """datasets' examples iterable, except that its shards are read in turns, not one after the other."""

    def __iter__(self):
        start = self._state_dict["shard_example_idx"] if self._state_dict else 0
        for key_example in islice(self.generate_examples_fn(**self.kwargs), start, None):
            if self._state_dict:
                self._state_dict["shard_example_idx"] += 1
            yield key_example

    def _same(self, other: ExamplesIterable) -> InterleavedShards:
        return InterleavedShards(other.generate_examples_fn, other.kwargs)

    def shuffle_data_sources(self, generator: Any) -> InterleavedShards:
        return self._same(super().shuffle_data_sources(generator))

    def shard_data_sources(self, num_shards: int, index: int, contiguous: bool = True) -> InterleavedShards:
        return self._same(super().shard_data_sources(num_shards, index, contiguous))

    def reshard_data_sources(self) -> InterleavedShards:
        return self._same(super().reshard_data_sources())


def stream(
    name: str = DEFAULT_RULE,
    split: str = "train",
    *,
    num_shards: int = 64,
    **params: Any,
) -> datasets.IterableDataset:
    """An endless ``IterableDataset`` of one split (train, validation, test, test_ood_level or
    test_ood_vocab) of a rule or mixture.  Parameters as for ``load`` (the n_* sizes are ignored);
    test_ood_vocab cycles through ``levels`` as test does, test_ood_level is level 6."""
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
    return datasets.IterableDataset(
        InterleavedShards(_stream_shards, {"shards": shards}),
        info=datasets.DatasetInfo(features=FEATURES),
    )
