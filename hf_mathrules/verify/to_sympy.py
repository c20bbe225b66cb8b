"""Build SymPy objects from a parsed tree, refusing anything whose size the limits do not allow.

Only the whitelisted tags are handled; SymPy is called with already-built numbers and symbols, never
with text.  Powers, factorials and binomials are size-checked before SymPy evaluates them.
"""

from __future__ import annotations

import math
from functools import lru_cache

import sympy

from .limits import Limits, ParseError, TooLarge, Unsupported

_FUNCS = {
    "sqrt": sympy.sqrt,
    "cbrt": sympy.cbrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "cot": sympy.cot,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "acot": sympy.acot,
    "asec": sympy.asec,
    "acsc": sympy.acsc,
    "arccot": sympy.acot,
    "arcsec": sympy.asec,
    "arccsc": sympy.acsc,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "ln": sympy.log,
    "exp": sympy.exp,
    "abs": sympy.Abs,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
}
_CONSTS = {"pi": sympy.pi, "E": sympy.E, "I": sympy.I, "oo": sympy.oo}


@lru_cache(maxsize=8192)
def symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name)


def number(text: str) -> sympy.Rational:
    """Exact value of a literal (decimals too: ``0.1`` is 1/10)."""
    return sympy.Rational(text)


def _digits(x: sympy.Rational) -> float:
    return math.log10(abs(int(x.p)) + 1) + math.log10(abs(int(x.q)) + 1)


def _check_power(base, exp, limits: Limits) -> None:
    if not exp.is_number:
        return
    if exp.has(sympy.I) or not exp.is_real:
        return
    try:
        e = abs(float(exp))
    except (TypeError, OverflowError) as exc:
        raise TooLarge("exponent too large") from exc
    if base.is_number:
        # digits of the result are about (digits of the base's rational parts) * exponent
        atoms = [base] if base.is_Rational else list(base.atoms(sympy.Rational))
        digits = max((_digits(a) for a in atoms), default=1.0)
        if base.is_Rational and abs(base) in (0, 1):
            return
        if digits * e > limits.max_digits:
            raise TooLarge(f"a power would have more than {limits.max_digits} digits")
        if not base.is_Rational and e > limits.max_exponent:
            raise TooLarge(f"exponent {e:g} exceeds {limits.max_exponent}")
        return
    if e > limits.max_exponent:
        raise TooLarge(f"exponent {e:g} exceeds {limits.max_exponent}")


def build(tree, limits: Limits):
    """SymPy expression for an expression tree; raises Unsupported for structures (sets, relations...)."""
    tag = tree[0]
    if tag == "num":
        return number(tree[1])
    if tag == "sym":
        return symbol(tree[1])
    if tag == "const":
        return _CONSTS[tree[1]]
    if tag == "add":
        return sympy.Add(*[build(t, limits) for t in tree[1]])
    if tag == "mul":
        return sympy.Mul(*[build(t, limits) for t in tree[1]])
    if tag == "neg":
        return -build(tree[1], limits)
    if tag == "div":
        num, den = build(tree[1], limits), build(tree[2], limits)
        if den == 0:
            raise Unsupported("division by zero")
        return num / den
    if tag == "pow":
        base, exp = build(tree[1], limits), build(tree[2], limits)
        _check_power(base, exp, limits)
        if base.is_Pow and base.exp.is_number and exp.is_number:
            _check_power(base.base, base.exp * exp, limits)
        return sympy.Pow(base, exp)
    if tag == "fact":
        arg = build(tree[1], limits)
        if arg.is_Integer and arg > 500:
            raise TooLarge("factorial argument above 500")
        return sympy.factorial(arg)
    if tag == "func":
        name, args = tree[1], [build(a, limits) for a in tree[2]]
        if name == "root":
            if len(args) != 2:
                raise ParseError("root takes a radicand and an index")
            _check_power(args[0], 1 / args[1] if args[1] != 0 else sympy.Integer(1), limits)
            return sympy.root(args[0], args[1])
        if name == "log":
            return sympy.log(*args[:2])
        if name in ("max", "min"):
            if not args:
                raise ParseError(f"{name} of nothing")
            return (sympy.Max if name == "max" else sympy.Min)(*args)
        if name == "binomial":
            if len(args) != 2:
                raise ParseError("binomial takes two arguments")
            if args[0].is_Integer and abs(args[0]) > 2000:
                raise TooLarge("binomial argument above 2000")
            return sympy.binomial(*args)
        if name not in _FUNCS or len(args) != 1:
            raise Unsupported(f"function {name} with {len(args)} arguments")
        return _FUNCS[name](args[0])
    if tag == "idx":
        return sympy.Indexed(sympy.IndexedBase(tree[1]), build(tree[2], limits))
    if tag == "bigop":
        return _big_operator(tree, limits)
    if tag in ("deriv", "integral", "limit"):
        return _calculus(tree, limits)
    if tag == "pm":
        raise Unsupported("± inside an expression")
    raise Unsupported(f"{tag} where an expression was expected")


def _big_operator(tree, limits: Limits):
    """A finite sum/product: expanded exactly term by term for small integer bounds, else kept as an
    unevaluated ``Sum``/``Product`` (compared structurally); huge numeric ranges are refused."""
    _, op, var, lo_t, hi_t, body_t = tree
    k, lo, hi = symbol(var), build(lo_t, limits), build(hi_t, limits)
    body = build(body_t, limits)
    if lo.is_Integer and hi.is_Integer:
        count = int(hi) - int(lo) + 1
        if count > limits.max_items * 5:
            raise TooLarge(f"a \\{op} over {count} terms")
        terms = [body.xreplace({k: sympy.Integer(i)}) for i in range(int(lo), int(hi) + 1)]
        if op == "sum":
            return sympy.Add(*terms)
        digits = sum(_digits(t) for t in terms if t.is_Rational)
        if digits > limits.max_digits:
            raise TooLarge(f"a product would have more than {limits.max_digits} digits")
        return sympy.Mul(*terms)
    if lo.is_number and hi.is_number and not (lo.is_Integer and hi is sympy.oo):
        raise Unsupported(f"\\{op} bounds must be integers")
    unevaluated = (sympy.Sum if op == "sum" else sympy.Product)(body, (k, lo, hi))
    value = unevaluated.doit(deep=False)  # a closed form when SymPy knows one (runs under the timeout)
    if hi is sympy.oo and value.has(sympy.Sum, sympy.Product):
        raise Unsupported(f"an infinite \\{op} without a closed form")
    return value


def _calculus(tree, limits: Limits):
    """Evaluate a derivative, definite integral or limit (in the worker, under the hard timeout); one
    SymPy cannot evaluate is refused rather than compared unevaluated."""
    tag, var = tree[0], symbol(tree[1])
    if tag == "deriv":
        value = sympy.diff(build(tree[2], limits), var)
    elif tag == "integral":
        lo, hi, body = (build(t, limits) for t in tree[2:5])
        value = sympy.integrate(body, (var, lo, hi))
    else:
        point, side, body = build(tree[2], limits), tree[3], build(tree[4], limits)
        value = sympy.limit(body, var, point, side)
    if value.has(sympy.Integral, sympy.Limit, sympy.Derivative, sympy.AccumBounds):
        raise Unsupported(f"SymPy cannot evaluate this {tag}")
    return value
