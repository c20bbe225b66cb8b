"""Datasets layer: the builder, loading and building into the cache, streaming, export and publishing."""

from .builder import FEATURES, MathRules
from .config import HUB_NAMESPACE, MathRulesConfig, config_names, make_config, mixtures
from .loading import build_to_cache, hub_id, load, split_rows
from .streaming import stream

__all__ = [
    "FEATURES",
    "HUB_NAMESPACE",
    "MathRules",
    "MathRulesConfig",
    "build_to_cache",
    "config_names",
    "hub_id",
    "load",
    "make_config",
    "mixtures",
    "split_rows",
    "stream",
]
