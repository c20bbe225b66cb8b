"""Answer kinds read off a parsed tree, and the tree views the comparisons use (no SymPy here)."""

from __future__ import annotations

from .tree import walk

KINDS = ("auto", "expression", "equation", "system", "roots", "set", "tuple", "matrix", "text")
INEQ = frozenset({"<", ">", "<=", ">=", "!="})
# tags of a scalar expression tree (not a relation, set, tuple, matrix or list)
EXPR_TAGS = frozenset(
    {"num", "sym", "const", "add", "mul", "div", "pow", "neg", "func", "fact", "bigop", "idx"}
    | {"deriv", "integral", "limit"}
)


def is_assignment(tree) -> bool:
    """``x = value`` with ``x`` a symbol not on the right (``x = \\pm 2`` included)."""
    if tree[0] != "rel" or tree[1] != ("=",):
        return False
    lhs, rhs = tree[2]
    return lhs[0] == "sym" and not _mentions(rhs, lhs[1])


def _mentions(tree, name: str) -> bool:
    return any(n[0] == "sym" and n[1] == name for n in walk(tree))


def is_equation(tree) -> bool:
    return tree[0] == "rel" and tree[1] == ("=",)


def is_inequality(tree) -> bool:
    return tree[0] == "rel" and any(op in INEQ for op in tree[1])


def detect_kind(tree) -> str:
    tag = tree[0]
    if tag == "text":
        return "text"
    if (
        tag == "matrix"
        or tag in ("add", "mul", "neg", "pow", "div")
        and any(n[0] == "matrix" for n in walk(tree))
    ):
        return "matrix"
    if tag in ("interval", "union", "setminus") or is_inequality(tree):
        return "set"
    if tag == "in" and tree[2][0] in ("interval", "bracket", "union", "tuple"):
        return "set"
    if tag in ("set", "in") or any(n[0] == "pm" for n in walk(tree)):
        return "roots"
    if tag in ("tuple", "bracket"):
        return "tuple"
    if tag == "rel":
        if tree[1] == ("=",) and tree[2][0][0] == "tuple":
            return "tuple"
        if len(tree[1]) > 1:
            return "expression"  # a = b = c: the answer is the last value
        if any(n[0] == "pm" for n in walk(tree[2][1])):
            return "roots"
        return "equation"
    if tag == "seq":
        items = tree[2]
        if tree[1] in ("or", "and") and all(is_inequality(i) or i[0] in ("interval", "union") for i in items):
            return "set"  # x < 2 or x > 3: a union of intervals
        if all(is_equation(i) for i in items):
            assigned = [i[2][0][1] for i in items if is_assignment(i)]
            if len(assigned) == len(items) and len(set(assigned)) == 1:
                return "roots"
            if tree[1] == "or":
                return "roots"
            return "system"
        if tree[1] in (";",):
            return "system"
        return "roots"
    return "expression"
