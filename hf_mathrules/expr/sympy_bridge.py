"""Conversion to SymPy.  Lives at the edge: used by validation and by the checker, never while
generating (SymPy is 100-1000x slower than the tree)."""

from __future__ import annotations

from functools import lru_cache

from .nodes import Add, Div, Eq, Expr, ImagUnit, Mul, Neg, Num, Pow, Sqrt, Sym


@lru_cache(maxsize=4096)
def _symbol(name: str):
    import sympy

    return sympy.Symbol(name)


def to_sympy(e: Expr):
    """Build the SymPy object for a tree without evaluating anything but SymPy's own canonical form."""
    import sympy

    if isinstance(e, Num):
        return sympy.Rational(e.value.numerator, e.value.denominator)
    if isinstance(e, Sym):
        return _symbol(e.name)
    if isinstance(e, Add):
        return sympy.Add(*[to_sympy(t) for t in e.terms])
    if isinstance(e, Mul):
        return sympy.Mul(*[to_sympy(f) for f in e.factors])
    if isinstance(e, Neg):
        return -to_sympy(e.arg)
    if isinstance(e, Div):
        return to_sympy(e.num) / to_sympy(e.den)
    if isinstance(e, Pow):
        return sympy.Pow(to_sympy(e.base), to_sympy(e.exp))
    if isinstance(e, Sqrt):
        return sympy.sqrt(to_sympy(e.arg))
    if isinstance(e, ImagUnit):
        return sympy.I
    if isinstance(e, Eq):
        return sympy.Eq(to_sympy(e.lhs), to_sympy(e.rhs), evaluate=False)
    raise TypeError(f"no SymPy form for {type(e).__name__}")
