"""Mutation of the symbolic families: quadratic equations and the expression rules' problems.

Seeds are our own rules' rows (those whose ``Rule.mutation_family`` is ``quadratic``: ``quadratic`` and
``word_quadratic``; ``expression``: ``distributivity``, ``factorization`` and ``simplification``), read with the safe parser into a small formal problem; an item
applies ``level`` structure-changing operators drawn at random (each says what it keeps true), renders
the problem, its rule steps and its answer, and passes two gates: our own check (the steps lead from the
problem to the answer, sizes stay bounded) and SymPy's (the answer is right for the stored problem:
``sympy.solve`` gives exactly the stated roots; ``sympy.expand`` of problem and answer agree, the answer of
an expansion or simplification is multiplied out, and a factorization keeps no common factor inside).

- ``quadratic``: ``a (x - r1)(x - r2)`` written as an equation.  Operators: ``shift_roots`` (new integer
  roots), ``scale`` (both sides times k), ``double_root`` (r2 = r1: one answer), ``substitute`` (x = u + k:
  a bracket squared, the roots move by -k), ``move_terms`` (terms across the equals sign),
  ``factored_side`` (x(ax + b) = -c).  Steps: expand, standard form, divide by the leading
  coefficient, factor, roots, each with the same solution set (``verify_steps`` accepts them).
- ``expression``: three tasks.  *expand*: ``add_product`` (another monomial times a sum),
  ``multiply`` (the whole expression times a monomial or a binomial), ``nest`` (a variable replaced by a
  binomial inside the brackets), ``negate`` (a subtracted bracket); steps: the rules' distribution steps.
  *factor* (common factor): ``widen_factor`` (the common monomial times another variable or number),
  ``add_inner`` / ``drop_inner`` (a term more or less inside the brackets); steps: the common factor
  written beside each term, then outside the brackets.  *simplify* (like terms): ``split_term`` (a term
  written as two like terms apart), ``cancel_pair`` (k m and -k m apart), ``new_like_terms`` (two like
  terms of a new monomial); steps: the simplification rule's (group, add coefficients, result).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from fractions import Fraction
from math import gcd

from ..expr.nodes import Add, Eq, Expr, Mul, Neg, Num, Pow, Sym
from ..expr.poly import Monomial, mono_mul, poly_to_expr, to_poly
from ..expr.render import machine_and_text
from ..expr.rewrite import expand_steps
from ..prompting import write_completion, write_prompt
from ..rules.base import _split_of_digest, item_rng
from ..rules.terms import monomial_tree
from .item import Item
from .mcmc import ChainLog

LETTERS = "abcmnpqrstuvwxyz"
MAX_TERMS, MAX_COEFF, MAX_DEGREE = 12, 400, 5


@dataclass(frozen=True)
class Quadratic:
    var: str
    a: int
    r1: int
    r2: int
    shift: int = 0  # the equation is written in u = var - shift ... 0: no substitution
    layout: str = "standard"  # standard | moved | factored_side
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expression:
    task: str  # expand | factor | simplify
    expr: Expr | None = None  # expand: the expression
    common: tuple[int, Monomial] = (1, ())  # factor: the common factor ...
    inner: tuple[tuple[int, Monomial], ...] = ()  # ... and the terms inside the brackets; simplify: the terms
    history: tuple[str, ...] = ()


# -- seeds -----------------------------------------------------------------------------------------------
def _rules(family: str, level: int):
    from ..rules import family_rules, make_rule

    return tuple(make_rule(name, level=level) for name in family_rules(family))


_RULES: dict = {}


def seed_problem(family: str, rng: random.Random, level: int):
    """A rule row of the family read into a ``Quadratic`` or ``Expression`` (None: not of a usable form)."""
    from .syntax import parse_equation, parse_expr

    key = (family, min(max(level - 1, 1), 3))
    if key not in _RULES:
        _RULES[key] = _rules(family, key[1])
    rules = _RULES[key]
    rule = rules[rng.randrange(len(rules))]
    row = rule.item(rng.randrange(10**9), rng.randrange(10**6))
    if family == "quadratic":
        if " or " not in row["answer"]:
            return None
        eq = parse_equation(row["problem"])
        var = row["answer"].split("=")[0].strip()
        try:
            roots = sorted(Fraction(p.split("=")[1].strip()) for p in row["answer"].split(" or "))
        except ValueError:
            return None  # irrational roots ("(11 + sqrt(109))/6"): not of this family's form
        if any(r.denominator != 1 for r in roots):
            return None
        lead = to_poly(Add((eq.lhs, Neg(eq.rhs)))).get(((var, 2),))
        if not lead or Fraction(lead).denominator != 1:
            return None
        return Quadratic(var, int(lead), int(roots[0]), int(roots[1]))
    expr = parse_expr(row["problem"])
    if rule.name == "distributivity":
        return Expression("expand", expr=expr)
    try:
        poly = to_poly(expr)
    except ValueError:
        return None  # a fraction to simplify: not of this family's form
    if any(Fraction(c).denominator != 1 for c in poly.values()):
        return None
    terms = tuple((int(c), m) for c, m in _terms_of(expr))
    if rule.name == "simplification":
        return Expression("simplify", inner=terms) if terms else None
    c0, m0 = _common(terms)
    if (c0, m0) == (1, ()) or len(terms) < 2:
        return None  # grouping, or nothing in common: not a common-factor problem
    return Expression("factor", common=(c0, m0), inner=tuple((c // c0, _mdiv(m, m0)) for c, m in terms))


def _terms_of(expr: Expr) -> list[tuple[Fraction, Monomial]]:
    """The written terms of a flat sum (like terms kept apart), each as (coefficient, monomial)."""
    parts = expr.terms if isinstance(expr, Add) else (expr,)
    out = []
    for t in parts:
        p = to_poly(t)
        if len(p) != 1:
            return []
        ((m, c),) = p.items()
        out.append((c, m))
    return out


def _mdiv(a: Monomial, b: Monomial) -> Monomial:
    d = dict(a)
    for v, k in b:
        d[v] -= k
    return tuple(sorted((v, k) for v, k in d.items() if k))


def _common(terms) -> tuple[int, Monomial]:
    """The greatest common factor of the terms (its sign that of the first term)."""
    g = 0
    for c, _ in terms:
        g = gcd(g, c)
    mins = None
    for _, m in terms:
        d = dict(m)
        mins = d if mins is None else {v: min(k, d.get(v, 0)) for v, k in mins.items()}
    mono = tuple(sorted((v, k) for v, k in (mins or {}).items() if k))
    return (-g if terms and terms[0][0] < 0 else g), mono


# -- operators -------------------------------------------------------------------------------------------
def _letters(used: set[str]) -> list[str]:
    return [c for c in LETTERS if c not in used]


def _quadratic_ops(q: Quadratic, rng: random.Random):
    ops = {
        "shift_roots": lambda: replace(q, r1=(r := rng.randint(-12, 12)), r2=rng.choice([s for s in range(-12, 13) if s != r])),
        "scale": lambda: replace(q, a=q.a * rng.choice((2, 3, -1))) if abs(q.a) <= 4 else None,
        "double_root": lambda: replace(q, r2=q.r1) if q.r1 != q.r2 else None,
        "substitute": lambda: replace(q, shift=rng.choice([k for k in range(-5, 6) if k])) if not q.shift else None,
        "move_terms": lambda: replace(q, layout="moved") if q.layout == "standard" else None,
        "factored_side": lambda: replace(q, layout="factored_side") if q.layout != "factored_side" and not q.shift else None,
    }  # fmt: skip
    return ops


def _expression_ops(e: Expression, rng: random.Random):
    used = set()
    if e.expr is not None:
        used = e.expr.free_symbols()
    for _, m in (*e.inner, e.common):
        used |= {v for v, _ in m}
    free = _letters(used)
    names = sorted(used) or free[:1]

    def mono() -> Monomial:
        return ((rng.choice(names), 1),)

    def k() -> int:
        return rng.choice((-5, -4, -3, -2, 2, 3, 4, 5))

    if e.task == "expand":
        x = e.expr

        def add_product():
            v, w = rng.choice(names), rng.choice(names + free[:1])
            bracket = Add((monomial_tree(1, ((w, 1),)), Num(rng.randint(1, 9))))
            return replace(
                e, expr=Add((*(x.terms if isinstance(x, Add) else (x,)), _times(k(), ((v, 1),), bracket)))
            )

        def multiply():
            if rng.random() < 0.5:
                return replace(e, expr=_times(k(), mono(), x))
            return replace(e, expr=Mul((Add((Sym(rng.choice(names)), Num(rng.randint(1, 9)))), x)))

        def nest():
            v = rng.choice(sorted(x.free_symbols()))
            if not free:
                return None
            from ..expr.rewrite import substitute

            return replace(e, expr=substitute(x, {v: Add((Sym(free[0]), Num(rng.randint(1, 6))))}))

        def negate():
            v = rng.choice(names)
            inner = Add((monomial_tree(rng.randint(2, 6), ((v, 1),)), Neg(Num(rng.randint(1, 9)))))
            return replace(e, expr=Add((*(x.terms if isinstance(x, Add) else (x,)), Neg(inner))))

        return {"add_product": add_product, "multiply": multiply, "nest": nest, "negate": negate}
    if e.task == "factor":
        c0, m0 = e.common

        def widen_factor():
            if rng.random() < 0.5:
                return replace(e, common=(c0 * rng.choice((2, 3)), m0))
            return replace(e, common=(c0, mono_mul(m0, mono())))

        def add_inner():
            m = tuple(sorted({**dict(rng.choice(e.inner)[1]), rng.choice(names + free[:1]): 1}.items()))
            if any(m == mm for _, mm in e.inner):
                return None
            return replace(e, inner=(*e.inner, (k(), m)))

        def drop_inner():
            if len(e.inner) <= 2:
                return None
            i = rng.randrange(len(e.inner))
            return replace(e, inner=e.inner[:i] + e.inner[i + 1 :])

        return {"widen_factor": widen_factor, "add_inner": add_inner, "drop_inner": drop_inner}

    terms = list(e.inner)

    def split_term():
        i = rng.randrange(len(terms))
        c, m = terms[i]
        c1 = rng.choice([x for x in range(-9, 10) if x and x != c])
        out = terms[:i] + [(c1, m)] + terms[i + 1 :]
        out.insert(rng.randrange(len(out) + 1), (c - c1, m))
        return replace(e, inner=tuple(out))

    def cancel_pair():
        m = rng.choice(terms)[1]
        c = rng.randint(2, 9)
        out = list(terms)
        out.insert(rng.randrange(len(out) + 1), (c, m))
        out.insert(rng.randrange(len(out) + 1), (-c, m))
        return replace(e, inner=tuple(out))

    def new_like_terms():
        m = ((rng.choice(names + free[:1]), rng.choice((1, 1, 2))),)
        if any(mm == m for _, mm in terms):
            return None
        out = list(terms)
        for c in (k(), k()):
            out.insert(rng.randrange(len(out) + 1), (c, m))
        return replace(e, inner=tuple(out))

    return {"split_term": split_term, "cancel_pair": cancel_pair, "new_like_terms": new_like_terms}


def _times(c: int, m: Monomial, x: Expr) -> Expr:
    """c m (x), written "- 4n(x + 2)" for a negative c, never "(-4n)(x + 2)"."""
    body = Mul((monomial_tree(abs(c), m), x))
    return Neg(body) if c < 0 else body


OPERATOR_NAMES = {
    "quadratic": ("shift_roots", "scale", "double_root", "substitute", "move_terms", "factored_side"),
    "expression": (
        "add_product", "multiply", "nest", "negate", "widen_factor", "add_inner", "drop_inner", "split_term",
        "cancel_pair", "new_like_terms",
    ),
}  # fmt: skip


# -- rendering: problem, steps, answer ---------------------------------------------------------------------
def quadratic_equation(q: Quadratic) -> Eq:
    x = Sym(q.var)
    b, c = -q.a * (q.r1 + q.r2), q.a * q.r1 * q.r2
    if q.shift:  # x = u + shift: the same polynomial in u, written with the bracket
        u = Add((x, Num(q.shift))) if q.shift > 0 else Add((x, Neg(Num(-q.shift))))
        lhs = _sum([(q.a, Pow(u, Num(2))), (b, u), (c, None)])
        return Eq(lhs, Num(0))
    if q.layout == "moved":
        return Eq(_sum([(q.a, Pow(x, Num(2))), (b, x)]), _signed(-c))
    if q.layout == "factored_side":
        return Eq(Mul((x, _sum([(q.a, x), (b, None)]))), _signed(-c))
    return Eq(_sum([(q.a, Pow(x, Num(2))), (b, x), (c, None)]), Num(0))


def quadratic_roots(q: Quadratic) -> list[int]:
    """The roots in the written variable (x = u + shift: u = r - shift)."""
    return sorted({q.r1 - q.shift, q.r2 - q.shift})


def _sum(parts) -> Expr:
    from ..expr.nodes import term

    ts = [term(c, f) if f is not None else (Num(c) if c >= 0 else Neg(Num(-c))) for c, f in parts if c]
    if not ts:
        return Num(0)
    return ts[0] if len(ts) == 1 else Add(tuple(ts))


def _signed(v: int) -> Expr:
    return Num(v) if v >= 0 else Neg(Num(-v))


def quadratic_steps(q: Quadratic) -> list[Eq]:
    eq = quadratic_equation(q)
    var = q.var
    x = Sym(var)
    steps: list[Eq] = []
    std = Eq(poly_to_expr(to_poly(Add((eq.lhs, Neg(eq.rhs))))), Num(0))
    if std != eq:
        steps.append(std)
    roots = quadratic_roots(q)
    monic = Eq(poly_to_expr({m: Fraction(c, q.a) for m, c in to_poly(std.lhs).items()}), Num(0))
    if q.a != 1:
        steps.append(monic)
    factors = [Add((x, _signed(-r))) if r else x for r in roots]
    if len(roots) == 1:
        steps.append(Eq(Pow(factors[0], Num(2)), Num(0)))
    else:
        steps.append(Eq(Mul(tuple(factors)), Num(0)))
    return steps


def quadratic_answer(q: Quadratic) -> str:
    return " or ".join(f"{q.var} = {r}" for r in quadratic_roots(q))


def expression_parts(e: Expression) -> tuple[Expr, list[str], list[str], str, str]:
    """(problem tree, machine steps, step lines, answer machine, instruction)."""
    if e.task == "expand":
        chain = expand_steps(e.expr)
        rendered = [machine_and_text(s) for s in chain]
        return (
            e.expr,
            [m for m, _ in rendered],
            ["= " + t for _, t in rendered],
            rendered[-1][0],
            "Expand and simplify:",
        )
    if e.task == "factor":
        c0, m0 = e.common
        expanded = [(c0 * c, mono_mul(m0, m)) for c, m in e.inner]
        problem = _flat(expanded)
        beside = Add(
            tuple(_times(c0 * (1 if c > 0 else -1), m0, monomial_tree(abs(c), m)) for c, m in e.inner)
        )
        factored = _times(c0, m0, _flat(list(e.inner)))
        rendered = [machine_and_text(beside), machine_and_text(factored)]
        return (
            problem,
            [m for m, _ in rendered],
            ["= " + t for _, t in rendered],
            rendered[-1][0],
            "Factor completely:",
        )
    from ..rules.simplification import combine_steps

    rendered, lines = combine_steps(list(e.inner))
    return (
        _flat(list(e.inner)),
        [m for m, _ in rendered],
        lines,
        rendered[-1][0],
        "Simplify by combining like terms:",
    )


def _flat(terms) -> Expr:
    ts = [monomial_tree(c, m) for c, m in terms]
    return ts[0] if len(ts) == 1 else Add(tuple(ts))


# -- gates -----------------------------------------------------------------------------------------------
def own_check(p) -> str | None:
    """Sizes stay bounded and the problem is one of the family's kind (before any rendering)."""
    if isinstance(p, Quadratic):
        if p.a == 0 or abs(p.a) > 12 or max(abs(p.r1), abs(p.r2)) > 15:
            return "coefficients out of range"
        return None
    if p.task == "expand":
        try:
            poly = to_poly(p.expr)
        except ValueError:
            return "not a polynomial"
        if len(poly) > MAX_TERMS or any(abs(c) > MAX_COEFF for c in poly.values()) or not poly:
            return "too large"
        if any(sum(k for _, k in m) > MAX_DEGREE for m in poly):
            return "degree too high"
        try:
            expand_steps(p.expr)
        except ValueError:
            return "a nesting the rules' distribution steps do not write"
        return None
    terms = p.inner
    if len(terms) > MAX_TERMS or any(abs(c) > MAX_COEFF or not c for c, _ in terms):
        return "too large"
    if p.task == "factor":
        c0, m0 = p.common
        if len({m for _, m in terms}) != len(terms) or len(terms) < 2:
            return "like terms inside the brackets"
        if _common(terms) not in ((1, ()), (-1, ())):
            return "a common factor is left inside the brackets"
        if abs(c0) > 60 or sum(k for _, k in m0) > 3:
            return "too large"
    if p.task == "simplify" and len({m for _, m in terms}) == len(terms):
        return "no like terms to combine"
    return None


