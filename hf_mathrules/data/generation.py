"""Rows for the builder and the stream, as shards that need no coordination.

Both take their rows from the rules layer's one row source (``hf_mathrules.rules.rows``).

Finite splits: one shard per (rule, split).  A shard is the first ``n`` distinct rows of its split over the
rule's item indices in order, the very rows ``Rule.generate`` returns (with several levels, index ``i``
uses level ``levels[i % L]``).  Rows of different rules can never coincide (the rule name is part of a
problem's identity), so shards are independent: a mixture's shards run in parallel with ``num_proc`` and
the output is the same for any ``num_proc``.  A single rule is one shard per split (exact de-duplication
needs the whole index prefix), so it generates in one process.

Endless streams: shard ``s`` of ``S`` takes item indices ``s, s + S, s + 2S, ...`` of every rule, so
shards never draw the same item and can be spread over workers and nodes.  A stream cannot be
duplicate-free forever over a finite problem space; each shard drops repeats within a bounded window
(constant memory).  Split membership is by problem hash, so no test problem ever appears in train.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..rules import OOD_SPLITS, Rule
from ..rules.rows import SeenProblems, distinct_rows, split_rules, take_rows
from ..vocab import parse_vocab_spec

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# the code that decides what a row contains: any change to it must change the cache hash
GENERATOR_SOURCES = ("rules", "expr", "vocab.py", "data/generation.py", "data/builder.py", "data/config.py")
STREAM_DEDUPE_WINDOW = 100_000  # recent problems remembered per stream shard


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Digest of the package version and the source of every module that shapes a row."""
    h = hashlib.blake2b(digest_size=8)
    h.update(__version__.encode())
    files: list[Path] = []
    for rel in GENERATOR_SOURCES:
        p = PACKAGE_DIR / rel
        files.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    for f in files:
        h.update(f.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def shard_spec(
    rule: str,
    split: str,
    n: int,
    seed: int,
    levels: tuple[int, ...],
    vocab: str | None,
    ood_vocab: str | None,
    knobs: dict[str, Any],
) -> dict[str, Any]:
    """Plain data (picklable, hashable as JSON) describing one shard."""
    return {
        "rule": rule,
        "split": split,
        "n": n,
        "seed": seed,
        "levels": list(levels),
        "vocab": vocab,
        "ood_vocab": ood_vocab,
        "knobs": dict(knobs),
    }


def _rules_for(spec: dict[str, Any]) -> list[Rule]:
    """The rule objects a shard's draws cycle through."""
    split = spec["split"]
    vocab = spec["ood_vocab"] if split in OOD_SPLITS else spec["vocab"]  # parse only the one in use
    vocabulary = parse_vocab_spec(vocab) if vocab else None
    return split_rules(spec["rule"], split, spec["levels"], vocabulary, **spec["knobs"])


def shard_rows(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``n`` distinct rows of one (rule, split) shard, in item-index order."""
    return take_rows(_rules_for(spec), spec["n"], spec["seed"], spec["split"])


def stream_rows(
    specs: list[dict[str, Any]], weights: list[float], shard: int, num_shards: int
) -> Iterator[dict[str, Any]]:
    """Endless rows of one stream shard: a weighted, seeded choice of rule per row."""
    split = specs[0]["split"]
    seed = specs[0]["seed"]
    seen = SeenProblems(STREAM_DEDUPE_WINDOW)  # one window for the shard, whatever the rule
    per_rule = [
        distinct_rows(_rules_for(s), seed, split, start=shard, step=num_shards, seen=seen) for s in specs
    ]
    chooser = random.Random(f"mathrules-stream\x1f{seed}\x1f{shard}\x1f{num_shards}")
    while True:
        r = chooser.choices(range(len(specs)), weights)[0] if len(specs) > 1 else 0
        yield next(per_rule[r])
