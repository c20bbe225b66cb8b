"""Random building blocks shared by the rules: coefficients, monomials, sums of distinct monomials."""

from __future__ import annotations

import random
from fractions import Fraction
from math import gcd

from ..draws import randint, sample, shuffle
from ..expr.nodes import Eq, Expr, Mul, Neg, Num, Pow, Sym, add, number, term
from ..expr.poly import Monomial, monomial_expr
from ..expr.render import machine_and_text


def coeff(rng: random.Random, max_coeff: int, allow_negative: bool = True) -> int:
    """A non-zero integer in [-max_coeff, max_coeff] (only positive when ``allow_negative`` is False)."""
    if max_coeff < 1 or type(rng) is not random.Random:
        c = randint(rng, 1, max_coeff)
        return -c if allow_negative and rng.random() < 0.5 else c
    g = rng.getrandbits  # randint(rng, 1, max_coeff) written out
    b = max_coeff.bit_length()
    r = g(b)
    while r >= max_coeff:
        r = g(b)
    return -1 - r if allow_negative and rng.random() < 0.5 else 1 + r


def monomial(rng: random.Random, names: list[str], max_vars: int, max_power: int) -> Monomial:
    """A product of 1..max_vars distinct variables from ``names``, each to a power 1..max_power."""
    n = min(max_vars, len(names))
    if n < 1 or max_power < 1 or type(rng) is not random.Random:
        k = randint(rng, 1, n)
        chosen = sorted(sample(rng, names, k))
        if max_power > 1:
            return tuple([(v, randint(rng, 1, max_power)) for v in chosen])
        return tuple([(v, 1) for v in chosen])
    g = rng.getrandbits  # randint(rng, 1, n), then sample(...), then randint(rng, 1, max_power) each
    b = n.bit_length()
    r = g(b)
    while r >= n:
        r = g(b)
    if r == 0 and type(names) in (list, tuple):  # one name: sample(rng, names, 1) written out
        n = len(names)
        b = n.bit_length()
        j = g(b)
        while j >= n:
            j = g(b)
        chosen = [names[j]]
    else:
        chosen = sample(rng, names, r + 1)
        chosen.sort()
    if max_power > 1:
        b = max_power.bit_length()
        out = []
        for v in chosen:
            r = g(b)
            while r >= max_power:
                r = g(b)
            out.append((v, 1 + r))
        return tuple(out)
    return tuple([(v, 1) for v in chosen])


# monomial -> (its factor nodes, their product's machine and textbook renderings, whether a coefficient
# is written next to it without "*"): a term's tree and strings are then put together without a walk
_MONOS: dict[Monomial, tuple[tuple[Expr, ...], str, str, bool]] = {}


def _mono_parts(m: Monomial) -> tuple[tuple[Expr, ...], str, str, bool]:
    parts = _MONOS.get(m)
    if parts is None:
        if len(_MONOS) > 50_000:  # bounded on long runs over big vocabularies
            _MONOS.clear()
        factors = tuple([Sym(v) if k == 1 else Pow(Sym(v), Num(k)) for v, k in m])
        if all(type(k) is int and k >= 1 and v[:1].isalpha() for v, k in m):
            pm, pt = _product_strings(m)
        else:
            pm, pt = machine_and_text(factors[0] if len(factors) == 1 else Mul(factors))
        # the textbook renderer writes a number next to a single-letter name (3x), else 3*apple
        parts = _MONOS[m] = (factors, pm, pt, len(m[0][0]) == 1)
    return parts


def _product_strings(m: Monomial) -> tuple[str, str]:
    """``machine_and_text`` of the product of ``m``'s factors (names starting with a letter, positive int
    powers) without the tree: ``x**2*y`` / ``x^2y``; the textbook writes two single-letter names side by
    side and puts ``*`` next to a longer name (``x*apple``), as the renderer's ``_juxtaposable`` does."""
    ms, ts = [], []
    prev_short = False
    for i, (v, k) in enumerate(m):
        short = len(v) == 1
        fm, ft = (v, v) if k == 1 else (v + "**" + str(k), v + "^" + str(k))
        if i:
            ms.append("*")
            if not (short and prev_short):
                ts.append("*")
        ms.append(fm)
        ts.append(ft)
        prev_short = short
    return "".join(ms), "".join(ts)


