"""Scale: the build is the same for any num_proc (single rule and mixture, every split), the datatrove
pipeline (LocalPipelineExecutor, 4 tasks, 2 workers) writes the local build's rows, and the stream splits
over torchrun ranks into disjoint items whose union is the single-process stream."""

import hashlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hf_mathrules.data import MathRules, split_rows
from hf_mathrules.data import generation as gen
from hf_mathrules.data.streaming import stream
from hf_mathrules.rules import ConfigError

HERE = Path(__file__).resolve().parent
SPLITS = ("train", "validation", "test", "test_ood_level", "test_ood_vocab")
SINGLE = dict(levels=(1, 2), n_train=800, n_validation=100, n_test=100, n_ood=20)
MIXTURE = dict(
    rules=("distributivity", "factorization", "commutativity"),
    weights=(2, 1, 1),
    levels=(2,),
    n_train=1200,
    n_validation=120,
    n_test=120,
    n_ood=30,
)


def digest(rows) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True).encode() + b"\n")
    return h.hexdigest()


@pytest.mark.parametrize(
    "name, params", [("distributivity", SINGLE), ("mix", MIXTURE)], ids=["rule", "mixture"]
)
def test_build_identical_for_num_proc_1_2_3(tmp_path, name, params):
    reference = {s: digest(split_rows(name, s, **params)) for s in SPLITS}
    for num_proc in (1, 2, 3):
        config = "all" if "rules" in params else name
        builder = MathRules(cache_dir=str(tmp_path / str(num_proc)), config_name=config, **params)
        builder.download_and_prepare(num_proc=num_proc)
        ds = builder.as_dataset()
        assert {s: digest(ds[s]) for s in SPLITS} == reference, f"num_proc={num_proc}"


def test_parallel_chunks_drop_repeats_across_chunks_and_top_up(tmp_path):
    # a small problem space: many repeats fall across chunk boundaries, several top-up rounds
    spec = gen.shard_spec("distributivity", "train", 400, 0, (1,), "list:a,b,c,d,e", None, {})
    plans = gen.generate_split([spec], 3, tmp_path)
    rows = [r for b in gen.read_shard(spec, plans[0]) for r in b.to_pylist()]
    assert rows == list(gen.shard_rows(spec))
    assert len(plans[0].chunks) > 3  # more than one round
    assert sum(c.rows for c in plans[0].chunks) > len(rows)  # repeats across chunks were dropped


def test_parallel_shortfall_is_the_single_process_error(tmp_path):
    spec = gen.shard_spec("distributivity", "train", 400, 0, (1,), "list:a,b,c", None, {})
    with pytest.raises(ConfigError) as single:
        list(gen.shard_rows(spec))
    with pytest.raises(ConfigError) as parallel:
        gen.generate_split([spec], 2, tmp_path)
    assert str(parallel.value) == str(single.value)


def test_datatrove_local_executor_writes_the_local_build(tmp_path):
    pytest.importorskip("datatrove")
    from hf_mathrules.data.distributed import build_distributed, read_output

    out = build_distributed("mix", tmp_path / "out", executor="local", tasks=4, workers=2, **MIXTURE)
    for split in SPLITS:
        assert digest(read_output(out, split).to_pylist()) == digest(split_rows("mix", split, **MIXTURE)), (
            split
        )
    assert "path: test_ood_vocab/*.parquet" in (out / "README.md").read_text()


def test_cli_executor_needs_output_dir(capsys):
    from hf_mathrules.cli import main

    assert main(["build", "distributivity", "--executor", "local"]) == 2
    assert "--output-dir" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("torchrun") is None, reason="needs torch's torchrun")
def test_stream_under_torchrun_ranks_are_disjoint_and_union_is_the_stream(tmp_path):
    m, shards = 40, 4
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_addr",
        "127.0.0.1",
        "--master_port",
        str(_free_port()),
        str(HERE / "stream_rank.py"),
        str(tmp_path),
        str(m),
        str(shards),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=150, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{i}.json").read_text()) for i in range(2)]
    indices = [{index for _, index in rows} for rows in ranks]
    assert not indices[0] & indices[1]  # no item read by both ranks
    single = itertools.islice(stream("distributivity", num_shards=shards, levels=(2,)), 2 * m)
    expected = sorted(r["id"] for r in single)
    assert sorted(row_id for rows in ranks for row_id, _ in rows) == expected


def test_mutated_config_builds_with_num_proc(tmp_path):
    from hf_mathrules.data import load

    params = dict(n_train=12, n_validation=0, n_test=0, n_ood=0)
    ds = load("mutated_word_problems", "train", cache_dir=tmp_path, num_proc=2, **params)
    assert ds.to_list() == list(split_rows("mutated_word_problems", "train", **params))
    assert set(ds["rule"]) == {"mutated_word_problems"} and len(ds) == 12
