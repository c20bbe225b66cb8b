"""Explicit rewrites, one step at a time, so a solution can be printed step by step."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from .nodes import Add, Div, Eq, Expr, Mul, Neg, Num, Pow, Sqrt, Sym, add, mul
from .poly import Monomial, monomial_expr, poly_to_expr, to_poly


def is_monomial(e: Expr) -> bool:
    if isinstance(e, (Num, Sym)):
        return True
    if isinstance(e, Neg):
        return is_monomial(e.arg)
    if isinstance(e, Pow):
        return isinstance(e.base, Sym) and isinstance(e.exp, Num)
    if isinstance(e, Mul):
        return all(is_monomial(f) for f in e.factors)
    return False


def _monomial_parts(e: Expr, exps: dict[str, int]) -> Fraction | int:
    """Coefficient of a monomial tree; its variable exponents are added into ``exps``."""
    t = type(e)
    if t is Sym:  # the common leaves first, by exact type (the isinstance chain below handles the rest)
        exps[e.name] = exps.get(e.name, 0) + 1
        return 1
    if t is Num:
        return e.value
    if isinstance(e, Num):
        return e.value
    if isinstance(e, Sym):
        exps[e.name] = exps.get(e.name, 0) + 1
        return 1
    if isinstance(e, Neg):
        return -_monomial_parts(e.arg, exps)
    if isinstance(e, Mul):
        c: Fraction | int = 1
        for f in e.factors:
            c *= _monomial_parts(f, exps)
        return c
    if isinstance(e, Pow) and isinstance(e.base, Sym) and isinstance(e.exp, Num) and e.exp.is_integer:
        exps[e.base.name] = exps.get(e.base.name, 0) + int(e.exp.value)
        return 1
    raise ValueError(f"not a monomial: {e}")


def simplify_monomial(e: Expr) -> Expr:
    """Multiply out the numbers and merge powers of a product of monomials: ``3x*(-2xy)`` -> ``-6x^2y``."""
    exps: dict[str, int] = {}
    c = _monomial_parts(e, exps)
    if not c:
        return Num(0)
    return monomial_expr(c, tuple(sorted([(v, k) for v, k in exps.items() if k])))


def _terms(e: Expr) -> tuple[Expr, ...]:
    return e.terms if isinstance(e, Add) else (e,)


def _distribute_mul(e: Mul) -> Expr:
    fs = list(e.factors)
    i = next(k for k, f in enumerate(fs) if isinstance(f, Add))
    if i > 0:
        left, right = mul(*fs[:i]), fs[i]
        new = add(*[simplify_monomial(Mul((left, t))) for t in right.terms])
        rest = [new, *fs[i + 1 :]]
    else:
        a, b = fs[0], fs[1]
        new = add(*[simplify_monomial(Mul((s, t))) for s in _terms(a) for t in _terms(b)])
        rest = [new, *fs[2:]]
    return rest[0] if len(rest) == 1 else Mul(tuple(rest))


# node types that distribute_once never rewrites (exact types: a subclass takes the general path)
_INERT = frozenset({Num, Sym, Pow, Div, Sqrt})


def distribute_once(e: Expr) -> Expr | None:
    """Distribute the innermost, leftmost product that holds a sum; ``None`` when nothing is left."""
    if type(e) in _INERT:
        return None
    if isinstance(e, Mul):
        has_sum = False
        for k, f in enumerate(e.factors):
            if type(f) in _INERT:  # the recursive call would return None
                continue
            if isinstance(f, Add):
                has_sum = True
            r = distribute_once(f)
            if r is not None:
                fs = list(e.factors)
                fs[k] = r
                return Mul(tuple(fs))
        if has_sum and len(e.factors) > 1:
            return _distribute_mul(e)
        return None
    if isinstance(e, Add):
        for k, t in enumerate(e.terms):
            if type(t) in _INERT:
                continue
            r = distribute_once(t)
            if r is not None:
                terms = list(e.terms)
                terms[k : k + 1] = _terms(r) if not isinstance(t, Neg) else [r]
                return add(*terms)
        return None
    if isinstance(e, Neg):
        r = distribute_once(e.arg)
        if r is not None:
            return Neg(r)
        if isinstance(e.arg, Add):  # -(a + b) -> -a - b
            return add(*[simplify_monomial(Neg(t)) for t in e.arg.terms])
        return None
    if isinstance(e, Eq):
        r = distribute_once(e.lhs)
        if r is not None:
            return Eq(r, e.rhs)
        r = distribute_once(e.rhs)
        return Eq(e.lhs, r) if r is not None else None
    return None


def collect(e: Expr, order: Callable[[Monomial], tuple] | None = None) -> Expr:
    """Combine like terms and write them in ``order`` (default: graded lexicographic)."""
    return poly_to_expr(to_poly(e), order)


def expand_steps(e: Expr, order: Callable[[Monomial], tuple] | None = None) -> list[Expr]:
    """The chain of distribution steps from ``e`` to its expanded, collected form (``e`` excluded)."""
    steps: list[Expr] = []
    cur = e
    while (nxt := distribute_once(cur)) is not None:
        steps.append(nxt)
        cur = nxt
    final = collect(cur, order)
    if final != cur:
        steps.append(final)
    return steps


def has_division(e: Expr) -> bool:
    stack = [e]
    while stack:
        n = stack.pop()
        if isinstance(n, Div):
            return True
        stack.extend(n.children())
    return False


def substitute(e: Expr, values: dict[str, Expr]) -> Expr:
    """Replace variables by trees, keeping the rest of the tree exactly as written (no simplification):
    ``substitute(x - y, {"y": 5 - 2*x})`` is ``x - (5 - 2*x)``."""
    if isinstance(e, Sym):
        return values.get(e.name, e)
    if isinstance(e, Add):
        return Add(tuple(substitute(t, values) for t in e.terms))
    if isinstance(e, Mul):
        return Mul(tuple(substitute(f, values) for f in e.factors))
    if isinstance(e, Neg):
        return Neg(substitute(e.arg, values))
    if isinstance(e, Div):
        return Div(substitute(e.num, values), substitute(e.den, values))
    if isinstance(e, Pow):
        return Pow(substitute(e.base, values), substitute(e.exp, values))
    if isinstance(e, Sqrt):
        return Sqrt(substitute(e.arg, values))
    if isinstance(e, Eq):
        return Eq(substitute(e.lhs, values), substitute(e.rhs, values))
    return e
