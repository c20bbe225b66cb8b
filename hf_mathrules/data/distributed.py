"""Generate a dataset past one machine with datatrove (``pip install 'hf-mathrules[scale]'``).

Two datatrove stages, each run by an executor with ``tasks`` tasks (``LocalPipelineExecutor`` here,
``SlurmPipelineExecutor`` on a cluster, the same pipeline for both):

1. ``GenerateRows``: task ``r`` of ``R`` takes the ``r``-th contiguous piece of every shard's planned index
   range (the expected draws for the shard's ``n`` rows plus a margin), keeps the distinct rows of the
   shard's split among them, and writes them with their 16-byte problem keys through datatrove's
   ``ParquetWriter`` into ``work/<shard>/<rank>.parquet``.
2. ``SelectRows`` (after stage 1): task ``r`` reads the key column of ranks ``0..r`` (16 bytes a row),
   drops its rows whose problem an earlier rank (or an earlier row) kept, stops at the shard's ``n`` rows,
   and writes the kept rows through ``ParquetWriter`` into ``out/<split>/<shard>-<rank>.parquet``; the
   last rank tops a short shard up by drawing on from the end of the planned range.

Read in file-name order, ``out/<split>/`` holds exactly the rows of the local build (``load(...)``), in
the same order: the same de-duplication as ``generation.generate_split``, with ranks as chunks.
``out/README.md`` lists the splits so that ``load_dataset(out)`` loads them.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..rules import ConfigError
from ..rules.rows import distinct_rows, draw_budget, shortfall
from .builder import split_shards
from .config import make_config
from .generation import KEY_BYTES, SCHEMA, _rules_for, bucket_share, cut, is_mutated

try:
    from datatrove.data import Document
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.writers import ParquetWriter
except ImportError:  # pragma: no cover - the optional extra
    PipelineStep = object  # type: ignore[assignment,misc]
    HAVE_DATATROVE = False
else:
    HAVE_DATATROVE = True

KEYED_SCHEMA = SCHEMA.append(pa.field("_key", pa.binary(KEY_BYTES)))


def require_datatrove() -> None:
    if not HAVE_DATATROVE:
        raise ConfigError("the datatrove executors need datatrove: pip install 'hf-mathrules[scale]'")


def planned_draws(spec: dict[str, Any]) -> int:
    """Draws stage 1 spreads over the tasks: the expected number for ``n`` rows with a margin of
    2% + 6 standard deviations (a short shard is topped up by the last task), within the draw budget."""
    expect = spec["n"] / bucket_share(spec["split"])
    return min(draw_budget(spec["n"]), math.ceil(expect * 1.02 + 6 * math.sqrt(expect) + 64))


def job_shards(name: str, **params: Any) -> list[dict[str, Any]]:
    """Every (rule, split) shard of a dataset, in output order, each with its planned draws."""
    config = make_config(name, **params)
    shards = []
    for specs in split_shards(config).values():
        for spec in specs:
            if is_mutated(spec):
                raise ConfigError(
                    f"{spec['rule']}: mutated data is built locally (mathrules build without --executor)"
                )
            shards.append({**spec, "draws": planned_draws(spec)})
    return shards


def _shard_tag(i: int) -> str:
    return f"{i:04d}"


def _keyed_adapter(self: Any, document: Document) -> dict[str, Any]:
    return {**document.metadata["row"], "_key": document.metadata["key"]}


def _row_adapter(self: Any, document: Document) -> dict[str, Any]:
    return document.metadata["row"]


def _document(row: dict[str, Any], i: int, key: bytes | None = None) -> Document:
    meta = {"row": row, "shard": _shard_tag(i), "split": row["split"]}
    if key is not None:
        meta["key"] = key
    return Document(text=row["prompt"], id=row["id"], metadata=meta)


class GenerateRows(PipelineStep):
    """Stage 1: this rank's piece of every shard's index range, distinct rows with their problem keys."""

    name = "mathrules: generate"
    type = "🔢 - GENERATOR"

    def __init__(self, shards: list[dict[str, Any]]) -> None:
        super().__init__()
        self.shards = shards

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        for i, spec in enumerate(self.shards):
            pieces = cut(0, spec["draws"], world_size)
            if rank >= len(pieces):
                continue
            start, stop = pieces[rank]
            rows = distinct_rows(
                _rules_for(spec), spec["seed"], spec["split"], start=start, draws=stop - start, keyed=True
            )
            for key, row in rows:
                self.stat_update("rows")
                yield _document(row, i, key)


def _read(folder: Any, path: str, columns: list[str] | None = None) -> pa.Table | None:
    if not folder.exists(path):
        return None
    with folder.open(path, "rb") as f:
        return pq.read_table(f, columns=columns)


class SelectRows(PipelineStep):
    """Stage 2: this rank's rows minus problems kept before them, up to each shard's ``n``; the last
    rank tops a short shard up."""

    name = "mathrules: drop repeats across ranks"
    type = "🫂 - DEDUP"

    def __init__(self, shards: list[dict[str, Any]], work_dir: str) -> None:
        super().__init__()
        self.shards = shards
        self.work_dir = work_dir

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        from datatrove.io import get_datafolder

        work = get_datafolder(self.work_dir)
        for i, spec in enumerate(self.shards):
            n, seen, got = spec["n"], set(), 0
            for r in range(rank + 1):
                path = f"{_shard_tag(i)}/{r:05d}.parquet"
                table = _read(work, path, None if r == rank else ["_key"])
                if table is None:
                    continue
                keep = []
                for pos, key in enumerate(table.column("_key").to_pylist()):
                    if got == n:
                        break
                    if key in seen:
                        continue
                    seen.add(key)
                    got += 1
                    keep.append(pos)
                if r == rank and keep:
                    rows = table.drop_columns(["_key"]).take(pa.array(keep, type=pa.int64()))
                    for row in rows.to_pylist():
                        self.stat_update("rows")
                        yield _document(row, i)
            if rank == world_size - 1 and got < n:
                yield from self._top_up(spec, i, seen, got)

    def _top_up(self, spec: dict[str, Any], i: int, seen: set[bytes], got: int) -> Iterator[Document]:
        from ..rules.rows import SeenProblems

        class Seen(SeenProblems):  # the keys kept by every rank, then this pass's own
            def add(self, key: str) -> bool:  # type: ignore[override]
                if key in seen:
                    return False
                seen.add(key)
                return True

        rules = _rules_for(spec)
        limit = draw_budget(spec["n"])
        start = spec["draws"]
        rows = distinct_rows(
            rules, spec["seed"], spec["split"], start=start, draws=limit - start, seen=Seen(), keyed=True
        )
        for _key, row in rows:
            if got == spec["n"]:
                return
            got += 1
            self.stat_update("rows", "top_up")
            yield _document(row, i)
        if got < spec["n"]:
            raise shortfall(rules, got, limit, spec["split"])


def pipelines(shards: list[dict[str, Any]], work_dir: str, output_dir: str) -> tuple[list, list]:
    """The two stages' pipelines (steps and writers)."""
    require_datatrove()
    stage1 = [
        GenerateRows(shards),
        ParquetWriter(
            work_dir,
            output_filename="${shard}/${rank}.parquet",
            adapter=_keyed_adapter,
            schema=KEYED_SCHEMA,
            max_file_size=-1,  # exact file names: stage 2 reads them
        ),
    ]
    stage2 = [
        SelectRows(shards, work_dir),
        ParquetWriter(
            output_dir,
            output_filename="${split}/${shard}-${rank}.parquet",
            adapter=_row_adapter,
            schema=SCHEMA,
        ),
    ]
    return stage1, stage2


