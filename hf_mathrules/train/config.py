"""``mathrules train`` configuration, parsed the way TRL's own ``sft.py`` does it: ``TrlParser`` over
``(MathRulesArguments, SFTConfig, ModelConfig)`` (YAML file with ``--config``, command-line flags override
it).  ``MathRulesArguments`` holds what TRL does not know (the rule mix, the tiny preset, the checker's
evaluation); the base model, LoRA and quantization are TRL's ``ModelConfig`` fields, turned into PEFT and
bitsandbytes configurations by TRL's ``get_peft_config`` / ``get_quantization_config``.

``--method qlora|lora|full`` is our shorthand for ModelConfig's switches (see ``METHOD_HELP``); programs
build the three dataclasses directly (``tiny_sft_config``, ``base_sft_config``, ``model_config``) and call
``resolve_arguments``, which ``train`` also calls, so both paths check the same things."""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import warnings
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..data import DEFAULT_RULE
from ..rules import ConfigError

METHODS = ("qlora", "lora", "full")
PRESETS = ("tiny",)
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_BOOL_WORDS = {"true", "false", "yes", "no", "1", "0", "t", "f", "y", "n"}

METHOD_HELP = (
    "--method is shorthand for TRL's ModelConfig switches: qlora = --use_peft true --load_in_4bit true "
    "(nf4, --use_bnb_nested_quant true by default); lora = --use_peft true (--load_in_8bit true allowed); "
    "full = neither.  Without --method the switches decide, and a base model given without any of them "
    "gets qlora."
)
SPELLINGS_HELP = (
    "Shorthands: --push-to-hub ID (= --push_to_hub true --hub_model_id ID); --method as above.  Our "
    "defaults where TRL's differ: "
    "--lora_target_modules all-linear, --use_bnb_nested_quant true, --dtype bfloat16 for qlora on a GPU "
    "that has it (else float32), --report_to none, --bf16 on a GPU that has it; --bf16 true on a CPU "
    "trains with bf16 autocast (faster for packed rows on a CPU with AVX512-BF16 or AMX; on a CPU "
    "without them it is dropped with a warning, as emulated bf16 is many times slower than float32)."
)


