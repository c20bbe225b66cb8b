"""``mathrules train`` configuration: a dataclass with help text per field, parsed together with TRL's
``SFTConfig`` by ``TrlParser`` (YAML file with ``--config``, command-line flags override it)."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..rules import ConfigError

METHODS = ("qlora", "lora", "full")
PRESETS = ("tiny",)
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_BOOL_WORDS = {"true", "false", "yes", "no", "1", "0", "t", "f", "y", "n"}


@dataclass
class MathRulesArguments:
    """What to train on and how; everything else is a TRL ``SFTConfig`` field."""

    preset: str | None = field(
        default=None,
        metadata={
            "help": "tiny: build a small Llama and a character tokenizer from our data and train it from "
            "scratch (full training, runs on a laptop CPU, no download). The default when no "
            "--model_name_or_path is given.",
            "choices": list(PRESETS),
        },
    )
    model_name_or_path: str | None = field(
        default=None, metadata={"help": "base model: a Hub id (org/name) or a local folder"}
    )
    base_model_hub_id: str | None = field(
        default=None,
        metadata={
            "help": "the Hub id of a base model given as a local folder; written to the model card and "
            "adapter_config.json instead of the path"
        },
    )
    method: str | None = field(
        default=None,
        metadata={
            "help": "qlora (4-bit nf4 base, double quantization, LoRA on all linear layers; the default "
            "with a base model), lora, or full (the tiny preset's default)",
            "choices": list(METHODS),
        },
    )
    rules: list[str] = field(
        default_factory=lambda: ["distributivity"],
        metadata={"help": "rules to mix, each NAME[:LEVELS[:ROWS]], e.g. distributivity:1-3:5000"},
    )
    levels: str = field(default="1", metadata={"help": "levels for rules given without any, e.g. 1 or 1-3"})
    rows_per_level: int = field(default=20000, metadata={"help": "training rows per rule and level"})
    validation_rows: int = field(default=200, metadata={"help": "validation rows per rule and level"})
    rules_seed: int = field(default=0, metadata={"help": "seed of the rule generators"})
    general_dataset: str | None = field(
        default=None,
        metadata={
            "help": "general instruction data mixed in to limit forgetting: a Hub dataset id or a local "
            "json/jsonl/parquet/csv file (prompt/completion, instruction/output or messages columns)"
        },
    )
    general_fraction: float = field(
        default=0.1, metadata={"help": "general rows as a fraction of the rule rows"}
    )
    lora_r: int = field(default=16, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha"})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout"})
    lora_target_modules: list[str] = field(
        default_factory=lambda: ["all-linear"],
        metadata={"help": "modules LoRA adapts (all-linear: every one)"},
    )
    generation_eval_steps: int = field(
        default=200,
        metadata={
            "help": "every N steps, generate on a sample of validation prompts and log verified accuracy (0: off)"
        },
    )
    generation_eval_samples: int = field(
        default=64, metadata={"help": "validation prompts scored by the generation callback"}
    )
    max_new_tokens: int = field(default=256, metadata={"help": "generation length limit in evaluations"})
    test_rows: int = field(
        default=200,
        metadata={"help": "test rows per rule and level scored after training for the model card"},
    )
    overwrite: bool = field(
        default=False, metadata={"help": "replace a finished model already in output_dir"}
    )
    cpu_threads: int = field(
        default=0,
        metadata={
            "help": "torch CPU threads (0: automatic, the cores the load average leaves free, at least 1; "
            "oversubscribed threads made the tiny model 5x slower on a busy 2-core machine)"
        },
    )
    tiny_hidden_size: int = field(default=128, metadata={"help": "tiny preset: model width"})
    tiny_layers: int = field(default=4, metadata={"help": "tiny preset: transformer blocks"})
    tiny_heads: int = field(default=4, metadata={"help": "tiny preset: attention heads"})
    tiny_intermediate_size: int = field(default=256, metadata={"help": "tiny preset: MLP width"})

    def resolved_method(self) -> str:
        return self.method or ("full" if self.preset == "tiny" else "qlora")


# SFTConfig defaults for the tiny preset: a from-scratch character model wants a large learning rate.
TINY_SFT_DEFAULTS: dict[str, Any] = {
    "output_dir": "outputs/mathrules-tiny",
    "learning_rate": 2e-3,
    "per_device_train_batch_size": 64,
    "per_device_eval_batch_size": 64,
    "max_steps": 1000,
    "lr_scheduler_type": "cosine",
    "warmup_steps": 50,
    "weight_decay": 0.0,
    "logging_steps": 25,
    "save_steps": 250,
    "save_total_limit": 2,
    "max_length": 512,
}
BASE_SFT_DEFAULTS: dict[str, Any] = {
    "output_dir": "outputs/mathrules-sft",
    "learning_rate": 2e-4,
    "logging_steps": 10,
    "save_steps": 200,
    "save_total_limit": 2,
}


def _bf16_available() -> bool:
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def apply_cpu_threads(requested: int = 0) -> int:
    """Set torch's CPU thread count (see ``cpu_threads``); returns the number used."""
    import torch

    if torch.cuda.is_available():
        return torch.get_num_threads()
    n = requested
    if n <= 0:
        cores = os.cpu_count() or 1
        try:
            busy = os.getloadavg()[0]
        except OSError:
            busy = 0.0
        n = max(1, min(cores, round(cores - busy + 0.5)))
    torch.set_num_threads(n)
    return n


