"""Distributivity: expand products over sums, nested and multi-factor, with coefficients and powers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from ..expr.nodes import Add, Expr, Mul, add
from ..expr.poly import _grlex_alpha, mono_mul
from ..expr.render import machine_and_text
from ..expr.rewrite import expand_steps
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import coeff, distinct_sum, distinct_terms, monomial, monomial_tree, sum_strings, term_strings


@dataclass(frozen=True)
class DistributivityConfig(RuleConfig):
    n_factors: int | None = None  # how many sums are multiplied: (a + b)(c + d) has 2
    n_terms: int | None = None  # terms in each sum
    n_vars: int | None = None  # distinct variables in the problem
    max_coeff: int | None = None  # largest coefficient magnitude (1: no coefficients)
    max_power: int | None = None  # largest exponent of a variable in a term
    outer: bool | None = None  # a monomial in front: 3x(a + b)
    nested: int | None = None  # sums nested inside a term of the first sum: a(b + c(d + e))

    LEVEL_KNOBS = {
        1: dict(n_factors=1, n_terms=2, n_vars=3, max_coeff=1, max_power=1, outer=True, nested=0),
        2: dict(n_factors=1, n_terms=3, n_vars=4, max_coeff=5, max_power=1, outer=True, nested=0),
        3: dict(n_factors=2, n_terms=2, n_vars=4, max_coeff=5, max_power=2, outer=False, nested=0),
        4: dict(n_factors=2, n_terms=3, n_vars=5, max_coeff=9, max_power=2, outer=True, nested=0),
        5: dict(n_factors=2, n_terms=3, n_vars=6, max_coeff=9, max_power=2, outer=True, nested=1),
        6: dict(n_factors=3, n_terms=3, n_vars=6, max_coeff=12, max_power=2, outer=True, nested=1),
    }

    def validate_knobs(self, k: dict) -> None:
        check_int("n_factors", k["n_factors"], 1, 4)
        check_int("n_terms", k["n_terms"], 2, 6)
        check_int("n_vars", k["n_vars"], 1, 26)
        check_int("max_coeff", k["max_coeff"], 1, 1000)
        check_int("max_power", k["max_power"], 1, 5)
        check_int("nested", k["nested"], 0, 3)
        check_bool(k, "outer")
        if k["n_factors"] == 1 and not k["outer"]:
            raise ConfigError("n_factors=1 with outer=false leaves nothing to distribute; set outer=true")
        self.check_vocab_size("n_vars", k["n_vars"])


@register
class Distributivity(Rule):
    name = "distributivity"
    config_class = DistributivityConfig
    target_form = "expanded"
    kind = "expression"
    instruction = "Expand and simplify:"
    typed_example = "b(m + t)"
    mutation_family = "expression"
    description = "Expand products over sums (a(b + c) = ab + ac), nested and multi-factor."

    def build(self, rng: random.Random, names: list[str]) -> Expr:
        return self._build(rng, names)[0]

    def _build(
        self, rng: random.Random, names: list[str]
    ) -> tuple[Expr, list[list[tuple[int, tuple]]] | None]:
        """The problem tree, and the ``(coefficient, monomial)`` terms of its factors (the outer monomial
        as a one-term list) when no sum is nested (the direct steps below start from those)."""
        k = self.k
        sums: list[Expr] = []
        parts: list[list[tuple[int, tuple]]] | None = []
        for i in range(k["n_factors"]):
            terms = distinct_terms(
                rng,
                names,
                k["n_terms"],
                k["max_coeff"],
                k["max_power"],
                max_vars=1,
                constant=rng.random() < 0.3,
            )
            s = add(*[monomial_tree(c, m) for c, m in terms])
            if i == 0 and k["nested"]:
                s = self._nest(rng, names, s, k["nested"])
                parts = None
            elif parts is not None:
                parts.append(terms)
            sums.append(s)
        factors: list[Expr] = []
        if k["outer"]:
            c = coeff(rng, k["max_coeff"], allow_negative=False) if k["max_coeff"] > 1 else 1
            m = monomial(rng, names, 1, k["max_power"])
            factors.append(monomial_tree(c, m))
            if parts is not None:
                parts.insert(0, [(c, m)])
        factors.extend(sums)
        return (Mul(tuple(factors)) if len(factors) > 1 else factors[0]), parts

    def _nest(self, rng: random.Random, names: list[str], s: Expr, depth: int) -> Expr:
        k = self.k
        inner = distinct_sum(rng, names, 2, k["max_coeff"], 1)
        if depth > 1:
            inner = self._nest(rng, names, inner, depth - 1)
        outer_mono = monomial_tree(
            coeff(rng, k["max_coeff"], allow_negative=False), monomial(rng, names, 1, 1)
        )
        terms = s.terms if isinstance(s, Add) else (s,)
        return Add((*terms[:-1], Mul((outer_mono, inner))))

    @property
    def _single_sum(self) -> bool:
        """One monomial times one sum of distinct monomials (levels 1-2): the steps are computed directly."""
        k = self.k
        return k["n_factors"] == 1 and k["outer"] and not k["nested"]

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        import sympy

        if "(" in row["answer"] or sympy.expand(answer.expr) != answer.expr:
            return "not a sum of monomials"
        return None

    def _draw_parts(self, rng: random.Random, names: list[str]) -> list[Terms]:
        """``_build``'s draws when nothing is nested: the terms of each factor (the outer monomial as a
        one-term list, first), no trees."""
        k = self.k
        parts: list[Terms] = []
        for _ in range(k["n_factors"]):
            constant = rng.random() < 0.3
            parts.append(
                distinct_terms(rng, names, k["n_terms"], k["max_coeff"], k["max_power"], 1, constant)
            )
        if k["outer"]:
            c = coeff(rng, k["max_coeff"], allow_negative=False) if k["max_coeff"] > 1 else 1
            parts.insert(0, [(c, monomial(rng, names, 1, k["max_power"]))])
        return parts

    def _tree(self, parts: list[Terms]) -> Expr:
        """The tree ``_build`` makes of ``_draw_parts``'s terms."""
        factors = [add(*[monomial_tree(c, m) for c, m in terms]) for terms in parts]
        return Mul(tuple(factors)) if len(factors) > 1 else factors[0]

    def sample(self, rng: random.Random) -> Problem:
        names = self.config.vocab.sample(rng, self.k["n_vars"])
        if self.k["nested"]:
            expr, parts = self._build(rng, names)
            problem_machine, problem_text = machine_and_text(expr)
        else:
            parts = self._draw_parts(rng, names)
            expr = None
            outer = self.k["outer"]
            if len(parts) > 1 and all(len(p) > 1 for p in parts[1 if outer else 0 :]):
                problem_machine, problem_text = _product_of_sums(parts, outer)
            else:
                expr = self._tree(parts)
                problem_machine, problem_text = machine_and_text(expr)
        if parts is not None and len(parts) == 2 and all(len(p) > 1 or i == 0 for i, p in enumerate(parts)):
            # a monomial or a sum times a sum (levels 1-3): the steps are computed from the terms
            rendered, used = _two_factor_steps(*parts)
        else:
            if expr is None:
                expr = self._tree(parts)
            rendered = [machine_and_text(s) for s in expand_steps(expr)]
            used = sorted(expr.free_symbols())
        machine_steps = [m for m, _ in rendered]
        return Problem(
            instruction=self.instruction,
            problem_text=problem_text,
            problem=problem_machine,
            answer=machine_steps[-1],
            steps=machine_steps,
            step_lines=["= " + t for _, t in rendered],
            variables=used,
        )


