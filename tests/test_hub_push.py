"""The real upload path: huggingface_hub / datasets / evaluate client code in subprocesses (HF_ENDPOINT,
HF_TOKEN, HF_HUB_DISABLE_XET set before import) against the Hub test double in tests/hub_server.py."""

import subprocess
import sys
from pathlib import Path

import pytest
from hub_server import HubServer, client_env

from hf_mathrules.data import load

TOKEN = "hf_TESTtoken_do_not_print_4242"
SIZES = [
    "--n-train",
    "50",
    "--n-validation",
    "20",
    "--n-test",
    "20",
    "--n-ood",
    "10",
    "--validate-sample",
    "5",
]
METRIC = Path(__file__).resolve().parents[1] / "metrics" / "sympy_equivalence"


def run(args, env, cwd=None):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=cwd)


def mathrules(*args):
    return [sys.executable, "-m", "hf_mathrules.cli", *args]


@pytest.fixture
def hub():
    with HubServer() as server:
        yield server


def test_push_dataset_then_load_it_back_by_id(hub, tmp_path):
    env = client_env(str(tmp_path / "pusher"), hub.url, HF_TOKEN=TOKEN)
    r = run(mathrules("push", "dataset", "distributivity", *SIZES, "--seed", "5"), env)
    assert r.returncode == 0, r.stderr
    assert TOKEN not in r.stdout + r.stderr
    repo = hub.state.repos[("dataset", "hf_mathrules/distributivity")]
    assert len(repo.commits) == 2  # creation + exactly one upload commit
    files = repo.head().files
    assert "README.md" in files and files["data/train-00000-of-00001.parquet"].lfs
    assert TOKEN.encode() not in files["README.md"].data
    assert any(h == f"Bearer {TOKEN}" for h in hub.state.auth_headers)

    # a fresh process with an empty cache loads the pushed parquet by the same id
    reader = client_env(str(tmp_path / "reader"), hub.url)
    code = (
        "from datasets import load_dataset\n"
        "import json\n"
        "d = load_dataset('hf_mathrules/distributivity')\n"
        "print(json.dumps({s: d[s].to_list() for s in d}))\n"
    )
    r = run([sys.executable, "-c", code], reader)
    assert r.returncode == 0, r.stderr
    import json

    pulled = json.loads(r.stdout.strip().splitlines()[-1])
    ref = load(
        "distributivity", cache_dir=tmp_path / "ref", seed=5, n_train=50, n_validation=20, n_test=20, n_ood=10
    )
    assert sorted(pulled) == sorted(ref)
    for split in ref:
        assert pulled[split] == ref[split].to_list()

    # --dry-run writes exactly the files that were pushed
    out = tmp_path / "dry"
    r = run(mathrules("push", "dataset", "distributivity", *SIZES, "--seed", "5", "--dry-run", str(out)), env)
    assert r.returncode == 0, r.stderr
    local = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert local == {p: b.data for p, b in files.items() if p != ".gitattributes"}


def test_failed_push_leaves_repo_unchanged_then_one_commit(hub, tmp_path):
    env = client_env(str(tmp_path), hub.url, HF_TOKEN=TOKEN)
    hub.state.fail["lfs_upload"] = 1
    r = run(mathrules("push", "dataset", "distributivity", *SIZES, "--repo-id", "tester/dist"), env)
    assert r.returncode != 0
    assert TOKEN not in r.stdout + r.stderr
    repo = hub.state.repos[("dataset", "tester/dist")]
    assert [c.message for c in repo.commits] == ["initial commit"]
    assert set(repo.head().files) == {".gitattributes"}
    r = run(mathrules("push", "dataset", "distributivity", *SIZES, "--repo-id", "tester/dist"), env)
    assert r.returncode == 0, r.stderr
    assert len(repo.commits) == 2 and "README.md" in repo.head().files
    # a new version replaces every file of the old one in one commit (stale shards are deleted)
    r = run(
        mathrules(
            "push",
            "dataset",
            "distributivity",
            "--n-train",
            "30",
            "--n-validation",
            "10",
            "--n-test",
            "10",
            "--n-ood",
            "0",
            "--validate-sample",
            "0",
            "--repo-id",
            "tester/dist",
        ),
        env,
    )
    assert r.returncode == 0, r.stderr
    assert len(repo.commits) == 3
    assert not any("test_ood" in p for p in repo.head().files)


def test_push_without_token_is_a_clear_error(hub, tmp_path):
    env = client_env(str(tmp_path), hub.url)
    r = run(mathrules("push", "dataset", "distributivity", *SIZES), env)
    assert r.returncode == 2 and "HF_TOKEN" in r.stderr and "Traceback" not in r.stderr
    assert not hub.state.repos


