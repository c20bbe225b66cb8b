"""Matrix arithmetic on parsed trees: ``A + B``, ``A B``, ``2A``, ``-A``, ``A^3``, ``A / 2``.

Runs in the worker (SymPy).  Shapes are checked before any product; powers are bounded, so the work is
bounded by the matrix-entry limit.
"""

from __future__ import annotations

import sympy

from .limits import Limits, TooLarge, Unsupported
from .to_sympy import build
from .tree import walk

MAX_MATRIX_POWER = 64


def has_matrix(tree) -> bool:
    return any(n[0] == "matrix" for n in walk(tree))


def matrix_value(tree, limits: Limits):
    """A SymPy matrix for a matrix expression tree, or a scalar SymPy expression when it has no matrix."""
    if not has_matrix(tree):
        return build(tree, limits)
    tag = tree[0]
    if tag == "matrix":
        return sympy.Matrix([[build(e, limits) for e in row] for row in tree[1]])
    if tag == "neg":
        return -matrix_value(tree[1], limits)
    if tag == "add":
        parts = [matrix_value(t, limits) for t in tree[1]]
        if not all(isinstance(x, sympy.MatrixBase) for x in parts):
            raise Unsupported("a matrix plus a scalar")
        if len({x.shape for x in parts}) != 1:
            raise Unsupported("adding matrices of different shapes")
        out = parts[0]
        for x in parts[1:]:
            out = out + x
        return out
    if tag == "mul":
        out = matrix_value(tree[1][0], limits)
        for t in tree[1][1:]:
            x = matrix_value(t, limits)
            both = isinstance(out, sympy.MatrixBase) and isinstance(x, sympy.MatrixBase)
            if both and out.shape[1] != x.shape[0]:
                raise Unsupported(f"multiplying a {out.shape} matrix by a {x.shape} matrix")
            out = out * x
        return out
    if tag == "div":
        num, den = matrix_value(tree[1], limits), matrix_value(tree[2], limits)
        if isinstance(den, sympy.MatrixBase) or den == 0:
            raise Unsupported("dividing by a matrix or by zero")
        return num / den
    if tag == "pow":
        base, exp = matrix_value(tree[1], limits), build(tree[2], limits)
        if not isinstance(base, sympy.MatrixBase) or base.shape[0] != base.shape[1]:
            raise Unsupported("a power of a non-square matrix")
        if not exp.is_Integer:
            raise Unsupported("a matrix power needs an integer exponent")
        if abs(int(exp)) > MAX_MATRIX_POWER:
            raise TooLarge(f"matrix exponent above {MAX_MATRIX_POWER}")
        if exp < 0 and base.det() == 0:
            raise Unsupported("inverse of a singular matrix")
        return base ** int(exp)
    raise Unsupported(f"{tag} of a matrix")
