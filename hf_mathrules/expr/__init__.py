"""Our own expression tree: overloaded operators, explicit rewrites, controlled rendering."""

from .matrix import Matrix
from .nodes import (
    Add,
    Div,
    Eq,
    Expr,
    I,
    ImagUnit,
    Mul,
    Neg,
    Num,
    Pow,
    Sqrt,
    Sym,
    add,
    as_expr,
    mul,
    number,
    symbols,
    term,
)
from .poly import Poly, grlex_key, poly_to_expr, to_poly
from .render import machine, render, text
from .sympy_bridge import to_sympy

__all__ = [
    "Add",
    "Div",
    "Eq",
    "Expr",
    "I",
    "ImagUnit",
    "Matrix",
    "Mul",
    "Neg",
    "Num",
    "Poly",
    "Pow",
    "Sqrt",
    "Sym",
    "add",
    "as_expr",
    "grlex_key",
    "machine",
    "mul",
    "number",
    "poly_to_expr",
    "render",
    "symbols",
    "term",
    "text",
    "to_poly",
    "to_sympy",
]