def monomial_tree(c: int, m: Monomial) -> Expr:
    """``term(c, *factors of m)``: the same tree, with its renderings already on it (ints only)."""
    if not m or not c or type(c) is not int:
        return term(c, *[Sym(v) if k == 1 else Pow(Sym(v), Num(k)) for v, k in m])
    factors, pm, pt, close = _mono_parts(m)
    mag = -c if c < 0 else c
    if mag == 1:
        body = factors[0] if len(factors) == 1 else _with_strings(Mul(factors), pm, pt)
    else:
        n = str(mag)
        body = _with_strings(Mul((Num(mag), *factors)), n + "*" + pm, n + pt if close else n + "*" + pt)
    if c > 0:
        return body
    bm, bt = machine_and_text(body)  # cached on the node: no walk
    return _with_strings(Neg(body), "-" + bm, "-" + bt)  # a term's body never needs parentheses


def _with_strings(node: Expr, m: str, t: str) -> Expr:
    node._m, node._t = m, t
    return node


def distinct_sum(
    rng: random.Random,
    names: list[str],
    n_terms: int,
    max_coeff: int,
    max_power: int,
    max_vars: int = 1,
    constant: bool = False,
) -> Expr:
    """A sum of ``n_terms`` distinct monomials (optionally one constant term), in random order."""
    return add(
        *[
            monomial_tree(c, m)
            for c, m in distinct_terms(rng, names, n_terms, max_coeff, max_power, max_vars, constant)
        ]
    )


def distinct_terms(
    rng: random.Random,
    names: list[str],
    n_terms: int,
    max_coeff: int,
    max_power: int,
    max_vars: int = 1,
    constant: bool = False,
) -> list[tuple[int, Monomial]]:
    """The ``(coefficient, monomial)`` terms of ``distinct_sum`` (the same draws)."""
    monos: list[Monomial] = []
    if constant:
        monos.append(())
    tries = 0
    while len(monos) < n_terms and tries < 50:
        tries += 1
        m = monomial(rng, names, max_vars, max_power)
        if m not in monos:
            monos.append(m)
    shuffle(rng, monos)
    return [(coeff(rng, max_coeff), m) for m in monos]


# -- linear systems (gaussian_elimination, linear_system, word problems) ----------------------------
def linear_expr(coeffs: list, names: list[str]) -> Expr:
    """``c1*x1 + c2*x2 + ...`` in the given variable order, zero coefficients left out (0 when all are)."""
    terms = [term(c, Sym(v)) for c, v in zip(coeffs, names) if c]
    return add(*terms) if terms else Num(0)


def linear_eq(coeffs: list, names: list[str], rhs) -> Eq:
    """The equation ``c1*x1 + ... = rhs``."""
    return Eq(linear_expr(coeffs, names), number(rhs))


def term_strings(c: int, m: Monomial) -> tuple[str, str]:
    """``machine_and_text(monomial_expr(c, m))`` for ``c > 0``."""
    if type(c) is not int:
        return machine_and_text(monomial_expr(c, m))
    if not m:  # a constant term is the number
        n = str(c)
        return n, n
    _, pm, pt, close = _mono_parts(m)
    if c == 1:
        return pm, pt
    n = str(c)
    return n + "*" + pm, n + pt if close else n + "*" + pt