@pytest.mark.skipif(
    not (METRIC / "sympy_equivalence.py").is_file(), reason="metrics/sympy_equivalence not written yet"
)
def test_push_metric_space_then_evaluate_load(hub, tmp_path):
    env = client_env(str(tmp_path), hub.url, HF_TOKEN=TOKEN)
    r = run(mathrules("push", "metric", "--repo-id", "tester/wrong_name"), env)
    assert r.returncode == 2 and "sympy_equivalence" in r.stderr
    r = run(mathrules("push", "metric", "--repo-id", "tester/sympy_equivalence"), env)
    assert r.returncode == 0, r.stderr
    space = hub.state.repos[("space", "tester/sympy_equivalence")]
    assert space.sdk == "gradio" and len(space.commits) == 2
    assert {"sympy_equivalence.py", "README.md", "requirements.txt", "app.py"} <= set(space.head().files)
    code = (
        "import evaluate\n"
        "m = evaluate.load('tester/sympy_equivalence')\n"
        "r = m.compute(predictions=['x*(y + 1)', '2'], references=['x*y + x', '3'])\n"
        "print(r['accuracy'])\n"
    )
    r = run([sys.executable, "-c", code], client_env(str(tmp_path / "reader"), hub.url), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "0.5"
    assert any("/spaces/tester/sympy_equivalence/resolve/" in q for q in hub.state.requests)


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "space_models"


def _front_matter(text: str) -> dict:
    import re

    import yaml

    return yaml.safe_load(re.match(r"---\n(.*?)\n---", text, re.S).group(1))


def test_adapter_job_trains_briefly_and_pushes_base_and_adapter_with_cards(hub, tmp_path):
    """The documented command, a few steps only: base from scratch, LoRA adapter with `mathrules train
    --model_name_or_path BASE --method lora`, both pushed with their cards."""
    import json

    env = client_env(str(tmp_path / "hf"), hub.url, HF_TOKEN=TOKEN)
    out = tmp_path / "job"
    args = ["demo", "--adapter", "--output-dir", str(out), "--base-steps", "2", "--adapter-steps", "2"]
    r = run(mathrules(*args, "--rows", "64", "--eval-n", "2", "--push-to-hub", "tester"), env)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (
        "3/4 LoRA adapter: mathrules train --model_name_or_path" in r.stdout and "--method lora" in r.stdout
    )
    summary = json.loads((out / "summary.json").read_text())
    assert 0 <= summary["base_accuracy_on_adapter_rule"] <= 1 and summary["adapter_train_steps"] == 2
    base = hub.state.repos[("model", "tester/mathrules-tiny-base")].head().files
    adapter = hub.state.repos[("model", "tester/mathrules-tiny-commutativity-lora")].head().files
    assert not any(p.startswith("checkpoint-") for p in [*base, *adapter])
    base_card = _front_matter(base["README.md"].data.decode())
    assert base_card["library_name"] == "transformers" and "base_model" not in base_card
    assert set(base_card["datasets"]) == {
        f"hf_mathrules/{r}" for r in ("distributivity", "factorization", "simplification")
    }
    assert base_card["model-index"][0]["results"]
    card = _front_matter(adapter["README.md"].data.decode())
    assert card["library_name"] == "peft" and card["base_model"] == "tester/mathrules-tiny-base"
    assert card["datasets"] == ["hf_mathrules/commutativity"]
    result = card["model-index"][0]["results"][0]
    assert (
        result["dataset"]["type"] == "hf_mathrules/commutativity"
        and result["metrics"][0]["name"] == "verified accuracy"
    )
    assert (
        json.loads(adapter["adapter_config.json"].data)["base_model_name_or_path"]
        == "tester/mathrules-tiny-base"
    )
    assert "adapter_model.safetensors" in adapter and adapter["adapter_model.safetensors"].lfs


def test_push_model_and_space_refuse_what_the_hub_cannot_resolve(hub, tmp_path):
    env = client_env(str(tmp_path / "hf"), hub.url, HF_TOKEN=TOKEN)
    r = run(mathrules("push", "model", str(FIXTURES / "adapter"), "--repo-id", "tester/lora"), env)
    assert r.returncode == 2 and "--base-model-id" in r.stderr and "Traceback" not in r.stderr
    r = run(mathrules("push", "space", "--repo-id", "tester/demo", "--model", str(FIXTURES / "base")), env)
    assert r.returncode == 2 and "must be a Hub id" in r.stderr
    assert not hub.state.repos
    out = tmp_path / "dry"
    r = run(
        mathrules(
            "push",
            "space",
            "--repo-id",
            "tester/demo",
            "--model",
            "a/base",
            "--adapter",
            "a/lora",
            "--dry-run",
            str(out),
        ),
        env,
    )
    assert r.returncode == 0, r.stderr
    assert _front_matter((out / "README.md").read_text())["models"] == ["a/base", "a/lora"]
    assert (out / "models.json").read_text().count("a/lora") == 1 and (out / "app.py").is_file()
    r = run(
        mathrules(
            "push",
            "model",
            str(FIXTURES / "adapter"),
            "--repo-id",
            "t/lora",
            "--base-model-id",
            "t/base",
            "--dry-run",
            str(out / "m"),
        ),
        env,
    )
    assert r.returncode == 0, r.stderr
    assert _front_matter((out / "m" / "README.md").read_text())["base_model"] == "t/base"
    assert "/tmp" not in (out / "m" / "training_config.json").read_text()
    assert not list((out / "m").glob("checkpoint-*"))
    assert not hub.state.repos
