"""What both ``base.py`` (rules, configs, the registry) and ``rows.py`` (drawing rows) need, below both:
the split names and the config error."""

from __future__ import annotations

SPLITS = ("train", "validation", "test")
OOD_SPLITS = ("test_ood_level", "test_ood_vocab")
# Per-mille buckets of the problem hash: 80% train, 10% validation, 10% test.
SPLIT_BOUNDS = ((800, "train"), (900, "validation"), (1000, "test"))


class ConfigError(ValueError):
    """A config value is invalid; the message names the parameter."""
