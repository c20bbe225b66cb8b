"""``mathrules train``: build the rule mix, build the tiny model or hand the base model to TRL's
``SFTTrainer`` (QLoRA by default, LoRA or full; PEFT and quantization from TRL's helpers), score with our checker while training, save adapter/model, tokenizer,
training config and model card, and optionally push to the Hub."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..rules import ConfigError
from .config import (
    MathRulesArguments,
    apply_cpu_threads,
    arguments_dict,
    quiet_sft_config_warnings,
    resolve_arguments,
)
from .data import build_sft_datasets, parse_mix
from .modeling import model_init_kwargs, peft_config

DONE_FILE = "training_complete.json"


@dataclass
class TrainResult:
    """What a training run produced."""

    output_dir: Path
    resumed_from: str | None
    interrupted: bool
    global_step: int
    train_seconds: float
    train_tokens: int
    generation_history: list[dict[str, float]] = field(default_factory=list)
    log_history: list[dict[str, float]] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float:
        return self.train_tokens / self.train_seconds if self.train_seconds else 0.0


def last_complete_checkpoint(output_dir: Path) -> str | None:
    """The newest ``checkpoint-N`` folder the trainer finished writing, else None.  The trainer writes
    ``trainer_state.json`` last (after the weights, optimizer, scheduler and RNG states) and deletes older
    checkpoints only after it, so a folder without it is one a kill interrupted mid-save: resuming from it
    would fail, and the one before it is whole."""
    import warnings

    from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

    steps = []
    for d in output_dir.glob(f"{PREFIX_CHECKPOINT_DIR}-*"):
        step = d.name[len(PREFIX_CHECKPOINT_DIR) + 1 :]
        if d.is_dir() and step.isdigit():
            steps.append((int(step), d))
    for _, d in sorted(steps, reverse=True):
        if (d / "trainer_state.json").is_file():
            return str(d)
        warnings.warn(
            f"{d} is incomplete (no trainer_state.json: interrupted while saving); not resuming from it",
            stacklevel=3,
        )
    return None


def prepare_output_dir(output_dir: Path, overwrite: bool) -> str | None:
    """Refuse to overwrite a finished run without ``overwrite``; return the checkpoint to resume from."""
    if (output_dir / DONE_FILE).exists():
        if not overwrite:
            raise ConfigError(
                f"{output_dir} already holds a finished model; pass --overwrite to replace it "
                "or choose another --output_dir"
            )
        shutil.rmtree(output_dir)
        return None
    if output_dir.is_dir() and overwrite:
        shutil.rmtree(output_dir)
        return None
    return last_complete_checkpoint(output_dir) if output_dir.is_dir() else None


def _build_model(margs: MathRulesArguments, model_args, train_ds):
    """``(model, tokenizer)``: the tiny preset's model object, or the base model's name for
    ``SFTTrainer`` to load (as TRL's ``sft.py`` does: quantization and device map are the trainer's)."""
    if margs.preset == "tiny":
        from .tiny import TinyModelConfig, make_tokenizer, tiny_llama

        texts = [p + "\n" + c for p, c in zip(train_ds["prompt"][:5000], train_ds["completion"][:5000])]
        tok = make_tokenizer(margs.tiny_tokenizer, texts)
        shape = TinyModelConfig(
            hidden_size=margs.tiny_hidden_size,
            num_hidden_layers=margs.tiny_layers,
            num_attention_heads=margs.tiny_heads,
            intermediate_size=margs.tiny_intermediate_size,
            number_embedding=margs.tiny_number_embedding,
        )
        # the initial weights follow the rules' seed, as the data does: runs of several seeds (the
        # experiments' --set seeds=[...]) differ in their start too, and seed 0 keeps earlier runs' weights
        return tiny_llama(tok, shape, seed=margs.rules_seed), tok
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_args.model_name_or_path, revision=model_args.model_revision)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return model_args.model_name_or_path, tok


def _run_sft_config(sft, model_args, margs: MathRulesArguments):
    """A copy of ``sft`` for this run (the caller's object is never changed): no push by the trainer (we
    push once, at the end, with the card), token counting on, evaluation on the save cadence when asked
    for, no row cut shorter than a packed bin, and the base model's loading arguments as TRL's ``sft.py``
    builds them."""
    changes: dict[str, Any] = {"push_to_hub": False, "include_num_input_tokens_seen": "non_padding"}
    if margs.pack_length and sft.max_length is not None and sft.max_length < margs.pack_length:
        # TRL cuts every row to max_length before the rows are packed, silently: with the tiny preset's 512
        # and 1,024-token bins, 3x3 elimination and in-place linear-system rows (~600-785 tokens) lost their
        # last steps and their answers (EXPERIMENTS § 3k).  A bin bounds a row's length already, and a row
        # longer than a bin is refused by name (``pack_examples``), so nothing is cut
        changes["max_length"] = None
    if sft.eval_strategy != "no" and sft.eval_steps is None:
        changes["eval_steps"] = sft.save_steps
    if margs.preset != "tiny":
        changes["model_init_kwargs"] = model_init_kwargs(model_args, sft.model_init_kwargs)
    return dataclasses.replace(sft, **changes)


def train(
    margs: MathRulesArguments, sft, model_args=None, progress: bool = True, callbacks: list | None = None
) -> TrainResult:
    """Run one training job from ``(MathRulesArguments, SFTConfig, ModelConfig)``; none of them is
    changed.  Errors the user can fix are raised before any training step.  ``callbacks``: more
    ``TrainerCallback`` objects for the trainer, after the project's own."""
    quiet_sft_config_warnings()
    from trl import SFTTrainer, get_quantization_config

    from ..modeling import check_model_source
    from .callbacks import GenerationEvalCallback, GracefulStopCallback, WallClockCallback
    from .optimizers import trainer_optimizer

    margs, sft, model_args = resolve_arguments(margs, sft, model_args)
    mix = parse_mix(margs.rules, margs.levels, margs.rows_per_level)
    output_dir = Path(sft.output_dir)
    if model_args.model_name_or_path:
        check_model_source(model_args.model_name_or_path, "base model")
    resume = prepare_output_dir(output_dir, margs.overwrite)
    apply_cpu_threads(margs.cpu_threads)
    push_id = sft.hub_model_id if sft.push_to_hub else None
    run_sft = _run_sft_config(sft, model_args, margs)

    train_ds, val_ds, val_rows = build_sft_datasets(
        mix,
        margs.validation_rows,
        seed=margs.rules_seed,
        general=margs.general_dataset,
        general_fraction=margs.general_fraction,
        progress=progress,
        vocab=margs.vocab,
        arithmetic_rows=margs.arithmetic_rows,
    )
    model, tok = _build_model(margs, model_args, train_ds)
    if resume and margs.preset == "tiny":
        from transformers import AutoTokenizer

        # reuse the checkpoint's tokenizer so token ids match the saved weights
        tok = AutoTokenizer.from_pretrained(resume)
        tok.padding_side = "left"

    gen_cb = GenerationEvalCallback(
        val_rows,
        tok,
        every=margs.generation_eval_steps,
        samples=margs.generation_eval_samples,
        max_new_tokens=margs.max_new_tokens,
        batch_size=run_sft.per_device_eval_batch_size,
        seed=margs.rules_seed,
    )
    stop_cb, clock_cb = GracefulStopCallback(), WallClockCallback()
    trainer = SFTTrainer(
        model=model,
        args=run_sft,
        train_dataset=train_ds,
        eval_dataset=val_ds if run_sft.eval_strategy != "no" else None,
        processing_class=tok,
        quantization_config=get_quantization_config(model_args) if isinstance(model, str) else None,
        peft_config=peft_config(model_args),
        callbacks=[gen_cb, stop_cb, clock_cb, *(callbacks or [])],
        optimizer_cls_and_kwargs=trainer_optimizer(margs.optimizer, run_sft),
    )
    gen_cb.trainer = trainer
    if margs.pack_length:
        from .packing import use_packed_rows

        use_packed_rows(trainer, margs.pack_length, seed=margs.rules_seed)
    t0 = time.perf_counter()
    out = trainer.train(resume_from_checkpoint=resume)
    seconds = time.perf_counter() - t0
    result = TrainResult(
        output_dir=output_dir,
        resumed_from=resume,
        interrupted=stop_cb.requested,
        global_step=trainer.state.global_step,
        train_seconds=float(out.metrics.get("train_runtime", seconds)),
        train_tokens=int(getattr(trainer.state, "num_input_tokens_seen", 0) or 0),
        generation_history=gen_cb.history,
        log_history=clock_cb.log_rows,
    )
    if stop_cb.requested:
        return result  # a checkpoint was saved by the trainer; no final artefacts
    if trainer.accelerator.is_main_process:
        _save_final(trainer, tok, margs, sft, model_args, mix, result)
    trainer.accelerator.wait_for_everyone()
    if push_id and trainer.accelerator.is_main_process:
        from .hub import push_output

        push_output(output_dir, push_id, private=bool(sft.hub_private_repo))
    return result


