"""Our own machine-syntax strings (a row's ``problem``, ``steps``, ``answer``) read with SymPy.

Only for strings *we* generated (validation, a rule's form check): untrusted text goes through
``hf_mathrules.verify``.  Lives in the rules layer so that rules and ``validate.py`` share it without an
import going upward.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sympy
from sympy.parsing.sympy_parser import parse_expr

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_BUILTIN = {"sqrt": sympy.sqrt, "I": sympy.I}


@lru_cache(maxsize=4096)
def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name)


def parse_trusted(s: str) -> sympy.Expr:
    """Parse one machine-syntax expression that *we* generated."""
    local = {n: _BUILTIN.get(n) or _sym(n) for n in set(_NAME.findall(s))}
    return parse_expr(s, local_dict=local, evaluate=True)


@dataclass
class Statement:
    """A parsed machine-syntax string: ``kind`` is expr, eq, system, matrix, roots or assign."""

    kind: str
    expr: Any = None  # expr: the expression; eq: lhs - rhs
    eqs: list = field(default_factory=list)  # system: lhs - rhs of each equation
    matrix: Any = None
    var: Any = None  # roots: the variable
    values: list = field(default_factory=list)  # roots: the values
    assign: dict = field(default_factory=dict)  # assign: {symbol: value}


def parse_statement(s: str) -> Statement:
    s = s.strip()
    if s.startswith("[["):
        rows = json.loads(re.sub(r"(-?\d+/\d+)", r'"\1"', s))
        return Statement("matrix", matrix=sympy.Matrix([[sympy.Rational(str(v)) for v in r] for r in rows]))
    if " or " in s:
        parts = [p.split("=", 1) for p in s.split(" or ")]
        var = parse_trusted(parts[0][0])
        return Statement("roots", var=var, values=[parse_trusted(v) for _, v in parts])
    if ";" in s:
        eqs = [parse_statement(p) for p in s.split(";")]
        return Statement("system", eqs=[e.expr for e in eqs])
    if "=" in s and ", " in s:
        assign = {}
        for part in s.split(", "):
            lhs, rhs = part.split("=", 1)
            assign[parse_trusted(lhs)] = parse_trusted(rhs)
        return Statement("assign", assign=assign)
    if "=" in s:
        lhs, rhs = s.split("=", 1)
        left, right = parse_trusted(lhs), parse_trusted(rhs)
        st = Statement("eq", expr=left - right)
        if isinstance(left, sympy.Symbol) and left not in right.free_symbols:
            st.assign = {left: right}
        return st
    return Statement("expr", expr=parse_trusted(s))
