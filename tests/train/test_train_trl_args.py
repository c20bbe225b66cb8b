"""``mathrules train`` on TRL's own configuration: ``TrlParser`` over ``(MathRulesArguments, SFTConfig,
ModelConfig)``, PEFT and quantization from TRL's helpers, every old flag still accepted, ``--method`` as
shorthand for ModelConfig's switches, validation in ``__post_init__``, the pipeline building dataclasses,
and training that leaves the caller's configuration alone."""

import copy
import dataclasses

import pytest
from trl import ModelConfig, SFTConfig, get_peft_config, get_quantization_config

from hf_mathrules.cli import build_parser, main
from hf_mathrules.rules import ConfigError
from hf_mathrules.train import hub
from hf_mathrules.train.config import (
    MathRulesArguments,
    model_config,
    parse_train_args,
    resolve_arguments,
    tiny_sft_config,
)
from hf_mathrules.train.modeling import peft_config
from hf_mathrules.train.pipeline import main_job_arguments
from hf_mathrules.train.sft import train


@pytest.fixture
def base(tmp_path):
    (tmp_path / "base").mkdir()
    return str(tmp_path / "base")


def test_parses_into_trl_dataclasses(tmp_path):
    margs, sft, model = parse_train_args(["--output_dir", str(tmp_path / "o")])
    assert isinstance(margs, MathRulesArguments)
    assert type(sft) is SFTConfig and type(model) is ModelConfig
    assert sft.report_to == [] and model.model_name_or_path is None


# every flag `mathrules train` had before it parsed with TRL's ModelConfig: (argv, which, field, value)
OLD_FLAGS = [
    (["--preset", "tiny"], "margs", "preset", "tiny"),
    (["--base_model_hub_id", "org/base"], "margs", "base_model_hub_id", "org/base"),
    (["--method", "lora"], "margs", "method", "lora"),
    (["--rules", "distributivity:1:10", "commutativity"], "margs", "rules", ["distributivity:1:10", "commutativity"]),
    (["--levels", "1-2"], "margs", "levels", "1-2"),
    (["--rows_per_level", "7"], "margs", "rows_per_level", 7),
    (["--validation_rows", "3"], "margs", "validation_rows", 3),
    (["--rules_seed", "5"], "margs", "rules_seed", 5),
    (["--general_dataset", "g.jsonl"], "margs", "general_dataset", "g.jsonl"),
    (["--general_fraction", "0.5"], "margs", "general_fraction", 0.5),
    (["--generation_eval_steps", "0"], "margs", "generation_eval_steps", 0),
    (["--generation_eval_samples", "9"], "margs", "generation_eval_samples", 9),
    (["--max_new_tokens", "11"], "margs", "max_new_tokens", 11),
    (["--test_rows", "0"], "margs", "test_rows", 0),
    (["--overwrite", "true"], "margs", "overwrite", True),
    (["--cpu_threads", "1"], "margs", "cpu_threads", 1),
    (["--tiny_hidden_size", "32"], "margs", "tiny_hidden_size", 32),
    (["--tiny_layers", "2"], "margs", "tiny_layers", 2),
    (["--tiny_heads", "2"], "margs", "tiny_heads", 2),
    (["--tiny_intermediate_size", "64"], "margs", "tiny_intermediate_size", 64),
    (["--lora_r", "4"], "model", "lora_r", 4),
    (["--lora_alpha", "8"], "model", "lora_alpha", 8),
    (["--lora_dropout", "0"], "model", "lora_dropout", 0.0),
    (["--lora_target_modules", "q_proj", "v_proj"], "model", "lora_target_modules", ["q_proj", "v_proj"]),
    (["--push-to-hub", "me/tiny"], "sft", "hub_model_id", "me/tiny"),
    (["--push-to-hub=me/tiny"], "sft", "push_to_hub", True),
    (["--max_steps", "3"], "sft", "max_steps", 3),
    (["--learning_rate", "0.5"], "sft", "learning_rate", 0.5),
]  # fmt: skip