def sympy_check(problem: str, answer: str, task: str, common: str = "") -> str | None:
    """SymPy's verdict on the stored strings (the row's ``problem`` and ``answer``; a factorization's
    common factor too, since SymPy multiplies a number into a sum as it reads ``-11*(2*g + 7)``)."""
    import sympy

    from ..rules.statements import parse_statement

    if task == "quadratic":
        st = parse_statement(problem)
        eq = st.expr
        (var,) = {a.split("=")[0].strip() for a in answer.split(" or ")}
        want = {sympy.Rational(a.split("=")[1].strip()) for a in answer.split(" or ")}
        x = sympy.Symbol(var)
        poly = sympy.Poly(sympy.expand(eq), x)  # (lhs - rhs); sympy.roots: the formula, not a search
        got = set(sympy.roots(poly).keys()) if poly.degree() == 2 else {"not a quadratic"}
        return None if got == want else f"sympy finds {got}, row says {want}"
    p, a = parse_statement(problem).expr, parse_statement(answer).expr
    if sympy.expand(p - a) != 0:
        return "answer is not equal to the problem"
    if task in ("expand", "simplify") and sympy.expand(a) != a:
        return "answer is not multiplied out"
    if task == "factor":
        inner = sympy.expand(p / parse_statement(common).expr)
        if not isinstance(inner, sympy.Add) or any(not t.is_polynomial() for t in sympy.Add.make_args(inner)):
            return "the common factor does not divide every term"
        if sympy.factor_terms(inner) != inner:
            return "a common factor is left inside the brackets"
    return None