def card(name: str, splits: list[str]) -> str:
    """A README.md whose ``configs:`` make ``load_dataset(folder)`` read the splits in file order."""
    lines = ["---", "configs:", "- config_name: default", "  default: true", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {split}", f"    path: {split}/*.parquet"]
    lines += [
        "---",
        "",
        f"# {name}",
        "",
        "Generated by hf_mathrules on datatrove (`mathrules build --executor`).",
        "",
    ]
    return "\n".join(lines)


def build_distributed(
    name: str,
    output_dir: str | os.PathLike,
    *,
    executor: str = "local",
    tasks: int = 4,
    workers: int = -1,
    work_dir: str | os.PathLike | None = None,
    slurm: dict[str, Any] | None = None,
    **params: Any,
) -> Path:
    """Generate ``name`` with datatrove into ``output_dir`` (``<split>/*.parquet`` plus README.md): the
    rows of the local build.  ``executor`` is ``local`` (``workers`` processes at a time) or ``slurm``
    (``slurm``: keyword arguments of ``SlurmPipelineExecutor`` such as partition and time; the call
    returns after submitting, the output is complete when the second job array ends)."""
    require_datatrove()
    from datatrove.executor import LocalPipelineExecutor, SlurmPipelineExecutor

    if not isinstance(tasks, int) or tasks < 1:
        raise ConfigError(f"tasks must be a positive integer, got {tasks!r}")
    shards = job_shards(name, **params)
    out = Path(output_dir)
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"output dir {out} is not empty")
    work = Path(work_dir) if work_dir else out.parent / f".{out.name}.work"
    if work.exists():
        shutil.rmtree(work)
    stage1, stage2 = pipelines(shards, str(work / "rows"), str(out))
    logs = work / "logs"
    if executor == "local":
        first = LocalPipelineExecutor(
            stage1, tasks=tasks, workers=workers, logging_dir=str(logs / "generate")
        )
        second = LocalPipelineExecutor(
            stage2, tasks=tasks, workers=workers, logging_dir=str(logs / "select"), depends=first
        )
    elif executor == "slurm":
        opts = {"time": "04:00:00", "partition": "cpu", **(slurm or {})}
        first = SlurmPipelineExecutor(
            stage1,
            tasks=tasks,
            workers=workers,
            logging_dir=str(logs / "generate"),
            job_name="mathrules-gen",
            **opts,
        )
        second = SlurmPipelineExecutor(
            stage2,
            tasks=tasks,
            workers=workers,
            logging_dir=str(logs / "select"),
            job_name="mathrules-select",
            depends=first,
            **opts,
        )
    else:
        raise ConfigError(f"executor must be local or slurm, got {executor!r}")
    second.run()
    out.mkdir(parents=True, exist_ok=True)
    splits = list(dict.fromkeys(s["split"] for s in shards))
    (out / "README.md").write_text(card(name, splits), encoding="utf-8")
    if executor == "local":
        shutil.rmtree(work, ignore_errors=True)
    return out


def read_output(output_dir: str | os.PathLike, split: str) -> pa.Table:
    """One split of a ``build_distributed`` folder, files in name order."""
    files = sorted(Path(output_dir, split).glob("*.parquet"))
    return pa.concat_tables([pq.read_table(f, schema=SCHEMA) for f in files])
