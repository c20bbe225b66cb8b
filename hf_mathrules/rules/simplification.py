"""Simplification: combine like terms (``3x + 2y - x + 5y - 4 = 2x + 7y - 4``), expand small products
first where they appear (``2(x + 3) + 4x``), and cancel simple fractions (``(6x^2 + 3x)/(3x) = 2x + 1``,
``(2x^2 + 7x + 3)/(2x + 1) = x + 3``).  Steps: expand, group like terms, add their coefficients, write
the result; for fractions: factor, cancel the common factor."""

from __future__ import annotations

import random
from dataclasses import dataclass
from math import gcd
from typing import Any

from .. import draws
from ..expr.nodes import Add, Div, Expr, Mul, Neg, Num, add, mul
from ..expr.poly import Monomial, grlex_key, mono_mul, poly_to_expr
from ..expr.render import machine_and_text, text
from ..expr.rewrite import simplify_monomial
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import (
    coeff,
    like_terms_strings,
    monomial,
    monomial_tree,
    parse_unevaluated,
    primitive_terms,
    signed_sum_strings,
    split_top_level,
    sum_strings,
    term_strings,
)

Term = tuple[int, Monomial]


@dataclass(frozen=True)
class SimplificationConfig(RuleConfig):
    n_terms: int | None = None  # terms written in a like-terms problem
    n_groups: int | None = None  # distinct monomials among them (terms left after combining, at most)
    n_vars: int | None = None  # distinct variables
    max_coeff: int | None = None  # largest coefficient magnitude
    max_power: int | None = None  # largest exponent of a variable in a term
    products: float | None = None  # share of like-terms problems with a product c(a + b) to expand first
    fractions: float | None = None  # share of problems that are a fraction to cancel
    binomial_den: bool | None = None  # fractions may have a binomial denominator (px + a)
    # one small operation a line: three or more like coefficients added two at a time ((8 + 8 - 5)x,
    # (16 - 5)x, 11x), and a group that sums to zero written as 0x before it is dropped; a from-scratch
    # model gets long signed sums, and the terms after a vanishing one, wrong when done in one step
    small_steps: bool | None = None

    LEVEL_KNOBS = {
        1: dict(n_terms=4, n_groups=2, n_vars=1, max_coeff=9, max_power=1, products=0.0, fractions=0.0,
                binomial_den=False, small_steps=True),
        2: dict(n_terms=5, n_groups=3, n_vars=2, max_coeff=9, max_power=1, products=0.0, fractions=0.0,
                binomial_den=False, small_steps=True),
        3: dict(n_terms=5, n_groups=3, n_vars=2, max_coeff=9, max_power=2, products=0.3, fractions=0.3,
                binomial_den=False, small_steps=True),
        4: dict(n_terms=6, n_groups=3, n_vars=3, max_coeff=9, max_power=2, products=0.3, fractions=0.3,
                binomial_den=True, small_steps=True),
        5: dict(n_terms=7, n_groups=4, n_vars=3, max_coeff=12, max_power=2, products=0.5, fractions=0.4,
                binomial_den=True, small_steps=True),
        6: dict(n_terms=9, n_groups=5, n_vars=4, max_coeff=15, max_power=3, products=0.5, fractions=0.4,
                binomial_den=True, small_steps=True),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        check_int("n_terms", k["n_terms"], 2, 16)
        check_int("n_groups", k["n_groups"], 1, 12)
        check_int("n_vars", k["n_vars"], 1, 8)
        check_int("max_coeff", k["max_coeff"], 2, 1000)
        check_int("max_power", k["max_power"], 1, 6)
        for name in ("products", "fractions"):
            v = k[name]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ConfigError(f"{name} must be a share from 0 to 1, got {v!r}")
        check_bool(k, "binomial_den", "small_steps")
        if k["n_groups"] >= k["n_terms"]:
            raise ConfigError(
                f"n_groups={k['n_groups']} must be below n_terms={k['n_terms']}, or no terms are alike"
            )
        self.check_vocab_size("n_vars", k["n_vars"])
        room = (k["max_power"] + 1) ** k["n_vars"]  # exponent vectors, the constant included
        if k["n_groups"] > room:
            raise ConfigError(
                f"n_groups={k['n_groups']} distinct terms cannot be made from n_vars={k['n_vars']} "
                f"variables with max_power={k['max_power']}; lower n_groups or raise n_vars/max_power"
            )


def _t(c: int, m: Monomial) -> Expr:
    return monomial_tree(c, m)


def _sum(terms: list[Term]) -> Expr:
    return add(*[_t(c, m) for c, m in terms])


def combine_steps(terms: list[Term], small: bool = False) -> tuple[list[tuple[str, str]], list[str]]:
    """Group like terms (textbook order of the result), add their coefficients, write the result; with
    ``small`` steps, groups of three or more coefficients are added two at a time first, a line per fold,
    and a sum of zero is written (``0x``) in one line before the result drops it.
    Steps come rendered ``(machine, text)``; sums of plain terms straight from the terms."""
    key = grlex_key()
    order = sorted({m for _, m in terms}, key=key)
    pos = {m: i for i, m in enumerate(order)}
    grouped = sorted(terms, key=lambda t: pos[t[1]])  # stable: keeps the order inside a group
    coeffs: dict[Monomial, list[int]] = {m: [] for m in order}  # each group's coefficients, in order
    for c, m in grouped:
        coeffs[m].append(c)
    steps: list[tuple[str, str]] = []
    lines: list[str] = []
    if grouped != terms:
        steps.append(sum_strings(grouped))
        lines += ["Group like terms:", "= " + steps[-1][1]]
    total = {m: sum(cs) for m, cs in coeffs.items()}
    steps.append(_groups_strings(order, coeffs))
    lines += ["Add the coefficients of like terms:", "= " + steps[-1][1]]
    while small and any(len(cs) > 2 for cs in coeffs.values()):
        coeffs = {m: [cs[0] + cs[1], *cs[2:]] if len(cs) > 2 else cs for m, cs in coeffs.items()}
        steps.append(_groups_strings(order, coeffs))
        lines.append("= " + steps[-1][1])
    if small and 0 in total.values() and len(total) > 1:
        steps.append(_groups_strings(order, {m: [c] for m, c in total.items()}))
        lines.append("= " + steps[-1][1])
    # poly_to_expr of the non-zero totals: ``order`` is already the textbook order
    result = [(c, m) for m, c in total.items() if c]
    steps.append(sum_strings(result) if result else ("0", "0"))
    lines.append("= " + steps[-1][1])
    return steps, lines


def _groups_strings(order: list[Monomial], coeffs: dict[Monomial, list[int]]) -> tuple[str, str]:
    """The sum of the groups: a lone term as it is, like terms as (3 - 2)x (``like_terms_strings``)."""
    parts: list[tuple[bool, str, str]] = []
    for m in order:
        cs = coeffs[m]
        if len(cs) == 1:
            c = cs[0]
            parts.append((c < 0, *term_strings(-c if c < 0 else c, m)))
        else:
            parts.append((False, *like_terms_strings(cs, m, not parts)))
    return signed_sum_strings(parts)


@register
class Simplification(Rule):
    name = "simplification"
    config_class = SimplificationConfig
    target_form = "simplified"
    kind = "expression"
    instruction = "Simplify by combining like terms:"
    typed_example = "4a - 3 + 2a + 8"
    mutation_family = "expression"
    description = "Combine like terms, expand and collect, cancel common factors of simple fractions."

    def _like_terms(self, rng: random.Random) -> tuple:
        """The rendered problem and steps, the lines, the method and the problem's variables."""
        k = self.k
        names = self.config.vocab.sample(rng, k["n_vars"])
        while True:
            monos: list[Monomial] = []
            while len(monos) < k["n_groups"]:  # validate_knobs made sure there are enough monomials
                m = () if rng.random() < 0.2 else monomial(rng, names, len(names), k["max_power"])
                if m not in monos:
                    monos.append(m)
            pick = monos + [draws.choice(rng, monos) for _ in range(k["n_terms"] - k["n_groups"])]
            draws.shuffle(rng, pick)
            terms = [(coeff(rng, k["max_coeff"]), m) for m in pick]
            totals = {m: sum(c for c, mm in terms if mm == m) for m in monos}
            if any(totals.values()):
                break
        steps: list[tuple[str, str]] = []
        lines: list[str] = []
        shown: list[Expr] | None = None  # the problem as a tree, only when a product is folded in
        if rng.random() < k["products"]:
            # fold two unlike neighbours with a common factor c into c(a + b); expanding restores them
            spots = list(range(len(terms) - 1))
            draws.shuffle(rng, spots)
            for i in spots:
                (c1, m1), (c2, m2) = terms[i], terms[i + 1]
                f = gcd(c1, c2) * (1 if c1 > 0 else -1)
                if m1 == m2 or abs(f) == 1:
                    continue
                inner = Add((_t(c1 // f, m1), _t(c2 // f, m2)))
                shown = [_t(c, m) for c, m in terms]
                shown[i : i + 2] = [Neg(Mul((Num(-f), inner))) if f < 0 else Mul((Num(f), inner))]
                steps.append(sum_strings(terms))
                lines += ["Expand the product:", "= " + steps[-1][1]]
                break
        # add(*shown) rendered; unfolded it is the plain sum of the terms
        problem = sum_strings(terms) if shown is None else machine_and_text(add(*shown))
        more, more_lines = combine_steps(terms, k["small_steps"])
        used = sorted({v for _, m in terms for v, _ in m})  # every term is shown, folded or not
        return problem, steps + more, lines + more_lines, "like_terms", used

    def _fraction_rendered(self, rng: random.Random) -> tuple:
        """``_fraction`` with the problem and steps rendered and the problem's variables."""
        problem, trees, lines, method = self._fraction(rng)
        used = sorted(problem.free_symbols())
        return machine_and_text(problem), [machine_and_text(t) for t in trees], lines, method, used

    def _fraction(self, rng: random.Random) -> tuple[Expr, list[Expr], list[str], str]:
        k = self.k
        if k["binomial_den"] and rng.random() < 0.4:
            (x,) = self.config.vocab.sample(rng, 1)
            while True:
                p, q = (draws.randint(rng, 1, min(4, k["max_coeff"])) for _ in range(2))
                a, b = coeff(rng, k["max_coeff"]), coeff(rng, k["max_coeff"])
                if gcd(p, a) == 1 and gcd(q, b) == 1:
                    break
            den = [(p, ((x, 1),)), (a, ())]
            quo = [(q, ((x, 1),)), (b, ())]
            num = {}
            for c1, m1 in den:
                for c2, m2 in quo:
                    m = mono_mul(m1, m2)
                    num[m] = num.get(m, 0) + c1 * c2
            problem = Div(poly_to_expr({m: c for m, c in num.items() if c}), _sum(den))
            factored = Div(Mul((_sum(den), _sum(quo))), _sum(den))
            result = _sum(quo)
            lines = ["Factor the numerator:", "= " + text(factored), f"Cancel {text(_sum(den))}:"]
            return problem, [factored, result], [*lines, "= " + text(result)], "binomial_fraction"
        names = self.config.vocab.sample(rng, k["n_vars"])
        inner = primitive_terms(rng, names, draws.randint(rng, 2, 3), k["max_coeff"], k["max_power"])
        inner.sort(key=lambda t: grlex_key()(t[1]))
        while True:
            g = draws.randint(rng, 1, k["max_coeff"])
            gm = monomial(rng, names, 2, k["max_power"]) if rng.random() < 0.8 else ()
            if g > 1 or gm:
                break
        # the denominator: the common factor, sometimes times a leftover r*mr that does not cancel
        r, rm = 1, ()
        if rng.random() < 0.4:  # coprime to the sum: its coefficients have gcd 1, no variable in all terms
            r = draws.randint(rng, 1, 5)
            rm = monomial(rng, names, 1, 2) if rng.random() < 0.6 else ()
        common = _t(g, gm)
        num = [(g * c, mono_mul(gm, m)) for c, m in inner]
        den_rest = _t(r, rm) if (r, rm) != (1, ()) else None
        den = simplify_monomial(mul(common, den_rest)) if den_rest is not None else common
        problem = Div(_sum(num), den)
        inner_sum = _sum(inner)
        factored = Div(mul(common, inner_sum), mul(common, den_rest) if den_rest is not None else common)
        result = Div(inner_sum, den_rest) if den_rest is not None else inner_sum
        lines = [
            f"Factor out {text(common)}:",
            "= " + text(factored),
            f"Cancel {text(common)}:",
            "= " + text(result),
        ]
        return problem, [factored, result], lines, "monomial_fraction"

    def sample(self, rng: random.Random) -> Problem:
        if rng.random() < self.k["fractions"]:
            problem, rendered, lines, method, used = self._fraction_rendered(rng)
            instruction = "Simplify the fraction:"
        else:
            problem, rendered, lines, method, used = self._like_terms(rng)
            instruction = self.instruction
        steps = [m for m, _ in rendered]
        return Problem(
            instruction=instruction,
            problem_text=problem[1],
            problem=problem[0],
            answer=steps[-1],
            steps=steps,
            step_lines=lines,
            variables=used,
            extra={"method": method},
        )

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        import sympy

        num, den = sympy.fraction(parse_unevaluated(row["answer"]))
        num, den = sympy.sympify(num).doit(), sympy.sympify(den).doit()
        if den != 1:
            g = sympy.gcd(num, den)
            if g.free_symbols or abs(g) != 1:
                return f"numerator and denominator still share the factor {g}"
            if sympy.expand(num) != num:
                return "the numerator is not multiplied out"
            return None
        expr = answer.expr
        if sympy.expand(expr) != expr:
            return "not multiplied out"
        if len(split_top_level(row["answer"])) != len(sympy.Add.make_args(expr)):
            return "like terms are left"
        return None