def sum_strings(products: list[tuple[int, Monomial]]) -> tuple[str, str]:
    """``machine_and_text`` of the sum of the non-zero integer terms ``(c, m)`` as ``term`` writes them (the
    sign, then the term's body, which never needs parentheses in a sum), from the memoized terms:
    ``signed_sum_strings`` of the ``term_strings``, in one loop."""
    ms, ts = [], []
    first = True
    for c, m in products:
        neg = c < 0
        if neg:
            c = -c
        if type(c) is not int:
            bm, bt = machine_and_text(monomial_expr(c, m))
        elif not m:  # a constant term is the number
            bm = bt = str(c)
        else:
            parts = _MONOS.get(m)
            if parts is None:
                parts = _mono_parts(m)
            if c == 1:
                bm, bt = parts[1], parts[2]
            else:
                n = str(c)
                bm = n + "*" + parts[1]
                bt = n + parts[2] if parts[3] else n + "*" + parts[2]
        if first:
            first = False
            if neg:
                bm, bt = "-" + bm, "-" + bt
        elif neg:
            bm, bt = " - " + bm, " - " + bt
        else:
            bm, bt = " + " + bm, " + " + bt
        ms.append(bm)
        ts.append(bt)
    return "".join(ms), "".join(ts)


def signed_sum_strings(terms: list[tuple[bool, str, str]]) -> tuple[str, str]:
    """``machine_and_text`` of an ``Add`` of terms given as (negated, body machine, body text), for bodies
    that need no parentheses after a sign (products and atoms): ``-a + b - c``."""
    ms, ts = [], []
    for i, (neg, bm, bt) in enumerate(terms):
        sep = ("-" if neg else "") if i == 0 else (" - " if neg else " + ")
        ms.append(sep + bm)
        ts.append(sep + bt)
    return "".join(ms), "".join(ts)


# The two products below mirror render._juxtaposable for monomial trees (tests/rules/test_term_strings.py
# compares them with the tree renderer): a number or a one-letter name may be written right after the
# factor before it, a word name may not (3*apple), nor a number after anything (x*2).
def product_strings(a: tuple[int, Monomial], b: tuple[int, Monomial]) -> tuple[str, str]:
    """``machine_and_text(Mul((monomial_tree(*a), monomial_tree(*b))))`` for positive int coefficients:
    ``3xy(2x)``, ``3xy*x``, ``3*y``; the second factor in parentheses when it is itself a product."""
    (ca, ma), (cb, mb) = a, b
    am, at = term_strings(ca, ma)
    bm, bt = term_strings(cb, mb)
    # the head of the first factor when it is a bare variable (a Sym or a power of one)
    lead = ma[0][0] if ca == 1 and len(ma) == 1 else None
    if mb and (cb != 1 or len(mb) > 1):  # a product: parenthesised, not after a word (apple(x) is a call)
        sep = "*" if lead is not None and len(lead) > 1 else ""
        return am + "*(" + bm + ")", at + sep + "(" + bt + ")"
    if not mb or len(mb[0][0]) != 1:  # a number, or a word name
        sep = "*"
    else:  # one letter: after a number or another one-letter variable only (3xy*x)
        sep = "" if not ma or (lead is not None and len(lead) == 1) else "*"
    return am + "*" + bm, at + sep + bt


def like_terms_strings(cs: list[int], m: Monomial, first: bool) -> tuple[str, str]:
    """The coefficients ``cs`` of like terms added in front of their monomial, as a term of a sum that is
    ``first`` or not: ``(3 - 2)x``; a constant group is the bare sum ``3 - 2`` first, ``(3 - 2)`` after.
    ``machine_and_text`` of ``Mul((add(*map(number, cs)), *monomial_factors(m)))`` (``add(...)`` alone
    for a constant) written in that position of an ``Add``."""
    sm, st = signed_sum_strings([(c < 0, str(-c if c < 0 else c), str(-c if c < 0 else c)) for c in cs])
    if not m:
        return (sm, st) if first else ("(" + sm + ")", "(" + st + ")")
    _, pm, pt, close = _mono_parts(m)
    # after ")" the textbook writes a one-letter name directly, a word after "*": (3 - 2)x, (3 - 2)*apple
    return "(" + sm + ")*" + pm, "(" + st + (")" if close else ")*") + pt


