"""Equivalence of two parsed answers with SymPy, by kind.  Runs inside the worker (hard timeout).

Expressions: exact symbolic check (expand / cancel / simplify), with a numeric check at exact rational
points as a fast rejection and as the last resort.  Equations: same solution set.  Systems: same solution
set, any order.  Roots: same set of values.  Sets, intervals, inequalities: same subset of the reals.
Numbers: exact, except a decimal reference, which gets a relative tolerance (and an exact prediction such
as ``pi`` or ``1/3`` is rounded to the reference's stated decimals).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .kinds import EXPR_TAGS as _EXPR_TAGS
from .kinds import detect_kind, is_assignment, is_equation
from .limits import Limits, Unsupported
from .to_sympy import build, symbol
from .tree import walk
from .views import (
    decimal_places,
    equations_of,
    is_decimal_literal,
    last_value,
    same_variable,
    solution_dicts,
    text_key,
    value_trees,
)

_POINTS = (sympy.Rational(7, 11), sympy.Rational(-13, 17), sympy.Rational(29, 23), sympy.Rational(-5, 31))


@dataclass
class Options:
    """Comparison settings (all deterministic)."""

    rel_tol: float = field(
        default=1e-6, metadata={"help": "relative tolerance, only for a decimal reference"}
    )
    round_exact_to_gold: bool = field(
        default=True,
        metadata={"help": "accept pi for 3.14: round an exact prediction to the reference's places"},
    )
    limits: Limits = field(default_factory=Limits)


# -- expressions --------------------------------------------------------------------------------
def _numeric_value(e, subs: dict) -> sympy.Expr | None:
    try:
        v = e.xreplace(subs).evalf(30) if subs else e.evalf(30)
    except (ZeroDivisionError, ValueError, TypeError, ArithmeticError):
        return None
    if v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or not v.is_number:
        return None
    return v


def _point_sets(free: list) -> list[dict]:
    out = []
    for k in range(len(_POINTS)):
        out.append({s: _POINTS[(k + i) % len(_POINTS)] + i for i, s in enumerate(free)})
    return out


def numerically_different(d) -> bool | None:
    """True when ``d`` is clearly nonzero at some rational point, False when ~0 at all, None if unknown."""
    free = sorted(d.free_symbols, key=lambda s: s.name)
    seen = False
    for subs in _point_sets(free):
        v = _numeric_value(d, subs)
        if v is None:
            continue
        seen = True
        if abs(complex(v)) > 1e-20:
            return True
    return False if seen else None


def expr_equal(g, p) -> bool:
    if g == p:
        return True
    if g.has(sympy.oo, -sympy.oo, sympy.zoo) or p.has(sympy.oo, -sympy.oo, sympy.zoo):
        return sympy.simplify(g - p) == 0 if not (g.is_infinite or p.is_infinite) else g == p
    d = g - p
    if sympy.expand(d) == 0:
        return True
    if d.has(sympy.Sum, sympy.Product):  # no closed form: numeric points would not mean anything
        return sympy.simplify(d) == 0
    if d.is_rational_function() and d.free_symbols:
        return sympy.cancel(d) == 0
    diff = numerically_different(d)
    if diff:
        return False
    if sympy.simplify(d) == 0:
        return True
    if diff is False:
        # zero at every test point although simplify could not show it: equal as functions
        return True
    return bool(d.equals(0))


def number_equal(gold_tree, g, p, opts: Options) -> bool:
    """A decimal reference: relative tolerance, or rounding an exact prediction to its places."""
    if not p.is_number:
        return False
    try:
        gv, pv = complex(g.evalf(30)), complex(p.evalf(30))
    except (TypeError, ValueError):
        return False
    if abs(pv.imag) > 1e-12 or abs(gv.imag) > 1e-12:
        return expr_equal(g, p)
    gv, pv = gv.real, pv.real
    if abs(pv - gv) <= opts.rel_tol * max(abs(gv), 1e-300):
        return True
    if opts.round_exact_to_gold:
        places = decimal_places(gold_tree)
        return abs(pv - gv) <= 0.5 * 10.0 ** (-places) * (1 + 1e-9)
    return False


def values_equal(gold_tree, g, p, opts: Options, pred_tree=None) -> bool:
    if gold_tree is not None and is_decimal_literal(gold_tree) and p.is_number:
        if pred_tree is not None and is_decimal_literal(pred_tree):
            gv, pv = float(g), float(p)
            return abs(pv - gv) <= opts.rel_tol * max(abs(gv), 1e-300)
        return number_equal(gold_tree, g, p, opts)
    return expr_equal(g, p)


# -- solution sets --------------------------------------------------------------------------------
def _solutions(exprs: list, unknowns: list) -> list[dict] | str:
    """Solution dicts of ``expr = 0`` for all exprs; ``'all'`` for identities."""
    exprs = [sympy.together(e) for e in exprs]
    exprs = [e for e in exprs if e != 0]
    if not exprs:
        return "all"
    if any(e.is_number and e != 0 for e in exprs):
        return []
    sols = sympy.solve(exprs, unknowns, dict=True)
    return sols


def _same_solutions(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if len(a) == 0 or len(b) == 0:
        return len(a) == len(b)

    def same(d1: dict, d2: dict) -> bool:
        return set(d1) == set(d2) and all(expr_equal(d1[k], d2[k]) for k in d1)

    return all(any(same(x, y) for y in b) for x in a) and all(any(same(y, x) for x in a) for y in b)


def _value_set_equal(gv: list, pv: list, gold_trees=None, opts=None, pred_trees=None) -> bool:
    def match(i, y, j):
        gt = gold_trees[i] if gold_trees else None
        pt = pred_trees[j] if pred_trees else None
        return values_equal(gt, gv[i], y, opts or Options(), pt)

    return all(any(match(i, y, j) for j, y in enumerate(pv)) for i in range(len(gv))) and all(
        any(match(i, y, j) for i in range(len(gv))) for j, y in enumerate(pv)
    )


class Comparer:
    def __init__(self, opts: Options):
        self.opts = opts
        self.limits = opts.limits

    def b(self, tree):
        return build(tree, self.limits)

    # each method returns (equivalent, detail)
    def compare(self, gold, pred, kind: str) -> tuple[bool, str]:
        kind = detect_kind(gold) if kind == "auto" else kind
        if kind == "number":
            kind = "expression"
        method = getattr(self, f"cmp_{kind}", None)
        if method is None:
            raise Unsupported(f"unknown kind {kind!r}")
        return method(gold, pred)

    def cmp_text(self, gold, pred):
        return text_key(gold) == text_key(pred), "text"

    def cmp_expression(self, gold, pred):
        g_tree = last_value(gold)
        p_tree = pred
        if is_assignment(gold) and is_assignment(pred) and gold[2][0] != pred[2][0]:
            return False, "assigns a different variable"
        if pred[0] == "rel" and all(op == "=" for op in pred[1]):
            p_tree = last_value(pred)
        if p_tree[0] not in _EXPR_TAGS:
            return False, f"expected an expression, got {p_tree[0]}"
        g, p = self.b(g_tree), self.b(p_tree)
        return values_equal(g_tree, g, p, self.opts, p_tree), "expression"

    def cmp_equation(self, gold, pred):
        if pred[0] == "rel" and len(pred[1]) > 1 and all(op == "=" for op in pred[1]):
            pred = ("rel", ("=",), (pred[2][0], pred[2][-1]))  # x = 5+5+1 = 11: the stated value is the last
        if gold[0] == "rel" and gold[2][1][0] not in _EXPR_TAGS:
            # (p, q) = (3, 2), D = (0, 1): compare what is assigned
            p_val = pred[2][1] if is_equation(pred) else pred
            return self.compare(gold[2][1], p_val, "auto")
        if _is_label(gold[2][0]) and not is_equation(pred) and pred[0] in _EXPR_TAGS:
            return self.cmp_expression(gold[2][1], pred)  # |AB| = 1, f(x) = 1 against 1
        if is_assignment(gold):
            var = gold[2][0][1]
            rhs_tree = gold[2][1]
            vt = value_trees(pred)
            if vt is not None and (vt[0] in (None, var)) and len(vt[1]) == 1 and not is_equation(pred):
                return self.cmp_expression(rhs_tree, vt[1][0])
            if is_assignment(pred) and pred[2][0][1] == var:
                return self.cmp_expression(rhs_tree, pred[2][1])
        g_eqs = equations_of(gold)
        g_exprs = [self.b(lhs) - self.b(rhs) for lhs, rhs in g_eqs]
        free = sorted(set().union(*(e.free_symbols for e in g_exprs)), key=lambda s: s.name)
        # x = \pm 3 states values (x = 3 or x = -3), not one equation
        p_eqs = None if any(n[0] == "pm" for n in walk(pred)) else equations_of(pred)
        if p_eqs is None:
            vt = value_trees(pred)
            if vt is None or len(free) != 1:
                return False, "expected an equation"
            var = free[0]
            if vt[0] is not None and symbol(vt[0]) != var:
                return False, "values for a different variable"
            gs = _solutions(g_exprs, [var])
            if isinstance(gs, str):
                return False, "reference is an identity"
            return _value_set_equal(
                [d[var] for d in gs if var in d], [self.b(t) for t in vt[1]]
            ), "solution set"
        p_exprs = [self.b(lhs) - self.b(rhs) for lhs, rhs in p_eqs]
        if len(g_exprs) == 1 and len(p_exprs) == 1:
            ratio = sympy.cancel(sympy.together(g_exprs[0] / p_exprs[0])) if p_exprs[0] != 0 else None
            if ratio is not None and ratio.is_number and ratio != 0 and ratio.is_finite:
                return True, "proportional"
        pfree = set().union(*(e.free_symbols for e in p_exprs))
        if pfree - set(free):
            return False, "mentions variables the reference does not"
        if len(free) <= 1:
            return _same_solutions(_solutions(g_exprs, free), _solutions(p_exprs, free)), "solution set"
        for var in free:  # several variables: same solutions for one of them, as functions of the rest
            gs, ps = _solutions(g_exprs, [var]), _solutions(p_exprs, [var])
            if gs and not isinstance(gs, str):
                return _same_solutions(gs, ps), f"solved for {var}"
        return False, "could not solve"

    def cmp_solution_list(self, g_sols: list[dict], pred):
        """Several solutions of a system: the same set of assignments, in any order."""
        order = list(g_sols[0])
        p_sols = solution_dicts(pred, order)
        if p_sols is None:
            return False, "expected one solution per group"

        def same(a: dict, b: dict) -> bool:
            return set(a) == set(b) and all(self.cmp_expression(a[k], b[k])[0] for k in a)

        ok = all(any(same(a, b) for b in p_sols) for a in g_sols)
        return ok and all(any(same(a, b) for a in g_sols) for b in p_sols), "solutions"

    def cmp_system(self, gold, pred):
        g_sols = solution_dicts(gold)
        if g_sols and len(g_sols) > 1 and len({frozenset(d) for d in g_sols}) == 1:
            return self.cmp_solution_list(g_sols, pred)
        g_eqs = equations_of(gold)
        if g_eqs is None:
            return self.cmp_roots(gold, pred)
        g_exprs = [self.b(lhs) - self.b(rhs) for lhs, rhs in g_eqs]
        unknowns = sorted(set().union(*(e.free_symbols for e in g_exprs)), key=lambda s: s.name)
        p_eqs = equations_of(pred)
        if pred[0] == "seq" and pred[1] == "," and not any(is_equation(i) for i in pred[2]):
            pred = ("tuple", pred[2])
        if p_eqs is None and pred[0] in ("tuple",) and len(pred[1]) == len(g_eqs):
            # (1, -2) for x = 1, y = -2: values in the order the reference assigns them
            if all(is_assignment(("rel", ("=",), e)) for e in g_eqs):
                p_eqs = [(lhs, v) for (lhs, _), v in zip(g_eqs, pred[1])]
        if p_eqs is None:
            return False, "expected equations"
        p_exprs = [self.b(lhs) - self.b(rhs) for lhs, rhs in p_eqs]
        if set().union(*(e.free_symbols for e in p_exprs)) - set(unknowns):
            return False, "mentions variables the reference does not"
        return _same_solutions(_solutions(g_exprs, unknowns), _solutions(p_exprs, unknowns)), "solution set"

    def cmp_roots(self, gold, pred):
        gv = value_trees(gold)
        if gv is None:
            return False, "reference is not a list of values"
        pv = value_trees(pred)
        if pv is None and is_equation(pred) and gv[0] is not None:
            lhs, rhs = pred[2]
            var = symbol(gv[0])
            sols = _solutions([self.b(lhs) - self.b(rhs)], [var])
            if isinstance(sols, str):
                return False, "prediction is an identity"
            return _value_set_equal([self.b(t) for t in gv[1]], [d[var] for d in sols if var in d]), "roots"
        if pv is None:
            return False, "expected a list of values"
        if gv[0] is not None and pv[0] is not None and not same_variable(gv[0], pv[0]):
            return False, "values for a different variable"
        if any(t[0] == "tuple" for t in gv[1] + pv[1]):
            ok = all(any(self.item_equal(g, p) for p in pv[1]) for g in gv[1]) and all(
                any(self.item_equal(g, p) for g in gv[1]) for p in pv[1]
            )
            return ok, "tuples"
        g_vals = [self.b(t) for t in gv[1]]
        p_vals = [self.b(t) for t in pv[1]]
        return _value_set_equal(g_vals, p_vals, gv[1], self.opts, pv[1]), "values"

    def item_equal(self, g, p) -> bool:
        if g[0] == "tuple" or p[0] == "tuple":
            if g[0] != p[0] or len(g[1]) != len(p[1]):
                return False
            return all(self.cmp_expression(a, b)[0] for a, b in zip(g[1], p[1]))
        return self.cmp_expression(g, p)[0]

    def cmp_tuple(self, gold, pred):
        if gold[0] in ("tuple", "bracket") and len(gold[1]) == 2 and _is_set_like(pred):
            return self.cmp_set(gold, pred)  # (-oo, 3) against y < 3: the pair is an interval
        if gold[0] == "rel":
            gold = gold[2][1]
            if is_equation(pred) and pred[2][0][0] == "tuple":
                pred = pred[2][1]
        g_items = gold[1]
        if pred[0] == "in" and pred[1][0] == "sym":
            pred = pred[2]  # x \in [-2, 7] for [-2, 7]: an interval, its ends as written
            if pred[0] in ("tuple", "bracket") and len(pred[1]) == 2:
                open_ = pred[0] == "tuple"
                pred = ("interval", pred[1][0], pred[1][1], open_, open_)
        if pred[0] == "interval" and len(g_items) == 2:
            open_ = gold[0] == "tuple"
            if pred[3] != open_ or pred[4] != open_:
                return False, "interval ends differ"
            p_items = (pred[1], pred[2])
        elif pred[0] in ("tuple", "bracket"):
            if len(g_items) == 2 and len(pred[1]) == 2 and gold[0] != pred[0]:
                return False, "an open and a closed pair: (a, b) and [a, b] are different intervals"
            p_items = pred[1]
        elif pred[0] == "seq" and pred[1] == ",":
            p_items = pred[2]
        elif pred[0] == "set":
            p_items = pred[1]  # {1, 3} for (1, 3): the elements as listed
        elif pred[0] == "matrix" and _vector(pred) is not None:
            p_items = _vector(pred)  # (1, 2) for a column vector
        else:
            return False, "expected a tuple"
        if len(p_items) != len(g_items):
            return False, "different length"
        for gt, pt in zip(g_items, p_items):
            ok, _ = self.cmp_expression(gt, pt)
            if not ok:
                return False, "an entry differs"
        return True, "tuple"

    def cmp_matrix(self, gold, pred):
        if pred[0] == "bracket" and all(it[0] == "bracket" for it in pred[1]):
            pred = ("matrix", tuple(tuple(it[1]) for it in pred[1]))
        if gold[0] == "matrix" and pred[0] in ("tuple", "bracket") and _vector(gold) is not None:
            return self.cmp_tuple(("tuple", _vector(gold)), pred)  # a column vector written as (1, 2)
        if gold[0] != "matrix" or pred[0] != "matrix":
            return self.cmp_matrix_values(gold, pred)
        if len(gold[1]) != len(pred[1]) or any(len(a) != len(b) for a, b in zip(gold[1], pred[1])):
            return False, "different shape"
        for grow, prow in zip(gold[1], pred[1]):
            for gt, pt in zip(grow, prow):
                if not self.cmp_expression(gt, pt)[0]:
                    return False, "an entry differs"
        return True, "matrix"

    def cmp_matrix_values(self, gold, pred):
        """A matrix expression (sum, product, power...) on either side: compare the computed entries."""
        from .matrices import has_matrix, matrix_value

        if not has_matrix(pred):
            return False, "expected a matrix"
        g, p = matrix_value(gold, self.limits), matrix_value(pred, self.limits)
        if not (isinstance(g, sympy.MatrixBase) and isinstance(p, sympy.MatrixBase)) or g.shape != p.shape:
            return False, "different shape"
        ok = all(expr_equal(a, b) for a, b in zip(g, p))
        return ok, "matrix arithmetic"

    def to_set(self, tree):
        tag = tree[0]
        if tag == "interval":
            return sympy.Interval(self.b(tree[1]), self.b(tree[2]), tree[3], tree[4])
        if tag == "tuple" and len(tree[1]) == 2:
            return sympy.Interval.open(self.b(tree[1][0]), self.b(tree[1][1]))
        if tag == "bracket" and len(tree[1]) == 2:
            return sympy.Interval(self.b(tree[1][0]), self.b(tree[1][1]))
        if tag == "union":
            return sympy.Union(*[self.to_set(t) for t in tree[1]])
        if tag == "setminus":
            return sympy.Complement(self.to_set(tree[1]), self.to_set(tree[2]))
        if tag == "set":
            return sympy.FiniteSet(*[self.b(t) for t in tree[1]])
        if tag == "in":
            return self.to_set(tree[2])
        if tag == "seq" and tree[1] in ("or", ","):
            return sympy.Union(*[self.to_set(t) for t in tree[2]])
        if tag == "seq" and tree[1] == "and":
            return sympy.Intersection(*[self.to_set(t) for t in tree[2]])
        if tag == "rel":
            operands = [self.b(t) for t in tree[2]]
            free = set().union(*(o.free_symbols for o in operands))
            if len(free) != 1:
                raise Unsupported("an inequality in more than one variable")
            (var,) = free
            result = sympy.S.Reals
            for op, a, c in zip(tree[1], operands, operands[1:]):
                rel = {
                    "<": sympy.Lt,
                    ">": sympy.Gt,
                    "<=": sympy.Le,
                    ">=": sympy.Ge,
                    "=": sympy.Eq,
                    "!=": sympy.Ne,
                }.get(op)
                if rel is None:
                    raise Unsupported(f"relation {op} as a set")
                part = sympy.solveset(rel(a, c), var, domain=sympy.S.Reals)
                result = sympy.Intersection(result, part)
            return result
        raise Unsupported(f"{tag} as a set")

    def cmp_set(self, gold, pred):
        if _is_inequality(gold) and _is_inequality(pred):
            g_free = set().union(*(self.b(t).free_symbols for t in gold[2]))
            if len(g_free) > 1:
                return self.cmp_relation(gold, pred), "inequality"
        g, p = self.to_set(gold), self.to_set(pred)
        if g == p:
            return True, "set"
        return (
            sympy.Complement(g, p) == sympy.S.EmptySet and sympy.Complement(p, g) == sympy.S.EmptySet
        ), "set"

    def cmp_relation(self, gold, pred) -> bool:
        """One inequality in several variables: the same after moving everything to one side, up to a
        positive factor (``x <= y`` = ``y >= x`` = ``2x <= 2y``)."""

        def normal(t):
            (op,), (a, c) = t[1], t[2]
            d = self.b(c) - self.b(a) if op in ("<", "<=") else self.b(a) - self.b(c)
            return d, op in ("<", ">")

        (dg, strict_g), (dp, strict_p) = normal(gold), normal(pred)
        if strict_g != strict_p or dp == 0:
            return False
        ratio = sympy.cancel(sympy.together(dg / dp))
        return bool(ratio.is_number and ratio.is_positive)


def _vector(matrix) -> tuple | None:
    """The entries of a one-row or one-column matrix, else None."""
    rows = matrix[1]
    if len(rows) == 1:
        return tuple(rows[0])
    if all(len(r) == 1 for r in rows):
        return tuple(r[0] for r in rows)
    return None


def _is_set_like(t) -> bool:
    """An inequality, an interval or ``x in ...``: a subset of the reals, not a pair of values."""
    return t[0] in ("interval", "union") or t[0] == "rel" and any(op != "=" for op in t[1])


def _is_inequality(t) -> bool:
    return t[0] == "rel" and len(t[1]) == 1 and t[1][0] in ("<", ">", "<=", ">=")


def _is_label(lhs) -> bool:
    """A left side that names a quantity (``f(x)``, ``|AB|``, ``NO/BO``), not an expression to solve."""
    nodes = list(walk(lhs))
    if lhs[0] == "tuple":
        return True
    if any(n[0] == "num" for n in nodes):
        return False
    names = {n[1] for n in nodes if n[0] == "sym"}
    return len(names) >= 2 or any(n[0] == "func" for n in nodes)
