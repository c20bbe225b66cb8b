"""Derivatives, definite integrals and limits, read faithfully or refused (a mixin of ``parser.Parser``).

``\\frac{d}{dx} body`` is a ``deriv`` node, ``\\int_a^b body \\, dx`` an ``integral`` node and
``\\lim_{x \\to a} body`` a ``limit`` node; the SymPy builder evaluates them in the worker, under the
timeout.  What we cannot read without guessing raises ``Unsupported`` (the verdict is then undecided,
never a guess that could accept): ``\\frac{dy}{dx}`` with no body, higher derivatives, indefinite
integrals (equal only up to a constant), a derivative of an expression that does not mention the
variable (``\\frac{d}{dt} g``: is ``g`` a function of ``t``?), an integral without its differential.
"""

from __future__ import annotations

import re

from .lexer import Token
from .limits import ParseError, Unsupported
from .tree import walk

_DIFFERENTIAL = re.compile(r"^d([A-Za-z])$")
_ENDS_IN_DIFFERENTIAL = re.compile(r"^([A-Za-z]+?)d([A-Za-z])$")
_OPEN, _CLOSE = frozenset({"(", "{", "[", "\\{"}), frozenset({")", "}", "]", "\\}"})
_DIFF = Token("OP", "<differential>")  # a sentinel no text can produce: the parser stops at it


class CalculusMixin:
    """Methods of ``Parser``; they use its token helpers (``peek``, ``next``, ``expect``, ``node``...)."""

    def leibniz(self) -> bool:
        """Is the ``\\frac`` about to be read ``\\frac{d...}{d...}`` (Leibniz notation)?"""
        t = self.toks
        i = self.pos
        if not (t[i].kind == "OP" and t[i].text == "{" and t[i + 1].kind == "NAME"):
            return False
        if not t[i + 1].text.startswith("d"):
            return False
        j = i + 1
        while t[j].kind != "EOF" and not (t[j].kind == "OP" and t[j].text == "}"):
            j += 1
        k = j + 1
        return t[k].kind == "OP" and t[k].text == "{" and t[k + 1].kind == "NAME" and t[k + 1].text[0] == "d"

    def derivative(self) -> tuple:
        self.expect("OP", "{")
        top = self.next()
        if top.text != "d" or not self.at("OP", "}"):
            raise Unsupported("Leibniz notation other than d/dx followed by the expression")
        self.next()
        self.expect("OP", "{")
        var = self.differential_variable()
        self.expect("OP", "}")
        if self.at("EOF") or self.at("OP", ")") or self.at("OP", "}"):
            raise Unsupported("d/dx without an expression")
        self.enter()
        try:
            body = self.parse_term()
        finally:
            self.depth -= 1
        if not any(n[0] == "sym" and n[1] == var for n in walk(body)):
            raise Unsupported(f"a derivative in {var} of an expression that does not show {var}")
        return self.node("deriv", var, body)

    def differential_variable(self) -> str:
        """``dx`` (one name) or ``d x`` (two) -> ``x``."""
        t = self.next()
        m = _DIFFERENTIAL.match(t.text) if t.kind == "NAME" else None
        if m:
            return self.sym(m.group(1))[1]
        if t.kind == "NAME" and t.text == "d" and self.at("NAME") and len(self.peek().text) == 1:
            return self.sym(self.next().text)[1]
        raise Unsupported("a higher or partial derivative")

    def integral(self) -> tuple:
        lo = hi = None
        for _ in range(2):
            if self.at("OP", "_") and lo is None:
                self.next()
                lo = self.parse_arg()
            elif self.at("OP", "^") and hi is None:
                self.next()
                hi = self.parse_arg()
        if lo is None or hi is None:
            raise Unsupported("an indefinite integral (equal only up to a constant)")
        var = self.mark_differential()
        self.enter()
        try:
            body = self.parse_expr() if not self.at("OP", _DIFF.text) else self.node("num", "1")
        finally:
            self.depth -= 1
        if not self.at("OP", _DIFF.text):
            raise ParseError("the integrand runs past its differential")
        self.next()
        return self.node("integral", var, lo, hi, body)

    def mark_differential(self) -> str:
        """Find the integral's ``dx`` ahead (outside brackets), put the sentinel there; its variable."""
        t, depth = self.toks, 0
        for j in range(self.pos, len(t)):
            tok = t[j]
            if tok.kind == "OP" and tok.text in _OPEN:
                depth += 1
            elif tok.kind == "OP" and tok.text in _CLOSE:
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and tok.kind == "NAME":
                m = _DIFFERENTIAL.match(tok.text)
                if m:
                    t[j : j + 1] = [_DIFF]
                    return self.sym(m.group(1))[1]
                if tok.text == "d" and t[j + 1].kind == "NAME" and len(t[j + 1].text) == 1:
                    var = t[j + 1].text
                    t[j : j + 2] = [_DIFF]
                    return self.sym(var)[1]
                m = _ENDS_IN_DIFFERENTIAL.match(tok.text)
                if m and (j + 1 >= len(t) or t[j + 1].kind in ("EOF", "OP")):
                    t[j : j + 1] = [Token("NAME", m.group(1)), _DIFF]  # "xdx"
                    return self.sym(m.group(2))[1]
        raise Unsupported("an integral without its differential (dx)")

    def limit(self) -> tuple:
        """``\\lim_{x \\to a} body`` (also ``a^+`` / ``a^-``); the body is the following product term."""
        self.expect("OP", "_")
        self.expect("OP", "{")
        t = self.next()
        if t.kind != "NAME" or len(t.text) != 1:
            raise Unsupported("a limit needs a variable like _{x \\to a}")
        var = self.sym(t.text)[1]
        arrow = self.next()
        if not (arrow.kind == "CMD" and arrow.text in ("to", "rightarrow")):
            raise Unsupported("a limit needs x \\to a")
        side = self.one_side()
        point = self.parse_expr()
        self.expect("OP", "}")
        self.enter()
        try:
            body = self.parse_term()
        finally:
            self.depth -= 1
        return self.node("limit", var, point, side, body)

    def one_side(self) -> str:
        """``0^+`` / ``0^{-}`` at the end of the subscript: remove the mark, return the side."""
        t, depth, j = self.toks, 0, self.pos
        while t[j].kind != "EOF":
            if t[j].kind == "OP" and t[j].text in _OPEN:
                depth += 1
            elif t[j].kind == "OP" and t[j].text in _CLOSE:
                if depth == 0:
                    break
                depth -= 1
            j += 1
        texts = [x.text for x in t[max(self.pos, j - 4) : j]]
        for mark in (["^", "+"], ["^", "-"], ["^", "{", "+", "}"], ["^", "{", "-", "}"]):
            if texts[-len(mark) :] == mark:
                del t[j - len(mark) : j]
                return mark[-1] if mark[-1] in "+-" else mark[-2]
        return "+-"