@pytest.mark.parametrize("argv, which, name, value", OLD_FLAGS, ids=[" ".join(f[0]) for f in OLD_FLAGS])
def test_every_old_flag_still_works(argv, which, name, value, tmp_path):
    margs, sft, model = parse_train_args([*argv, "--output_dir", str(tmp_path / "o")])
    assert getattr({"margs": margs, "sft": sft, "model": model}[which], name) == value


def test_model_name_or_path_is_trl_s_field(base, tmp_path):
    margs, sft, model = parse_train_args(["--model_name_or_path", base, "--output_dir", str(tmp_path)])
    assert model.model_name_or_path == base and not hasattr(margs, "model_name_or_path")


@pytest.mark.parametrize(
    "argv, method, use_peft, load_in_4bit",
    [
        (["--method", "qlora"], "qlora", True, True),
        (["--method", "lora"], "lora", True, False),
        (["--method", "full"], "full", False, False),
        ([], "qlora", True, True),  # a base model with nothing said: qlora
        (["--use_peft", "true"], "lora", True, False),  # TRL's own switches
        (["--use_peft", "true", "--load_in_4bit", "true"], "qlora", True, True),
        (["--load_in_8bit", "true"], "lora", True, False),
    ],
)
def test_method_is_shorthand_for_model_config(argv, method, use_peft, load_in_4bit, base, tmp_path):
    margs, _, model = parse_train_args(["--model_name_or_path", base, *argv, "--output_dir", str(tmp_path)])
    assert (margs.method, model.use_peft, model.load_in_4bit) == (method, use_peft, load_in_4bit)


def test_tiny_preset_methods(tmp_path):
    margs, _, model = parse_train_args(["--output_dir", str(tmp_path)])
    assert (margs.preset, margs.method, model.use_peft) == ("tiny", "full", False)
    margs, _, model = parse_train_args(["--use_peft", "true", "--output_dir", str(tmp_path)])
    assert (margs.method, model.use_peft) == ("lora", True)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--method", "full", "--use_peft", "true"], "--method full trains every weight"),
        (["--method", "lora", "--load_in_4bit", "true"], "give --method qlora"),
        (["--method", "qlora", "--load_in_8bit", "true"], "drop --load_in_8bit"),
        (["--method", "qlora", "--dtype", "auto"], "--dtype auto cannot be qlora's compute dtype"),
    ],
)
def test_contradicting_switches_are_one_clear_error(argv, message, base, tmp_path):
    with pytest.raises(ConfigError, match=message):
        parse_train_args(["--model_name_or_path", base, *argv, "--output_dir", str(tmp_path)])


def test_tiny_preset_cannot_be_quantized(tmp_path):
    with pytest.raises(ConfigError, match="cannot be loaded quantized"):
        parse_train_args(["--method", "lora", "--load_in_4bit", "true", "--output_dir", str(tmp_path)])
    with pytest.raises(ConfigError, match="qlora needs a pretrained"):
        parse_train_args(["--method", "qlora", "--output_dir", str(tmp_path)])


def test_peft_and_quantization_come_from_trl_helpers(base, tmp_path):
    argv = ["--model_name_or_path", base, "--lora_r", "4", "--lora_alpha", "8", "--output_dir", str(tmp_path)]
    _, _, model = parse_train_args(argv)
    lora = get_peft_config(model)
    assert (lora.r, lora.lora_alpha, lora.target_modules) == (4, 8, "all-linear")
    quant = get_quantization_config(model)
    assert quant.load_in_4bit and quant.bnb_4bit_quant_type == "nf4" and quant.bnb_4bit_use_double_quant
    _, _, model = parse_train_args([*argv, "--method", "full"])
    assert get_peft_config(model) is None and get_quantization_config(model) is None