def times_sum_strings(c: int, m: Monomial, sum_machine: str, sum_text: str) -> tuple[str, str]:
    """``machine_and_text(mul(monomial_tree(c, m), s))`` for ``c > 0`` and a sum ``s`` rendered
    ``(sum_machine, sum_text)``: ``3xy(x + 2)``, ``2apple*(x + 2)`` (``mul`` splices the monomial's factors,
    so the sum follows its last variable)."""
    am, at = term_strings(c, m)
    sep = "*" if m and len(m[-1][0]) > 1 else ""
    return am + "*(" + sum_machine + ")", at + sep + "(" + sum_text + ")"


def linear_eq_strings(coeffs: list[int], names: list[str], rhs) -> tuple[str, str]:
    """``(machine, text)`` of ``linear_eq(coeffs, names, rhs)`` for integer coefficients, without the tree."""
    terms = [(c, ((v, 1),)) for c, v in zip(coeffs, names) if c]
    lm, lt = sum_strings(terms) if terms else ("0", "0")
    if type(rhs) is int:
        r = str(rhs)
        return lm + " = " + r, lt + " = " + r
    rm, rt = machine_and_text(number(rhs))
    return lm + " = " + rm, lt + " = " + rt


def determinant(rows: list[list]) -> Fraction | int:
    """Exact determinant: fraction-free (Bareiss) elimination in ints for an integer matrix, Fraction
    elimination otherwise (small matrices)."""
    if all(type(v) is int for row in rows for v in row):
        return _int_determinant(rows)
    m = [[Fraction(v) for v in row] for row in rows]
    n, det = len(m), Fraction(1)
    for j in range(n):
        p = next((i for i in range(j, n) if m[i][j]), None)
        if p is None:
            return Fraction(0)
        if p != j:
            m[j], m[p] = m[p], m[j]
            det = -det
        det *= m[j][j]
        for i in range(j + 1, n):
            f = m[i][j] / m[j][j]
            if f:
                m[i] = [a - f * b for a, b in zip(m[i], m[j])]
    return det


