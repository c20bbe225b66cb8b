"""Factorization: the reverse of distributivity.  Pull out the greatest common factor (numeric gcd and
common variable powers), ``6x^2y + 9xy^2 = 3xy(2x + 3y)``, and at higher levels factor four terms by
grouping, ``ax + ay + bx + by = a(x + y) + b(x + y) = (a + b)(x + y)``.

Problems are built from their factored form, so the answer is correct by construction: the factor left
inside the parentheses is drawn with content 1 and no variable common to all its terms."""

from __future__ import annotations

import random
from dataclasses import dataclass
from math import gcd
from typing import Any

from .. import draws
from ..expr.nodes import Add, Expr, Mul, term
from ..expr.poly import Monomial, grlex_key, mono_mul, monomial_factors
from ..expr.render import machine, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import (
    coeff,
    monomial,
    monomial_tree,
    parse_unevaluated,
    primitive_terms,
    product_strings,
    signed_sum_strings,
    sum_strings,
    term_strings,
    times_sum_strings,
)

Term = tuple[int, Monomial]  # (coefficient, monomial)


@dataclass(frozen=True)
class FactorizationConfig(RuleConfig):
    n_terms: int | None = None  # terms of a common-factor problem (grouping problems always have 4)
    n_vars: int | None = None  # distinct variables drawn for a problem
    max_coeff: int | None = None  # largest coefficient magnitude inside the parentheses
    max_gcf: int | None = None  # largest numeric common factor (1: only variables are pulled out)
    max_power: int | None = None  # largest exponent of a variable in the common factor and in the sum
    var_factor: bool | None = None  # the common factor may contain variables (3xy), not only a number
    grouping: float | None = None  # share of problems factored by grouping into (a + b)(x + y)
    shuffle: bool | None = None  # terms come in random order (grouping must first reorder them)
    # one line per variable with its power in each term, the least, and what each term keeps after the
    # common factor ("Powers of x: 3, 2, 1; least 1; left 2, 1, 0."): the common variable factor and the
    # terms inside the parentheses read off in small steps (a from-scratch model misses them in one step)
    list_powers: bool | None = None

    LEVEL_KNOBS = {
        1: dict(n_terms=2, n_vars=2, max_coeff=5, max_gcf=6, max_power=1, var_factor=True, grouping=0.0,
                shuffle=False, list_powers=True),
        2: dict(n_terms=3, n_vars=3, max_coeff=6, max_gcf=8, max_power=2, var_factor=True, grouping=0.0,
                shuffle=False, list_powers=True),
        3: dict(n_terms=3, n_vars=3, max_coeff=9, max_gcf=12, max_power=3, var_factor=True, grouping=0.0,
                shuffle=False, list_powers=True),
        4: dict(n_terms=3, n_vars=4, max_coeff=9, max_gcf=12, max_power=3, var_factor=True, grouping=0.5,
                shuffle=False, list_powers=True),
        5: dict(n_terms=4, n_vars=4, max_coeff=12, max_gcf=15, max_power=3, var_factor=True, grouping=0.5,
                shuffle=False, list_powers=True),
        6: dict(n_terms=5, n_vars=5, max_coeff=12, max_gcf=20, max_power=4, var_factor=True, grouping=0.5,
                shuffle=True, list_powers=True),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        check_int("n_terms", k["n_terms"], 2, 8)
        check_int("n_vars", k["n_vars"], 1, 26)
        check_int("max_coeff", k["max_coeff"], 2, 1000)
        check_int("max_gcf", k["max_gcf"], 1, 1000)
        check_int("max_power", k["max_power"], 1, 6)
        check_bool(k, "var_factor", "shuffle", "list_powers")
        g = k["grouping"]
        if isinstance(g, bool) or not isinstance(g, (int, float)) or not 0 <= g <= 1:
            raise ConfigError(f"grouping must be a share from 0 to 1, got {g!r}")
        self.check_vocab_size("n_vars", k["n_vars"])
        if k["max_gcf"] == 1 and not k["var_factor"]:
            raise ConfigError("max_gcf=1 with var_factor=false leaves no common factor; raise max_gcf")
        # distinct monomials of the sum: each variable to a power 0..max_power, the constant included
        room = (k["max_power"] + 1) ** min(k["n_vars"], 6)
        if k["n_terms"] > room:
            raise ConfigError(
                f"n_terms={k['n_terms']} distinct terms cannot be made from n_vars={k['n_vars']} variables "
                f"with max_power={k['max_power']}; lower n_terms or raise n_vars/max_power"
            )


def _tree(c: int, m: Monomial) -> Expr:
    return monomial_tree(c, m)


def _sum(terms: list[Term]) -> Expr:
    return Add(tuple(_tree(c, m) for c, m in terms))


def _power_lines(monos: list[Monomial]) -> list[str]:
    """For each variable of the terms (alphabetical), its power in every term, the least of them (the
    variable part of the common factor) and the powers left in each term once it is taken out."""
    powers = [dict(m) for m in monos]
    out = []
    for v in sorted({v for p in powers for v in p}):
        es = [p.get(v, 0) for p in powers]
        low = min(es)
        left = ", ".join(str(e - low) for e in es)
        out.append(f"Powers of {v}: {', '.join(map(str, es))}; least {low}; left {left}.")
    return out


@register
class Factorization(Rule):
    name = "factorization"
    config_class = FactorizationConfig
    target_form = "factored"
    kind = "expression"
    instruction = "Factor completely:"
    typed_example = "6xy + 9x"
    mutation_family = "expression"
    description = "Factor out the greatest common factor (6x^2y + 9xy^2 = 3xy(2x + 3y)); factor by grouping."

    def _common_factor(self, rng: random.Random) -> tuple[list[Term], list[str], list[str]]:
        """Problem terms, solution steps (machine syntax) and completion lines of a greatest-common-factor
        problem; the steps are rendered from the terms (no trees)."""
        k = self.k
        names = self.config.vocab.sample(rng, k["n_vars"])
        inner = primitive_terms(rng, names, k["n_terms"], k["max_coeff"], k["max_power"])
        while True:
            g = draws.randint(rng, 1, k["max_gcf"])
            gm = monomial(rng, names, 2, k["max_power"]) if k["var_factor"] and rng.random() < 0.8 else ()
            if g > 1 or gm:
                break
        order = grlex_key()
        inner.sort(key=lambda t: order(mono_mul(gm, t[1])))
        if k["shuffle"]:
            draws.shuffle(rng, inner)
        if inner[0][0] < 0:  # textbook convention: the sum in parentheses starts positive
            g, inner = -g, [(-c, m) for c, m in inner]
        expanded = [(g * c, mono_mul(gm, m)) for c, m in inner]
        gcf_abs = (-g if g < 0 else g, gm)
        # 3xy(2x) + 3xy(3y): each term written as the common factor times what is left
        shown = signed_sum_strings(
            [((g < 0) != (c < 0), *product_strings(gcf_abs, (-c if c < 0 else c, m))) for c, m in inner]
        )
        # the common factor times the sum in parentheses, its sign in front: -3xy(2x - 3y)
        fm, ft = times_sum_strings(*gcf_abs, *sum_strings(inner))
        factored = ("-" + fm, "-" + ft) if g < 0 else (fm, ft)
        cs = ", ".join(str(abs(c)) for c, _ in expanded)
        lines = [
            f"The coefficients {cs} have greatest common divisor {abs(g)}."
            if abs(g) > 1
            else "The coefficients have no common divisor."
        ]
        if k["var_factor"] and k["list_powers"]:
            lines += _power_lines([m for _, m in expanded])
        if gm:
            lines.append(f"Every term contains {term_strings(1, gm)[1]}.")
        lines.append(f"Common factor: {sum_strings([(g, gm)])[1]}")  # a one-term sum: the signed term
        lines += ["= " + shown[1], "= " + factored[1]]
        return expanded, [shown[0], factored[0]], lines

    def _grouping(self, rng: random.Random) -> tuple[list[Term], list[str], list[str]]:
        """``(c1 m1 + c2 m2)(c3 n1 + c4 n2)`` expanded to four distinct terms; steps in machine syntax."""
        k = self.k
        mc = k["max_coeff"]
        while True:
            if k["n_vars"] >= 4 and rng.random() < 0.5:
                a, b, x, y = self.config.vocab.sample(rng, 4)
                m1, m2, n1, n2 = (((a, 1),), ((b, 1),), ((x, 1),), ((y, 1),))
            else:
                (x,) = self.config.vocab.sample(rng, 1)
                m1, m2, n1, n2 = (((x, draws.randint(rng, 2, max(2, k["max_power"]))),), (), ((x, 1),), ())
            c1, c3 = coeff(rng, mc, allow_negative=False), coeff(rng, mc, allow_negative=False)
            c2, c4 = coeff(rng, mc), coeff(rng, mc)
            if gcd(c1, c2) == 1 and gcd(c3, c4) == 1:
                break
        first, second = [(c1, m1), (c2, m2)], [(c3, n1), (c4, n2)]
        expanded = [(p * q, mono_mul(pm, qm)) for p, pm in first for q, qm in second]
        s = _sum(second)
        pieces = [term(c, *monomial_factors(m), s) for c, m in first]
        shown = Add(tuple(pieces))
        factored = Mul((_sum(first), s))
        lines = ["The terms have no common factor; group them in pairs."]
        steps: list[Expr] = []
        if k["shuffle"]:
            order = list(expanded)
            while order == expanded:
                draws.shuffle(rng, order)
            lines.append("Reorder so that each pair shares a factor:")
            lines.append("= " + text(_sum(expanded)))
            steps.append(_sum(expanded))
            expanded = order
        lines.append(
            f"Factor {text(_tree(c1, m1))} out of the first pair and {text(_tree(c2, m2))} out of the second:"
        )
        lines += ["= " + text(shown), f"Factor out the common {text(s)}:", "= " + text(factored)]
        return expanded, [machine(t) for t in (*steps, shown, factored)], lines

    def sample(self, rng: random.Random) -> Problem:
        method = "grouping" if rng.random() < self.k["grouping"] else "common_factor"
        expanded, steps, lines = self._grouping(rng) if method == "grouping" else self._common_factor(rng)
        # the rendered _sum(expanded) and its variables, from the terms (no tree)
        problem_machine, problem_text = sum_strings(expanded)
        return Problem(
            instruction=self.instruction if method == "common_factor" else "Factor by grouping:",
            problem_text=problem_text,
            problem=problem_machine,
            answer=steps[-1],
            steps=steps,
            step_lines=lines,
            variables=sorted({v for _, m in expanded for v, _ in m}),
            extra={"method": method},
        )

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        import sympy

        expr = parse_unevaluated(row["answer"])
        if isinstance(expr, sympy.Mul) and expr.args and expr.args[0] == -1:
            expr = sympy.Mul(*expr.args[1:], evaluate=False)
        factors = sympy.Mul.make_args(expr)
        sums = [f for f in factors if isinstance(f, sympy.Add)]
        if len(factors) < 2 or not sums:
            return "not a product with a sum as a factor"
        # what "factored" means is written once, in the checker (hf_mathrules.verify.forms)
        from ..verify.forms import form_error

        return form_error("factored", row["answer"], row["answer"])
