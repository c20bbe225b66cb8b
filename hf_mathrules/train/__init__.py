"""Training on rule data with TRL: configuration (``MathRulesArguments`` + TRL's ``SFTConfig`` and
``ModelConfig``), the ``tiny`` preset (a small Llama and a character tokenizer trained from scratch on
CPU), QLoRA/LoRA/full fine-tuning through ``SFTTrainer``, a generation-based evaluation callback scored by
our checker, the model card, and the end-to-end main job (``pipeline.run_main_job``).  Heavy libraries
load lazily.  The prompt and completion text of a training row is ``hf_mathrules.prompting``'s."""

from .config import METHODS, MathRulesArguments, parse_train_args
from .data import MixEntry, build_sft_datasets, parse_mix

__all__ = [
    "METHODS",
    "MathRulesArguments",
    "MixEntry",
    "build_sft_datasets",
    "parse_mix",
    "parse_train_args",
]
