"""`mathrules build` in fresh processes: offline load by the Hub-style id, the exported folder and its card."""

import subprocess
import sys

import datasets
import pytest
from hub_server import client_env

from hf_mathrules.data import load
from hf_mathrules.data.streaming import stream

SIZES = ["--n-train", "50", "--n-validation", "20", "--n-test", "20", "--n-ood", "10"]


def run(args, env, **kw):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, **kw)


def test_build_then_offline_load_in_fresh_process(tmp_path):
    env = client_env(str(tmp_path))
    r = run(
        [sys.executable, "-m", "hf_mathrules.cli", "build", "distributivity", *SIZES, "--num-proc", "2"], env
    )
    assert r.returncode == 0, r.stderr
    code = (
        "from datasets import load_dataset\n"
        "d = load_dataset('hf_mathrules/distributivity')\n"
        "t = load_dataset('hf_mathrules/distributivity', split='test')\n"
        "print(sorted(d), len(d['train']), len(t), t[0]['split'])\n"
    )
    r = run([sys.executable, "-c", code], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0] == (
        "['test', 'test_ood_level', 'test_ood_vocab', 'train', 'validation'] 50 20 test"
    )


def test_output_dir_loads_and_card_has_every_field(tmp_path):
    out = tmp_path / "out"
    env = client_env(str(tmp_path))
    args = [sys.executable, "-m", "hf_mathrules.cli", "build", "distributivity", *SIZES, "--seed", "4"]
    r = run([*args, "--output-dir", str(out), "--validate-sample", "10"], env)
    assert r.returncode == 0, r.stderr
    ds = datasets.load_dataset(str(out))
    ref = load(
        "distributivity", cache_dir=tmp_path / "ref", seed=4, n_train=50, n_validation=20, n_test=20, n_ood=10
    )
    for split in ref:
        assert ds[split].to_list() == ref[split].to_list()
    card = (out / "README.md").read_text()
    for needle in (
        "license: apache-2.0",
        "task_categories:",
        "size_categories:",
        "configs:",
        "config_name: default",
        "dataset_info:",
        "- name: steps",
        "tags:",
        "## Example row",
        "## How it was generated and validated",
        "10/10 valid (100.00%)",
        "## Splits and their leakage guarantee",
        "## How to regenerate it",
        "mathrules build distributivity --n-train 50",
        "arXiv:2410.16973",
        "Neuro-Symbolic Data Generation for Math Reasoning",
        "Expand products over sums",
    ):
        assert needle in card, needle
    # an existing folder is not replaced silently
    r = run([*args, "--output-dir", str(out)], env)
    assert r.returncode == 2 and "--overwrite" in r.stderr and "Traceback" not in r.stderr


def test_cli_errors_are_one_line(tmp_path):
    env = client_env(str(tmp_path))
    for extra, needle in (
        (["nope"], "valid configs: distributivity"),
        (["distributivity", "--level", "9"], "levels"),
        (["distributivity", "--knob", "n_terms=40"], "n_terms"),
        (["distributivity", "--weights", "1"], "--mix"),
    ):
        r = run([sys.executable, "-m", "hf_mathrules.cli", "build", *extra], env)
        assert r.returncode == 2 and needle in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = run([sys.executable, "-m", "hf_mathrules.cli", "build", "--help"], env)
    assert "HF_HUB_OFFLINE=1" in r.stdout and "23 s" in r.stdout


def test_stream_is_endless_deterministic_and_splits_over_nodes():
    from itertools import islice

    from datasets.distributed import split_dataset_by_node

    ds = stream("distributivity", "validation", num_shards=4, levels=(2,))
    a = list(islice(ds, 30))
    assert a == list(islice(ds, 30)) and {r["split"] for r in a} == {"validation"}
    nodes = [split_dataset_by_node(ds, rank, 2) for rank in range(2)]
    import json

    idx = [{json.loads(r["meta"])["index"] for r in islice(n, 40)} for n in nodes]
    assert not idx[0] & idx[1]
    with pytest.raises(ValueError, match="split"):
        stream("distributivity", "dev")


def test_test_ood_vocab_is_drawn_at_the_config_levels(tmp_path):
    import json
    from itertools import islice

    from hf_mathrules.data.loading import split_rows
    from hf_mathrules.vocab import parse_vocab_spec, words

    def names(rows):
        return set().union(*(json.loads(r["meta"])["variables"] for r in rows))

    # the built dataset: test_ood_vocab cycles through the levels like test, with held-out word names
    out = tmp_path / "out"
    sizes = ["--n-train", "0", "--n-validation", "0", "--n-test", "6", "--n-ood", "6"]
    args = ["build", "distributivity", *sizes, "--level", "1", "2", "--output-dir", str(out)]
    r = run([sys.executable, "-m", "hf_mathrules.cli", *args], client_env(str(tmp_path)))
    assert r.returncode == 0, r.stderr
    ds = datasets.load_dataset(str(out))
    ood = ds["test_ood_vocab"].to_list()
    assert {row["difficulty"] for row in ood} == {row["difficulty"] for row in ds["test"]} == {1, 2}
    assert names(ood) <= set(words().names) and not names(ds["test"]) & set(words().names)
    assert {row["difficulty"] for row in ds["test_ood_level"]} == {6}
    assert "drawn at this\nconfig's levels (1, 2), like `test`" in (out / "README.md").read_text()

    # the rows training and evaluation read, and the stream: the requested level, held-out names
    rows = list(split_rows("distributivity", "test_ood_vocab", levels=(3,), n_ood=5, vocab="letters@train:8"))
    assert {row["difficulty"] for row in rows} == {3}
    assert names(rows) <= set(parse_vocab_spec("letters@heldout:8").names)
    streamed = list(islice(stream("distributivity", "test_ood_vocab", num_shards=2, levels=(4,)), 6))
    assert {row["difficulty"] for row in streamed} == {4} and names(streamed) <= set(words().names)
