"""Training data: a mix of rules and levels, read through ``hf_mathrules.data`` (each entry's rows are those
``load_dataset("hf_mathrules/<rule>")`` returns for its levels, seed and size), plus optional general
instruction data (a Hub dataset id or a local file) mixed in to limit forgetting."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..prompting import sft_row
from ..rules import ConfigError, rule_names


@dataclass(frozen=True)
class MixEntry:
    """One component of the training mix: ``rows`` training rows of ``rule`` at each of ``levels``, with
    ``knobs`` (``(name, value)`` pairs) set over the levels' own."""

    rule: str
    levels: tuple[int, ...]
    rows: int
    knobs: tuple[tuple[str, Any], ...] = ()

    def label(self) -> str:
        text = f"{self.rule}:{','.join(map(str, self.levels))}:{self.rows}"
        return text + (":" + ",".join(f"{k}={_knob_text(v)}" for k, v in self.knobs) if self.knobs else "")


def _knob_text(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def _knob_value(text: str) -> Any:
    """A knob's value as written in a mix entry: true/false, an integer, a number, else the text."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def _knobs(spec: str, rule: str, levels: tuple[int, ...], text: str) -> tuple[tuple[str, Any], ...]:
    """``max_coeff=12,unit_pivots=true`` -> pairs, each checked by building the rule at every level."""
    from ..rules import make_rule

    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, eq, value = part.partition("=")
        if not eq or not name.strip():
            raise ConfigError(f"knobs must look like NAME=VALUE[,NAME=VALUE] in {spec!r}, got {part!r}")
        pairs.append((name.strip(), _knob_value(value)))
    for level in levels:
        make_rule(rule, level=level, **dict(pairs))  # an unknown knob or a bad value: a ConfigError naming it
    return tuple(pairs)


def _levels(text: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in text.split(","):
        lo, sep, hi = part.partition("-")
        try:
            out.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
        except ValueError:
            raise ConfigError(f"levels must look like 1 or 1-3 or 1,3, got {text!r}") from None
    for lv in out:
        if not 1 <= lv <= 5:
            raise ConfigError(f"training levels are 1-5 (6 is the out-of-distribution test), got {lv}")
    return tuple(out)


def parse_mix(specs: list[str], default_levels: str = "1", default_rows: int = 20000) -> list[MixEntry]:
    """Parse ``NAME[:LEVELS[:ROWS[:KNOB=VALUE,...]]]`` entries (e.g. ``distributivity:1-3:5000``,
    ``linear_system:1:8000:max_coeff=12``); unknown rules and knobs are errors naming them."""
    if not specs:
        raise ConfigError("no rules to train on; give at least one, e.g. --rules distributivity")
    known = rule_names()
    entries = []
    for spec in specs:
        name, _, rest = str(spec).partition(":")
        levels_text, _, rest = rest.partition(":")
        rows_text, _, knobs_text = rest.partition(":")
        if name not in known:
            raise ConfigError(f"unknown rule {name!r}; known rules: {', '.join(known)}")
        try:
            rows = int(rows_text) if rows_text else default_rows
        except ValueError:
            raise ConfigError(f"rows must be an integer in {spec!r}") from None
        if rows < 1:
            raise ConfigError(f"rows must be positive in {spec!r}")
        levels = _levels(levels_text or default_levels)
        entries.append(MixEntry(name, levels, rows, _knobs(str(spec), name, levels, knobs_text)))
    return entries


def entry_params(
    entry: MixEntry, split: str, seed: int = 0, rows: int | None = None, vocab: str | None = None
) -> dict[str, Any]:
    """The ``hf_mathrules.data`` parameters of one entry's split: all its levels in one dataset (levels
    alternate by item index) with ``rows`` per level (default: the entry's), the other splits empty;
    ``vocab`` is a vocabulary spec (None: the rules' default letters)."""
    from ..data.loading import size_param

    sizes = dict.fromkeys(("n_train", "n_validation", "n_test", "n_ood"), 0)
    sizes[size_param(split)] = (rows or entry.rows) * len(entry.levels)
    knobs = {"knobs": dict(entry.knobs)} if entry.knobs else {}
    return {"levels": entry.levels, "seed": seed, **sizes, **knobs, **({"vocab": vocab} if vocab else {})}


def rule_rows(
    mix: list[MixEntry],
    split: str,
    seed: int = 0,
    rows: int | None = None,
    progress: bool = False,
    vocab: str | None = None,
) -> list[dict[str, Any]]:
    """Full rule rows (all columns) of ``split`` for every entry; ``rows`` overrides the count per level."""
    from ..data.loading import size_param, split_rows

    out: list[dict[str, Any]] = []
    for e in mix:
        params = entry_params(e, split, seed, rows, vocab)
        entry_rows = split_rows(e.rule, split, **params)
        if progress:
            from tqdm import tqdm

            n = params[size_param(split)]
            entry_rows = tqdm(entry_rows, total=n, desc=f"generating {e.rule}", unit="row")
        out.extend(entry_rows)
    return out


def load_general_rows(source: str, n: int, seed: int = 0, split: str = "train") -> list[dict[str, str]]:
    """``n`` prompt/completion rows from general instruction data: a local json/jsonl/parquet/csv file or
    folder, or a Hub dataset id.  Accepts prompt/completion, instruction/(input)/output, or messages
    (user then assistant) columns."""
    from datasets import load_dataset

    path = Path(source)
    if path.is_file():
        fmt = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".csv": "csv"}.get(path.suffix)
        if fmt is None:
            raise ConfigError(f"general data file {source!r}: use .json, .jsonl, .parquet or .csv")
        ds = load_dataset(fmt, data_files=str(path), split="train")
    else:
        ds = load_dataset(source, split=split)
    ds = ds.shuffle(seed=seed).select(range(min(n, len(ds))))
    return [_general_row(r, source) for r in ds]


def _general_row(r: dict[str, Any], source: str) -> dict[str, str]:
    if "prompt" in r and "completion" in r:
        return {"prompt": str(r["prompt"]), "completion": str(r["completion"])}
    if "instruction" in r and "output" in r:
        prompt = str(r["instruction"]) + (f"\n{r['input']}" if r.get("input") else "")
        return {"prompt": prompt + "\n", "completion": str(r["output"])}
    if "messages" in r:
        user = [m["content"] for m in r["messages"] if m.get("role") == "user"]
        bot = [m["content"] for m in r["messages"] if m.get("role") == "assistant"]
        if user and bot:
            return {"prompt": user[0] + "\n", "completion": bot[0]}
    raise ConfigError(
        f"general data {source!r}: rows need prompt/completion, instruction/output or messages columns; "
        f"got {sorted(r)}"
    )


def build_sft_datasets(
    mix: list[MixEntry],
    validation_rows: int,
    seed: int = 0,
    general: str | None = None,
    general_fraction: float = 0.0,
    progress: bool = True,
    vocab: str | None = None,
    arithmetic_rows: int = 0,
):
    """``(train, validation, validation_rule_rows)``: TRL prompt/completion datasets, shuffled, and the
    full rule rows of the validation set (for the generation callback, which needs rule and answer);
    ``arithmetic_rows`` drill rows (``hf_mathrules.train.drill``) join the training rows."""
    from datasets import Dataset

    from .drill import drill_rows

    train = [sft_row(r) for r in rule_rows(mix, "train", seed, progress=progress, vocab=vocab)]
    if general and general_fraction > 0:
        train.extend(load_general_rows(general, int(len(train) * general_fraction), seed))
    train.extend(drill_rows(arithmetic_rows, seed))
    random.Random(seed).shuffle(train)
    val_full = rule_rows(mix, "validation", seed, rows=validation_rows, vocab=vocab)
    validation = Dataset.from_list([sft_row(r) for r in val_full])
    return Dataset.from_list(train), validation, val_full
