"""Word problems on resistors in series (``R = R1 + R2``) and in parallel (``1/R = 1/R1 + 1/R2``): find
the total resistance, or an unknown resistance given the total.

The numbers are chosen first so that every answer is an integer number of ohms: in parallel, the
branches are ``W*R/w_i`` for small weights ``w_i`` with sum ``W``, so the reciprocals add up exactly.
The problem's machine syntax is the formal equation (``1/6 = 1/R1 + 1/15``); the completion writes it
first, then solves it step by step with exact fractions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from ..expr.nodes import Div, Eq, Expr, Neg, Num, Sym, add, number
from ..expr.render import machine, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_int, register
from .templates import capitalize, join_and
from .templates.resistors import DEVICES, NUMBER_WORDS, TEMPLATES

SUBTYPES = tuple(TEMPLATES)


def _article(n: int) -> str:
    return "an" if str(n)[0] == "8" or n in (11, 18) or 80 <= n < 90 or 800 <= n < 900 else "a"


def _sum(parts: list[Expr], signs: list[int]) -> Expr:
    return add(*[p if s > 0 else Neg(p) for p, s in zip(parts, signs)])


def _recip(e: Expr) -> Expr:
    return Div(Num(1), e)


@dataclass(frozen=True)
class WordResistorsConfig(RuleConfig):
    subtypes: tuple | None = (
        None  # which problems: series_total, series_unknown, parallel_total, parallel_unknown
    )
    max_resistors: int | None = None  # components in the circuit: 2 up to this
    max_ohms: int | None = None  # largest resistance of a component

    LEVEL_KNOBS = {
        1: dict(subtypes=("series_total",), max_resistors=2, max_ohms=50),
        2: dict(subtypes=("series_total", "series_unknown"), max_resistors=3, max_ohms=100),
        3: dict(subtypes=("parallel_total",), max_resistors=3, max_ohms=200),
        4: dict(subtypes=("parallel_total", "parallel_unknown"), max_resistors=2, max_ohms=200),
        5: dict(subtypes=SUBTYPES, max_resistors=3, max_ohms=500),
        6: dict(subtypes=("series_unknown", "parallel_unknown"), max_resistors=4, max_ohms=2000),
    }

    def validate_knobs(self, k: dict) -> None:
        st = k["subtypes"]
        if isinstance(st, str):
            st = (st,)
        if not isinstance(st, (tuple, list)) or not st or any(s not in SUBTYPES for s in st):
            raise ConfigError(
                f"subtypes must be a non-empty list from {', '.join(SUBTYPES)}; got {k['subtypes']!r}"
            )
        check_int("max_resistors", k["max_resistors"], 2, 6)
        check_int("max_ohms", k["max_ohms"], 4, 10**6)
        if any(s.startswith("parallel") for s in st) and k["max_ohms"] < 2 * k["max_resistors"]:
            raise ConfigError(
                f"max_ohms={k['max_ohms']} is too small for {k['max_resistors']} parallel resistors with "
                "integer values; raise max_ohms"
            )


@register
class WordResistors(Rule):
    name = "word_resistors"
    config_class = WordResistorsConfig
    target_form = "solved"
    kind = "equation"
    typed_example = (
        "A circuit has two resistors in series: a 12-ohm resistor and a 30-ohm resistor. "
        "Compute the total resistance in ohms."
    )
    mutation_family = "linear"
    word_problem = True
    description = "Resistor word problems: total or unknown resistance in series and in parallel."

    def values(self, rng: random.Random, parallel: bool, m: int) -> tuple[list[int], int]:
        """Component resistances and the total, all integers (chosen so the answer is exact)."""
        top = self.k["max_ohms"]
        if not parallel:
            rs = [rng.randint(1, top) for _ in range(m)]
            return rs, sum(rs)
        while True:
            w = [rng.randint(1, 10) for _ in range(m)]
            big = sum(w)
            # the smallest total for which every branch W*R/w_i is an integer
            step = lcm(*[wi // gcd(wi, big) for wi in w])
            kmax = top // (big * step // min(w))
            if kmax >= 1:
                total = step * rng.randint(1, kmax)
                return [big * total // wi for wi in w], total

    def sample(self, rng: random.Random) -> Problem:
        k = self.k
        st = k["subtypes"]
        subtype = rng.choice((st,) if isinstance(st, str) else tuple(st))
        parallel = subtype.startswith("parallel")
        m = rng.randint(2, k["max_resistors"])
        rs, total = self.values(rng, parallel, m)
        singular, plural = rng.choice(DEVICES)
        template = rng.choice(TEMPLATES[subtype])
        fields: dict[str, Any] = {
            "total": total,
            "n": NUMBER_WORDS[m],
            "n_cap": capitalize(NUMBER_WORDS[m]),
            "device": plural,
        }
        known_phrase = join_and([f"{_article(r)} {r}-ohm {singular}" for r in rs])
        if subtype.endswith("total"):
            var = "R"
            fields.update(known=known_phrase, Known=capitalize(known_phrase))
            parts: list[Expr] = [Num(r) for r in rs]
            lhs: Expr = Sym("R")
            value = total
        else:
            u = rng.randrange(m)
            var = f"R{u + 1}"
            labelled = ", ".join(f"R{i + 1} = {r} ohms" for i, r in enumerate(rs) if i != u)
            fields.update(x=var, labelled=labelled)
            parts = [Sym(var) if i == u else Num(r) for i, r in enumerate(rs)]
            lhs = Num(total)
            value = rs[u]
        lines, steps, eq = (self._parallel if parallel else self._series)(lhs, parts, var, rs, total)
        lines.append(f"The {'total' if var == 'R' else 'unknown'} resistance is {value} ohms.")
        return Problem(
            instruction=template.format(**fields),
            problem_text="",
            problem=machine(eq),
            answer=f"{var} = {value}",
            steps=steps,
            step_lines=lines,
            variables=[var],
            extra={"subtype": subtype, "template": TEMPLATES[subtype].index(template)},
        )

    @staticmethod
    def _series(lhs: Expr, parts: list[Expr], var: str, rs: list[int], total: int) -> tuple:
        eq = Eq(lhs, add(*parts))
        lines = [f"Equation (series: resistances add): {text(eq)}"]
        if var == "R":
            sol = Eq(Sym(var), Num(total))
            lines.append(text(sol))
            return lines, [machine(sol)], eq
        known = [p for p in parts if isinstance(p, Num)]
        moved = Eq(Sym(var), _sum([Num(total), *known], [1] + [-1] * len(known)))
        sol = Eq(Sym(var), number(total - sum(p.value for p in known)))
        lines += [f"Subtract the known resistances: {text(moved)}", text(sol)]
        return lines, [machine(moved), machine(sol)], eq

    @staticmethod
    def _parallel(lhs: Expr, parts: list[Expr], var: str, rs: list[int], total: int) -> tuple:
        eq = Eq(_recip(lhs), add(*[_recip(p) for p in parts]))
        lines = [f"Equation (parallel: reciprocals add): {text(eq)}"]
        if var == "R":
            den = lcm(*rs)
            common = add(*[Div(Num(den // r), Num(den)) for r in rs])
            summed = Div(Num(sum(den // r for r in rs)), Num(den))
            inv_value = Fraction(1, total)
            step1 = Eq(_recip(Sym(var)), common)
            lines.append(f"Common denominator {den}: {text(step1)}")
            steps = [machine(step1)]
        else:
            known = [p.value for p in parts if isinstance(p, Num)]
            moved = Eq(
                _recip(Sym(var)),
                _sum([_recip(Num(total)), *[_recip(Num(r)) for r in known]], [1] + [-1] * len(known)),
            )
            den = lcm(total, *known)
            common = _sum(
                [Div(Num(den // total), Num(den)), *[Div(Num(den // r), Num(den)) for r in known]],
                [1] + [-1] * len(known),
            )
            summed = Div(Num(den // total - sum(den // r for r in known)), Num(den))
            inv_value = Fraction(den // total - sum(den // r for r in known), den)
            step1 = Eq(_recip(Sym(var)), common)
            lines.append(f"Isolate the unknown's reciprocal: {text(moved)}")
            lines.append(f"Common denominator {den}: {text(step1)}")
            steps = [machine(moved), machine(step1)]
        inv = Eq(_recip(Sym(var)), summed)
        lines.append(text(inv))
        steps.append(machine(inv))
        if inv_value.denominator != summed.den.value or inv_value.numerator != summed.num.value:
            reduced = Eq(_recip(Sym(var)), Div(Num(inv_value.numerator), Num(inv_value.denominator)))
            lines.append(f"Reduce the fraction: {text(reduced)}")
            steps.append(machine(reduced))
        sol = Eq(Sym(var), Num(1 / inv_value))
        lines.append(f"Take reciprocals: {text(sol)}")
        steps.append(machine(sol))
        return lines, steps, eq

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        if len(answer.assign) != 1:
            return "the answer is not a single 'R = value'"
        ((var, value),) = answer.assign.items()
        if value.free_symbols or not value.is_positive:
            return f"{var} is not given a positive number of ohms"
        return None