def _save_final(trainer, tok, margs, sft, model_args, mix, result: TrainResult) -> None:
    from .card import write_model_card
    from .hub import fix_adapter_base

    output_dir = result.output_dir
    trainer.save_model(str(output_dir))
    tok.save_pretrained(str(output_dir))
    config = arguments_dict(margs, sft, model_args)
    (output_dir / "training_config.json").write_text(json.dumps(config, indent=2, default=str))
    hub_base = base_model_hub_id(margs, model_args)
    fix_adapter_base(output_dir, hub_base)
    test_results = _test_accuracy(trainer, tok, margs, mix)
    write_model_card(output_dir, margs, sft, mix, config, test_results, result, hub_base)
    summary: dict[str, Any] = {
        "global_step": result.global_step,
        "train_seconds": result.train_seconds,
        "train_tokens": result.train_tokens,
        "tokens_per_second": result.tokens_per_second,
        "resumed_from": result.resumed_from,
        "test": test_results,
        "generation_history": result.generation_history,
    }
    (output_dir / "train_results.json").write_text(json.dumps(summary, indent=2))
    (output_dir / DONE_FILE).write_text(json.dumps({"global_step": result.global_step}))


def base_model_hub_id(margs: MathRulesArguments, model_args=None) -> str | None:
    """The base model's Hub id (never a local path), or None (trained from scratch / unknown)."""
    if margs.base_model_hub_id:
        return margs.base_model_hub_id
    m = model_args.model_name_or_path if model_args is not None else None
    if not m:
        return None
    if not Path(m).exists():
        return m
    # a snapshot in the Hub cache: .../models--org--name/snapshots/<sha>
    for part in Path(m).resolve().parts:
        if part.startswith("models--"):
            return part[len("models--") :].replace("--", "/")
    return None


def _test_accuracy(trainer, tok, margs, mix) -> list[dict[str, Any]]:
    """Verified accuracy on the test split of every rule and level trained on (for the model card)."""
    from ..evaluation.generation import generate
    from ..evaluation.scoring import score_batch
    from .data import rule_rows

    if margs.test_rows <= 0:
        return []
    model = trainer.accelerator.unwrap_model(trainer.model)
    results = []
    for entry in mix:
        for level in entry.levels:
            one = [type(entry)(entry.rule, (level,), margs.test_rows, entry.knobs)]
            rows = rule_rows(one, "test", margs.rules_seed, vocab=margs.vocab)
            completions = generate(
                model,
                tok,
                [r["prompt"] for r in rows],
                max_new_tokens=margs.max_new_tokens,
                batch_size=trainer.args.per_device_eval_batch_size,
                progress=True,
            )
            scores = score_batch(rows, completions)
            results.append(
                {
                    "rule": entry.rule,
                    "level": level,
                    "split": "test",
                    "n": len(scores),
                    "verified_accuracy": sum(s.correct for s in scores) / max(1, len(scores)),
                    "form_errors": sum(s.outcome == "wrong_form" for s in scores) / max(1, len(scores)),
                }
            )
    return results