def test_one_lora_target_module_still_names_a_module(base, tmp_path):
    # ModelConfig turns ["q_proj"] into "q_proj", which PEFT would read as a regex over full paths
    argv = ["--model_name_or_path", base, "--output_dir", str(tmp_path), "--lora_target_modules", "q_proj"]
    _, _, model = parse_train_args(argv)
    assert model.lora_target_modules == "q_proj" and peft_config(model).target_modules == {"q_proj"}
    _, _, model = parse_train_args([*argv, "v_proj"])
    assert peft_config(model).target_modules == {"q_proj", "v_proj"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"rules": ["no_such_rule"]}, "unknown rule 'no_such_rule'"),
        ({"rules": ["distributivity:9"]}, "training levels are 1-5"),
        ({"method": "sgd"}, "unknown method 'sgd'"),
        ({"preset": "huge"}, "unknown preset 'huge'"),
        ({"general_dataset": "g.jsonl", "general_fraction": 0}, "general_fraction must be in"),
        ({"validation_rows": 0}, "validation_rows must be at least 1"),
        ({"test_rows": -1}, "test_rows must not be negative"),
        ({"tiny_hidden_size": 30, "tiny_heads": 4}, "multiple of --tiny_heads"),
    ],
)
def test_validation_in_post_init(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        MathRulesArguments(**kwargs)


def test_yaml_values_are_validated_too(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("method: sgd\n")  # argparse choices never see config-file values
    with pytest.raises(ConfigError, match="unknown method 'sgd'"):
        parse_train_args(["--config", str(cfg)])


def test_yaml_takes_model_config_fields(base, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"model_name_or_path: {base}\nuse_peft: true\nlora_r: 2\nmax_steps: 4\n")
    margs, sft, model = parse_train_args(["--config", str(cfg), "--output_dir", str(tmp_path / "o")])
    assert (margs.method, model.lora_r, sft.max_steps) == ("lora", 2, 4)


def test_pipeline_builds_dataclasses_not_argv(tmp_path):
    margs, sft, model = main_job_arguments(tmp_path / "m", steps=40, rows=100, level=2, overwrite=True)
    assert type(sft) is SFTConfig and type(model) is ModelConfig
    assert margs.rules == ["distributivity:2:100"] and margs.test_rows == 0 and margs.overwrite
    assert sft.max_steps == 40 and sft.learning_rate == 2e-3 and sft.disable_tqdm
    resolved = resolve_arguments(margs, sft, model)
    assert resolved[0].method == "full" and resolved[1] is sft


def test_resolve_never_changes_its_arguments(base):
    margs, model = MathRulesArguments(), model_config(model_name_or_path=base)
    sft = tiny_sft_config(output_dir="o")
    before = (copy.deepcopy(margs), copy.deepcopy(model))
    new_margs, _, new_model = resolve_arguments(margs, sft, model)
    assert (margs, model) == before
    assert new_margs.method == "qlora" and new_model.load_in_4bit and not model.load_in_4bit


def test_cli_hands_every_option_to_trl_parser(capsys):
    args = build_parser().parse_args(["train", "--max_steps", "3", "--lora_r", "4", "--config", "c.yaml"])
    assert args.argv == ["--max_steps", "3", "--lora_r", "4", "--config", "c.yaml"]
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for flag in ("--rules", "--max_steps", "--use_peft", "--load_in_4bit", "--lora_r", "--method"):
        assert flag in out
    assert "--push-to-hub ID (= --push_to_hub true --hub_model_id ID)" in out


def test_train_leaves_the_callers_configuration_alone(tmp_path, monkeypatch):
    pushed = []
    monkeypatch.setattr(hub, "push_output", lambda out, repo, private: pushed.append(repo))
    argv = [
        "--rules", "distributivity:1:16", "--validation_rows", "2", "--per_device_train_batch_size", "8",
        "--per_device_eval_batch_size", "2", "--generation_eval_steps", "0", "--test_rows", "0",
        "--tiny_hidden_size", "16", "--tiny_layers", "1", "--tiny_heads", "2", "--tiny_intermediate_size", "32",
        "--max_steps", "1", "--eval_strategy", "steps", "--save_strategy", "no", "--disable_tqdm", "true",
        "--push-to-hub", "me/tiny", "--output_dir", str(tmp_path / "o"),
    ]  # fmt: skip
    margs, sft, model = parse_train_args(argv)
    before = (dataclasses.asdict(margs), sft.to_dict(), dataclasses.asdict(model))
    result = train(margs, sft, model, progress=False)
    assert result.global_step == 1 and pushed == ["me/tiny"]  # pushed once, by us, at the end
    assert (dataclasses.asdict(margs), sft.to_dict(), dataclasses.asdict(model)) == before
    assert sft.push_to_hub and sft.include_num_input_tokens_seen in ("no", False)
