"""Views of parsed trees that the comparisons use (no SymPy): the stated value, the listed values,
the equations, the solutions of a system listed one group per solution, ``±`` expanded."""

from __future__ import annotations

import re

from .kinds import is_assignment, is_equation


def last_value(tree):
    """The value an answer states: ``k = 1/3`` -> 1/3, ``a = b = c`` -> c."""
    if tree[0] == "rel" and all(op == "=" for op in tree[1]):
        return tree[2][-1]
    return tree


def is_decimal_literal(tree) -> bool:
    while tree[0] == "neg":
        tree = tree[1]
    return tree[0] == "num" and any(c in tree[1] for c in ".eE")


def decimal_places(tree) -> int:
    """Decimal places a literal states: ``3.14`` -> 2, ``1e-7`` -> 7, ``1.5e-7`` -> 8."""
    while tree[0] == "neg":
        tree = tree[1]
    text = tree[1].lower()
    mant, _, exp = text.partition("e")
    places = len(mant.partition(".")[2])
    return places - int(exp or 0)


def _replace_first_pm(tree, sign: int):
    """(tree with its first ± taken as + (sign 1) or - (sign -1), whether one was found)."""
    if not isinstance(tree, tuple) or not tree:
        return tree, False
    if not isinstance(tree[0], str):
        out, done = [], False
        for x in tree:
            if not done:
                x, done = _replace_first_pm(x, sign)
            out.append(x)
        return tuple(out), done
    if tree[0] == "pm":
        delta = tree[2] if sign > 0 else ("neg", tree[2])
        return (delta if tree[1] is None else ("add", (tree[1], delta))), True
    out, done = [tree[0]], False
    for x in tree[1:]:
        if not done:
            x, done = _replace_first_pm(x, sign)
        out.append(x)
    return tuple(out), done


def expand_pm(tree, limit: int = 4) -> list:
    """``(1 ± sqrt 5)/2`` -> both values (at most 2**limit of them)."""
    trees = [tree]
    for _ in range(limit):
        nxt, found = [], False
        for t in trees:
            plus, hit = _replace_first_pm(t, 1)
            if hit:
                found = True
                nxt.extend([plus, _replace_first_pm(t, -1)[0]])
            else:
                nxt.append(t)
        trees = nxt
        if not found:
            break
    return trees


def value_trees(tree) -> tuple[str | None, list] | None:
    """(variable or None, value trees) for answers that list values; None when it is not such a list."""
    tag = tree[0]
    if tag in ("set", "bracket"):
        out = []
        for it in tree[1]:
            vt = value_trees(it)
            if vt is None:
                return None
            out.extend(vt[1])
        return None, out
    if tag == "in":
        inner = value_trees(tree[2])
        var = tree[1][1] if tree[1][0] == "sym" else None
        return (var, inner[1]) if inner else None
    if tag == "seq":
        var, out = None, []
        for it in tree[2]:
            vt = value_trees(it)
            if vt is None:
                return None
            if vt[0] is not None:
                if var is not None and vt[0] != var:
                    return None
                var = vt[0]
            out.extend(vt[1])
        return var, out
    if tag == "seq" and len(tree[2]) > 1 and all(is_assignment(i) for i in tree[2]):
        names = [i[2][0][1] for i in tree[2]]
        if len(set(names)) == len(names):  # "p = 5, q = 2": one solution, as a tuple in written order
            return None, [("tuple", tuple(i[2][1] for i in tree[2]))]
    if tag == "rel" and tree[1] == ("=",) and _is_name_tuple(tree[2][0]) and tree[2][1][0] == "tuple":
        return None, [tree[2][1]]  # (x, y) = (5, 8): the tuple of values
    if is_assignment(tree):
        var = tree[2][0][1]
        inner = value_trees(tree[2][1])
        return var, inner[1] if inner else [tree[2][1]]
    if tag == "tuple":
        return None, [tree]
    if tag in ("rel", "interval", "union", "setminus", "matrix", "text"):
        return None
    return None, expand_pm(tree)


def equations_of(tree) -> list | None:
    """Equations of an answer as (lhs, rhs) trees, or None."""
    if tree[0] == "seq":
        out = []
        for it in tree[2]:
            sub = equations_of(it)
            if sub is None:
                return None
            out.extend(sub)
        return out
    if is_equation(tree):
        return [tuple(tree[2])]
    return None


