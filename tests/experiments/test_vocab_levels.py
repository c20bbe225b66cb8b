"""Held-out names at every level: ``ood_rules(vocab_level=)`` (default unchanged: level 3, the pinned rows),
the evaluation's ``test_heldout_vocab`` cell rows, and training on a vocabulary split (``--vocab``)."""

from __future__ import annotations

import re

import pytest

from hf_mathrules.rules import ConfigError, ood_rules
from hf_mathrules.vocab import parse_vocab_spec


def _names(row) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", row["problem"]))


def test_ood_vocab_level_default_is_unchanged_and_any_level_is_available():
    assert ood_rules("distributivity")["test_ood_vocab"].config.level == 3
    words = set(parse_vocab_spec("words").names)
    for level in (1, 2, 3, 4, 5):
        rule = ood_rules("distributivity", vocab_level=level)["test_ood_vocab"]
        assert rule.config.level == level
        rows = rule.generate(3, split="test")
        assert all(r["difficulty"] == level and _names(r) <= words for r in rows)


def test_heldout_vocab_cells_are_at_the_training_level():
    from hf_mathrules.evaluation.runner import EvalSettings, cell_rows

    settings = EvalSettings(n=4, vocab="letters@train:8")
    assert settings.heldout_vocab_spec() == "letters@heldout:8"
    held = set(parse_vocab_spec("letters@heldout:8").names)
    for level in (1, 2):
        rows = cell_rows("distributivity", "test_heldout_vocab", level, settings)
        assert len(rows) == 4 and all(r["split"] == "test_heldout_vocab" for r in rows)
        assert all(r["difficulty"] == level and _names(r) <= held for r in rows)
    train = set(parse_vocab_spec("letters@train:8").names)
    assert all(_names(r) <= train for r in cell_rows("distributivity", "test", 1, settings))
    assert EvalSettings().heldout_vocab_spec() == "words"


def test_training_rows_use_the_vocabulary_split():
    from hf_mathrules.train.config import MathRulesArguments
    from hf_mathrules.train.data import parse_mix, rule_rows

    train = set(parse_vocab_spec("letters@train:6").names)
    rows = rule_rows(parse_mix(["distributivity:1:20"]), "train", vocab="letters@train:6")
    assert len(rows) == 20 and all(_names(r) <= train for r in rows)
    with pytest.raises(ConfigError, match="--vocab"):
        MathRulesArguments(vocab="letters@train:99")
