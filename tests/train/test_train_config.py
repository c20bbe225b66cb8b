"""``mathrules train`` argument parsing: defaults, presets, YAML with overrides, clear errors."""

import warnings

import pytest

from hf_mathrules.cli import main
from hf_mathrules.rules import ConfigError
from hf_mathrules.train.config import parse_train_args, rewrite_push_flag
from hf_mathrules.train.data import parse_mix


def test_tiny_preset_is_the_default_with_its_training_defaults(tmp_path):
    margs, sft, _ = parse_train_args(["--output_dir", str(tmp_path / "o")])
    assert margs.preset == "tiny" and margs.resolved_method() == "full"
    assert sft.learning_rate == 2e-3 and sft.per_device_train_batch_size == 64
    assert sft.bf16 is False  # no GPU here; on a CPU bf16 is asked for (--bf16 true)


def test_the_tiny_preset_keeps_activations_instead_of_recomputing_them(tmp_path):
    # TRL's SFTConfig turns gradient checkpointing on; for a model of a million weights it only costs time
    _, tiny, _ = parse_train_args(["--output_dir", str(tmp_path / "t")])
    assert tiny.gradient_checkpointing is False
    (tmp_path / "base").mkdir()
    _, base, _ = parse_train_args(
        ["--model_name_or_path", str(tmp_path / "base"), "--output_dir", str(tmp_path)]
    )
    assert base.gradient_checkpointing is True  # a pretrained base keeps TRL's memory-saving default


def test_bf16_asked_for_on_a_cpu_runs_there_with_autocast(tmp_path, monkeypatch):
    from hf_mathrules.train import hardware
    from hf_mathrules.train.config import arguments_dict, tiny_sft_config

    monkeypatch.setattr(hardware, "cpu_has_native_bf16", lambda: True)  # a CPU with AVX512-BF16 or AMX
    _, sft, _ = parse_train_args(["--output_dir", str(tmp_path / "o"), "--bf16", "true"])
    assert sft.bf16 is True and sft.use_cpu is True  # transformers refuses bf16 on a CPU without use_cpu
    built = tiny_sft_config(output_dir=str(tmp_path / "p"), bf16=True)
    assert built.use_cpu is True
    # the model card's record of the settings is built from the same config (it raised here before)
    margs = parse_train_args(["--output_dir", str(tmp_path / "q")])[0]
    assert arguments_dict(margs, built)["sft"]["output_dir"] == str(tmp_path / "p")


def test_bf16_on_a_cpu_without_hardware_bf16_trains_in_float32_and_says_so(tmp_path, monkeypatch):
    from hf_mathrules.train import hardware
    from hf_mathrules.train.config import tiny_sft_config

    # emulated bf16 ran ~60x slower than fp32 a matmul on an AVX2-only CPU: the request is dropped
    monkeypatch.setattr(hardware, "cpu_has_native_bf16", lambda: False)
    with pytest.warns(UserWarning, match="no hardware bf16"):
        _, sft, _ = parse_train_args(["--output_dir", str(tmp_path / "o"), "--bf16", "true"])
    assert sft.bf16 is False
    with pytest.warns(UserWarning, match="training in float32"):
        assert tiny_sft_config(output_dir=str(tmp_path / "p"), bf16=True).bf16 is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to say when bf16 was not asked for
        assert tiny_sft_config(output_dir=str(tmp_path / "q")).bf16 is False


def test_base_model_defaults_to_qlora(tmp_path):
    (tmp_path / "base").mkdir()
    margs, sft, model = parse_train_args(
        ["--model_name_or_path", str(tmp_path / "base"), "--output_dir", str(tmp_path)]
    )
    assert margs.preset is None and margs.resolved_method() == "qlora"
    assert model.use_peft and model.load_in_4bit and model.use_bnb_nested_quant
    assert model.lora_target_modules == "all-linear" and model.dtype == "float32"  # no bf16 GPU here
    assert sft.learning_rate == 2e-4 and sft.bf16 is False  # a base model on a CPU stays fp32


