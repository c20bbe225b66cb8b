"""The ``datasets`` builder: one config per rule (word-problem sets included) plus named mixtures.

datasets 5 runs no loading scripts, so the builder lives here and is used through
``hf_mathrules.data.load`` / ``mathrules build`` (which prepare it under the Hub-style id
``hf_mathrules/<name>`` so that a plain ``load_dataset("hf_mathrules/<name>")`` finds it), or directly::

    builder = MathRules(config_name="distributivity", n_train=1000)
    builder.download_and_prepare(num_proc=2)
    ds = builder.as_dataset()

The cache hash is the package version plus the source of every module that shapes a row (and, for the
Hub-style entries, the generation parameters), so a code change never returns stale data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import datasets
from datasets.builder import Key

from ..rules import OOD_SPLITS
from .config import VERSION, MathRulesConfig, config_names
from .generation import code_hash, shard_rows, shard_spec

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "rule": datasets.Value("string"),
        "split": datasets.Value("string"),
        "difficulty": datasets.Value("int32"),
        "prompt": datasets.Value("string"),
        "completion": datasets.Value("string"),
        "problem": datasets.Value("string"),
        "answer": datasets.Value("string"),
        "steps": datasets.List(datasets.Value("string")),
        "meta": datasets.Value("string"),
    }
)

DESCRIPTION = (
    "Synthetic step-by-step math-rule problems (Learning Mathematical Rules with LLMs, arXiv 2410.16973), "
    "generated with hf_mathrules' expression tree and validated with SymPy."
)


def split_shards(config: MathRulesConfig) -> dict[str, list[dict[str, Any]]]:
    """Per split, the list of shard specs (one per rule with rows in that split)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for split, n in config.split_sizes().items():
        specs = [
            shard_spec(
                rule,
                split,
                count,
                config.seed,
                config.levels,
                config.vocab,
                config.ood_vocab_spec(),
                config.rule_knobs(rule),
            )
            for rule, count in config.rows_per_rule(n).items()
            if count > 0
        ]
        if specs:
            out[split] = specs
    return out


class MathRules(datasets.GeneratorBasedBuilder):
    """Rule data from hf_mathrules' generators; ``num_proc`` spreads a mixture's rules over processes."""

    BUILDER_CONFIG_CLASS = MathRulesConfig
    BUILDER_CONFIGS = [MathRulesConfig(name=n, version=VERSION) for n in config_names()]
    DEFAULT_CONFIG_NAME = None  # a rule must be named
    VERSION = VERSION
    DEFAULT_WRITER_BATCH_SIZE = 10_000

    def __init__(self, *args: Any, hash: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, hash=hash or code_hash(), **kwargs)
        # fail on a bad parameter here, before any row is generated
        self.config.validate()

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description=DESCRIPTION,
            features=FEATURES,
            homepage="https://arxiv.org/abs/2410.16973",
            license="apache-2.0",
        )

    def _split_generators(self, dl_manager: Any) -> list[datasets.SplitGenerator]:
        return [
            datasets.SplitGenerator(name=split, gen_kwargs={"shards": specs})
            for split, specs in split_shards(self.config).items()
        ]

    def _generate_examples(self, shards: list[dict[str, Any]]) -> Iterator[tuple[Key, dict[str, Any]]]:
        for shard_index, spec in enumerate(shards):
            for i, row in enumerate(shard_rows(spec)):
                yield Key(shard_index, i), row


__all__ = ["FEATURES", "OOD_SPLITS", "MathRules", "split_shards"]
