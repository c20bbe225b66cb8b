"""``evaluate_models``: generate and score every (model, rule, split, level) cell; one record per row."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..data import DEFAULT_RULE
from ..rules import OOD_SPLITS, SPLITS, ConfigError, get_rule, rule_names
from .generation import generate
from .scoring import score_batch

# the test bucket at the training level(s), with variable names held out of training (the complement of
# an @train:K vocabulary): unseen names alone.  test_ood_vocab is drawn at the training level(s) too, with
# --heldout-vocab or the built-in words; only test_ood_level changes the level (6)
HELDOUT_VOCAB_SPLIT = "test_heldout_vocab"
EVAL_SPLITS = ("test", HELDOUT_VOCAB_SPLIT, *OOD_SPLITS)


@dataclass(frozen=True)
class ModelSpec:
    """A model to evaluate: ``label`` names its column in the report."""

    label: str
    model: str
    adapter: str | None = None


@dataclass
class EvalSettings:
    """What to evaluate and how; ``mathrules evaluate`` has one option per field, with its help."""

    rules: list[str] = field(
        default_factory=lambda: [DEFAULT_RULE], metadata={"help": "rule names, or all / word / math"}
    )
    splits: list[str] = field(default_factory=lambda: list(EVAL_SPLITS), metadata={"help": "splits"})
    levels: list[int] = field(
        default_factory=lambda: [1], metadata={"help": "levels of the in-distribution splits"}
    )
    n: int = field(default=100, metadata={"help": "problems per rule, split and level"})
    seed: int = 0
    batch_size: int = 64
    max_new_tokens: int = 256
    recursive: bool = field(
        default=True,
        metadata={
            "help": "linear_system: the model is called on its own sub-problems (off: it writes the "
            "sub-answers itself)"
        },
    )
    step_timeout: float = field(default=5.0, metadata={"help": "seconds the checker may spend on one step"})
    vocab: str | None = field(
        default=None,
        metadata={
            "help": "the training vocabulary of the test split (e.g. letters@train:8); default: letters"
        },
    )
    heldout_vocab: str | None = field(
        default=None,
        metadata={
            "help": "names held out of training, for test_heldout_vocab (training level) and test_ood_vocab "
            "(default: the complement of --vocab's @train:K, else built-in words)"
        },
    )

    def heldout_vocab_spec(self) -> str:
        """Given, else the complement of an ``@train:K`` training vocabulary, else built-in words."""
        if self.heldout_vocab:
            return self.heldout_vocab
        if self.vocab and "@train:" in self.vocab:
            return self.vocab.replace("@train:", "@heldout:")
        return "words"


def resolve_rules(specs: list[str]) -> list[str]:
    """Rule names from ``all``, ``word`` (the word problems), ``math`` (the others) or names."""
    known = rule_names()
    out: list[str] = []
    for s in specs:
        if s == "all":
            out += known
        elif s == "word":
            out += [r for r in known if get_rule(r).word_problem]
        elif s == "math":
            out += [r for r in known if not get_rule(r).word_problem]
        elif s in known:
            out.append(s)
        else:
            raise ConfigError(f"unknown rule {s!r}; known: {', '.join(known)} (or all, word, math)")
    return list(dict.fromkeys(out))


def check_splits(splits: list[str]) -> None:
    valid = (*SPLITS, HELDOUT_VOCAB_SPLIT, *OOD_SPLITS)
    for s in splits:
        if s not in valid:
            raise ConfigError(f"unknown split {s!r}; valid: {', '.join(valid)}")


def cell_rows(rule: str, split: str, level: int, settings: EvalSettings) -> list[dict[str, Any]]:
    """The rows of one cell, as ``hf_mathrules.data`` gives them (``load_dataset("hf_mathrules/<rule>")``
    with this level, seed and size); ``test_ood_vocab`` is drawn at this level too, ``test_ood_level`` at 6.
    ``test_heldout_vocab`` is the test bucket at ``level`` drawn with the held-out vocabulary (relabelled)."""
    from ..data.loading import size_param, split_rows  # the datasets stack only when rows are needed

    params: dict[str, Any] = {"levels": (level,), "seed": settings.seed}
    if split == HELDOUT_VOCAB_SPLIT:
        params.update(n_test=settings.n, vocab=settings.heldout_vocab_spec())
        return [{**r, "split": HELDOUT_VOCAB_SPLIT} for r in split_rows(rule, "test", **params)]
    params[size_param(split)] = settings.n
    if settings.vocab and split in SPLITS:
        params["vocab"] = settings.vocab
    if settings.heldout_vocab and split == "test_ood_vocab":
        params["ood_vocab"] = settings.heldout_vocab
    return list(split_rows(rule, split, **params))


def evaluate_loaded(
    model, tokenizer, label: str, settings: EvalSettings, progress: bool = True
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Records for one loaded model over every cell, and its timing."""
    from .recursion import recursive_completions

    records: list[dict[str, Any]] = []
    gen_seconds = 0.0
    n_generated = 0
    for rule in settings.rules:
        for split in settings.splits:
            # test_ood_level: its one fixed level (6); every other split, held-out names too: each training level
            levels = [0] if split == "test_ood_level" else settings.levels
            for level in levels:
                rows = cell_rows(rule, split, level or 1, settings)
                prompts = [r["prompt"] for r in rows]
                t0 = time.perf_counter()
                if rule == "linear_system" and settings.recursive:
                    completions = recursive_completions(
                        model,
                        tokenizer,
                        prompts,
                        max_new_tokens=settings.max_new_tokens,
                        batch_size=settings.batch_size,
                        progress=progress,
                    )
                else:
                    completions = generate(
                        model,
                        tokenizer,
                        prompts,
                        max_new_tokens=settings.max_new_tokens,
                        batch_size=settings.batch_size,
                        progress=progress,
                    )
                gen_seconds += time.perf_counter() - t0
                n_generated += len(prompts)
                scores = score_batch(rows, completions, timeout=settings.step_timeout)
                for row, completion, s in zip(rows, completions, scores):
                    records.append(
                        {
                            "model": label,
                            "rule": rule,
                            "split": split,
                            "level": int(row["difficulty"]),
                            "id": row["id"],
                            "prompt": row["prompt"],
                            "reference": row["answer"],
                            "completion": completion,
                            **s.to_dict(),
                            "correct": s.correct,
                        }
                    )
    timing = {
        "generation_seconds": gen_seconds,
        "problems": n_generated,
        "problems_per_second": n_generated / gen_seconds if gen_seconds else 0.0,
    }
    return records, timing


def evaluate_models(
    specs: list[ModelSpec], settings: EvalSettings, progress: bool = True
) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """Load each model (one at a time, to bound memory) and evaluate it on the same rows."""
    from ..modeling import adapter_config, check_model_source, load_for_inference

    check_splits(settings.splits)
    for spec in specs:  # every error a user can fix, before any generation
        check_model_source(spec.model)
        if spec.adapter:
            adapter_config(spec.adapter)
    records: list[dict[str, Any]] = []
    timings: dict[str, dict[str, float]] = {}
    for spec in specs:
        model, tok = load_for_inference(spec.model, spec.adapter)
        recs, timing = evaluate_loaded(model, tok, spec.label, settings, progress=progress)
        records += recs
        timings[spec.label] = timing
        del model
    return records, timings
