"""Renderers: machine syntax (``3*x**2 + 2*x*y``, what SymPy and our checker read) and textbook syntax
(``3x^2 + 2xy``, what prompts show).  Parentheses are minimal but correct: a child is wrapped only when
its binding strength is lower than its position needs.

Rendering is on the hot path of every rule (each step is rendered twice), so nodes are dispatched by
exact type through a table instead of an ``isinstance`` chain, and a child is rendered and wrapped in
one call; a strict position (``need`` must be exceeded) is ``need + 1`` since strengths are integers."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from operator import attrgetter

from .nodes import Add, Div, Eq, Expr, ImagUnit, Mul, Neg, Num, Pow, Sqrt, Sym

# binding strengths; a fraction number behaves like a division, a negative one like a negation
P_EQ, P_ADD, P_NEG, P_MUL, P_POW, P_ATOM = 0, 10, 15, 20, 30, 100


def _prec(e: Expr) -> int:
    if isinstance(e, Num):
        if e.value < 0:
            return P_NEG
        return P_ATOM if e.value.denominator == 1 else P_MUL
    return e.prec


def _num(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


Table = dict[type, Callable[[Expr], str]]
# node types that keep their renderings in the slots ``_m`` (machine) and ``_t`` (text); exact types
_CACHED = frozenset({Add, Mul, Div, Neg, Pow})


def _lookup(table: Table, t: type) -> Callable[[Expr], str]:
    """The renderer of a node type not in the table: that of its nearest listed base class."""
    for base in t.__mro__:
        if base in table:
            table[t] = table[base]
            return table[t]
    raise TypeError(f"cannot render {t.__name__}")


def _make(text: bool, cache: bool = True) -> tuple[Callable[[Expr], str], Callable[[Expr, int], str]]:
    """The (render, render-and-wrap) pair of one style; without ``cache`` a plain walk of the tree that
    neither reads nor keeps renderings on the nodes (the reference the tests compare against)."""
    table: Table = {}
    pow_op = "^" if text else "**"
    exp_need = P_ATOM if text else P_POW

    def dispatch(e: Expr) -> str:
        try:
            return table[type(e)](e)
        except KeyError:
            return _lookup(table, type(e))(e)

    # A node's own rendering does not depend on where it sits (parentheses are its parent's), so nodes
    # of the common types keep both renderings (one walk, ``machine_and_text``) on the immutable node:
    # a subtree shown in several steps or shared across items (memoized terms) is rendered once.
    cached = attrgetter("_t" if text else "_m")
    idx = 1 if text else 0
    kept = _CACHED if cache else frozenset()

    def r(e: Expr) -> str:
        t = type(e)
        if t in kept:
            s = cached(e)
            return _fill(e, t)[idx] if s is None else s
        return dispatch(e)

    def w(e: Expr, need: int) -> str:
        """``e`` rendered, in parentheses when its binding strength is below ``need``."""
        t = type(e)
        if t is Sym:
            return e.name if need <= P_ATOM else f"({e.name})"
        if t is Num:
            v = e.value
            if type(v) is int:
                s = str(v)
                p = P_ATOM if v >= 0 else P_NEG
            else:
                s = _num(v)
                p = P_NEG if v < 0 else (P_ATOM if v.denominator == 1 else P_MUL)
            return s if p >= need else f"({s})"
        if t in kept:
            s = cached(e)
            if s is None:
                s = _fill(e, t)[idx]
            return s if e.prec >= need else f"({s})"
        s = dispatch(e)
        p = _prec(e) if isinstance(e, Num) else e.prec
        return s if p >= need else f"({s})"

    def num(e: Num) -> str:
        v = e.value
        return str(v) if type(v) is int else _num(v)

    def add(e: Add) -> str:
        parts: list[str] = []
        first = True
        for t in e.terms:
            tt = type(t)
            if tt is Neg or isinstance(t, Neg):
                body = w(t.arg, P_MUL)
                parts.append("-" + body if first else " - " + body)
            elif isinstance(t, Num) and t.value < 0:
                body = w(Num(-t.value), P_MUL)
                parts.append("-" + body if first else " - " + body)
            elif first:
                parts.append(w(t, P_ADD))
            else:
                parts.append(" + " + w(t, P_ADD + 1))
            first = False
        return "".join(parts)

    if text:

        def mul(e: Mul) -> str:
            fs = e.factors
            prev = fs[0]
            out = w(prev, P_MUL)
            for f in fs[1:]:
                s = w(f, P_MUL + 1)
                out += s if _juxtaposable(prev, f, out, s) else "*" + s
                prev = f
            return out

    else:

        def mul(e: Mul) -> str:
            fs = e.factors
            return w(fs[0], P_MUL) + "".join(["*" + w(f, P_MUL + 1) for f in fs[1:]])

    table.update(
        {
            Num: num,
            Sym: lambda e: e.name,
            Add: add,
            Mul: mul,
            # the denominator binds strictly: a/(b*c), a/(b/c)
            Div: lambda e: w(e.num, P_MUL) + "/" + w(e.den, P_MUL + 1),
            Neg: lambda e: "-" + w(e.arg, P_MUL),
            # powers are right-associative: (a^b)^c needs parentheses, a^(b^c) does not
            Pow: lambda e: w(e.base, P_POW + 1) + pow_op + w(e.exp, exp_need),
            Sqrt: lambda e: f"sqrt({r(e.arg)})",
            ImagUnit: lambda e: "I",
            Eq: lambda e: f"{r(e.lhs)} = {r(e.rhs)}",
        }
    )
    return r, w


_machine, _machine_wrap = _make(text=False)
_text, _text_wrap = _make(text=True)
machine_walk, _ = _make(text=False, cache=False)
text_walk, _ = _make(text=True, cache=False)


class _Renderer:
    pow_op = "**"
    _render = staticmethod(_machine)
    _wrap = staticmethod(_machine_wrap)

    def __call__(self, e: Expr) -> str:
        return self._render(e)

    def wrap(self, e: Expr, need: int, strict: bool = False) -> str:
        return self._wrap(e, need + 1 if strict else need)

    def r(self, e: Expr) -> str:
        return self._render(e)

    def exponent(self, e: Expr) -> str:
        return self.wrap(e, P_POW)

    def add(self, e: Add) -> str:
        return self._render(e)

    def mul(self, e: Mul) -> str:
        return self._render(e)


class MachineRenderer(_Renderer):
    pass


class TextRenderer(_Renderer):
    """Textbook style: ``^`` for powers, implicit multiplication where it cannot be misread."""

    pow_op = "^"
    _render = staticmethod(_text)
    _wrap = staticmethod(_text_wrap)

    def exponent(self, e: Expr) -> str:
        return self.wrap(e, P_ATOM)


def _head(f: Expr) -> Expr:
    while isinstance(f, Pow):
        f = f.base
    return f


def _juxtaposable(prev: Expr, f: Expr, left: str, right: str) -> bool:
    if type(prev) is Num and prev.value.denominator != 1:
        return False  # 1/2x would read as 1/(2x): write 1/2*x
    if right.startswith("("):
        hp = _head(prev)
        return not (isinstance(hp, Sym) and len(hp.name) > 1)  # apple(x + 1) would read as a call
    if right[0].isdigit() or right.startswith("-"):
        return False  # 2*3 must not read as 23
    h = _head(f)
    if isinstance(h, Sym):
        if len(h.name) != 1:
            return False
        hp = _head(prev)
        # x y -> xy only for single-letter names; a coefficient may precede any single letter
        return isinstance(hp, Num) or (isinstance(hp, Sym) and len(hp.name) == 1) or left.endswith(")")
    if isinstance(h, (Sqrt, ImagUnit)):
        return True
    return False


machine = MachineRenderer()
text = TextRenderer()


def _prec_both(e: Expr) -> int:
    return _prec(e) if isinstance(e, Num) else e.prec


def _both_wrapped(e: Expr, need: int) -> tuple[str, str]:
    te = type(e)
    if te is Sym:  # the common leaves inline: a name never needs parentheses (need < P_ATOM)
        return e.name, e.name
    if te is Num and type(e.value) is int:
        s = str(e.value)
        if e.value < 0 and need > P_NEG:
            s = f"({s})"
        return s, s
    m, t = machine_and_text(e)
    if (_prec(e) if te is Num else e.prec) < need:
        return f"({m})", f"({t})"
    return m, t


def machine_and_text(e: Expr) -> tuple[str, str]:
    """``(machine(e), text(e))`` in one walk of the tree (rules render every step in both styles).
    Node types other than the built-in ones are rendered by the two renderers separately."""
    t = type(e)
    if t is Sym:
        return e.name, e.name
    if t is Num:
        v = e.value
        s = str(v) if type(v) is int else _num(v)
        return s, s
    if t in _CACHED:
        m, x = e._m, e._t
        if m is None or x is None:
            return _fill(e, t)
        return m, x
    return machine(e), text(e)


def _fill(e: Expr, t: type) -> tuple[str, str]:
    """Both renderings of a node of a type in ``_CACHED``, computed and kept on the node."""
    both = e._m, e._t = _machine_and_text(e, t)
    return both


def _machine_and_text(e: Expr, t: type) -> tuple[str, str]:
    """``machine_and_text`` of a node of a type in ``_CACHED``, computed."""
    if t is Add:
        ms: list[str] = []
        ts: list[str] = []
        first = True
        for term_ in e.terms:
            if isinstance(term_, Neg):
                m, x = _both_wrapped(term_.arg, P_MUL)
                sep = "-" if first else " - "
            elif isinstance(term_, Num) and term_.value < 0:
                m, x = _both_wrapped(Num(-term_.value), P_MUL)
                sep = "-" if first else " - "
            else:
                m, x = _both_wrapped(term_, P_ADD if first else P_ADD + 1)
                sep = "" if first else " + "
            ms.append(sep + m)
            ts.append(sep + x)
            first = False
        return "".join(ms), "".join(ts)
    if t is Mul:
        fs = e.factors
        prev = fs[0]
        m_out, t_out = _both_wrapped(prev, P_MUL)
        for f in fs[1:]:
            m, x = _both_wrapped(f, P_MUL + 1)
            m_out += "*" + m
            t_out += x if _juxtaposable(prev, f, t_out, x) else "*" + x
            prev = f
        return m_out, t_out
    if t is Pow:
        mb, tb = _both_wrapped(e.base, P_POW + 1)
        me, te = machine_and_text(e.exp)
        p = _prec_both(e.exp)
        # the exponent: machine needs parentheses below a power, textbook around anything not atomic
        return mb + "**" + (f"({me})" if p < P_POW else me), tb + "^" + (f"({te})" if p < P_ATOM else te)
    if t is Neg:
        m, x = _both_wrapped(e.arg, P_MUL)
        return "-" + m, "-" + x
    if t is Div:
        mn, tn = _both_wrapped(e.num, P_MUL)
        md, td = _both_wrapped(e.den, P_MUL + 1)
        return mn + "/" + md, tn + "/" + td
    raise AssertionError(t)


def render(e: Expr, style: str = "machine") -> str:
    if style == "machine":
        return machine(e)
    if style == "text":
        return text(e)
    raise ValueError(f"unknown style {style!r}; use 'machine' or 'text'")
