"""Rows for the builder and the stream: finite splits generated in parallel chunks, endless streams in
shards that need no coordination.

Both take their rows from the rules layer's one row source (``hf_mathrules.rules.rows``).

Finite splits: one shard spec per (rule, split).  A shard is the first ``n`` distinct rows of its split over
the rule's item indices in order, the very rows ``Rule.generate`` returns (with several levels, index ``i``
uses level ``levels[i % L]``); ``shard_rows`` is that definition, one process, row by row.
``generate_split`` produces the same rows with ``num_proc`` processes: each shard's index range is cut into
contiguous chunks, each chunk is generated apart (repeats dropped within the chunk) into an Arrow file
together with the 16-byte key of every row it kept; then a cheap pass in the parent walks each shard's
chunks in index order, drops every row whose key an earlier chunk kept, and stops at ``n`` rows.  The
first round draws the expected number of items for ``n`` rows (the split's share of the problem-hash
buckets, plus a small margin); when repeats leave the shard short, further rounds top it up from where the
last one stopped, sized by the rate seen so far.  The draw budget is the single-process one, so a shard
that cannot be filled fails with the same error.  Rows of different rules never coincide (the rule name is
part of a problem's identity), so shards are independent.  Mutation-generated configs (``mutated_*``) come
from ``hf_mathrules.mutate.rows`` in one process.

Endless streams: shard ``s`` of ``S`` takes item indices ``s, s + S, s + 2S, ...`` of every rule, so
shards never draw the same item and can be spread over workers and nodes.  A stream cannot be
duplicate-free forever over a finite problem space; each shard drops repeats within a bounded window
(constant memory).  Split membership is by problem hash, so no test problem ever appears in train.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import random
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..rules import OOD_SPLITS, Rule
from ..rules.base import SPLIT_BOUNDS, split_rules
from ..rules.rows import (
    SeenProblems,
    bucket_of,
    distinct_rows,
    draw_budget,
    shortfall,
    take_rows,
)
from ..vocab import parse_vocab_spec

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa


@lru_cache(maxsize=1)
def features() -> datasets.Features:
    """The rows' ``datasets.Features`` (``FEATURES``), built on first use: the rows themselves
    (``shard_rows``, ``stream_rows``) need neither ``datasets`` nor ``pyarrow``."""
    import datasets

    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "rule": datasets.Value("string"),
            "split": datasets.Value("string"),
            "difficulty": datasets.Value("int32"),
            "prompt": datasets.Value("string"),
            "completion": datasets.Value("string"),
            "problem": datasets.Value("string"),
            "answer": datasets.Value("string"),
            "steps": datasets.List(datasets.Value("string")),
            "meta": datasets.Value("string"),
        }
    )


@lru_cache(maxsize=1)
def schema() -> pa.Schema:
    """The Arrow schema of ``features()`` (``SCHEMA``)."""
    return features().arrow_schema


def __getattr__(name: str) -> Any:
    if name == "FEATURES":
        return features()
    if name == "SCHEMA":
        return schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


BATCH_ROWS = 10_000  # rows per Arrow record batch
MIN_CHUNK_DRAWS = 256  # a shard's round is cut into chunks of at least this many draws
CHUNKS_PER_PROC = 4
AUTO_PARALLEL_DRAWS = 50_000  # with num_proc unset, a split this large uses every core
KEY_BYTES = 16  # problem_key size

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


def is_mutated(spec: dict[str, Any]) -> bool:
    from ..mutate.rows import is_mutated as mutated_name

    return mutated_name(spec["rule"])


def shard_rows(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``n`` distinct rows of one (rule, split) shard, in item-index order: the definition that
    ``generate_split`` reproduces in parallel."""
    if is_mutated(spec):
        from ..mutate.rows import split_rows

        return split_rows(
            spec["rule"], spec["split"], spec["n"], spec["seed"], tuple(spec["levels"]), spec["knobs"]
        )
    return take_rows(_rules_for(spec), spec["n"], spec["seed"], spec["split"])