def rewrite_push_flag(argv: list[str]) -> list[str]:
    """``--push-to-hub ID`` (our spelling) becomes ``--push_to_hub true --hub_model_id ID``."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        name, eq, value = a.partition("=")
        if name in ("--push-to-hub", "--push_to_hub"):
            if not eq and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                value, i = argv[i + 1], i + 1
            if value and value.lower() not in _BOOL_WORDS:
                out += ["--push_to_hub", "true", "--hub_model_id", value]
            else:
                out += ["--push_to_hub", value or "true"]
        else:
            out.append(a)
        i += 1
    return out


def quiet_optional_kernel_warning() -> None:
    """bitsandbytes logs a warning about the optional ``kernels`` package (which would download from the
    Hub) on import; the CPU fallback it uses instead is fine."""
    import logging

    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)


def _parser(extra_defaults: dict[str, Any]):
    import warnings

    quiet_optional_kernel_warning()
    from trl import SFTConfig, TrlParser

    # SFTConfig's own defaults trip transformers' deprecation notice for a field nobody set
    warnings.filterwarnings(
        "ignore", message=".*gradient_checkpointing. is deprecated", category=FutureWarning
    )

    parser = TrlParser((MathRulesArguments, SFTConfig))
    parser.prog = "mathrules train"
    parser.set_defaults_with_config(**{"bf16": _bf16_available(), "report_to": "none", **extra_defaults})
    return parser


def _check_known(parser, argv: list[str], config: dict[str, Any] | None) -> None:
    """One clear error naming an option or config key that does not exist (with the closest match)."""
    dests = {a.dest for a in parser._actions}
    flags = {s for a in parser._actions for s in a.option_strings}

    def hint(name: str, pool) -> str:
        close = difflib.get_close_matches(name, list(pool), n=1)
        return f" (did you mean {close[0]}?)" if close else ""

    for key in config or {}:
        if key not in dests and key != "env":
            raise ConfigError(f"unknown config field {key!r} in the config file{hint(key, dests)}")
    for a in argv:
        if a.startswith("--"):
            name = a.split("=", 1)[0]
            if name not in flags and name != "--config":
                raise ConfigError(f"unknown option {name}{hint(name, flags)}")


def _read_config(argv: list[str]) -> dict[str, Any] | None:
    if "--config" not in argv:
        return None
    i = argv.index("--config")
    if i + 1 >= len(argv):
        raise ConfigError("--config needs a YAML file")
    path = Path(argv[i + 1])
    if not path.is_file():
        raise FileNotFoundError(f"config file {path} does not exist")
    import yaml

    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a YAML mapping of field: value")
    return data


def parse_train_args(argv: list[str]):
    """``(MathRulesArguments, SFTConfig)`` from command-line strings; defaults < preset < YAML < flags."""
    argv = rewrite_push_flag(list(argv))
    config = _read_config(argv)
    probe = _parser({})
    if "-h" in argv or "--help" in argv:
        probe.parse_args_and_config(["--help"])  # prints help and exits
    _check_known(probe, argv, config)
    margs, _ = probe.parse_args_and_config(argv)
    tiny = margs.preset == "tiny" or (margs.preset is None and not margs.model_name_or_path)
    defaults = TINY_SFT_DEFAULTS if tiny else BASE_SFT_DEFAULTS
    margs, sft = _parser(defaults).parse_args_and_config(argv)
    if tiny:
        margs.preset = "tiny"
    validate_args(margs, sft)
    return margs, sft


def validate_args(margs: MathRulesArguments, sft) -> None:
    """Errors a user can fix, raised before anything is loaded or trained."""
    from .data import parse_mix

    if margs.preset == "tiny" and margs.model_name_or_path:
        raise ConfigError("give either --preset tiny or --model_name_or_path, not both")
    if margs.resolved_method() not in METHODS:
        raise ConfigError(f"unknown method {margs.method!r}; choose one of {', '.join(METHODS)}")
    parse_mix(margs.rules, margs.levels, margs.rows_per_level)
    m = margs.model_name_or_path
    if m and not Path(m).exists():
        looks_local = m.startswith((".", "/", "~")) or os.sep in m.strip("/").replace("/", "", 1)
        if looks_local or not _HUB_ID.fullmatch(m):
            raise FileNotFoundError(f"base model {m!r} is neither a local folder nor a Hub id (org/name)")
    if margs.general_dataset and not (0 < margs.general_fraction <= 10):
        raise ConfigError("--general_fraction must be in (0, 10]")
    if sft.push_to_hub and not sft.hub_model_id:
        raise ConfigError("--push-to-hub needs a repository id, e.g. --push-to-hub you/mathrules-tiny")


def arguments_dict(margs: MathRulesArguments, sft) -> dict[str, Any]:
    """The training configuration as plain data (for the model card and training_config.json)."""
    from dataclasses import asdict

    ours = asdict(margs)
    base = type(sft)(output_dir=sft.output_dir, bf16=sft.bf16)
    theirs = {
        f.name: getattr(sft, f.name)
        for f in fields(sft)
        if f.init and getattr(sft, f.name) != getattr(base, f.name) and f.name != "hub_token"
    }
    theirs["output_dir"] = str(sft.output_dir)
    return {"mathrules": ours, "sft": _plain(theirs)}


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        out[k] = v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)
    return out