@dataclass
class MathRulesArguments:
    """What to train on and how it is checked; the model is TRL's ``ModelConfig``, the training loop its
    ``SFTConfig``."""

    preset: str | None = field(
        default=None,
        metadata={
            "help": "tiny: build a small Llama and a character tokenizer from our data and train it from "
            "scratch (full training, runs on a laptop CPU, no download). The default when no "
            "--model_name_or_path is given.",
            "choices": list(PRESETS),
        },
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
            "with a base model), lora, or full (the tiny preset's default). " + METHOD_HELP,
            "choices": list(METHODS),
        },
    )
    rules: list[str] = field(
        default_factory=lambda: [DEFAULT_RULE],
        metadata={
            "help": "rules to mix, each NAME[:LEVELS[:ROWS[:KNOB=VALUE,...]]], e.g. distributivity:1-3:5000 "
            "or linear_system:1:8000:max_coeff=12"
        },
    )
    levels: str = field(default="1", metadata={"help": "levels for rules given without any, e.g. 1 or 1-3"})
    rows_per_level: int = field(default=20000, metadata={"help": "training rows per rule and level"})
    validation_rows: int = field(default=200, metadata={"help": "validation rows per rule and level"})
    rules_seed: int = field(default=0, metadata={"help": "seed of the rule generators"})
    vocab: str | None = field(
        default=None,
        metadata={
            "help": "variable vocabulary of the rule rows (training, validation and the card's test), e.g. "
            "letters@train:8 or words@train:50 (paper D.1); default: single letters"
        },
    )
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
    arithmetic_rows: int = field(
        default=0,
        metadata={
            "help": "arithmetic drill rows mixed into training: signed sums, products and exact quotients of "
            "whole numbers below 1000 (hf_mathrules.train.drill), for the constant sides of linear systems "
            "and elimination; 0: none"
        },
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
    tiny_tokenizer: str = field(
        default="char",
        metadata={
            "help": "tiny preset: char (one token per character), math (one token per word of the rules' "
            "text, spaced operator and number below 100; lossless, 1.77x fewer tokens a row) or math-digits "
            "(math with numbers one digit a token)",
            "choices": ["char", "math", "math-digits"],
        },
    )
    tiny_number_embedding: str = field(
        default="random",
        metadata={
            "help": "tiny preset: how number tokens' embeddings start: random, or fourier (their value's "
            "Fourier features, periods 2 to 1000: sums become rotations instead of a table to memorize)",
            "choices": ["random", "fourier"],
        },
    )
    optimizer: str = field(
        default="adamw",
        metadata={
            "help": "adamw (the Trainer's --optim) or muon: torch.optim.Muon for the 2-D weights inside the "
            "transformer blocks, AdamW for embeddings, norms and head, both on --learning_rate and its "
            "schedule (more learned per token on the tiny preset: RESULTS)",
            "choices": ["adamw", "muon"],
        },
    )
    pack_length: int = field(
        default=0,
        metadata={
            "help": "pack training rows, in random order, into rows of this many tokens with no padding "
            "(attention stays within each row; a batch is then per_device_train_batch_size packed rows). "
            "0: TRL's padded batches. For CPUs, where TRL's padding_free needs FlashAttention to be cheap"
        },
    )

    def __post_init__(self) -> None:
        """Errors in our own fields, raised while parsing (before anything is loaded or trained)."""
        from .data import parse_mix

        if self.preset is not None and self.preset not in PRESETS:
            raise ConfigError(f"unknown preset {self.preset!r}; choose one of {', '.join(PRESETS)}")
        if self.method is not None and self.method not in METHODS:
            raise ConfigError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        if isinstance(self.rules, str):
            self.rules = [self.rules]
        if self.rows_per_level < 1:
            raise ConfigError("--rows_per_level must be at least 1")
        parse_mix(self.rules, self.levels, self.rows_per_level)
        if self.vocab:
            from ..vocab import parse_vocab_spec

            try:
                parse_vocab_spec(self.vocab)
            except ValueError as exc:
                raise ConfigError(f"--vocab: {exc}") from None
        if self.validation_rows < 1:
            raise ConfigError("--validation_rows must be at least 1")
        if self.general_dataset and not (0 < self.general_fraction <= 10):
            raise ConfigError("--general_fraction must be in (0, 10]")
        for name in ("generation_eval_steps", "test_rows", "cpu_threads", "pack_length", "arithmetic_rows"):
            if getattr(self, name) < 0:
                raise ConfigError(f"--{name} must not be negative")
        for name in ("generation_eval_samples", "max_new_tokens", "tiny_hidden_size", "tiny_layers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name} must be at least 1")
        if self.tiny_tokenizer not in ("char", "math", "math-digits"):
            raise ConfigError(
                f"unknown --tiny_tokenizer {self.tiny_tokenizer!r}; choose char, math or math-digits"
            )
        if self.optimizer not in ("adamw", "muon"):
            raise ConfigError(f"unknown --optimizer {self.optimizer!r}; choose adamw or muon")
        if self.tiny_heads < 1 or self.tiny_hidden_size % self.tiny_heads:
            raise ConfigError("--tiny_hidden_size must be a multiple of --tiny_heads")
        if self.tiny_number_embedding == "fourier" and self.tiny_hidden_size < 20:
            raise ConfigError("--tiny_number_embedding fourier needs --tiny_hidden_size of at least 20")

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
    # TRL turns it on by default; a model this small has little to keep, and recomputing every block's
    # forward in the backward pass cost 22% of a step (measured: 53.6 s -> 41.4 s per 100 steps)
    "gradient_checkpointing": False,
}
BASE_SFT_DEFAULTS: dict[str, Any] = {
    "output_dir": "outputs/mathrules-sft",
    "learning_rate": 2e-4,
    "logging_steps": 10,
    "save_steps": 200,
    "save_total_limit": 2,
}
# ModelConfig defaults where ours differ from TRL's (dtype None: chosen by the method, see resolve_arguments)
MODEL_DEFAULTS: dict[str, Any] = {
    "lora_target_modules": ["all-linear"],
    "use_bnb_nested_quant": True,
    "dtype": None,
}