def _int_determinant(rows: list[list[int]]) -> int:
    """Bareiss elimination: every division is exact, so the whole computation stays in ints."""
    n = len(rows)
    if n == 2:
        (a, b), (c, d) = rows
        return a * d - b * c
    m = [list(row) for row in rows]
    sign, prev = 1, 1
    for j in range(n - 1):
        p = next((i for i in range(j, n) if m[i][j]), None)
        if p is None:
            return 0
        if p != j:
            m[j], m[p] = m[p], m[j]
            sign = -sign
        pivot, row_j = m[j][j], m[j]
        for i in range(j + 1, n):
            row_i, f = m[i], m[i][j]
            m[i] = [(pivot * row_i[q] - f * row_j[q]) // prev if q > j else 0 for q in range(n)]
        prev = pivot
    return sign * m[n - 1][n - 1]


def nonsingular_int_matrix(
    rng: random.Random, n: int, max_coeff: int, zero_ok: bool = True
) -> list[list[int]]:
    """An ``n x n`` integer matrix with entries in [-max_coeff, max_coeff] (0 allowed when ``zero_ok``),
    no zero row, and a non-zero determinant (rejection sampling: a pure function of ``rng``)."""
    while True:
        rows = [
            [
                coeff(rng, max_coeff) if not zero_ok or rng.random() >= 1 / (2 * max_coeff + 1) else 0
                for _ in range(n)
            ]
            for _ in range(n)
        ]
        if all(any(row) for row in rows) and determinant(rows):
            return rows


def rational_value(rng: random.Random, max_value: int, max_denominator: int = 1) -> Fraction | int:
    """An integer in [-max_value, max_value], or with ``max_denominator`` > 1 sometimes a fraction p/q
    (q <= max_denominator, |p/q| <= max_value)."""
    q = rng.randint(1, max_denominator) if max_denominator > 1 else 1
    p = rng.randint(-max_value * q, max_value * q)
    v = Fraction(p, q)
    return int(v) if v.denominator == 1 else v


def common_factor(ints) -> int:
    """The largest integer dividing every one of ``ints`` (0 when all are 0)."""
    g = 0
    for v in ints:
        g = gcd(g, int(v))
    return g


def integer_row(coeffs: list, rhs, reduce: bool = True) -> tuple[list[int], int]:
    """Scale an equation with rational coefficients to integers: ``1/2*x - 3/4*y = 1`` -> ``2*x - 3*y = 4``.
    With ``reduce`` the integers are made coprime and the first coefficient positive; without it the
    equation is only multiplied by the common denominator (``-4*z = -20`` stays as it is)."""
    vals = [Fraction(c) for c in (*coeffs, rhs)]
    den = 1
    for v in vals:
        den = den * v.denominator // gcd(den, v.denominator)
    ints = [int(v * den) for v in vals]
    if not reduce:
        return ints[:-1], ints[-1]
    g = common_factor(ints) or 1
    lead = next((v for v in ints[:-1] if v), 1)
    if lead < 0:
        g = -g
    ints = [v // g for v in ints]
    return ints[:-1], ints[-1]


# -- common factors of monomials (factorization, simplification) ------------------------------------
def mono_gcd(a: Monomial, b: Monomial) -> Monomial:
    """The largest monomial dividing both: ``gcd(x^2y, xy^3) = xy``."""
    db = dict(b)
    return tuple((v, min(k, db[v])) for v, k in a if v in db)


def mono_div(a: Monomial, b: Monomial) -> Monomial:
    """``a / b`` for a monomial ``b`` that divides ``a``."""
    db = dict(b)
    return tuple((v, k - db.get(v, 0)) for v, k in a if k - db.get(v, 0))


def poly_common_factor(p: dict) -> tuple[int, Monomial]:
    """Integer content (gcd of the coefficients) and the largest monomial dividing every term."""
    g, m = 0, None
    for mono, c in p.items():
        g = gcd(g, int(c))
        m = mono if m is None else mono_gcd(m, mono)
    return g, m or ()


# -- reading our own answer strings back (form checks; these are generated strings, never model text) --
def split_top_level(s: str) -> list[str]:
    """The terms of a machine-syntax sum, with their minus signs: ``3*x - (a + b)*y`` -> ``['3*x', '-(a+b)*y']``.
    A ``+``/``-`` right after ``(``, ``*``, ``/``, ``**`` or at the start is a sign, not a separator."""
    out: list[str] = []
    depth, start, prev = 0, 0, ""
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in "+-" and depth == 0 and i > 0 and prev not in "(*/=":
            out.append(s[start:i].strip())
            start = i
        if not ch.isspace():
            prev = ch
    out.append(s[start:].strip())
    return [t.replace(" ", "").removeprefix("+") for t in out if t.strip() not in ("", "+")]


def parse_unevaluated(s: str):
    """SymPy tree of one of our machine strings *as written* (``3*(x + y)`` stays a product)."""
    import re

    import sympy
    from sympy.parsing.sympy_parser import parse_expr

    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", s))
    local = {n: sympy.sqrt if n == "sqrt" else sympy.I if n == "I" else sympy.Symbol(n) for n in names}
    return parse_expr(s, local_dict=local, evaluate=False)


def primitive_terms(
    rng: random.Random, names: list[str], n_terms: int, max_coeff: int, max_power: int
) -> list[tuple[int, Monomial]]:
    """``n_terms`` distinct (coefficient, monomial) pairs with nothing left to factor out: coefficients
    with gcd 1 and no variable in every term (rejection sampling, a pure function of ``rng``)."""
    while True:
        monos: list[Monomial] = []
        for _ in range(20 * n_terms):
            m = () if rng.random() < 0.25 else monomial(rng, names, 2, max_power)
            if m not in monos:
                monos.append(m)
            if len(monos) == n_terms:
                break
        cs = [coeff(rng, max_coeff) for _ in monos]
        g = 0
        for c in cs:
            g = gcd(g, c)
        common = set(names)
        for m in monos:
            common &= {v for v, _ in m}
        if len(monos) == n_terms and g == 1 and not common:
            return list(zip(cs, monos))
