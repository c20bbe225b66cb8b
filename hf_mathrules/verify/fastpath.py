"""Exact equivalence without SymPy for rational expressions: polynomials with Fraction coefficients.

Most answers in our data are polynomials or rational functions with integer or decimal coefficients; for
those ``p1/q1 == p2/q2`` is decided exactly by ``p1*q2 == p2*q1`` in a few microseconds, in the caller's
process.  Sizes are capped (terms, degree, digits), so this never needs the hard timeout; anything beyond
the caps or outside the rational operations (sqrt, pi, functions) returns None and goes to the worker.
"""

from __future__ import annotations

from fractions import Fraction

from ..expr.poly import Poly, poly_mul
from ..expr.poly import poly_add as _add
from .limits import Limits

MAX_TERMS = 400


class NotFast(Exception):
    pass


def _mul(p: Poly, q: Poly, limits: Limits) -> Poly:
    if len(p) * len(q) > MAX_TERMS * 8:
        raise NotFast("too many terms")
    r = poly_mul(p, q)
    if len(r) > MAX_TERMS:
        raise NotFast("too many terms")
    for k, v in r.items():
        if sum(e for _, e in k) > limits.max_exponent:
            raise NotFast("degree too high")
        if v.numerator.bit_length() + v.denominator.bit_length() > 3.33 * limits.max_digits:
            raise NotFast("coefficients too large")
    return r


def _const(p: Poly) -> Fraction | None:
    if not p:
        return Fraction(0)
    if len(p) == 1 and () in p:
        return p[()]
    return None


def to_rf(tree, limits: Limits) -> tuple[Poly, Poly]:
    """(numerator, denominator) of a rational expression tree; raises NotFast otherwise."""
    tag = tree[0]
    if tag == "num":
        v = Fraction(tree[1])
        return ({(): v} if v else {}), {(): Fraction(1)}
    if tag == "sym":
        return {((tree[1], 1),): Fraction(1)}, {(): Fraction(1)}
    if tag == "neg":
        n, d = to_rf(tree[1], limits)
        return {k: -v for k, v in n.items()}, d
    if tag == "add":
        n, d = to_rf(tree[1][0], limits)
        for t in tree[1][1:]:
            n2, d2 = to_rf(t, limits)
            if d == d2:
                n = _add(n, n2)
            else:
                n, d = _add(_mul(n, d2, limits), _mul(n2, d, limits)), _mul(d, d2, limits)
        return n, d
    if tag == "mul":
        n, d = to_rf(tree[1][0], limits)
        for t in tree[1][1:]:
            n2, d2 = to_rf(t, limits)
            n, d = _mul(n, n2, limits), _mul(d, d2, limits)
        return n, d
    if tag == "div":
        n1, d1 = to_rf(tree[1], limits)
        n2, d2 = to_rf(tree[2], limits)
        if not n2:
            raise NotFast("division by zero")
        return _mul(n1, d2, limits), _mul(d1, n2, limits)
    if tag == "pow":
        en, ed = to_rf(tree[2], limits)
        e = _const(en)
        ed_c = _const(ed)
        if e is None or ed_c is None or ed_c == 0:
            raise NotFast("symbolic exponent")
        e = e / ed_c
        if e.denominator != 1 or abs(e) > limits.max_exponent:
            raise NotFast("exponent not a small integer")
        n, d = to_rf(tree[1], limits)
        k = int(abs(e))
        if k * max(len(n), len(d)) > MAX_TERMS and (len(n) > 1 or len(d) > 1):
            raise NotFast("power of a long sum")
        rn, rd = {(): Fraction(1)}, {(): Fraction(1)}
        for _ in range(k):
            rn, rd = _mul(rn, n, limits), _mul(rd, d, limits)
        if e < 0:
            if not rn:
                raise NotFast("division by zero")
            rn, rd = rd, rn
        return rn, rd
    raise NotFast(tag)


def rf_equal(a: tuple[Poly, Poly], b: tuple[Poly, Poly], limits: Limits) -> bool:
    return _mul(a[0], b[1], limits) == _mul(b[0], a[1], limits)


def rf_value(rf: tuple[Poly, Poly]) -> Fraction | None:
    n, d = _const(rf[0]), _const(rf[1])
    if n is None or d is None or d == 0:
        return None
    return n / d


def total_degree(p: Poly) -> int:
    return max((sum(e for _, e in k) for k in p), default=0)
