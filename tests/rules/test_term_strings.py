"""The generators' shortcuts render exactly what the expression tree renders: memoized monomial parts,
term trees with their strings put on them, and the renderings nodes keep."""

from __future__ import annotations

import random

from hf_mathrules.expr.nodes import Add, Mul, Num, Pow, Sym, add, mul, number, term
from hf_mathrules.expr.poly import monomial_factors
from hf_mathrules.expr.render import machine_and_text
from hf_mathrules.expr.render import machine_walk as machine
from hf_mathrules.expr.render import text_walk as text
from hf_mathrules.expr.rewrite import substitute
from hf_mathrules.rules.terms import (
    like_terms_strings,
    monomial_tree,
    product_strings,
    signed_sum_strings,
    sum_strings,
    term_strings,
    times_sum_strings,
)

NAMES = ["x", "y", "z", "apple", "kiwi", "b"]


def _fresh_term(c, m):
    return term(c, *[Sym(v) if k == 1 else Pow(Sym(v), Num(k)) for v, k in m])


def _random_monomial(rng):
    names = rng.sample(NAMES, rng.randint(0, 3))
    if rng.random() < 0.5:
        names.sort()
    return tuple((v, rng.randint(1, 3)) for v in names)


def test_monomial_tree_and_term_strings_match_the_renderer():
    rng = random.Random(0)
    for _ in range(3000):
        c, m = rng.choice([1, -1, 0, rng.randint(-40, 40)]), _random_monomial(rng)
        tree, fresh = monomial_tree(c, m), _fresh_term(c, m)
        assert tree == fresh
        assert machine_and_text(tree) == (machine(fresh), text(fresh))
        assert machine_and_text(substitute(tree, {})) == machine_and_text(tree)
        if c > 0:
            assert term_strings(c, m) == (machine(fresh), text(fresh))


def test_sum_strings_match_the_renderer():
    rng = random.Random(1)
    for _ in range(1000):
        terms = [(rng.choice([1, -1, rng.randint(-20, 20) or 3]), _random_monomial(rng)) for _ in range(4)]
        tree = Add(tuple(_fresh_term(c, m) for c, m in terms))
        assert sum_strings(terms) == (machine(tree), text(tree))


def test_products_of_terms_match_the_renderer():
    """factorization's shown steps: a term times a term, and a term times a sum in parentheses."""
    rng = random.Random(2)
    for _ in range(3000):
        a = (rng.choice([1, 1, rng.randint(1, 30)]), _random_monomial(rng))
        b = (rng.choice([1, 1, rng.randint(1, 30)]), _random_monomial(rng))
        product = Mul((_fresh_term(*a), _fresh_term(*b)))
        assert product_strings(a, b) == (machine(product), text(product))
        terms = [(rng.choice([1, -1, rng.randint(-20, 20) or 3]), _random_monomial(rng)) for _ in range(3)]
        s = Add(tuple(_fresh_term(c, m) for c, m in terms))
        factored = mul(_fresh_term(*a), s)
        assert times_sum_strings(*a, *sum_strings(terms)) == (machine(factored), text(factored))


def test_like_terms_strings_match_the_renderer():
    """simplification's "add the coefficients" step: groups (3 - 2)x among lone terms, constants included."""
    rng = random.Random(3)
    for _ in range(2000):
        tree_parts, string_parts = [], []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.4:  # a lone term
                c, m = rng.choice([1, -1, rng.randint(-20, 20) or 2]), _random_monomial(rng)
                tree_parts.append(_fresh_term(c, m))
                string_parts.append((c < 0, *term_strings(abs(c), m)))
                continue
            m = _random_monomial(rng) if rng.random() < 0.7 else ()
            cs = [rng.choice([1, -1, rng.randint(-20, 20) or 2]) for _ in range(rng.randint(2, 3))]
            coef = add(*[number(c) for c in cs])
            tree_parts.append(Mul((coef, *monomial_factors(m))) if m else coef)  # combine_steps' tree
            string_parts.append((False, *like_terms_strings(cs, m, not string_parts)))
        tree = Add(tuple(tree_parts))
        assert signed_sum_strings(string_parts) == (machine(tree), text(tree))


def test_kept_renderings_equal_a_fresh_walk():
    """A node keeps its renderings; a structurally equal tree built anew renders the same."""
    x, apple = Sym("x"), Sym("apple")
    tree = Mul((Num(3), x, Pow(apple, Num(2)))) + (-(x * 2)) * (x + 1)
    first = machine_and_text(tree)
    assert (machine(tree), text(tree)) == first
    again = substitute(tree, {})
    assert (machine(again), text(again)) == first
