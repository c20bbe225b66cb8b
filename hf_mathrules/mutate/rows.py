"""Mutated rows for the datasets builder and streams, in the same shape as the rules' row source
(``hf_mathrules.rules.rows``): the first ``n`` distinct rows of a split, items in index order.

``test_ood_level`` is level 6 (longer chains than any training level), drawn from the test bucket;
``test_ood_vocab`` is the requested levels (as ``test``) with every person renamed to a name never used
in training (the ``rename`` operator's held-out names), also from the test bucket.  Splits come from a
hash of the seed instance, so no evaluation split shares a seed instance with train.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..rules.base import OOD_SPLITS, ConfigError
from .engine import FAMILIES, MutateConfig, MutationEngine

NAME_TO_FAMILY = {v: k for k, v in FAMILIES.items()}


def is_mutated(name: str) -> bool:
    return name in NAME_TO_FAMILY


def engine_for(name: str, level: int, **knobs: Any) -> MutationEngine:
    if name not in NAME_TO_FAMILY:
        raise ConfigError(f"unknown mutated config {name!r}; valid: {', '.join(NAME_TO_FAMILY)}")
    try:
        cfg = MutateConfig(level=level, family=NAME_TO_FAMILY[name], second_opinion="none", **knobs)
    except TypeError as exc:
        raise ConfigError(f"{name}: {exc}") from None
    return MutationEngine(cfg)


def split_rows(
    name: str, split: str, n: int, seed: int = 0, levels: tuple[int, ...] = (3,), knobs: dict | None = None
) -> Iterator[dict[str, Any]]:
    """``n`` distinct rows of ``split`` (levels cycle by item index, as in the rules' shards)."""
    knobs = dict(knobs or {})
    if split == "test_ood_level":
        levels, bucket = (6,), "test"
    elif split in OOD_SPLITS:  # test_ood_vocab: the requested levels, only the names change
        bucket = "test"
    else:
        bucket = split
    engines = [engine_for(name, lv, **knobs) for lv in levels]
    per = [max(1, n // len(engines) + (i < n % len(engines))) for i in range(len(engines))]
    count = 0
    for eng, k in zip(engines, per):
        for row in eng.generate(k, seed=seed, split=bucket):
            if split == "test_ood_vocab":
                row = heldout_names(row)
            row["split"] = split
            yield row
            count += 1
            if count == n:
                return


HELDOUT = ("Xavier", "Yolanda", "Zaid", "Ottilie", "Bartholomew", "Esperanza", "Ingrid", "Thaddeus")


def heldout_names(row: dict[str, Any]) -> dict[str, Any]:
    """The same problem with its people renamed to names the training data never uses."""
    import json
    import re

    from .seeds import NAMES

    meta = json.loads(row["meta"])
    rx = re.compile(r"\b(" + "|".join(NAMES) + r")\b")
    table: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        return table.setdefault(m.group(1), HELDOUT[len(table) % len(HELDOUT)])

    out = dict(row)
    out["prompt"] = rx.sub(sub, row["prompt"])
    out["completion"] = rx.sub(sub, row["completion"])
    meta["heldout_names"] = table
    out["meta"] = json.dumps(meta, sort_keys=True)
    return out