# -- items -----------------------------------------------------------------------------------------------
def signature(p) -> str:
    """Structure: the problem's tree with numbers and names abstracted (and the task)."""
    if isinstance(p, Quadratic):
        return f"quadratic|{p.layout}|shift={bool(p.shift)}|double={p.r1 == p.r2}|monic={p.a == 1}"

    def node(e: Expr) -> str:
        if isinstance(e, Sym):
            return "v"
        if isinstance(e, Num):
            return "k"
        kids = sorted(node(c) for c in e.children())
        return type(e).__name__ + "(" + ",".join(kids) + ")"

    if p.task == "expand":
        return "expand|" + node(p.expr)
    shape = sorted(f"{sum(k for _, k in m)}:{len(m)}" for _, m in p.inner)
    return f"{p.task}|{len(p.inner)}|{','.join(shape)}|{len(p.common[1])}"


def make_item(engine, seed: int, index: int):
    """One row of the quadratic or expression family (an ``Item`` of the engine)."""
    cfg = engine.config
    rng = item_rng(f"{engine.name}\x1fL{cfg.level}", seed, index)
    log = ChainLog()
    start = None
    for _ in range(5):
        start = seed_problem(cfg.family, rng, cfg.level)
        if start is not None:
            break
    if start is None:
        return Item(None, "start", "no usable seed problem drawn", log)
    p = start
    names = cfg.operators or OPERATOR_NAMES[cfg.family]
    for _ in range(6 * cfg.level):
        if len(p.history) >= cfg.level:
            break
        ops = _quadratic_ops(p, rng) if isinstance(p, Quadratic) else _expression_ops(p, rng)
        ops = {n: f for n, f in ops.items() if n in names}
        if not ops:
            break
        name = rng.choice(sorted(ops))
        log.proposed[name] += 1
        new = ops[name]()
        if new is None:
            continue
        log.applicable[name] += 1
        if own_check(new) is not None:
            continue
        log.projected[name] += 1
        log.accepted[name] += 1
        p = replace(new, history=(*p.history, name))
    if len(p.history) < cfg.level:
        return Item(None, "difficulty", f"{len(p.history)} of {cfg.level} operators applied", log)
    reason = own_check(p)
    if reason:
        return Item(None, "exact", reason, log)
    if isinstance(p, Quadratic):
        eq = quadratic_equation(p)
        problem, text = machine_and_text(eq)
        steps_eq = quadratic_steps(p)
        answer = quadratic_answer(p)
        steps = [machine_and_text(s)[0] for s in steps_eq] + [answer]
        lines = [machine_and_text(s)[1] for s in steps_eq]
        prompt = write_prompt(f"Solve for {p.var}:", text)
        completion = write_completion([*lines, answer], answer)
        task, common = "quadratic", ""
    else:
        try:
            tree, steps, lines, answer, instruction = expression_parts(p)
        except ValueError as exc:  # a nesting the rules' distribution steps do not write
            return Item(None, "exact", f"no rule steps: {exc}", log)
        common = machine_and_text(monomial_tree(*p.common))[0] if p.task == "factor" else ""
        problem, text = machine_and_text(tree)
        prompt = write_prompt(instruction, text)
        completion = write_completion(lines, answer)
        task = p.task
    if problem == answer:
        return Item(None, "dedupe", "the problem is its own answer", log)
    reason = sympy_check(problem, answer, task, common)  # every row: these families are small
    if reason:
        return Item(None, "second_opinion", f"{reason}: {problem} -> {answer}", log)
    identity = f"{engine.name}\x1f{problem}"
    digest = hashlib.blake2b(identity.encode(), digest_size=8).digest()
    seed_key = hashlib.blake2b(
        f"{engine.name}\x1f{signature(start)}\x1f{start!r}".encode(), digest_size=8
    ).digest()
    meta = {
        **cfg.to_meta(), "operators": list(p.history), "signature": signature(p), "seed_signature": signature(start),
        "task": task, "seed": seed, "index": index, "difficulty": {"steps": len(steps), "operators": len(p.history)},
    }  # fmt: skip
    row = {
        "id": f"{engine.name}-{digest.hex()}", "rule": engine.name, "split": _split_of_digest(seed_key),
        "difficulty": cfg.level, "prompt": prompt, "completion": completion, "problem": problem, "answer": answer,
        "steps": steps, "meta": json.dumps(meta, sort_keys=True), "_canonical": identity,
    }  # fmt: skip
    return Item(row, None, "", log)
