"""Polynomials as ``{monomial: coefficient}`` maps: the fast path for expanding, collecting like terms
and comparing, without SymPy.  A monomial is a sorted tuple of ``(variable, exponent)`` pairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

from .nodes import Add, Div, Expr, Mul, Neg, Num, Pow, Sym, mul, term

Monomial = tuple[tuple[str, int], ...]
Poly = dict[Monomial, Fraction]

ONE: Monomial = ()


def mono_mul(a: Monomial, b: Monomial) -> Monomial:
    if not a:
        return b
    if not b:
        return a
    d = dict(a)
    for v, k in b:
        d[v] = d.get(v, 0) + k
    return tuple(sorted(d.items()))


def poly_add(a: Poly, b: Poly) -> Poly:
    out = dict(a)
    for m, c in b.items():
        s = out.get(m, 0) + c
        if s:
            out[m] = s
        else:
            out.pop(m, None)
    return out


def poly_mul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = mono_mul(ma, mb)
            s = out.get(m, 0) + ca * cb
            if s:
                out[m] = s
            else:
                out.pop(m, None)
    return out


def poly_scale(a: Poly, c: Fraction) -> Poly:
    return {m: v * c for m, v in a.items()} if c else {}


def _product_monomial(factors: tuple[Expr, ...]) -> Poly | None:
    """A non-empty product of numbers, variables and positive integer powers of variables as a one-term
    poly, computed directly: the same coefficient (product, same type) and sorted monomial that folding
    with ``poly_mul`` gives.  ``None`` for anything else."""
    if not factors:
        return None
    c: Fraction | int = 1
    exps: dict[str, int] = {}
    for f in factors:
        tf = type(f)
        if tf is Sym:
            exps[f.name] = exps.get(f.name, 0) + 1
        elif tf is Num:
            c = c * f.value
        elif tf is Pow and type(f.base) is Sym and type(f.exp) is Num:
            k = f.exp.value
            if type(k) is not int or k <= 0:
                return None
            exps[f.base.name] = exps.get(f.base.name, 0) + k
        else:
            return None
    if not c:
        return {}
    return {tuple(sorted(exps.items())): c}


def to_poly(e: Expr) -> Poly:
    """Expand a polynomial expression (sums, products, negation, non-negative integer powers,
    division by a number).  Raises ``ValueError`` for anything else."""
    t = type(e)
    if t is Sym:  # the common cases first, by exact type (subclasses take the isinstance chain)
        return {((e.name, 1),): 1}
    if t is Add:
        # summed in place: the same additions, in the same order, as folding with poly_add
        out: Poly = {}
        for term_ in e.terms:
            for m, c in to_poly(term_).items():
                s = out.get(m, 0) + c
                if s:
                    out[m] = s
                else:
                    out.pop(m, None)
        return out
    if isinstance(e, Num):
        return {ONE: e.value} if e.value else {}
    if isinstance(e, Sym):
        return {((e.name, 1),): 1}
    if isinstance(e, Add):
        out: Poly = {}
        for t in e.terms:
            out = poly_add(out, to_poly(t))
        return out
    if t is Mul:
        single = _product_monomial(e.factors)
        if single is not None:
            return single
    if isinstance(e, Mul):
        fs = e.factors
        if not fs:
            return {ONE: 1}
        # {ONE: 1} times p equals p (no poly holds a zero coefficient): start from the first factor
        out = to_poly(fs[0])
        for f in fs[1:]:
            out = poly_mul(out, to_poly(f))
        return out
    if isinstance(e, Neg):
        return poly_scale(to_poly(e.arg), -1)
    if isinstance(e, Pow) and isinstance(e.exp, Num) and e.exp.is_integer and e.exp.value >= 0:
        base = to_poly(e.base)
        out = {ONE: 1}
        for _ in range(int(e.exp.value)):
            out = poly_mul(out, base)
        return out
    if isinstance(e, Div) and isinstance(e.den, Num) and e.den.value:
        return poly_scale(to_poly(e.num), Fraction(1, 1) / e.den.value)
    raise ValueError(f"not a polynomial: {e}")


def degree(m: Monomial) -> int:
    return sum(k for _, k in m)


def grlex_key(var_order: Iterable[str] | None = None, graded: bool = True) -> Callable[[Monomial], tuple]:
    """Textbook order: higher total degree first (when ``graded``), then lexicographic by the variables'
    order (default alphabetical): ``x^2 + xy + y^2 + x + 1``."""
    if var_order is None:
        return _grlex_alpha if graded else _lex_alpha
    index = {v: i for i, v in enumerate(var_order or ())}

    def rank(v: str) -> tuple:
        return (index.get(v, len(index)), v)

    def key(m: Monomial) -> tuple:
        lex = tuple((rank(v), -k) for v, k in sorted(m, key=lambda vk: rank(vk[0])))
        return (-degree(m), lex) if graded else (lex,)

    return key


def _first(vk: tuple[str, int]) -> str:
    return vk[0]


def _lex_alpha_part(m: Monomial) -> tuple:
    # grlex_key(None)'s key with the rank (0, v) of every variable written out; same values, no closures
    return tuple([((0, v), -k) for v, k in sorted(m, key=_first)])


_GRLEX_ALPHA: dict[Monomial, tuple] = {}  # memo of the default key (keys are immutable tuples)


def _grlex_alpha(m: Monomial) -> tuple:
    key = _GRLEX_ALPHA.get(m)
    if key is None:
        if len(_GRLEX_ALPHA) > 100_000:  # bound the memo on long runs over big vocabularies
            _GRLEX_ALPHA.clear()
        key = _GRLEX_ALPHA[m] = (-degree(m), _lex_alpha_part(m))
    return key


def _lex_alpha(m: Monomial) -> tuple:
    return (_lex_alpha_part(m),)


def monomial_factors(m: Monomial) -> list[Expr]:
    return [Sym(v) if k == 1 else Pow(Sym(v), Num(k)) for v, k in m]


def poly_to_expr(p: Poly, order: Callable[[Monomial], tuple] | list[Monomial] | None = None) -> Expr:
    """Write a polynomial as a tree, terms sorted by ``order`` (a key function, or an explicit list of
    monomials; default graded-lexicographic), coefficients of 1 dropped, signs written as subtraction."""
    if isinstance(order, list):
        monos = [m for m in order if m in p] + [m for m in p if m not in order]
    else:
        monos = sorted(p, key=order or grlex_key())
    terms = [term(p[m], *monomial_factors(m)) for m in monos]
    if not terms:
        return Num(0)
    return terms[0] if len(terms) == 1 else Add(tuple(terms))


def monomial_expr(coeff: Fraction, m: Monomial) -> Expr:
    return term(coeff, *monomial_factors(m))


def product(factors: list[Expr]) -> Expr:
    return mul(*factors)