def _bf16_available() -> bool:
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def bf16_on_cpu(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with ``use_cpu`` on where they ask for bf16 without a GPU: transformers refuses bf16
    on a CPU unless told the run is meant for one, and autocast then runs the matmuls in bf16.  On a CPU
    without hardware bf16 the request is dropped with a warning: emulated bf16 is many times slower than
    fp32 there, which is never what ``--bf16 true`` (asked for speed) meant."""
    import torch

    from .hardware import cpu_has_native_bf16

    if not settings.get("bf16") or torch.cuda.is_available():
        return settings
    if not cpu_has_native_bf16():
        warnings.warn(
            "--bf16 true ignored: this CPU has no hardware bf16 (AVX512-BF16 or AMX), where bf16 autocast "
            "runs many times slower than float32; training in float32",
            stacklevel=2,
        )
        return {**settings, "bf16": False}
    if not settings.get("use_cpu"):
        return {**settings, "use_cpu": True}
    return settings


def quiet_sft_config_warnings() -> None:
    """SFTConfig's own defaults trip transformers' deprecation notice for a field nobody set; bitsandbytes
    logs a warning about the optional ``kernels`` package (which would download from the Hub) on import,
    and the CPU fallback it uses instead is fine."""
    import logging

    warnings.filterwarnings(
        "ignore", message=".*gradient_checkpointing. is deprecated", category=FutureWarning
    )
    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)


def _sft_defaults(preset: dict[str, Any]) -> dict[str, Any]:
    """Our SFTConfig defaults where TRL's differ: the preset's, no reporting, bf16 on a GPU with it.  On a
    CPU bf16 is asked for (``--bf16 true``): with AVX512-BF16 it made the packed math-token recipe 1.31x
    faster and the quick start's short padded character rows 0.92x (RESULTS.md), so no default fits both."""
    return {"bf16": _bf16_available(), "report_to": "none", **preset}


def _sft_config(preset: dict[str, Any], overrides: dict[str, Any]):
    quiet_sft_config_warnings()
    from trl import SFTConfig

    return SFTConfig(**bf16_on_cpu({**_sft_defaults(preset), **overrides}))


def tiny_sft_config(**overrides):
    """``SFTConfig`` with the tiny preset's defaults (what ``mathrules train`` uses without a base model)."""
    return _sft_config(TINY_SFT_DEFAULTS, overrides)


def base_sft_config(**overrides):
    """``SFTConfig`` with the defaults ``mathrules train`` uses for a pretrained base model."""
    return _sft_config(BASE_SFT_DEFAULTS, overrides)


def model_config(**overrides):
    """TRL's ``ModelConfig`` with our defaults (``MODEL_DEFAULTS``)."""
    from trl import ModelConfig

    return ModelConfig(**{**MODEL_DEFAULTS, **overrides})


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


class _PresetDefault:
    """The default of an SFTConfig field the preset decides (``TINY_SFT_DEFAULTS`` / ``BASE_SFT_DEFAULTS``):
    left in the parsed values where neither the YAML file nor a flag gave the field, then replaced by the
    preset's value or, where the preset has none, TRL's."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        tiny, base = (d.get(self.name, "TRL's default") for d in (TINY_SFT_DEFAULTS, BASE_SFT_DEFAULTS))
        return f"{tiny} with the tiny preset, {base} with a base model"


def make_parser():
    """TRL's parser over ``(MathRulesArguments, SFTConfig, ModelConfig)`` with our defaults; the fields a
    preset decides default to a ``_PresetDefault`` (``parse_train_args`` fills them in)."""
    quiet_sft_config_warnings()
    from trl import ModelConfig, SFTConfig, TrlParser

    parser = TrlParser(
        (MathRulesArguments, SFTConfig, ModelConfig),
        prog="mathrules train",
        description="Train on rule data with TRL's SFTTrainer.  Options are MathRulesArguments, then TRL's "
        "SFTConfig and ModelConfig; --config FILE.yaml gives any of them as field: value, flags override "
        "the file.  " + METHOD_HELP,
        epilog=SPELLINGS_HELP,
        allow_abbrev=False,  # a misspelt option is an error, never a guess
    )
    preset = {name: _PresetDefault(name) for name in {**TINY_SFT_DEFAULTS, **BASE_SFT_DEFAULTS}}
    parser.set_defaults_with_config(**_sft_defaults({}), **MODEL_DEFAULTS, **preset)
    return parser


def _hint(name: str, pool) -> str:
    close = difflib.get_close_matches(name, sorted(pool), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _pop_config(argv: list[str], known: set[str]) -> dict[str, Any]:
    """The YAML file of ``--config FILE`` (taken out of ``argv``) as TRL's ``parse_args_and_config`` reads
    it: ``env:`` sets environment variables, every other key must be a field."""
    if "--config" not in argv:
        return {}
    i = argv.index("--config")
    if i + 1 >= len(argv):
        raise ConfigError("--config needs a YAML file")
    path = Path(argv[i + 1])
    del argv[i : i + 2]
    if not path.is_file():
        raise FileNotFoundError(f"config file {path} does not exist")
    import yaml

    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a YAML mapping of field: value")
    env = data.pop("env", {})
    if not isinstance(env, dict):
        raise ConfigError(f"config file {path}: env must be a mapping of NAME: value")
    for key in data:
        if key not in known:
            raise ConfigError(f"unknown config field {key!r} in the config file{_hint(key, known)}")
    os.environ.update({k: str(v) for k, v in env.items()})
    return data


def parse_train_args(argv: list[str]):
    """``(MathRulesArguments, SFTConfig, ModelConfig)`` from command-line strings, parsed once, checked and
    resolved (``resolve_arguments``); defaults < preset < YAML < flags."""
    argv = rewrite_push_flag(list(argv))
    parser = make_parser()
    if "-h" in argv or "--help" in argv:
        parser.print_help()
        raise SystemExit(0)
    known = {f.name for dtype in parser.dataclass_types for f in fields(dtype) if f.init}
    parser.set_defaults_with_config(**_pop_config(argv, known))
    values, unknown = parser.parse_known_args(argv)
    for a in unknown:
        if a.startswith("--"):
            name = a.split("=", 1)[0]
            flags = {f"--{k}" for k in known} | {f"--{k.replace('_', '-')}" for k in known} | {"--config"}
            raise ConfigError(f"unknown option {name}{_hint(name, flags)}")
    if unknown:
        raise ValueError(f"Some specified arguments are not used by the HfArgumentParser: {unknown}")
    tiny = values.preset == "tiny" or (values.preset is None and not values.model_name_or_path)
    preset = TINY_SFT_DEFAULTS if tiny else BASE_SFT_DEFAULTS
    given = {k: v for k, v in vars(values).items() if not isinstance(v, _PresetDefault)}
    return resolve_arguments(*parser.parse_dict(bf16_on_cpu({**preset, **given})))  # else TRL's default


def _check_model_name(m: str | None) -> None:
    if m and not Path(m).exists():
        looks_local = m.startswith((".", "/", "~")) or os.sep in m.strip("/").replace("/", "", 1)
        if looks_local or not _HUB_ID.fullmatch(m):
            raise FileNotFoundError(f"base model {m!r} is neither a local folder nor a Hub id (org/name)")


def _resolve_method(margs: MathRulesArguments, model) -> tuple[str, dict[str, Any]]:
    """The method and the ModelConfig switches it stands for; an error when they contradict."""
    tiny = margs.preset == "tiny"
    method = margs.method
    if method is None:
        if tiny:
            method = "lora" if model.use_peft else "full"
        elif model.load_in_8bit or (model.use_peft and not model.load_in_4bit):
            method = "lora"
        else:
            method = "qlora"
    if method == "qlora":
        if tiny:
            raise ConfigError(
                "--method qlora needs a pretrained --model_name_or_path (the tiny preset trains fully)"
            )
        if model.load_in_8bit:
            raise ConfigError("--method qlora loads the base in 4 bits; drop --load_in_8bit")
        if model.dtype == "auto":
            raise ConfigError(
                "--dtype auto cannot be qlora's compute dtype; give bfloat16, float16 or float32"
            )
        dtype = model.dtype or ("bfloat16" if _bf16_available() else "float32")
        return method, {"use_peft": True, "load_in_4bit": True, "dtype": dtype}
    if tiny and (model.load_in_4bit or model.load_in_8bit):
        raise ConfigError("the tiny preset is built in memory and cannot be loaded quantized")
    if method == "lora":
        if model.load_in_4bit:
            raise ConfigError("--method lora with --load_in_4bit is qlora: give --method qlora")
        return method, {"use_peft": True, "dtype": model.dtype or "float32"}
    if model.use_peft or model.load_in_4bit or model.load_in_8bit:
        raise ConfigError(
            "--method full trains every weight: drop --use_peft, --load_in_4bit, --load_in_8bit"
        )
    return method, {"dtype": model.dtype or "float32"}


def resolve_arguments(margs: MathRulesArguments, sft, model=None):
    """Checks across the three configurations and the values they imply, as new objects (the arguments
    are never changed): the preset (tiny without a base model), ``--method`` spelled out as ModelConfig's
    ``use_peft`` / ``load_in_4bit`` / ``dtype``.  Errors a user can fix, raised before anything loads."""
    model = model if model is not None else model_config()
    if margs.preset == "tiny" and model.model_name_or_path:
        raise ConfigError("give either --preset tiny or --model_name_or_path, not both")
    if margs.preset is None and not model.model_name_or_path:
        margs = dataclasses.replace(margs, preset="tiny")
    _check_model_name(model.model_name_or_path)
    method, switches = _resolve_method(margs, model)
    if sft.push_to_hub and not sft.hub_model_id:
        raise ConfigError("--push-to-hub needs a repository id, e.g. --push-to-hub you/mathrules-tiny")
    margs = dataclasses.replace(margs, method=method)
    if any(getattr(model, k) != v for k, v in switches.items()):
        model = dataclasses.replace(model, **switches)
    return margs, sft, model


def arguments_dict(margs: MathRulesArguments, sft, model=None) -> dict[str, Any]:
    """The training configuration as plain data (for the model card and training_config.json): ours and
    the model's in full, the SFTConfig fields that differ from TRL's defaults."""
    from dataclasses import asdict

    ours = asdict(margs)
    base = type(sft)(output_dir=sft.output_dir, bf16=sft.bf16, use_cpu=sft.use_cpu)
    theirs = {
        f.name: getattr(sft, f.name)
        for f in fields(sft)
        if f.init and getattr(sft, f.name) != getattr(base, f.name) and f.name != "hub_token"
    }
    theirs["output_dir"] = str(sft.output_dir)
    out = {"mathrules": ours, "sft": _plain(theirs)}
    if model is not None:
        out["model"] = _plain(asdict(model))
    return out


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        out[k] = v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)
    return out