def _is_name_tuple(tree) -> bool:
    return tree[0] == "tuple" and all(t[0] == "sym" for t in tree[1])


_APPLIED = re.compile(r"^([A-Za-z])\([A-Za-z]\)$")


def same_variable(a: str, b: str) -> bool:
    """``x``/``x``; ``W(n)``/``W(x)``: values of one function named with different dummy arguments."""
    if a == b:
        return True
    ma, mb = _APPLIED.match(a), _APPLIED.match(b)
    return bool(ma and mb and ma.group(1) == mb.group(1))


def solution_dicts(tree, order: list[str] | None = None) -> list[dict] | None:
    """Several solutions of a system, ``p=5, q=2; p=7, q=2`` -> [{p: 5, q: 2}, {p: 7, q: 2}] (value
    trees); with ``order`` (the reference's variables), tuples ``(5, 2), (7, 2)`` are read in that order
    and ``(p, q) = (5, 2), (7, 2)`` too.  None when the answer is not such a list."""
    tag = tree[0]
    if tag == "rel" and tree[1] == ("=",) and _is_name_tuple(tree[2][0]):
        names = [t[1] for t in tree[2][0][1]]
        rhs = tree[2][1]
        groups = [rhs] if rhs[0] == "tuple" else list(rhs[2]) if rhs[0] == "seq" else None
        if not groups or any(g[0] != "tuple" or len(g[1]) != len(names) for g in groups):
            return None
        return [dict(zip(names, g[1])) for g in groups]
    items = list(tree[2]) if tag == "seq" else [tree]
    out = []
    for i, item in enumerate(items):
        if item[0] == "seq" and all(is_assignment(x) for x in item[2]):
            d = {x[2][0][1]: x[2][1] for x in item[2]}
            if len(d) != len(item[2]):
                return None
            out.append(d)
        elif item[0] == "tuple" and order and len(item[1]) == len(order):
            out.append(dict(zip(order, item[1])))
        elif i == 0 and item[0] == "rel" and _is_name_tuple(item[2][0]) and solution_dicts(item, order):
            out.extend(solution_dicts(item, order))  # (p, q) = (5, 2), (7, 2)
        else:
            return None
    return out or None


def text_key(tree) -> str:
    """A word answer compared case- and punctuation-insensitively (``\\text{(B)}`` = ``b``)."""
    s = tree[1] if tree[0] in ("text", "sym") else repr(tree)
    return "".join(ch for ch in s.lower() if ch.isalnum())


def as_system(tree):
    """Chained equalities ``a = b = 7`` and tuple assignments ``(a, b) = (2, 9)`` as the system of
    assignments they state, ``7 = x`` as ``x = 7``; any other tree unchanged."""
    if tree[0] != "rel" or any(op != "=" for op in tree[1]):
        return tree
    if len(tree[2]) == 2 and tree[2][1][0] == "sym" and not _has_sym(tree[2][0]):
        return ("rel", ("=",), (tree[2][1], tree[2][0]))  # 7 = x: the assignment x = 7
    *names, value = tree[2]
    if len(names) > 1 and all(n[0] == "sym" for n in names):
        if len({n[1] for n in names}) == len(names) and not any(_mentions(value, n[1]) for n in names):
            return ("seq", ",", tuple(("rel", ("=",), (n, value)) for n in names))
    if (
        len(names) == 1
        and names[0][0] == "tuple"
        and value[0] == "tuple"
        and len(value[1]) == len(names[0][1])
    ):
        if all(n[0] == "sym" for n in names[0][1]):
            return ("seq", ",", tuple(("rel", ("=",), (n, v)) for n, v in zip(names[0][1], value[1])))
    return tree


def _has_sym(tree) -> bool:
    stack = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple) and n:
            if n[0] == "sym":
                return True
            stack.extend(x for x in n if isinstance(x, tuple))
    return False


def _mentions(tree, name: str) -> bool:
    stack = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple) and n:
            if n[0] == "sym" and n[1] == name:
                return True
            stack.extend(x for x in n if isinstance(x, tuple))
    return False
