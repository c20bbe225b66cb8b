"""benchmarks/training_recipe.py's ``--resume-every``: a run longer than one sitting is stopped, rerun,
resumed from its checkpoint, and recorded once with every sitting's seconds."""

import importlib.util
import json
import os
import signal
from pathlib import Path

import pytest

from hf_mathrules.train import callbacks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def recipe():
    spec = importlib.util.spec_from_file_location(
        "training_recipe", ROOT / "benchmarks" / "training_recipe.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.matmul_gflops = lambda threads, seconds=3.0: {}  # the machine's limit: not this test's subject
    return module


def test_a_stopped_sitting_resumes_and_the_record_adds_up_the_sittings(recipe, tmp_path, monkeypatch, capsys):
    out, models = tmp_path / "records.jsonl", tmp_path / "models"
    argv = ["--arm", "baseline", "--name", "tiny", "--threads", "1", "--n", "2", "--max-new-tokens", "8",
            "--out", str(out), "--model-dir", str(models), "--resume-every", "2",
            "--set", 'rules=["distributivity:1:16"]', "--set", "max_steps=4", "--set", "per_device_train_batch_size=4",
            "--set", "tiny_hidden_size=32", "--set", "tiny_layers=1", "--set", "tiny_heads=2",
            "--set", "tiny_intermediate_size=64", "--set", "warmup_steps=0"]  # fmt: skip
    original = callbacks.GracefulStopCallback.on_step_end

    def sigterm_at_step_3(self, args, state, control, **kw):
        if state.global_step == 3 and not self.requested:
            os.kill(os.getpid(), signal.SIGTERM)  # as a session's end sends it
        return original(self, args, state, control, **kw)

    monkeypatch.setattr(callbacks.GracefulStopCallback, "on_step_end", sigterm_at_step_3)
    assert recipe.main(argv) == 0
    assert not out.exists()  # a stopped sitting records nothing
    legs = json.loads((models / "tiny" / recipe.LEGS_FILE).read_text())
    assert [(leg["from_step"], leg["to_step"]) for leg in legs] == [(0, 3)]
    assert (models / "tiny" / "checkpoint-2" / "trainer_state.json").is_file()
    assert (models / "tiny" / "checkpoint-3" / "trainer_state.json").is_file()

    monkeypatch.setattr(callbacks.GracefulStopCallback, "on_step_end", original)
    assert recipe.main(argv) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["steps"] == 4 and record["resume_every"] == 2 and record["legs_chained"]
    assert [(leg["from_step"], leg["to_step"], leg["threads"]) for leg in record["legs"]] == [
        (0, 3, 1),
        (3, 4, 1),
    ]
    assert record["train_seconds"] == pytest.approx(sum(leg["seconds"] for leg in record["legs"]), abs=0.2)
    assert record["checkpoints"] == []  # the run's own checkpoints are for resuming, not scored
    assert record["cells"][0]["n"] == 2

    # run again once finished: a clear refusal, the model and its record untouched
    capsys.readouterr()
    with pytest.raises(SystemExit):
        recipe.main(argv)
    assert "already holds this arm's finished model" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 1

    # resumed from an earlier checkpoint (a later one cut off mid-save), a sitting past it is not counted
    legs_so_far = recipe.read_legs(models / "tiny", 2)
    assert [(leg["from_step"], leg["to_step"]) for leg in legs_so_far] == []
    assert [(leg["from_step"], leg["to_step"]) for leg in recipe.read_legs(models / "tiny", 3)] == [(0, 3)]


def test_resume_every_must_not_be_negative(recipe, capsys):
    with pytest.raises(SystemExit):
        recipe.main(["--arm", "baseline", "--resume-every", "-1"])
    assert "--resume-every must be 0 (off) or a number of steps" in capsys.readouterr().err
