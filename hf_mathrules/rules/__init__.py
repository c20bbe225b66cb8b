"""Every rule of the rules paper, one module each; importing this package registers them all."""

from importlib import import_module

from .base import (
    REGISTRY,
    ROW_FIELDS,
    Problem,
    Rule,
    RuleConfig,
    family_rules,
    generate_rows,
    get_rule,
    make_rule,
    ood_rules,
    register,
    rule_names,
    split_rules,
)
from .common import OOD_SPLITS, SPLITS, ConfigError
from .rows import distinct_rows, draw_budget, take_rows

RULE_MODULES = (
    "distributivity",
    "factorization",
    "commutativity",
    "simplification",
    "isolate_variable",
    "gaussian_elimination",
    "linear_system",
    "quadratic",
    "word_resistors",
    "word_fruit_baskets",
    "word_quadratic",
)

for _mod in RULE_MODULES:
    import_module(f"{__name__}.{_mod}")

__all__ = [
    "OOD_SPLITS",
    "REGISTRY",
    "ROW_FIELDS",
    "SPLITS",
    "ConfigError",
    "Problem",
    "distinct_rows",
    "draw_budget",
    "family_rules",
    "generate_rows",
    "Rule",
    "RuleConfig",
    "get_rule",
    "make_rule",
    "ood_rules",
    "register",
    "rule_names",
    "split_rules",
    "take_rows",
]