Terms = list[tuple[int, tuple]]


def _product_of_sums(parts: list[Terms], outer: bool) -> tuple[str, str]:
    """``machine_and_text`` of ``_tree(parts)`` when every sum has two terms or more: the outer monomial
    (positive coefficient) as ``term_strings`` writes it, each sum in parentheses; the textbook puts
    ``*`` before a parenthesis only after a bare word name (``apple*(x + 1)``: ``apple(`` reads as a call),
    as the renderer's ``_juxtaposable`` does."""
    ms, ts = [], []
    for i, terms in enumerate(parts):
        if i == 0 and outer:
            (c, m) = terms[0]
            pm, pt = term_strings(c, m)
            ms.append(pm)
            ts.append(pt)
            continue
        sm, st = sum_strings(terms)
        if i:
            ms.append("*")
            if i == 1 and outer:
                c, m = parts[0][0]
                if c == 1 and len(m) == 1 and len(m[0][0]) > 1:
                    ts.append("*")
        ms.append("(" + sm + ")")
        ts.append("(" + st + ")")
    return "".join(ms), "".join(ts)


def _two_factor_steps(left: Terms, right: Terms) -> tuple[list[tuple[str, str]], list[str]]:
    """The rendered ``expand_steps(a*b)`` for ``a`` a monomial or a sum of monomials and ``b`` a sum of
    distinct monomials, and the variables used, without the generic rewrite: every term of ``a`` times
    every term of ``b`` (monomials multiplied out), then like terms collected in graded-lexicographic
    order when that differs from the products."""
    products = [(c1 * c2, mono_mul(m1, m2)) for c1, m1 in left for c2, m2 in right]
    used = sorted({v for terms in (left, right) for _, m in terms for v, _ in m})
    steps = [sum_strings(products)]
    total: dict[tuple, int] = {}
    for c, m in products:  # to_poly's sums: a zero total drops the monomial
        s = total.get(m, 0) + c
        if s:
            total[m] = s
        else:
            total.pop(m, None)
    collected = [(total[m], m) for m in sorted(total, key=_grlex_alpha)]
    if collected != products:
        steps.append(sum_strings(collected) if collected else ("0", "0"))
    return steps, used
