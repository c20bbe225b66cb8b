"""Every ``mathrules experiment`` in a miniature configuration (a smaller tiny model, two training steps,
a few problems): the command runs, and writes results.json (with the wall time), table.md and its PNG."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from hf_mathrules.cli import main
from hf_mathrules.experiments import EXPERIMENTS, experiment_module

CPU_EXPERIMENTS = [name for name in EXPERIMENTS if name != "lighteval"]
PLOTS = {"several_rules": "several_rules.png", "unseen_names": "unseen_names.png",
         "recursion": "recursion.png", "gaussian": "gaussian.png", "transfer": "transfer.png",
         "grpo": "grpo.png", "lighteval": "lighteval.png"}  # fmt: skip


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """The folder of one miniature run of an experiment (each experiment run once per test process)."""
    done = {}

    def get(name):
        if name not in done:
            parent = tmp_path_factory.mktemp(name)
            argv = ["experiment", name, "--mini", "--cpu-threads", "1", "--output-dir", str(parent)]
            assert main(argv) == 0
            done[name] = parent / name
        return done[name]

    return get


@pytest.mark.parametrize("name", CPU_EXPERIMENTS)
def test_experiment_runs_in_miniature(name, ran):
    out = ran(name)
    results = json.loads((out / "results.json").read_text())
    assert results["experiment"] == name and results["wall_seconds"] > 0
    assert results["options"]["mini"] is True and (results.get("cells") or results.get("curve"))
    assert (out / PLOTS[name]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = (out / "table.md").read_text()
    assert table.startswith("Wall time") and "|---|" in table


def test_several_rules_asks_the_levels_above_training_with_intervals(ran):
    out = ran("several_rules")
    results = json.loads((out / "results.json").read_text())
    cells = {(c["rule"], c["level"]): c for c in results["cells"]}
    assert set(cells) == {(r, lv) for r in ("distributivity", "simplification") for lv in (1, 2)}
    assert [cells[("simplification", lv)]["trained_level"] for lv in (1, 2)] == [True, False]
    for c in cells.values():
        lo, hi = c["wilson95"]
        assert (
            c["n"] == 3 and 0 <= lo <= c["accuracy"] <= hi <= 1 and c["correct"] == round(3 * c["accuracy"])
        )
    table = (out / "table.md").read_text()
    assert "above training" in table and "(n=3)" in table
    # the recipe's defaults reach the trainer: math tokens and packed rows
    assert results["options"]["tiny_tokenizer"] is None  # unset: the recipe's default, written below
    config = json.loads((out / "models" / "mixture" / "training_config.json").read_text())["mathrules"]
    assert config["tiny_tokenizer"] == "math" and config["pack_length"] == 256
    assert config["tiny_number_embedding"] == "random"


def test_number_embedding_flag_reaches_the_trainer_and_a_bad_one_is_refused(tmp_path, capsys):
    argv = ["experiment", "transfer", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--tiny-number-embedding", "fourier", "--set", 'variants=["word only"]']  # fmt: skip
    assert main(argv) == 0
    (folder,) = (tmp_path / "transfer" / "models").iterdir()
    config = json.loads((folder / "training_config.json").read_text())["mathrules"]
    assert config["tiny_number_embedding"] == "fourier"
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main([*argv[:-3], "rotary"])
    assert "invalid choice: 'rotary'" in capsys.readouterr().err


def test_several_rules_evaluates_a_model_trained_before(ran, tmp_path, capsys):
    model_dir = ran("several_rules") / "models" / "mixture"
    argv = ["experiment", "several_rules", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--set", f"model_dir={json.dumps(str(model_dir))}"]  # fmt: skip
    assert main(argv) == 0
    results = json.loads((tmp_path / "several_rules" / "results.json").read_text())
    assert results["training"]["reused"] is True and results["training"]["steps"] == 2
    assert results["training"]["rules"] == ["distributivity:1", "simplification:1"]
    assert not (tmp_path / "several_rules" / "models").exists()  # nothing trained
    capsys.readouterr()
    assert main([*argv[:-1], f"model_dir={json.dumps(str(tmp_path))}"]) == 2
    assert "is not a finished training run" in capsys.readouterr().err


def test_unseen_names_keeps_the_level_and_holds_names_out(ran):
    results = json.loads((ran("unseen_names") / "results.json").read_text())
    assert {(c["k"], c["names"], c["level"]) for c in results["cells"]} == {
        (k, names, 1) for k in (5, 20) for names in ("training names", "held-out names")
    }
    assert [t["vocab"].rsplit("@", 1)[1] for t in results["training"]] == ["train:5:0", "train:20:0"]


def test_grpo_logs_a_reward_curve_and_the_wrong_form_share(ran):
    results = json.loads((ran("grpo") / "results.json").read_text())
    assert results["curve"] and {"math_reward", "wrong_form_share"} <= set(results["curve"][0])
    assert set(results["before"]) == set(results["after"]) == {"1", "2"}
    assert list(results["arms"]) == ["math"] and results["arms"]["math"]["reward_curve"]


def test_grpo_three_arms_carry_curves_accuracy_and_the_curriculum_levels(tmp_path):
    argv = ["experiment", "grpo", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--set", 'arms=["math", "step", "step+curriculum"]']  # fmt: skip
    assert main(argv) == 0
    out = tmp_path / "grpo"
    results = json.loads((out / "results.json").read_text())
    arms = results["arms"]
    assert list(arms) == ["math", "step", "step+curriculum"]
    for name, arm in arms.items():
        assert arm["reward"] == ("math_reward" if name == "math" else "step_reward")
        assert len(arm["reward_curve"]) == 2 and all(r is not None for r in arm["reward_curve"])
        assert set(arm["accuracy_before"]) == set(arm["accuracy_after"]) == {"1", "2"}
        cell = arm["accuracy_after"]["2"]
        assert 0 <= cell["wilson_low"] <= cell["accuracy"] <= cell["wilson_high"] <= 1
    assert arms["math"]["accuracy_before"] == arms["step"]["accuracy_before"]  # one SFT model for all
    levels = arms["step+curriculum"]["level_over_time"]
    assert levels[0] == [0, 2] and len(levels) == 3 and all(1 <= lv <= 5 for _, lv in levels)
    assert "history" in json.loads((out / "curriculum-step-curriculum.json").read_text())
    for png in ("grpo.png", "grpo_levels.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "step+curriculum" in (out / "table.md").read_text()


def test_grpo_arm_from_reward_and_curriculum_settings():
    from hf_mathrules.experiments.grpo import arm_names

    assert arm_names({"reward": "math", "curriculum": False}) == ["math"]
    assert arm_names({"reward": "step", "curriculum": True}) == ["step+curriculum"]
    assert arm_names({"reward": "math", "arms": "step,math"}) == ["step", "math"]
    with pytest.raises(ValueError, match="arms"):
        arm_names({"reward": "nope"})


def test_wrong_form_share_reward():
    from hf_mathrules.experiments.grpo import wrong_form_share

    got = wrong_form_share(completions=["Answer: k*(-k + r)", "Answer: -k**2 + k*r", "Answer: 7"],
                           answer=["-k**2 + k*r"] * 3, rule=["distributivity"] * 3)  # fmt: skip
    assert got == [1.0, 0.0, 0.0]


def test_gaussian_steps_are_read_and_checked():
    from hf_mathrules.experiments.gaussian import apply_op, parse_steps, step_scores
    from hf_mathrules.rules import make_rule

    for level in (1, 3, 5):
        for row in make_rule("gaussian_elimination", level=level).generate(4, split="test"):
            scores = step_scores(row["completion"], row["completion"])
            assert scores and all(s["match"] and s["valid"] for s in scores)
    row = make_rule("gaussian_elimination", level=1).generate(1, split="test")[0]
    start, steps = parse_steps(row["completion"])
    assert start and steps
    assert apply_op("R2 <- R2 - 3*R1", [(1, 2), (3, 4)]) == [(Fraction(1), Fraction(2)), (0, -2)]
    assert apply_op("swap R1, R2", [(1, 2), (3, 4)]) == [(3, 4), (1, 2)]
    assert apply_op("R1 <- 1/2*R1", [(2, 4), (3, 4)]) == [(1, 2), (3, 4)]
    assert apply_op("R9 <- R9 - R1", [(2, 4), (3, 4)]) is None
    assert step_scores(row["completion"], "Answer: x = 1") == [{"match": False, "valid": False}] * len(steps)


def test_yaml_config_and_bad_input(tmp_path, capsys, monkeypatch):
    import hf_mathrules.experiments.several_rules as module

    seen = []
    monkeypatch.setattr(module, "run", lambda opts: seen.append(opts) or {"wall_seconds": 0.0})
    cfg = tmp_path / "c.yaml"
    cfg.write_text("steps: 1\nn_eval: 1\nmax_new_tokens: 8\nset:\n  rules: [distributivity]\n")
    (tmp_path / "several_rules").mkdir()
    (tmp_path / "several_rules" / "table.md").write_text("table")
    argv = [
        "experiment",
        "several_rules",
        "--config",
        str(cfg),
        "--steps",
        "3",
        "--output-dir",
        str(tmp_path),
    ]
    assert main(argv) == 0
    opts = seen[0].with_defaults(module.DEFAULTS, module.MINI)
    assert (opts.steps, opts.n_eval, opts.max_new_tokens) == (3, 1, 8)  # flags override the file
    assert opts.extra["rules"] == ["distributivity"] and opts.extra["levels"] == [1, 2]
    cfg.write_text("stepz: 1\n")
    assert main(["experiment", "several_rules", "--config", str(cfg)]) == 2
    assert "unknown option 'stepz'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown experiment"):
        experiment_module("nope")


def test_checked_in_configs_name_real_options():
    from pathlib import Path

    import yaml

    from hf_mathrules.cli import build_parser

    root = Path(__file__).resolve().parents[2] / "experiments"
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["experiment"]
    dests = {a.dest for a in sub._actions}
    configs = sorted(root.glob("*.yaml"))
    assert {c.stem for c in configs} >= set(EXPERIMENTS)
    for path in configs:
        data = yaml.safe_load(path.read_text())
        assert set(data) - {"set", "experiment"} <= dests, path
        defaults = experiment_module(data.get("experiment", path.stem)).DEFAULTS
        assert set(data.get("set") or {}) <= set(defaults), path


def test_grpo_dev_evaluation_keeps_the_step_best_at_the_rl_level(tmp_path):
    argv = ["experiment", "grpo", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--set", "dev_every=1", "--set", "beta=0.04"]  # fmt: skip
    assert main(argv) == 0
    arm = json.loads((tmp_path / "grpo" / "results.json").read_text())["arms"]["math"]
    assert [d["step"] for d in arm["dev_curve"]] == [0, 1, 2]
    assert all(set(d["accuracy"]) == {"1", "2"} for d in arm["dev_curve"])
    best = max(arm["dev_curve"], key=lambda d: d["accuracy"]["2"])  # max keeps the first of ties
    assert arm["dev_best_step"] == best["step"] == arm["summary"]["dev_best_step"]
    assert (tmp_path / "grpo" / "grpo_dev.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "kept the model of step" in (tmp_path / "grpo" / "table.md").read_text()


def test_dev_selection_restores_the_weights_of_the_best_step(monkeypatch):
    import torch

    from hf_mathrules.experiments import common, grpo

    accuracies = iter([0.2, 0.6, 0.4])  # the second evaluation is the best
    monkeypatch.setattr(common, "complete", lambda model, tok, prompts, opts: [""] * len(prompts))
    monkeypatch.setattr(common, "score", lambda rows, completions: {"accuracy": next(accuracies)})
    tok = type("Tok", (), {"padding_side": "right"})()
    model = torch.nn.Linear(2, 2)
    dev = grpo.DevSelection(tok, "distributivity", (2,), 2, 3, common.ExperimentOptions())
    weights = []
    for step in range(3):
        with torch.no_grad():
            model.weight.fill_(float(step))
        weights.append(model.weight.clone())
        dev.evaluate(model, step)
    assert dev.best_step == 1 and tok.padding_side == "right" and model.training
    dev.restore_best(model)
    assert torch.equal(model.weight, weights[1])


def test_unseen_names_over_several_seeds_pools_the_cells(tmp_path):
    argv = ["experiment", "unseen_names", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--set", "ks=[5]", "--set", "seeds=[0, 1]"]  # fmt: skip
    assert main(argv) == 0
    results = json.loads((tmp_path / "unseen_names" / "results.json").read_text())
    assert results["seeds"] == [0, 1]
    assert [t["vocab"].rsplit("@", 1)[1] for t in results["training"]] == ["train:5:0", "train:5:1"]
    for pooled in results["pooled"]:
        cells = [c for c in results["cells"] if (c["k"], c["names"]) == (pooled["k"], pooled["names"])]
        assert {c["seed"] for c in cells} == {0, 1}
        assert pooled["n"] == sum(c["n"] for c in cells)
        assert pooled["correct"] == sum(c["correct"] for c in cells)
        assert pooled["wilson95"][0] <= pooled["accuracy"] <= pooled["wilson95"][1]
    assert "2 seeds pooled" in (tmp_path / "unseen_names" / "table.md").read_text()


def test_recursion_over_several_seeds_trains_a_model_per_seed_and_pools(tmp_path, capsys):
    argv = ["experiment", "recursion", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--set", "seeds=[0, 1]"]  # fmt: skip
    assert main(argv) == 0
    results = json.loads((tmp_path / "recursion" / "results.json").read_text())
    assert [t["seed"] for t in results["training"]] == [0, 1]
    assert len({t["model"] for t in results["training"]}) == 2
    # the miniature trains level 1 only: 2 unknowns are in the training distribution, 3 are not
    assert results["trained_unknowns"] == [2]
    for pooled in results["pooled"]:
        cells = [
            c for c in results["cells"] if (c["unknowns"], c["mode"]) == (pooled["unknowns"], pooled["mode"])
        ]
        assert sorted(c["seed"] for c in cells) == [0, 1]
        assert pooled["n"] == sum(c["n"] for c in cells) and pooled["correct"] == sum(
            c["correct"] for c in cells
        )
        assert pooled["wilson95"][0] <= pooled["accuracy"] <= pooled["wilson95"][1]
    table = (tmp_path / "recursion" / "table.md").read_text()
    assert "2 seeds pooled" in table and "| 2 | yes |" in table and "| 3 | no |" in table

    # the same seeds scored again on those models (model_dirs: one finished run per seed), nothing trained
    dirs = [str(tmp_path / "recursion" / "models" / f"linear_system-seed{seed}") for seed in (0, 1)]
    again = tmp_path / "again"
    argv = [*argv[:-1], "seeds=[0, 1]", "--output-dir", str(again), "--set", f"model_dirs={json.dumps(dirs)}"]
    assert main(argv) == 0
    reused = json.loads((again / "recursion" / "results.json").read_text())
    assert [(t["seed"], t["model"], t["reused"]) for t in reused["training"]] == [
        (0, dirs[0], True),
        (1, dirs[1], True),
    ]
    assert not (again / "recursion" / "models").exists()
    assert [(c["seed"], c["unknowns"], c["mode"], c["correct"]) for c in reused["cells"]] == [
        (c["seed"], c["unknowns"], c["mode"], c["correct"]) for c in results["cells"]
    ]
    capsys.readouterr()
    assert main([*argv[:-1], f"model_dirs={json.dumps(dirs[:1])}"]) == 2  # one folder for two seeds
    assert "model_dirs must be a list of 2 folder(s), one per seed of [0, 1]" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "setting", "message"),
    [("unseen_names", "seeds=abc", "seeds must be a list of integers"),
     ("recursion", "seeds=[0, 1.5]", "seeds must be a list of integers"),
     ("transfer", "variants=[\"rule only\", \"words\"]", "variants must be a non-empty list of"),
     ("grpo", "dev_every=-1", "dev_every must be an integer >= 0")],
)  # fmt: skip
def test_bad_experiment_settings_are_one_line_errors(name, setting, message, tmp_path, capsys):
    assert main(["experiment", name, "--mini", "--output-dir", str(tmp_path), "--set", setting]) == 2
    assert message in capsys.readouterr().err
