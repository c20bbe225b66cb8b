"""A small, safe parser from text to our expression tree, for the strings the mutation engine itself
reads: the arithmetic of seed files (``n*p + b``, machine syntax) and, for the symbolic families, the
textbook equations of a prompt (``3(2x + 1) = 5x - 4``: juxtaposition is multiplication, ``^`` a power).

Only numbers, names, ``+ - * / ^ **`` and parentheses exist; anything else raises ``SyntaxError`` with
the position.  No ``eval``, no SymPy.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..expr.nodes import Add, Div, Eq, Expr, Mul, Neg, Num, Pow, Sym

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^()=]))")


def tokenize(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise SyntaxError(f"unexpected character {text[pos]!r} at position {pos} in {text!r}")
        num, name, op = m.groups()
        if num is not None:
            out.append(("num", num, m.start(1)))
        elif name is not None:
            out.append(("name", name, m.start(2)))
        else:
            out.append(("op", "^" if op == "**" else op, m.start(3)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, implicit: bool) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.implicit = implicit

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            where = "end" if tok is None else f"{tok[1]!r} at position {tok[2]}"
            raise SyntaxError(f"expected {value or 'a term'} but found {where} in {self.text!r}")
        self.i += 1
        return tok

    def sum(self) -> Expr:
        terms: list[Expr] = []
        tok = self.peek()
        if tok is not None and tok[1] in "+-" and tok[0] == "op":
            self.i += 1
            first = self.product()
            terms.append(Neg(first) if tok[1] == "-" else first)
        else:
            terms.append(self.product())
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in "+-":
            self.i += 1
            t = self.product()
            terms.append(Neg(t) if tok[1] == "-" else t)
        return terms[0] if len(terms) == 1 else Add(tuple(terms))

    def product(self) -> Expr:
        node = self.power()
        while (tok := self.peek()) is not None:
            if tok[0] == "op" and tok[1] in "*/":
                self.i += 1
                rhs = self.power()
                node = Div(node, rhs) if tok[1] == "/" else _mul(node, rhs)
            elif self.implicit and (tok[0] in ("name", "num") or tok[1] == "("):
                node = _mul(node, self.power())
            else:
                break
        return node

    def power(self) -> Expr:
        base = self.atom()
        tok = self.peek()
        if tok is not None and tok[1] == "^":
            self.i += 1
            sign = self.peek()
            if sign is not None and sign[1] == "-":
                self.i += 1
                return Pow(base, Neg(self.atom()))
            return Pow(base, self.atom())
        return base

    def atom(self) -> Expr:
        kind, value, _pos = self.take()
        if kind == "num":
            return Num(Fraction(value))
        if kind == "name":
            return Sym(value)
        if value == "(":
            inner = self.sum()
            self.take(")")
            return inner
        if value == "-":
            return Neg(self.power())
        raise SyntaxError(f"unexpected {value!r} in {self.text!r}")


def _mul(a: Expr, b: Expr) -> Expr:
    if isinstance(a, Mul):
        return Mul((*a.factors, b))
    return Mul((a, b))


_PARSED: dict[tuple[str, bool], Expr] = {}


def parse_expr(text: str, implicit: bool = False) -> Expr:
    """One expression; ``implicit``: juxtaposition multiplies (textbook syntax).  Remembered per text
    (nodes are immutable): the read-back gate parses each seed's definitions for every row it reads."""
    got = _PARSED.get((text, implicit))
    if got is not None:
        return got
    p = _Parser(text, implicit)
    node = p.sum()
    if p.peek() is not None:
        tok = p.peek()
        raise SyntaxError(f"unexpected {tok[1]!r} at position {tok[2]} in {text!r}")
    if len(_PARSED) > 10_000:
        _PARSED.clear()
    _PARSED[(text, implicit)] = node
    return node


def parse_equation(text: str, implicit: bool = False) -> Eq:
    """``lhs = rhs``."""
    if text.count("=") != 1:
        raise SyntaxError(f"an equation needs exactly one '=': {text!r}")
    lhs, rhs = text.split("=")
    return Eq(parse_expr(lhs, implicit), parse_expr(rhs, implicit))