def test_yaml_config_then_command_line_overrides(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "rules: [distributivity:1-2:300]\nmax_steps: 7\nlearning_rate: 0.01\nlora_r: 4\n"
        f"output_dir: {tmp_path / 'from_yaml'}\n"
    )
    margs, sft, model = parse_train_args(["--config", str(cfg), "--max_steps", "9"])
    assert sft.max_steps == 9  # the flag wins
    assert sft.learning_rate == 0.01  # the file beats the preset default
    assert margs.rules == ["distributivity:1-2:300"] and model.lora_r == 4
    assert str(sft.output_dir).endswith("from_yaml")
    (entry,) = parse_mix(margs.rules)
    assert entry.levels == (1, 2) and entry.rows == 300


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--lerning_rate", "1"], "unknown option --lerning_rate (did you mean --learning_rate?)"),
        (["--rules", "no_such_rule"], "unknown rule 'no_such_rule'"),
        (["--rules", "distributivity:9"], "training levels are 1-5"),
        (["--model_name_or_path", "./missing/model"], "'./missing/model' is neither a local folder"),
        (
            ["--preset", "tiny", "--model_name_or_path", "org/name"],
            "either --preset tiny or --model_name_or_path",
        ),
    ],
)
def test_bad_input_is_one_clear_error(argv, message, tmp_path, capsys):
    assert main(["train", *argv, "--output_dir", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "o").exists()  # nothing started


def test_unknown_config_file_field(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("max_step: 3\n")
    with pytest.raises(ConfigError, match="unknown config field 'max_step'.*did you mean max_steps"):
        parse_train_args(["--config", str(cfg)])


def test_push_to_hub_takes_a_repository_id():
    assert rewrite_push_flag(["--push-to-hub", "me/tiny", "--x", "1"]) == [
        "--push_to_hub",
        "true",
        "--hub_model_id",
        "me/tiny",
        "--x",
        "1",
    ]
    assert rewrite_push_flag(["--push_to_hub", "false"]) == ["--push_to_hub", "false"]
    _, sft, _ = parse_train_args(["--push-to-hub=me/tiny"])
    assert sft.push_to_hub and sft.hub_model_id == "me/tiny"


@pytest.mark.parametrize(
    "config, arm_name",
    [
        ("tiny-cpu-five-rules.yaml", "five-rules"),
        ("tiny-cpu-linear-systems.yaml", "linear-systems-recursive"),
    ],
)
def test_the_cpu_recipe_configs_are_what_the_benchmark_trains(tmp_path, config, arm_name, monkeypatch):
    """configs/tiny-cpu-*.yaml parse to the settings benchmarks/training_recipe.py trains as its arms
    (RESULTS § Training recipe): the files users run are the measured recipes."""
    import importlib.util
    from pathlib import Path

    from hf_mathrules.train import hardware

    monkeypatch.setattr(hardware, "cpu_has_native_bf16", lambda: True)  # as measured (AVX512-BF16)

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "training_recipe", root / "benchmarks" / "training_recipe.py"
    )
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    arm = recipe.ARMS[arm_name]
    margs, sft, _ = parse_train_args(
        ["--config", str(root / "configs" / config), "--output_dir", str(tmp_path / "o")]
    )
    for key, value in arm.items():
        got = getattr(margs, key) if hasattr(margs, key) else getattr(sft, key)
        got = getattr(got, "value", got)  # enums (lr_scheduler_type, train_sampling_strategy) by value
        assert got == value or (isinstance(value, list) and list(got) == value), key
    labels = [e.label() for e in parse_mix(margs.rules, margs.levels, margs.rows_per_level)]
    assert labels == [e.label() for e in parse_mix(arm["rules"])]


def test_mix_entries_set_rule_knobs():
    """``NAME:LEVELS:ROWS:KNOB=VALUE,...`` trains on the rule with those knobs over its levels' own."""
    import json

    from hf_mathrules.train.data import rule_rows

    mix = parse_mix(["linear_system:1:6:max_coeff=12,small_steps=false", "distributivity:1-2:3"])
    assert [e.label() for e in mix] == [
        "linear_system:1:6:max_coeff=12,small_steps=false",
        "distributivity:1,2:3",
    ]
    rows = rule_rows(mix, "train")
    assert len(rows) == 6 + 6
    metas = [json.loads(r["meta"]) for r in rows if r["rule"] == "linear_system"]
    assert all(m["max_coeff"] == 12 and m["small_steps"] is False and m["level"] == 1 for m in metas)
    assert not any("Expand:" in r["completion"] for r in rows if r["rule"] == "linear_system")
    plain = [json.loads(r["meta"]) for r in rule_rows(parse_mix(["linear_system:1:6"]), "train")]
    assert all(m["max_coeff"] == 3 for m in plain)  # without knobs: the level's own
    for spec, message in [
        ("linear_system:1:6:max_coef=12", "unknown knob"),
        ("linear_system:1:6:max_coeff", "NAME=VALUE"),
        ("linear_system:1:6:unit_pivots=maybe", "unit_pivots must be true or false"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_mix([spec])
