"""Random building blocks shared by the rules: coefficients, monomials, sums of distinct monomials."""

from __future__ import annotations

import random

from ..expr.nodes import Expr, Num, Pow, Sym, add, term
from ..expr.poly import Monomial


def coeff(rng: random.Random, max_coeff: int, allow_negative: bool = True) -> int:
    """A non-zero integer in [-max_coeff, max_coeff] (only positive when ``allow_negative`` is False)."""
    c = rng.randint(1, max_coeff)
    return -c if allow_negative and rng.random() < 0.5 else c


def monomial(rng: random.Random, names: list[str], max_vars: int, max_power: int) -> Monomial:
    """A product of 1..max_vars distinct variables from ``names``, each to a power 1..max_power."""
    k = rng.randint(1, min(max_vars, len(names)))
    chosen = sorted(rng.sample(names, k))
    return tuple((v, rng.randint(1, max_power) if max_power > 1 else 1) for v in chosen)


def monomial_tree(c: int, m: Monomial) -> Expr:
    factors = [Sym(v) if k == 1 else Pow(Sym(v), Num(k)) for v, k in m]
    return term(c, *factors)


def distinct_sum(
    rng: random.Random,
    names: list[str],
    n_terms: int,
    max_coeff: int,
    max_power: int,
    max_vars: int = 1,
    constant: bool = False,
) -> Expr:
    """A sum of ``n_terms`` distinct monomials (optionally one constant term), in random order."""
    monos: list[Monomial] = []
    if constant:
        monos.append(())
    tries = 0
    while len(monos) < n_terms and tries < 50:
        tries += 1
        m = monomial(rng, names, max_vars, max_power)
        if m not in monos:
            monos.append(m)
    rng.shuffle(monos)
    return add(
        *[
            monomial_tree(coeff(rng, max_coeff) if i else coeff(rng, max_coeff), m)
            for i, m in enumerate(monos)
        ]
    )
