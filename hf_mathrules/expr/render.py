"""Renderers: machine syntax (``3*x**2 + 2*x*y``, what SymPy and our checker read) and textbook syntax
(``3x^2 + 2xy``, what prompts show).  Parentheses are minimal but correct: a child is wrapped only when
its binding strength is lower than its position needs."""

from __future__ import annotations

from fractions import Fraction

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


class _Renderer:
    pow_op = "**"

    def __call__(self, e: Expr) -> str:
        return self.r(e)

    def wrap(self, e: Expr, need: int, strict: bool = False) -> str:
        p = _prec(e)
        s = self.r(e)
        return f"({s})" if (p < need or (strict and p == need)) else s

    def r(self, e: Expr) -> str:
        if isinstance(e, Num):
            return _num(e.value)
        if isinstance(e, Sym):
            return e.name
        if isinstance(e, Add):
            return self.add(e)
        if isinstance(e, Mul):
            return self.mul(e)
        if isinstance(e, Div):
            # the denominator binds strictly: a/(b*c), a/(b/c)
            return f"{self.wrap(e.num, P_MUL)}/{self.wrap(e.den, P_MUL, strict=True)}"
        if isinstance(e, Neg):
            return "-" + self.wrap(e.arg, P_MUL)
        if isinstance(e, Pow):
            # powers are right-associative: (a^b)^c needs parentheses, a^(b^c) does not
            return f"{self.wrap(e.base, P_POW, strict=True)}{self.pow_op}{self.exponent(e.exp)}"
        if isinstance(e, Sqrt):
            return f"sqrt({self.r(e.arg)})"
        if isinstance(e, ImagUnit):
            return "I"
        if isinstance(e, Eq):
            return f"{self.r(e.lhs)} = {self.r(e.rhs)}"
        raise TypeError(f"cannot render {type(e).__name__}")

    def exponent(self, e: Expr) -> str:
        return self.wrap(e, P_POW)

    def add(self, e: Add) -> str:
        parts: list[str] = []
        for i, t in enumerate(e.terms):
            neg = None
            if isinstance(t, Neg):
                neg = t.arg
            elif isinstance(t, Num) and t.value < 0:
                neg = Num(-t.value)
            if neg is not None:
                body = self.wrap(neg, P_MUL)
                parts.append(f"-{body}" if i == 0 else f" - {body}")
            else:
                body = self.wrap(t, P_ADD, strict=i > 0)
                parts.append(body if i == 0 else f" + {body}")
        return "".join(parts)

    def mul(self, e: Mul) -> str:
        out = [self.wrap(e.factors[0], P_MUL)]
        for f in e.factors[1:]:
            out.append("*" + self.wrap(f, P_MUL, strict=True))
        return "".join(out)


class MachineRenderer(_Renderer):
    pass


class TextRenderer(_Renderer):
    """Textbook style: ``^`` for powers, implicit multiplication where it cannot be misread."""

    pow_op = "^"

    def exponent(self, e: Expr) -> str:
        return self.wrap(e, P_ATOM)

    def mul(self, e: Mul) -> str:
        pieces = [(f, self.wrap(f, P_MUL, strict=i > 0)) for i, f in enumerate(e.factors)]
        out = pieces[0][1]
        for (prev, _), (f, s) in zip(pieces, pieces[1:]):
            out += s if _juxtaposable(prev, f, out, s) else "*" + s
        return out


def _head(f: Expr) -> Expr:
    while isinstance(f, Pow):
        f = f.base
    return f


def _juxtaposable(prev: Expr, f: Expr, left: str, right: str) -> bool:
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


def render(e: Expr, style: str = "machine") -> str:
    if style == "machine":
        return machine(e)
    if style == "text":
        return text(e)
    raise ValueError(f"unknown style {style!r}; use 'machine' or 'text'")