# -- finite splits in parallel ------------------------------------------------------------------------------
def record_batch(rows: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    """Rows as one Arrow record batch of the dataset's schema (one column at a time, no per-row encoding)."""
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(
        [pa.array([r[f.name] for r in rows], type=f.type) for f in schema()], schema=schema()
    )


def row_batches(rows: Iterator[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield record_batch(batch)
            batch = []
    if batch:
        yield record_batch(batch)


def generate_chunk(task: tuple[dict[str, Any], int, int, str]) -> tuple[bytes, int]:
    """Items ``start..stop-1`` of a shard: the distinct rows of its split among them, written to the Arrow
    file ``path``; returns the rows' problem keys (concatenated, in row order) and the row count."""
    spec, start, stop, path = task
    keys: list[bytes] = []
    rows = distinct_rows(
        _rules_for(spec), spec["seed"], spec["split"], start=start, draws=stop - start, keyed=True
    )

    def unkeyed() -> Iterator[dict[str, Any]]:
        for key, row in rows:
            keys.append(key)
            yield row

    import pyarrow as pa

    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, schema()) as writer:
        for batch in row_batches(unkeyed()):
            writer.write_batch(batch)
    return b"".join(keys), len(keys)


@dataclass
class Chunk:
    """One generated piece of a shard and, after the merge, which of its rows the shard keeps."""

    path: str
    start: int
    stop: int
    keep: array = field(default_factory=lambda: array("q"))  # row positions kept, ascending
    rows: int = 0  # rows in the file


@dataclass
class ShardPlan:
    spec: dict[str, Any]
    limit: int  # draw budget, as in a single pass
    cursor: int = 0  # next item index to draw
    got: int = 0  # rows kept so far
    chunks: list[Chunk] = field(default_factory=list)
    seen: set[bytes] = field(default_factory=set)

    @property
    def need(self) -> int:
        return self.spec["n"] - self.got

    def next_draws(self) -> int:
        """Draws for the next round: expected for the rows still needed, with a margin."""
        if self.got:
            rate = self.got / self.cursor
        elif self.cursor:
            rate = 1 / self.cursor  # nothing yet: a tiny problem space, draw up to the budget
        else:
            rate = bucket_share(self.spec["split"])
        expect = self.need / rate
        draws = math.ceil(expect * 1.01 + 4 * math.sqrt(expect) + 32)
        return max(1, min(draws, self.limit - self.cursor))


def bucket_share(split: str) -> float:
    """The share of items whose problem hash falls in ``split``'s bucket."""
    bucket = bucket_of(split)
    lo = 0
    for hi, name in SPLIT_BOUNDS:
        if name == bucket:
            return (hi - lo) / 1000
        lo = hi
    return 1.0


def cut(start: int, stop: int, parts: int) -> list[tuple[int, int]]:
    """``[start, stop)`` in ``parts`` contiguous pieces of (nearly) equal size, none empty."""
    parts = max(1, min(parts, stop - start))
    size, extra = divmod(stop - start, parts)
    out, a = [], start
    for i in range(parts):
        b = a + size + (i < extra)
        out.append((a, b))
        a = b
    return out


def merge_chunk(plan: ShardPlan, chunk: Chunk, keys: bytes) -> None:
    """Keep the chunk's rows whose problems no earlier chunk kept, up to the shard's ``n``."""
    chunk.rows = len(keys) // KEY_BYTES
    for pos in range(chunk.rows):
        if plan.got == plan.spec["n"]:
            break
        key = keys[pos * KEY_BYTES : (pos + 1) * KEY_BYTES]
        if key in plan.seen:
            continue
        plan.seen.add(key)
        chunk.keep.append(pos)
        plan.got += 1


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def auto_num_proc(specs: list[dict[str, Any]]) -> int:
    """Processes for a split when none were asked for: every core once the split needs enough draws to
    be worth the processes' start-up, else this process alone."""
    draws = sum(s["n"] / bucket_share(s["split"]) for s in specs if not is_mutated(s))
    return cores() if draws >= AUTO_PARALLEL_DRAWS else 1


def _pool(num_proc: int):
    return multiprocessing.get_context().Pool(num_proc)


def generate_split(
    specs: list[dict[str, Any]], num_proc: int, workdir: str | os.PathLike
) -> list[ShardPlan | None]:
    """Generate every shard of ``specs`` with ``num_proc`` processes into Arrow files under ``workdir``;
    ``read_shard(spec, plan)`` then gives each shard's rows, the rows of ``shard_rows``.  The plans are
    in the order of ``specs``; a mutated shard has None (``read_shard`` generates it)."""
    all_plans = [None if is_mutated(spec) else ShardPlan(spec, draw_budget(spec["n"])) for spec in specs]
    plans = [p for p in all_plans if p is not None]
    pool = None
    try:
        rounds = 0
        while True:
            active = [p for p in plans if p.need > 0 and p.cursor < p.limit]
            if not active:
                break
            tasks: list[tuple[ShardPlan, Chunk, tuple]] = []
            for plan in active:
                draws = plan.next_draws()
                # a few chunks per process, so that a slow chunk does not hold the others up
                parts = min(num_proc * CHUNKS_PER_PROC, max(1, draws // MIN_CHUNK_DRAWS))
                for a, b in cut(plan.cursor, plan.cursor + draws, parts):
                    path = os.path.join(str(workdir), f"{plans.index(plan)}-{a}.arrow")
                    tasks.append((plan, Chunk(path, a, b), (plan.spec, a, b, path)))
                plan.cursor += draws
            if num_proc > 1 and len(tasks) > 1:
                pool = pool or _pool(num_proc)
                results = pool.imap(generate_chunk, [t[2] for t in tasks])
            else:
                results = map(generate_chunk, [t[2] for t in tasks])
            for (plan, chunk, _), (keys, _n) in zip(tasks, results):
                plan.chunks.append(chunk)
                merge_chunk(plan, chunk, keys)
            rounds += 1
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    for plan in plans:
        plan.seen = set()  # the merge is done: free the keys
        if plan.need > 0:
            raise shortfall(_rules_for(plan.spec), plan.got, plan.limit, plan.spec["split"])
    return all_plans


def read_shard(spec: dict[str, Any], plan: ShardPlan | None) -> Iterator[pa.RecordBatch]:
    """A shard's rows as record batches: from ``plan``'s chunk files, or (no plan: a mutated shard, or a
    builder used without ``generate_split``) generated here in one process."""
    if plan is None:
        yield from row_batches(shard_rows(spec))
        return
    import pyarrow as pa

    for chunk in plan.chunks:
        if not chunk.keep:
            continue
        whole = len(chunk.keep) == chunk.rows
        with pa.memory_map(chunk.path) as source:
            reader = pa.ipc.open_file(source)
            offset = 0
            for i in range(reader.num_record_batches):
                batch = reader.get_batch(i)
                lo, hi = offset, offset + batch.num_rows
                offset = hi
                if whole:
                    yield batch
                    continue
                a, b = bisect_left(chunk.keep, lo), bisect_left(chunk.keep, hi)
                if b - a == batch.num_rows:
                    yield batch
                elif b > a:
                    yield batch.take(pa.array([k - lo for k in chunk.keep[a:b]], type=pa.int64()))
                if b == len(chunk.keep):
                    break


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
