"""Fruit-basket word problems: baskets of known contents and total price, find the price of each fruit
(a linear system with 2-4 unknowns).  Prices are chosen first (positive integers), then the basket
contents (a non-singular matrix of counts), so the system has exactly the intended solution.  The
solution defines the variables, writes the formal system, then solves it by substitution (the same
engine as ``linear_system``, written out in full)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..expr.render import text
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .linear_system import build_levels, level_lines
from .templates import capitalize, join_and
from .templates.fruit import BASKETS, FRUITS, INTROS, NAMES, QUESTIONS
from .terms import determinant


@dataclass(frozen=True)
class WordFruitBasketsConfig(RuleConfig):
    n_fruits: int | None = None  # unknown prices (= number of baskets)
    max_count: int | None = None  # most pieces of one fruit in a basket
    max_price: int | None = None  # most expensive fruit, in whole dollars
    zero_counts: bool | None = None  # a basket may lack some fruits

    LEVEL_KNOBS = {
        1: dict(n_fruits=2, max_count=4, max_price=5, zero_counts=False),
        2: dict(n_fruits=2, max_count=6, max_price=9, zero_counts=False),
        3: dict(n_fruits=3, max_count=4, max_price=6, zero_counts=True),
        4: dict(n_fruits=3, max_count=6, max_price=9, zero_counts=True),
        5: dict(n_fruits=3, max_count=9, max_price=12, zero_counts=True),
        6: dict(n_fruits=4, max_count=9, max_price=15, zero_counts=True),
    }

    def validate_knobs(self, k: dict) -> None:
        check_int("n_fruits", k["n_fruits"], 2, len(FRUITS))
        check_int("max_count", k["max_count"], 1, 1000)
        check_int("max_price", k["max_price"], 1, 10**6)
        check_bool(k, "zero_counts")
        if k["max_count"] == 1 and not k["zero_counts"]:
            raise ConfigError("max_count=1 without zero_counts makes every basket the same; raise max_count")
        if self.vocab.label != "letters":  # the unknowns take vocabulary names (see sample)
            self.check_vocab_size("n_fruits", k["n_fruits"])


def dollars(x: int) -> str:
    return "1 dollar" if x == 1 else f"{x} dollars"


def _contents(counts: list[int], fruits: list[tuple]) -> str:
    return join_and([f"{c} {f[0] if c == 1 else f[1]}" for c, f in zip(counts, fruits) if c])


@register
class WordFruitBaskets(Rule):
    name = "word_fruit_baskets"
    config_class = WordFruitBasketsConfig
    target_form = "solved"
    kind = "system"
    typed_example = (
        "A bag of 2 apples and 1 pear costs 8 dollars. A bag of 1 apple and 1 pear costs 5 dollars. "
        "What is the price of one apple and pear?"
    )
    mutation_family = "system"
    word_problem = True
    description = (
        "Fruit-basket word problems: find each fruit's price from the baskets' totals (linear system)."
    )

    def counts(self, rng: random.Random, n: int) -> list[list[int]]:
        k = self.k
        while True:
            rows = [
                [
                    0 if k["zero_counts"] and rng.random() < 0.25 else rng.randint(1, k["max_count"])
                    for _ in range(n)
                ]
                for _ in range(n)
            ]
            if all(sum(1 for c in r if c) >= min(2, n) for r in rows) and determinant(rows):
                return rows

    def sample(self, rng: random.Random) -> Problem:
        n = self.k["n_fruits"]
        fruits = rng.sample(FRUITS, n)
        names = [f[2] for f in fruits]
        if self.config.vocab.label != "letters":  # unseen-name tests: the unknowns take vocabulary names
            names = self.config.vocab.sample(rng, n)
        prices = [rng.randint(1, self.k["max_price"]) for _ in range(n)]
        rows = self.counts(rng, n)
        totals = [sum(c * p for c, p in zip(r, prices)) for r in rows]
        intro, basket, question = (
            rng.randrange(len(INTROS)),
            rng.randrange(len(BASKETS)),
            rng.randrange(len(QUESTIONS)),
        )
        shoppers = rng.sample(NAMES, n)
        sentences = [INTROS[intro]]
        for i, (r, t) in enumerate(zip(rows, totals)):
            c = _contents(r, fruits)
            sentences.append(
                BASKETS[basket].format(
                    contents=c, Contents=capitalize(c), price=dollars(t), k=i + 1, name=shoppers[i]
                )
            )
        sentences.append(QUESTIONS[question].format(fruits=join_and([f[0] for f in fruits])))
        level = build_levels(rows, totals, names, {v: Fraction(p) for v, p in zip(names, prices)})
        eqs = level.eqs
        defs = join_and([f"{v} be the price of one {f[0]}" for v, f in zip(names, fruits)])
        lines = [f"Let {defs}, in dollars.", "Each basket gives an equation:", *[text(e) for e in eqs]]
        solve_lines, solve_steps = level_lines(level, inline=True, blocks=False)
        lines += solve_lines
        lines.append(
            join_and([f"one {f[0]} costs {p} dollars" for f, p in zip(fruits, prices)]).capitalize() + "."
        )
        system = "; ".join(str(e) for e in eqs)
        return Problem(
            instruction=" ".join(sentences),
            problem_text="",
            problem=system,
            answer=", ".join(f"{v} = {p}" for v, p in zip(names, prices)),
            steps=[system, *solve_steps],
            step_lines=lines,
            variables=names,
            extra={"fruits": [f[0] for f in fruits], "template": [intro, basket, question]},
        )

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        if answer.kind != "assign":
            return "the answer is not a list of prices"
        want = json.loads(row["meta"])["variables"]
        got = [str(s) for s in answer.assign]
        if got != want:
            return f"the answer names {', '.join(got)}, not the defined variables {', '.join(want)}"
        if any(v.free_symbols or not v.is_positive for v in answer.assign.values()):
            return "a price is not a positive number"
        return None
