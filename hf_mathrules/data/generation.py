"""Rows for the builder and the stream, as shards that need no coordination.

Finite splits: one shard per (rule, split).  A shard scans the rule's item indices in order, exactly as
``Rule.generate`` does (with several levels, index ``i`` uses level ``levels[i % L]``), keeps the rows
of its split and drops repeats, so its rows are distinct.  Rows of different rules can never coincide (the
rule name is part of a problem's identity), so shards are independent: a mixture's shards run in
parallel with ``num_proc`` and the output is the same for any ``num_proc``.  A single rule is one shard
per split (exact de-duplication needs the whole index prefix), so it generates in one process.

Endless streams: shard ``s`` of ``S`` takes item indices ``s, s + S, s + 2S, ...`` of every rule, so
shards never draw the same item and can be spread over workers and nodes.  A stream cannot be
duplicate-free forever over a finite problem space; each shard drops repeats within a bounded window
(constant memory).  Split membership is by problem hash, so no test problem ever appears in train.
"""

from __future__ import annotations

import hashlib
import random
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..rules import OOD_SPLITS, ConfigError, Rule, make_rule, ood_rules
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


def _rules_for(spec: dict[str, Any]) -> tuple[list[Rule], str]:
    """The rule objects a shard cycles through, and the hash bucket its rows come from."""
    split = spec["split"]
    if split in OOD_SPLITS:
        ood_vocab = parse_vocab_spec(spec["ood_vocab"]) if spec["ood_vocab"] else None
        return [ood_rules(spec["rule"], vocab=ood_vocab, **spec["knobs"])[split]], "test"
    vocab = parse_vocab_spec(spec["vocab"]) if spec["vocab"] else None
    return [make_rule(spec["rule"], level=lv, vocab=vocab, **spec["knobs"]) for lv in spec["levels"]], split


def shard_rows(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``n`` distinct rows of one (rule, split) shard, in item-index order."""
    rules, bucket = _rules_for(spec)
    n, seed, split = spec["n"], spec["seed"], spec["split"]
    limit = 30 * n + 2000  # same budget as Rule.generate
    seen: set[str] = set()
    got = 0
    index = 0
    while got < n:
        if index >= limit:
            raise ConfigError(
                f"{spec['rule']}: found only {got} distinct {split} problems in {limit} draws at "
                f"levels {spec['levels']}; ask for fewer rows or raise the level/knobs"
            )
        row = rules[index % len(rules)].item(seed, index)
        index += 1
        if row["split"] != bucket:
            continue
        canonical = row.pop("_canonical")
        if canonical in seen:
            continue
        seen.add(canonical)
        row["split"] = split
        got += 1
        yield row


def stream_rows(
    specs: list[dict[str, Any]], weights: list[float], shard: int, num_shards: int
) -> Iterator[dict[str, Any]]:
    """Endless rows of one stream shard: a weighted, seeded choice of rule per row."""
    per_rule = [_rules_for(s) for s in specs]
    split = specs[0]["split"]
    seed = specs[0]["seed"]
    chooser = random.Random(f"mathrules-stream\x1f{seed}\x1f{shard}\x1f{num_shards}")
    counters = [0] * len(specs)
    recent: OrderedDict[str, None] = OrderedDict()
    while True:
        r = chooser.choices(range(len(specs)), weights)[0] if len(specs) > 1 else 0
        rules, bucket = per_rule[r]
        while True:  # draw from rule r until one row of the split comes out
            k = counters[r]
            counters[r] += 1
            row = rules[k % len(rules)].item(seed, shard + k * num_shards)
            if row["split"] != bucket:
                continue
            canonical = row.pop("_canonical")
            if canonical in recent:
                continue
            recent[canonical] = None
            if len(recent) > STREAM_DEDUPE_WINDOW:
                recent.popitem(last=False)
            row["split"] = split
            yield row
            break
