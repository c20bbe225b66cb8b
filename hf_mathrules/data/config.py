"""What a dataset build is made of: which rules (one, or a weighted mixture), how many rows per split,
seed, levels, vocabulary and knobs.  ``MathRulesConfig`` is the ``datasets.BuilderConfig`` of the builder;
``validate()`` checks everything (building every rule once) before a single row is generated."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import datasets

from .. import __version__
from ..rules import OOD_SPLITS, SPLITS, ConfigError, get_rule, make_rule, ood_rules, rule_names
from ..vocab import Vocabulary, parse_vocab_spec
from . import SPLIT_ROWS

HUB_NAMESPACE = "hf_mathrules"
ALL_SPLITS = (*SPLITS, *OOD_SPLITS)
# the builder's version is the package version: a new release never reuses an old cache entry
VERSION = datasets.Version(__version__)


def mixtures() -> dict[str, tuple[str, ...]]:
    """Named mixtures over the registry as it is now (rules land in the registry as they are written)."""
    names = rule_names()
    word = tuple(n for n in names if get_rule(n).word_problem)
    symbolic = tuple(n for n in names if not get_rule(n).word_problem)
    out = {"all": tuple(names)}
    if symbolic:
        out["symbolic"] = symbolic
    if word:
        out["word_problems"] = word
    return out


def mutated_names() -> tuple[str, ...]:
    """Configs of mutation-generated data (``hf_mathrules.mutate``): word problems and the symbolic
    families that have a mutated variant."""
    from ..mutate.engine import FAMILIES

    return tuple(FAMILIES.values())


def config_names() -> list[str]:
    """Every predefined config: one per rule (word-problem sets included), the mixtures, then the
    mutation-generated sets."""
    return [*rule_names(), *mixtures(), *mutated_names()]


@dataclass
class MathRulesConfig(datasets.BuilderConfig):
    """One dataset: a rule or a weighted mixture of rules, with its sizes and generation parameters."""

    rules: tuple[str, ...] = ()  # empty: the config name is a rule or mixture name
    weights: tuple[float, ...] | None = None  # mixture weights (None: equal); rows split by largest remainder
    n_train: int = SPLIT_ROWS["n_train"]  # rows of the train split (of the whole mixture)
    n_validation: int = SPLIT_ROWS["n_validation"]
    n_test: int = SPLIT_ROWS["n_test"]
    n_ood: int = SPLIT_ROWS["n_ood"]  # rows of each out-of-distribution test split (0: leave them out)
    seed: int = 0  # item i of seed s is a pure function of (config, s, i)
    # difficulty levels 1-5; rows cycle through them by item index (test_ood_vocab's too; test_ood_level is 6)
    levels: tuple[int, ...] = (1,)
    vocab: str | None = None  # vocabulary spec (letters, words, list:a,b, file:P, tokenizer:N, @train:K)
    ood_vocab: str | None = None  # held-out vocabulary for test_ood_vocab (default: built-in words)
    knobs: dict[str, Any] = field(default_factory=dict)  # rule knobs; for a mixture {rule: {knob: value}}

    def __post_init__(self) -> None:
        super().__post_init__()
        # lists from JSON / CLI become tuples so the config hashes and compares stably
        if isinstance(self.rules, (list, str)):
            self.rules = (self.rules,) if isinstance(self.rules, str) else tuple(self.rules)
        if isinstance(self.weights, list):
            self.weights = tuple(self.weights)
        if isinstance(self.levels, int) and not isinstance(self.levels, bool):
            self.levels = (self.levels,)
        elif isinstance(self.levels, list):
            self.levels = tuple(self.levels)

    # -- resolution -------------------------------------------------------------------------------------
    def rule_list(self) -> tuple[str, ...]:
        if self.rules:
            return tuple(self.rules)
        if self.name in rule_names() or self.name in mutated_names():
            return (self.name,)
        mixes = mixtures()
        if self.name in mixes:
            return mixes[self.name]
        raise ConfigError(
            f"unknown config {self.name!r}; valid configs: {', '.join(config_names())} "
            "(or a custom mixture of several rules: rules=[...] in Python, --mix NAME on the command line)"
        )

    def split_sizes(self) -> dict[str, int]:
        sizes = {"train": self.n_train, "validation": self.n_validation, "test": self.n_test}
        sizes.update({name: self.n_ood for name in OOD_SPLITS})
        return {split: n for split, n in sizes.items() if n > 0}

    def rule_knobs(self, rule: str) -> dict[str, Any]:
        knobs = dict(self.knobs or {})
        if len(self.rule_list()) == 1 and not any(isinstance(v, dict) for v in knobs.values()):
            return knobs
        return dict(knobs.get(rule, {}))

    def vocabulary(self) -> Vocabulary | None:
        return parse_vocab_spec(self.vocab) if self.vocab else None

    def ood_vocab_spec(self) -> str | None:
        """The held-out vocabulary: given, or the complement of an ``@train:K`` training vocabulary
        (None: the rule engine's built-in held-out words)."""
        if self.ood_vocab:
            return self.ood_vocab
        if self.vocab and "@train:" in self.vocab:
            return self.vocab.replace("@train:", "@heldout:")
        return None

    def ood_vocabulary(self) -> Vocabulary | None:
        spec = self.ood_vocab_spec()
        return parse_vocab_spec(spec) if spec else None

    def rows_per_rule(self, n: int) -> dict[str, int]:
        """``n`` rows shared among the rules by weight (largest remainder, ties to the earlier rule)."""
        rules = self.rule_list()
        weights = list(self.weights) if self.weights else [1.0] * len(rules)
        total = float(sum(weights))
        exact = [n * w / total for w in weights]
        counts = [int(x) for x in exact]
        order = sorted(range(len(rules)), key=lambda i: (-(exact[i] - counts[i]), i))
        for i in order[: n - sum(counts)]:
            counts[i] += 1
        return dict(zip(rules, counts))

    # -- validation ---------------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ``ConfigError`` naming the first bad parameter; builds each rule once (cheap)."""
        rules = self.rule_list()
        mutated = set(mutated_names())
        for r in rules:
            if r not in mutated:
                get_rule(r)
        if len(set(rules)) != len(rules):
            raise ConfigError(f"rules: each rule may appear once, got {list(rules)}")
        if self.weights is not None:
            if len(self.weights) != len(rules):
                raise ConfigError(f"weights: {len(self.weights)} weights for {len(rules)} rules")
            if any(not isinstance(w, (int, float)) or isinstance(w, bool) or w <= 0 for w in self.weights):
                raise ConfigError(f"weights must be positive numbers, got {list(self.weights)}")
        for name in ("n_train", "n_validation", "n_test", "n_ood", "seed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
        if not self.split_sizes():
            raise ConfigError("every split size is 0; set n_train (or another n_*) above 0")
        if not self.levels:
            raise ConfigError("levels must name at least one level 1-5")
        for level in self.levels:
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
                raise ConfigError(
                    f"levels must be integers 1-5 (6 is the test_ood_level split), got {level!r}"
                )
        if len(set(self.levels)) != len(self.levels):
            raise ConfigError(f"levels must not repeat, got {list(self.levels)}")
        if not isinstance(self.knobs, dict):
            raise ConfigError(f"knobs must be a mapping, got {type(self.knobs).__name__}")
        if len(rules) > 1:
            stray = sorted(set(self.knobs) - set(rules))
            if stray:
                raise ConfigError(
                    f"knobs of a mixture are given per rule ({{rule: {{knob: value}}}}); not a rule here: "
                    f"{', '.join(stray)}"
                )
        try:
            vocab = self.vocabulary()
            ood_vocab = self.ood_vocabulary()
        except ValueError as exc:
            raise ConfigError(f"vocab: {exc}") from None
        for r in rules:
            if r in mutated:  # checks seeds, operators and knobs (MutateConfig fields) per level
                from ..mutate.rows import engine_for

                for level in (*self.levels, *((6,) if self.n_ood else ())):
                    engine_for(r, level, **self.rule_knobs(r))
                continue
            for level in self.levels:
                make_rule(r, level=level, vocab=vocab, **self.rule_knobs(r))
                if self.n_ood:  # test_ood_level (level 6), and test_ood_vocab at this level
                    ood_rules(r, vocab=ood_vocab, vocab_level=level, **self.rule_knobs(r))

    def params(self) -> dict[str, Any]:
        """The generation parameters as plain JSON (name and version aside)."""
        return {
            "rules": list(self.rule_list()),
            "weights": list(self.weights) if self.weights else None,
            "n_train": self.n_train,
            "n_validation": self.n_validation,
            "n_test": self.n_test,
            "n_ood": self.n_ood,
            "seed": self.seed,
            "levels": list(self.levels),
            "vocab": self.vocab,
            "ood_vocab": self.ood_vocab,
            "knobs": self.knobs or {},
        }

    def params_digest(self) -> str:
        text = json.dumps(self.params(), sort_keys=True, default=str)
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


CONFIG_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(MathRulesConfig)
    if f.name not in {f2.name for f2 in dataclasses.fields(datasets.BuilderConfig)}
)


def check_param_names(params: dict[str, Any]) -> None:
    unknown = sorted(set(params) - set(CONFIG_FIELDS))
    if unknown:
        raise ConfigError(f"unknown parameter(s) {', '.join(unknown)}; valid: {', '.join(CONFIG_FIELDS)}")


def make_config(name: str, **params: Any) -> MathRulesConfig:
    """A validated config from a rule or mixture name (or any name with ``rules=``) and parameters."""
    check_param_names(params)
    try:
        cfg = MathRulesConfig(name=name, version=VERSION, **params)
    except (TypeError, ValueError) as exc:  # bad name characters, wrong types
        raise ConfigError(str(exc)) from None
    cfg.validate()
    return cfg
