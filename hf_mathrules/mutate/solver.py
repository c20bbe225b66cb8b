"""The exact solver of the hot path (no SymPy, no z3): Fractions only.

``solve(program)`` never looks at the query's value, it *derives* it: starting from the stated values
it repeatedly takes an equation with exactly one undetermined quantity, in which that quantity appears
to the first degree (or to the second, with exactly one root admissible for its role), and solves it;
when that stalls, the equations linear in the remaining quantities are solved together by Gaussian
elimination, which must have full rank.  Every value found this way is *forced*: the system admits no
other (so the uniqueness gate is sound); anything else is reported as underdetermined or ambiguous,
never guessed.  Denominators are cleared with their value checked non-zero afterwards.

Each determination is one solution step: (quantity, the equation used, its value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import isqrt

from ..expr.nodes import Add, Div, Eq, Expr, Mul, Neg, Num, Pow, Sym
from .program import ROLES, Program, evaluate

Mono = tuple[tuple[str, int], ...]
Poly = dict[Mono, Fraction]


def _pmul(a: Poly, b: Poly) -> Poly:
    if len(a) == 1 and () in a:  # a constant: scale (most factors are numbers or known quantities)
        c = a[()]
        return dict(b) if c == 1 else {m: c * v for m, v in b.items()}
    if len(b) == 1 and () in b:
        c = b[()]
        return dict(a) if c == 1 else {m: c * v for m, v in a.items()}
    out: Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            d = dict(ma)
            for v, k in mb:
                d[v] = d.get(v, 0) + k
            m = tuple(sorted(d.items()))
            s = out.get(m, 0) + ca * cb
            if s:
                out[m] = s
            else:
                out.pop(m, None)
    return out


def _padd(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for m, c in b.items():
        s = out.get(m, 0) + sign * c
        if s:
            out[m] = s
        else:
            out.pop(m, None)
    return out


ONE: Poly = {(): 1}  # coefficients are ints where they can be: Fraction arithmetic is several times slower


def rational(e: Expr, known: dict[str, Fraction]) -> tuple[Poly, Poly]:
    """``e`` as numerator / denominator polynomials in the quantities not in ``known``."""
    t = type(e)
    if t is Num:
        return ({(): e.value} if e.value else {}), ONE  # Num keeps integers as int
    if t is Sym:
        if e.name in known:
            v = known[e.name]
            return ({(): v} if v else {}), ONE
        return {((e.name, 1),): Fraction(1)}, ONE
    if t is Add:
        num, den = {}, ONE
        for term in e.terms:
            n2, d2 = rational(term, known)
            if d2 == den:
                num = _padd(num, n2)
            else:
                num, den = _padd(_pmul(num, d2), _pmul(n2, den)), _pmul(den, d2)
        return num, den
    if t is Mul:
        num, den = ONE, ONE
        for f in e.factors:
            n2, d2 = rational(f, known)
            num, den = _pmul(num, n2), (den if d2 == ONE else _pmul(den, d2))
        return num, den
    if t is Neg:
        n, d = rational(e.arg, known)
        return {m: -c for m, c in n.items()}, d
    if t is Div:
        n1, d1 = rational(e.num, known)
        n2, d2 = rational(e.den, known)
        if not n2:
            raise ZeroDivisionError(f"division by zero in {e}")
        return _pmul(n1, d2), _pmul(d1, n2)
    if t is Pow and isinstance(e.exp, Num) and e.exp.is_integer and 0 <= e.exp.value <= 8:
        n, d = rational(e.base, known)
        num, den = ONE, ONE
        for _ in range(int(e.exp.value)):
            num, den = _pmul(num, n), _pmul(den, d)
        return num, den
    raise ValueError(f"unsupported expression {e}")


@dataclass
class Step:
    name: str
    value: Fraction
    equation: Eq  # the equation it was determined from (a system step: the first of its block)
    how: str  # given | compute | solve | quadratic | system
    block: tuple[Eq, ...] = ()  # a system step: every equation solved together ...
    together: tuple[str, ...] = ()  # ... and every quantity they determine together


@dataclass
class Solution:
    status: str  # ok | underdetermined | inconsistent | ambiguous | unsupported
    values: dict[str, Fraction] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    detail: str = ""

    def value_of(self, name: str) -> Fraction | None:
        return self.values.get(name)


def _norm(v):
    """Integral values as ``int`` (Fraction arithmetic is several times slower)."""
    return v.numerator if v.denominator == 1 else v


def _admissible(program: Program, name: str, v: Fraction) -> bool:
    x = program.by_name.get(name)
    if x is None:
        return True
    integral, positive = ROLES[x.role]
    return (not positive or v > 0) and (not integral or v.denominator == 1)


def _sqrt_fraction(v: Fraction) -> Fraction | None:
    if v < 0:
        return None
    n, d = isqrt(v.numerator), isqrt(v.denominator)
    return Fraction(n, d) if n * n == v.numerator and d * d == v.denominator else None


_FREE: dict[int, tuple[Expr, frozenset[str]]] = {}


def _free(e: Expr) -> frozenset[str]:
    """``e.free_symbols()``, remembered per node: a chain's programs share their quantities' trees, and
    each is solved many times.  The node is kept with its entry so that its ``id`` cannot be reused."""
    if type(e) is Sym:
        return frozenset((e.name,))
    hit = _FREE.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    if len(_FREE) > 100_000:
        _FREE.clear()
    out = frozenset(e.free_symbols())
    _FREE[id(e)] = (e, out)
    return out


def solve(program: Program, drop: tuple[str, ...] = ()) -> Solution:
    """Derive every quantity; ``drop`` removes the stated values of those quantities first.  Programs are
    immutable, so the solution is kept on the program: the chain, the gates and the operators solve the
    same program several times (callers only read a ``Solution``)."""
    memo = program.__dict__.setdefault("_solutions", {})
    # dropping a quantity that states no value changes nothing (the query usually states none)
    key = tuple(n for n in drop if any(x.name == n and x.value is not None for x in program.quantities))
    if key not in memo:
        memo[key] = _solve(program, key)
    return memo[key]


def _solve(program: Program, drop: tuple[str, ...]) -> Solution:
    known: dict[str, Fraction] = {}
    eqs: list[Eq] = []
    steps: list[Step] = []
    for x in program.quantities:
        if x.value is not None and x.name not in drop:
            known[x.name] = _norm(x.value)
            steps.append(Step(x.name, known[x.name], Eq(Sym(x.name), Num(x.value)), "given"))
        if x.expr is not None:
            eqs.append(Eq(Sym(x.name), x.expr))
    eqs.extend(Eq(r.lhs, r.rhs) for r in program.relations)
    pending = list(range(len(eqs)))
    free = []
    for eq in eqs:
        r = _free(eq.rhs)
        free.append((_free(eq.lhs) | r, r))
    checks: list[tuple[Eq, Poly]] = []  # denominators that must not vanish
    progress = True
    thorough = False  # a pass that also reads equations naming two or more unknowns
    while progress and pending:
        progress = deferred = False
        for i in list(pending):
            eq = eqs[i]
            syms = free[i]
            lhs = eq.lhs
            if not thorough and len(syms[0] - known.keys()) >= 2:
                # two unknowns stay two once expanded unless terms cancel (x - x): leave the expansion,
                # most of the solver's time, to a pass that makes no progress otherwise
                deferred = True
                continue
            if type(lhs) is Sym and lhs.name not in known and syms[1] <= known.keys():
                try:  # a definition with every input known: evaluate it (the hot path)
                    v = evaluate(eq.rhs, known)
                except ZeroDivisionError as exc:
                    return Solution("inconsistent", known, steps, str(exc))
                known[lhs.name] = _norm(v)
                steps.append(Step(lhs.name, known[lhs.name], eq, "compute"))
                pending.remove(i)
                progress = True
                continue
            if syms[0] <= known.keys():
                try:
                    ok = evaluate(eq.lhs, known) == evaluate(eq.rhs, known)
                except ZeroDivisionError as exc:
                    return Solution("inconsistent", known, steps, str(exc))
                pending.remove(i)
                if not ok:
                    return Solution("inconsistent", known, steps, f"{eq.lhs} = {eq.rhs} does not hold")
                continue
            try:
                ln, ld = rational(eq.lhs, known)
                rn, rd = rational(eq.rhs, known)
            except ZeroDivisionError as exc:
                return Solution("inconsistent", known, steps, str(exc))
            except ValueError as exc:
                return Solution("unsupported", known, steps, str(exc))
            poly = _padd(_pmul(ln, rd), _pmul(rn, ld), -1)
            unknowns = {v for m in poly for v, _ in m}
            if not unknowns:
                pending.remove(i)
                if poly:
                    return Solution("inconsistent", known, steps, f"{eq.lhs} = {eq.rhs} does not hold")
                continue
            if len(unknowns) != 1:
                continue
            (u,) = unknowns
            deg = max(sum(k for _, k in m) for m in poly)
            c = [Fraction(poly.get(((u, k),) if k else (), 0)) for k in range(deg + 1)]
            if deg == 1:
                roots = [-c[0] / c[1]]
                how = "compute" if _is_definition(eq, u) else "solve"
            elif deg == 2:
                disc = c[1] * c[1] - 4 * c[2] * c[0]
                r = _sqrt_fraction(disc)
                if r is None:
                    continue
                roots = sorted({(-c[1] + r) / (2 * c[2]), (-c[1] - r) / (2 * c[2])})
                roots = [v for v in roots if _admissible(program, u, v)]
                how = "quadratic"
                if len(roots) != 1:
                    return Solution(
                        "ambiguous" if roots else "inconsistent",
                        known,
                        steps,
                        f"{u}: {len(roots)} admissible roots",
                    )
            else:
                continue
            known[u] = _norm(roots[0])
            steps.append(Step(u, roots[0], eq, how))
            den = _pmul(ld, rd)
            if any(den):  # a denominator with a quantity in it (a constant one is non-zero already)
                checks.append((eq, den))
            pending.remove(i)
            progress = True
        if not progress and deferred and not thorough:
            thorough = progress = True  # read the deferred equations once before solving them together
            continue
        thorough = False
        if not progress and pending:
            progress = _linear_block(program, eqs, pending, known, steps)
    missing = [q for q in program.query if q not in known]
    if missing:
        return Solution("underdetermined", known, steps, f"not determined: {', '.join(missing)}")
    for eq, den in checks:
        if den and not rational_value(den, known):
            return Solution("inconsistent", known, steps, f"a denominator of {eq.lhs} = {eq.rhs} vanishes")
    return Solution("ok", known, steps)


def rational_value(p: Poly, known: dict[str, Fraction]) -> Fraction:
    total = Fraction(0)
    for m, c in p.items():
        v = c
        for name, k in m:
            v *= known[name] ** k
        total += v
    return total


def _is_definition(eq: Eq, u: str) -> bool:
    return isinstance(eq.lhs, Sym) and eq.lhs.name == u and u not in eq.rhs.free_symbols()


def _linear_block(program: Program, eqs: list[Eq], pending: list[int], known: dict, steps: list) -> bool:
    """Solve the pending equations that are linear in what is left, together (full rank or nothing)."""
    rows: list[tuple[int, Poly]] = []
    for i in pending:
        ln, ld = rational(eqs[i].lhs, known)
        rn, rd = rational(eqs[i].rhs, known)
        poly = _padd(_pmul(ln, rd), _pmul(rn, ld), -1)
        if all(sum(k for _, k in m) <= 1 for m in poly):
            rows.append((i, poly))
    unknowns = sorted({v for _, p in rows for m in p for v, _ in m})
    if not unknowns or len(rows) < len(unknowns):
        return False
    # the core that must be solved together: an unknown in one row only is left, with that row, to the
    # propagation loop (once the core is known, that row determines it on its own)
    changed = True
    while changed and len(rows) > 1:
        changed = False
        for u in unknowns:
            holding = [k for k, (_, p) in enumerate(rows) if any(v == u for m in p for v, _ in m)]
            if len(holding) == 1:
                rest = rows[: holding[0]] + rows[holding[0] + 1 :]
                left = sorted({v for _, p in rest for m in p for v, _ in m})
                if left and len(rest) >= len(left):
                    rows, unknowns, changed = rest, left, True
                    break
    col = {u: j for j, u in enumerate(unknowns)}
    mat = []
    for _, p in rows:
        r = [Fraction(0)] * (len(unknowns) + 1)
        for m, c in p.items():
            if m:
                r[col[m[0][0]]] += c
            else:
                r[-1] -= c
        mat.append(r)
    n = len(unknowns)
    piv_row = 0
    for j in range(n):
        pivot = next((r for r in range(piv_row, len(mat)) if mat[r][j]), None)
        if pivot is None:
            return False  # rank deficient: not unique
        mat[piv_row], mat[pivot] = mat[pivot], mat[piv_row]
        pv = mat[piv_row][j]
        mat[piv_row] = [v / pv for v in mat[piv_row]]
        for r in range(len(mat)):
            if r != piv_row and mat[r][j]:
                f = mat[r][j]
                mat[r] = [a - f * b for a, b in zip(mat[r], mat[piv_row])]
        piv_row += 1
    for r in range(n, len(mat)):
        if mat[r][-1]:
            return False  # inconsistent extra equation: the propagation loop will report it
    block = tuple(eqs[i] for i, _ in rows)
    for j, u in enumerate(unknowns):
        known[u] = _norm(mat[j][-1])
        steps.append(Step(u, known[u], block[0], "system", block, tuple(unknowns)))
    return True


def query_values(program: Program) -> dict[str, Fraction] | None:
    """The query's values when the program solves, else None."""
    sol = solve(program)
    if sol.status != "ok":
        return None
    return {q: sol.values[q] for q in program.query}


__all__ = ["Solution", "Step", "evaluate", "query_values", "rational", "solve"]
