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
from .program import ROLES, Program, evaluate, free_names

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
        return {((e.name, 1),): 1}, ONE  # an int: the coefficients stay ints while they can
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


# -- one unknown: polynomials as coefficient lists (index = degree, no trailing zero) -----------------------
# The equation a step solves usually names one quantity not yet known; expanding it with dicts of
# monomials is most of the solver's time.  ``_urational`` is ``rational`` for that case, step for step
# (the same numerator and denominator polynomials, so the same coefficients, degree and roots).
UNIVARIATE = True  # False: every equation through ``rational`` (the tests compare the two)
UONE = [1]


def _utrim(a: list) -> list:
    while a and not a[-1]:
        a.pop()
    return a


def _upmul(a: list, b: list) -> list:
    if len(a) == 1:
        c = a[0]
        return list(b) if c == 1 else [c * v for v in b]
    if len(b) == 1:
        c = b[0]
        return list(a) if c == 1 else [c * v for v in a]
    if not a or not b:
        return []
    out = [0] * (len(a) + len(b) - 1)
    for i, ca in enumerate(a):
        if ca:
            for j, cb in enumerate(b):
                out[i + j] += ca * cb
    return _utrim(out)


def _upadd(a: list, b: list, sign: int = 1) -> list:
    if len(a) < len(b):
        a = a + [0] * (len(b) - len(a))
    else:
        a = list(a)
    for k, c in enumerate(b):
        a[k] += sign * c
    return _utrim(a)


def _urational(e: Expr, known: dict[str, Fraction], u: str) -> tuple[list, list]:
    """``rational(e, known)`` when ``u`` is the only name in ``e`` not in ``known``."""
    t = type(e)
    if t is Num:
        return ([e.value] if e.value else []), UONE
    if t is Sym:
        if e.name == u:
            return [0, 1], UONE
        v = known[e.name]
        return ([v] if v else []), UONE
    if t is Add:
        num, den = [], UONE
        for term in e.terms:
            n2, d2 = _urational(term, known, u)
            if d2 == den:
                num = _upadd(num, n2)
            else:
                num, den = _upadd(_upmul(num, d2), _upmul(n2, den)), _upmul(den, d2)
        return num, den
    if t is Mul:
        num, den = UONE, UONE
        for f in e.factors:
            n2, d2 = _urational(f, known, u)
            num, den = _upmul(num, n2), (den if d2 == UONE else _upmul(den, d2))
        return num, den
    if t is Neg:
        n, d = _urational(e.arg, known, u)
        return [-c for c in n], d
    if t is Div:
        n1, d1 = _urational(e.num, known, u)
        n2, d2 = _urational(e.den, known, u)
        if not n2:
            raise ZeroDivisionError(f"division by zero in {e}")
        return _upmul(n1, d2), _upmul(d1, n2)
    if t is Pow and isinstance(e.exp, Num) and e.exp.is_integer and 0 <= e.exp.value <= 8:
        n, d = _urational(e.base, known, u)
        num, den = UONE, UONE
        for _ in range(int(e.exp.value)):
            num, den = _upmul(num, n), _upmul(den, d)
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


_free = free_names  # each expression's names, remembered per node (``program.free_names``)


def solve(program: Program, drop: tuple[str, ...] = ()) -> Solution:
    """Derive every quantity; ``drop`` removes the stated values of those quantities first.  Programs are
    immutable, so the solution is kept on the program: the chain, the gates and the operators solve the
    same program several times (callers only read a ``Solution``).

    A program of a structure solved before (the same quantities, definitions and relations; only stated
    values differ: a perturbed, redrawn or shifted constant) replays the recorded plan of that solve
    instead of searching it again (``_replay``); the replay re-checks every decision that depends on a
    number and falls back to the full search at the first that differs, so the result is always the one
    ``_solve`` gives."""
    memo = program.__dict__.setdefault("_solutions", {})
    key = _drop_key(program, drop) if drop else ()
    got = memo.get(key)
    if got is None:
        got = memo[key] = _planned(program, key)
    return got


def _drop_key(program: Program, drop: tuple[str, ...]) -> tuple[str, ...]:
    """The names of ``drop`` that state a value, in ``drop``'s order: dropping a quantity that states no
    value changes nothing (the query usually states none).  The names that state a value are worked out
    once per program (issue 19 round 8: ``solve`` is asked again and again for one program, and a memo hit
    was mostly the scan ``tuple(n for n in drop if any(x.name == n and x.value is not None for x in
    program.quantities))``, which this equals)."""
    d = program.__dict__
    stated = d.get("_stated_names")
    if stated is None:
        stated = d["_stated_names"] = frozenset(x.name for x in program.quantities if x.value is not None)
    return tuple(n for n in drop if n in stated)


# recorded plans: structure key -> (the expression nodes the key names by id, kept so that an id cannot be
# reused; the trace of ``_solve``'s decisions)
_PLANS: dict[tuple, tuple[tuple, tuple]] = {}
PLAN_STATS = {"replayed": 0, "replayed_by_shape": 0, "recorded": 0, "fallback": 0}


def _plan_key(program: Program, drop: tuple[str, ...]) -> tuple[tuple, tuple]:
    parts = []
    nodes = []
    for x in program.quantities:
        e = x.expr
        parts.append((x.name, x.role, x.value is not None and x.name not in drop, id(e)))
        nodes.append(e)
    for r in program.relations:
        parts.append((id(r.lhs), id(r.rhs)))
        nodes.append(r.lhs)
        nodes.append(r.rhs)
    return (tuple(parts), program.query, drop), tuple(nodes)


# the same plans by the programs' *shape*: quantity names, roles and which are stated, and every
# definition and relation compared as a tree (``Expr`` nodes compare and hash by structure, numbers
# included).  A program read back from its text (the round-trip gate) is made of new nodes each time, so
# the plan above never finds it; the copies of one chain's program with other numbers (``variants_per_chain``)
# read back to programs of one shape, whose plan this finds.  The replay re-checks every decision as above
SHAPED = True  # False: only the plans above (the tests compare the two)
_SHAPES: dict[tuple, tuple] = {}


def _shape_key(program: Program, drop: tuple[str, ...]) -> tuple:
    return (
        tuple(
            (x.name, x.role, x.value is not None and x.name not in drop, x.expr) for x in program.quantities
        ),
        tuple((r.lhs, r.rhs) for r in program.relations),
        program.query,
        drop,
    )


def _planned(program: Program, drop: tuple[str, ...]) -> Solution:
    key, nodes = _plan_key(program, drop)
    hit = _PLANS.get(key)
    shape = None
    if hit is not None and len(hit[0]) == len(nodes) and all(a is b for a, b in zip(hit[0], nodes)):
        trace = hit[1]
    elif SHAPED:
        shape = _shape_key(program, drop)
        trace = _SHAPES.get(shape)
    else:
        trace = None
    if trace is not None:
        sol = _replay(program, drop, trace)
        if sol is not None:
            PLAN_STATS["replayed" if shape is None else "replayed_by_shape"] += 1
            if shape is not None and _identity_plan_kept(program):
                # these nodes' copies (redrawn constants) then take the identity plan (see
                # ``_identity_plan_kept`` for a program read back from a text)
                _remember(_PLANS, key, (nodes, trace))
            return sol
        PLAN_STATS["fallback"] += 1
    trace = []
    sol = _solve(program, drop, trace)
    if sol.status == "ok":  # a failed search is not replayed (its failure depends on the numbers)
        trace = tuple(trace)
        if _identity_plan_kept(program):  # (as above)
            _remember(_PLANS, key, (nodes, trace))
        if SHAPED:
            _remember(_SHAPES, shape if shape is not None else _shape_key(program, drop), trace)
        PLAN_STATS["recorded"] += 1
    return sol


def _identity_plan_kept(program: Program) -> bool:
    """Whether ``_planned`` keeps ``program``'s plan by the identity of its nodes.  A program read back from
    a text (``seed_id == "parsed"``) was made of new nodes each time, so its identity plan was never met
    again and only kept its nodes alive (issue 19 round 10: not kept).  Since issue 19 round 11 the read-back
    hands out one node per distinct relation side and definition (``frames.read_relation``,
    ``frames.read_node``; a story's definitions are its seed plan's nodes), so the next text of the same
    template (other people, other numbers) reads back to the same nodes and meets the plan."""
    return READ_BACK_PLANS or program.seed_id != "parsed"


# False: no identity plan for a read-back program, as in round 10 (the tests compare the two)
READ_BACK_PLANS = True


def _remember(plans: dict, key: tuple, value) -> None:
    if len(plans) > 20_000:  # bounded: a long run meets endless structures
        plans.clear()
    plans[key] = value


# the decisions ``_solve`` records (each with the index of its equation): a definition evaluated, an
# equation with every quantity known checked, an equation expanded and found to determine nothing
# (``SKIP``: not exactly one unknown, degree above 2 or no rational root), expanded and found to name no
# unknown and to hold, expanded and solved for one quantity (its name and degree), a linear block solved
# (the pending equations and the quantities it determined, None when it determined nothing; the index
# is -1)
EVAL, CHECK, SKIP, HOLDS, SOLVED, BLOCK = range(6)


# the equation of a given, by (name, value): ``Eq(Sym(name), Num(value))``, made once (``_setup``)
_GIVEN_EQS: dict[tuple, Eq] = {}


# a given's step (``Step(name, value, its equation, "given")``, a function of the immutable quantity alone) made
# once per quantity and kept on it, as its equation is: the solutions of a chain's programs and their copies
# share the quantities that keep their values (a ``Step`` is only read; issue 19 round 13).  False: a new step
# per solve (the tests compare the two)
GIVEN_STEPS = True


def _setup(program: Program, drop: tuple[str, ...]):
    """The givens (known values and their steps) and the equations, in ``_solve``'s order.  Each
    equation node is made once per quantity or relation and kept on it (they are immutable, and a
    chain's programs share most of them)."""
    known: dict[str, Fraction] = {}
    eqs: list[Eq] = []
    steps: list[Step] = []
    for x in program.quantities:
        d = x.__dict__
        if x.value is not None and x.name not in drop:
            st = d.get("_given_step") if GIVEN_STEPS else None
            if st is None:
                v = _norm(x.value)
                e = d.get("_given_eq")
                if e is None:
                    # ``v``: the value, an ``int`` when whole, as ``Num`` keeps it (issue 19 round 10); one
                    # node per (name, value) (issue 19 round 11: a read-back's givens are new quantities)
                    e = _GIVEN_EQS.get((x.name, v))
                    if e is None:
                        if len(_GIVEN_EQS) >= 1 << 15:
                            _GIVEN_EQS.clear()
                        e = _GIVEN_EQS[(x.name, v)] = Eq(Sym(x.name), Num(v))
                    d["_given_eq"] = e
                st = Step(x.name, v, e, "given")
                if GIVEN_STEPS:
                    d["_given_step"] = st
            known[x.name] = st.value
            steps.append(st)
        if x.expr is not None:
            e = d.get("_def_eq")
            if e is None:
                e = d["_def_eq"] = Eq(Sym(x.name), x.expr)
            eqs.append(e)
    for r in program.relations:
        e = r.__dict__.get("_eq")
        if e is None:
            e = r.__dict__["_eq"] = Eq(r.lhs, r.rhs)
        eqs.append(e)
    return known, eqs, steps


def _expand(program: Program, eq: Eq, known: dict):
    """One equation with ``known`` substituted: (the unknown, its root, how, denominator to check) when
    it determines exactly one quantity; ``HOLDS`` when it names no unknown and holds; ``SKIP`` when it
    determines nothing; a failed ``Solution`` (inconsistent, ambiguous, unsupported)."""
    if UNIVARIATE:
        left = (_free(eq.lhs) | _free(eq.rhs)) - known.keys()
        if len(left) == 1:
            return _expand1(program, eq, known, next(iter(left)))
    try:
        ln, ld = rational(eq.lhs, known)
        rn, rd = rational(eq.rhs, known)
    except ZeroDivisionError as exc:
        return Solution("inconsistent", known, [], str(exc))
    except ValueError as exc:
        return Solution("unsupported", known, [], str(exc))
    poly = _padd(_pmul(ln, rd), _pmul(rn, ld), -1)
    unknowns = {v for m in poly for v, _ in m}
    if not unknowns:
        if poly:
            return Solution("inconsistent", known, [], f"{eq.lhs} = {eq.rhs} does not hold")
        return HOLDS
    if len(unknowns) != 1:
        return SKIP
    (u,) = unknowns
    deg = max(sum(k for _, k in m) for m in poly)
    found = _root(
        program, eq, known, u, [Fraction(poly.get(((u, k),) if k else (), 0)) for k in range(deg + 1)]
    )
    if not isinstance(found, tuple):
        return found
    root, how = found
    den = _pmul(ld, rd)
    return u, root, how, (den if any(den) else None)  # a constant denominator is non-zero already


def _root(program: Program, eq: Eq, known: dict, u: str, c: list[Fraction]):
    """The one admissible root of ``c[0] + c[1] u + c[2] u^2`` (degree 1 or 2) and how it was found, or
    the ``Solution`` / ``SKIP`` that says why there is none."""
    if len(c) == 2:
        return -c[0] / c[1], ("compute" if _is_definition(eq, u) else "solve")
    if len(c) != 3:
        return SKIP
    r = _sqrt_fraction(c[1] * c[1] - 4 * c[2] * c[0])
    if r is None:
        return SKIP
    roots = sorted({(-c[1] + r) / (2 * c[2]), (-c[1] - r) / (2 * c[2])})
    roots = [v for v in roots if _admissible(program, u, v)]
    if len(roots) != 1:
        return Solution(
            "ambiguous" if roots else "inconsistent", known, [], f"{u}: {len(roots)} admissible roots"
        )
    return roots[0], "quadratic"


def _expand1(program: Program, eq: Eq, known: dict, u: str):
    """``_expand`` for an equation whose only name not in ``known`` is ``u`` (coefficient lists)."""
    try:
        ln, ld = _urational(eq.lhs, known, u)
        rn, rd = _urational(eq.rhs, known, u)
    except ZeroDivisionError as exc:
        return Solution("inconsistent", known, [], str(exc))
    except ValueError as exc:
        return Solution("unsupported", known, [], str(exc))
    poly = _upadd(_upmul(ln, rd), _upmul(rn, ld), -1)
    deg = len(poly) - 1
    if deg < 1:
        if poly:
            return Solution("inconsistent", known, [], f"{eq.lhs} = {eq.rhs} does not hold")
        return HOLDS
    if deg == 1 and type(poly[0]) is int and type(poly[1]) is int:
        # ``_root``'s linear case, ``-c[0] / c[1]`` of the coefficients made Fractions, as one Fraction of
        # the two integers (the same value; issue 19 round 8)
        found = Fraction(-poly[0], poly[1]), ("compute" if _is_definition(eq, u) else "solve")
    else:
        found = _root(program, eq, known, u, [Fraction(v) for v in poly])
    if not isinstance(found, tuple):
        return found
    root, how = found
    den = _upmul(ld, rd)
    if len(den) < 2:
        return u, root, how, None  # a constant denominator is non-zero already
    return u, root, how, {((u, k),) if k else (): v for k, v in enumerate(den) if v}


# an affine root whose two evaluations are ``int`` (the replay's ``AFFINE_FOLLOW``, the refuter's affine
# equations) is made as one Fraction of the two (the refuter: an ``int`` when they divide) instead of a
# Fraction divided by an ``int`` (issue 19 round 13; False: the division; the tests compare the two)
INT_ROOTS = True


def _replay(program: Program, drop: tuple[str, ...], trace: tuple) -> Solution | None:
    """``_solve``'s result by following its recorded decisions, each re-checked at the new numbers:
    ``None`` at the first that comes out differently (the caller then searches afresh).  Every step is
    still derived (evaluated or solved exactly), never copied from the recording."""
    try:
        return _follow(program, drop, trace)
    except Exception:  # noqa: BLE001 - whatever it is, the full search meets it again and reports it
        return None


def _follow(program: Program, drop: tuple[str, ...], trace: tuple) -> Solution | None:
    known, eqs, steps = _setup(program, drop)
    checks: list[tuple[Eq, Poly]] = []
    for ev in trace:
        kind, i = ev[0], ev[1]
        if kind == EVAL:
            eq = eqs[i]
            try:
                v = evaluate(eq.rhs, known)
            except ZeroDivisionError:
                return None
            name = eq.lhs.name
            known[name] = _norm(v)
            steps.append(Step(name, known[name], eq, "compute"))
        elif kind == CHECK:
            eq = eqs[i]
            try:
                if evaluate(eq.lhs, known) != evaluate(eq.rhs, known):
                    return None
            except ZeroDivisionError:
                return None
        elif kind == BLOCK:
            n_before = len(steps)
            if not _linear_block(program, eqs, list(ev[2]), known, steps):
                if ev[3] is not None:
                    return None
            elif tuple(st.name for st in steps[n_before:]) != ev[3]:
                return None
        else:
            eq = eqs[i]
            if kind == SOLVED and AFFINE_FOLLOW and _affine_how(eq, ev[2]) == ev[3] is not None:
                # affine in the unknown: its root from two evaluations, as the refuter finds it (issue 19
                # round 12); the very ``Step`` ``_expand`` gives, or the path below where it could differ
                u = ev[2]
                lhs, rhs = eq.lhs, eq.rhs
                fl, fr = _free(lhs), _free(rhs)
                if (fl | fr) - known.keys() == {u}:
                    e0, slope = _at_0_and_1(lhs, rhs, u, known, 1 if u not in fl else 2 if u not in fr else 0)
                    if slope:
                        if INT_ROOTS and type(e0) is int and type(slope) is int:
                            root = Fraction(-e0, slope)  # the Fraction the division below gives
                        else:
                            root = Fraction(-e0) / slope
                        known[u] = _norm(root)
                        steps.append(Step(u, root, eq, ev[3]))
                        continue
            got = _expand(program, eq, known)
            if kind == SKIP or kind == HOLDS:
                if got is not kind:
                    return None
                continue
            if type(got) is not tuple or got[0] != ev[2] or got[2] != ev[3]:
                return None
            u, root, how, den = got
            known[u] = _norm(root)
            steps.append(Step(u, root, eqs[i], how))
            if den is not None:
                checks.append((eqs[i], den))
    if any(q not in known for q in program.query):
        return None
    for _eq, den in checks:
        if not rational_value(den, known):
            return None
    return Solution("ok", known, steps)


# ``_follow``'s affine root evaluates the side of the equation that does not hold ``u`` once instead of at
# ``u = 0`` and again at ``u = 1`` (its value is the same; issue 19 round 14).  False: both sides twice (the
# tests compare the two)
AFFINE_ONCE = True


def _at_0_and_1(lhs: Expr, rhs: Expr, u: str, known: dict, once: int):
    """(e0, slope) of ``lhs - rhs`` affine in ``u``: its value at ``u = 0`` and the change to ``u = 1``, with
    ``known[u]`` set to each in turn and then removed (left set when an evaluation fails: ``known`` as the
    plain path leaves it).  ``once``: 1 when ``u`` is not in ``lhs``, 2 when it is not in ``rhs`` (that
    side evaluated once with ``AFFINE_ONCE``: the same value; an evaluation that fails, fails in the same
    order), else 0."""
    if once == 1 and AFFINE_ONCE:
        known[u] = 0
        left = evaluate(lhs, known)
        e0 = left - evaluate(rhs, known)
        known[u] = 1
        slope = left - evaluate(rhs, known) - e0
    elif once == 2 and AFFINE_ONCE:
        known[u] = 0
        left = evaluate(lhs, known)
        right = evaluate(rhs, known)
        e0 = left - right
        known[u] = 1
        slope = evaluate(lhs, known) - right - e0
    else:
        known[u] = 0
        e0 = evaluate(lhs, known) - evaluate(rhs, known)
        known[u] = 1
        slope = evaluate(lhs, known) - evaluate(rhs, known) - e0
    del known[u]
    return e0, slope


# a replayed equation the plan solved for ``u`` by a linear root ("compute" or "solve"), affine in ``u``
# (``_udeg``: ``u`` to the first degree, in no denominator and no power), is solved as the refuter solves
# it: from its two sides evaluated at ``u = 0`` and ``u = 1`` instead of expanded (issue 19 round 12).
# ``_expand`` gives the same root there (``_expand1``: the numerator polynomial ``ln rd - rn ld`` has
# constant denominators ``ld``, ``rd``, so its root is that of ``lhs - rhs``), the same ``how``
# (``_is_definition``) and no denominator to check; a vanishing slope, or any other name left unknown,
# takes ``_expand`` as before.  False: every such equation expanded (the tests compare the two)
AFFINE_FOLLOW = True
# (each side: its name when it is a ``Sym``, else its id; u) -> (lhs, rhs, how): the ``how`` of an affine
# equation's root, None when the equation is not affine in ``u`` (a function of the two sides' trees and
# ``u``: a copy's equation is a new ``Eq`` of the same sides); the nodes kept with their entry so that an
# ``id`` cannot be reused; bounded
_AFFINE: dict[tuple, tuple[Expr, Expr, str | None]] = {}


def _affine_how(eq: Eq, u: str) -> str | None:
    """ "compute" or "solve" (as ``_expand`` names a linear root of ``eq`` for ``u``) when ``eq`` is affine
    in ``u`` (degree 1 on one side, at most 1 on the other, ``_udeg``), else None."""
    lhs, rhs = eq.lhs, eq.rhs
    # a name stands for itself (a definition's equation is ``Eq(Sym(name), expr)``, its ``Sym`` new per copy)
    ls, rs = type(lhs) is Sym, type(rhs) is Sym
    key = (lhs.name if ls else id(lhs), rhs.name if rs else id(rhs), u)
    hit = _AFFINE.get(key)
    if hit is not None and (ls or hit[0] is lhs) and (rs or hit[1] is rhs):
        return hit[2]
    dl, dr = _udeg(lhs, u), _udeg(rhs, u)
    how = None
    if dl is not None and dr is not None and max(dl, dr) == 1:
        how = "compute" if _is_definition(eq, u) else "solve"
    if len(_AFFINE) >= 1 << 14:
        _AFFINE.clear()
    _AFFINE[key] = (lhs, rhs, how)
    return how


def plan_of(program: Program, drop: tuple[str, ...] = ()) -> tuple | None:
    """The recorded plan that ``solve(program, drop)`` made or followed (None when there is none: a failed
    search, or one forgotten since)."""
    key, nodes = _plan_key(program, drop)
    hit = _PLANS.get(key)
    if hit is not None and len(hit[0]) == len(nodes) and all(a is b for a, b in zip(hit[0], nodes)):
        return hit[1]
    return _SHAPES.get(_shape_key(program, drop)) if SHAPED else None


# the refuter follows a plan past its linear blocks (False: it stops at the first, as rounds 4-8 did; the
# tests compare the two)
BLOCKS = True


def refuter(program: Program, trace: tuple):
    """``refuted(known, refuse)`` for copies of ``program`` with other stated values
    (``Program.with_values``): True when following the recorded plan ``trace`` from the stated values
    ``known`` derives a value that ``refuse(name, value)`` refuses: what a rejection sampler needs to know
    before it builds the copy and solves it.  Sound for rejection: each value followed here is forced by
    one equation from values forced before, so a solution of the copy, if any, has it (and a copy with no
    solution fails every gate anyway).  False when nothing is refused, and at the first step that
    cannot be followed (a vanishing coefficient, a root that differs in kind, a linear block that solves
    other quantities than the plan's or none): then only ``solve`` can tell.  ``known`` is filled in.

    A linear block of the plan is solved as ``solve`` solves it (``_linear_block``, full rank or nothing:
    each value it gives is forced by the block's equations from values forced before) and followed past
    (``BLOCKS``; issue 19 round 9: rounds 4-8 stopped at the first block, so a draw whose block gave a
    value its role refuses was built, solved and gated only to be refused).  ``refuted.before_block``: the
    names derived before the first block, what the refuter derived when it stopped there.

    An equation the plan solves for ``u`` in which ``u`` appears only to the first degree outside any
    denominator (most of them) is solved from two evaluations, at ``u = 0`` and ``u = 1``, instead of
    being expanded; any other is expanded as ``solve`` does."""
    eqs = _setup(program, ())[1]
    ops: list[tuple] = []
    for ev in trace:
        kind = ev[0]
        if kind == EVAL:
            eq = eqs[ev[1]]
            ops.append((EVAL, eq.lhs.name, eq.rhs))
        elif kind == SOLVED:
            eq, u = eqs[ev[1]], ev[2]
            dl, dr = _udeg(eq.lhs, u), _udeg(eq.rhs, u)
            if ev[3] in ("compute", "solve") and dl is not None and dr is not None and max(dl, dr) == 1:
                # affine in u; which side holds no u (1: the left, 2: the right, 0: both hold it), for
                # ``AFFINE_ONCE``
                ops.append((CHECK, u, eq.lhs, eq.rhs, 1 if dl == 0 else 2 if dr == 0 else 0))
            else:
                ops.append((SOLVED, u, eq, ev[3]))
        elif kind == BLOCK:
            if not BLOCKS or ev[3] is None:
                ops.append((BLOCK,))
                break
            rows = _affine_rows([eqs[i] for i in ev[2]], ev[3]) if AFFINE_BLOCKS else None
            if rows is not None:
                ops.append((BLOCK, ev[3], rows, None))
            else:
                ops.append((BLOCK, list(ev[2]), ev[3]))
    before_block: set[str] = set()
    for op in ops:
        if op[0] == BLOCK:
            break
        before_block.add(op[1])

    def refuted(known: dict, refuse) -> bool:
        try:
            for op in ops:
                kind = op[0]
                if kind == EVAL:
                    name = op[1]
                    if name in known:
                        return False
                    v = evaluate(op[2], known)
                elif kind == CHECK:
                    name, lhs, rhs, once = op[1], op[2], op[3], op[4]
                    if name in known:
                        return False
                    e0, slope = _at_0_and_1(lhs, rhs, name, known, once)
                    if not slope:
                        return False
                    if INT_ROOTS and type(e0) is int and type(slope) is int:
                        # the value below, ``int`` when whole (as it is made before ``refuse``)
                        v = -e0 // slope if not e0 % slope else Fraction(-e0, slope)
                    else:
                        v = Fraction(-e0) / slope
                elif kind == SOLVED:
                    name = op[1]
                    got = _expand(program, op[2], known)
                    if type(got) is not tuple or got[0] != name or got[2] != op[3]:
                        return False
                    v = got[1]
                elif kind == BLOCK and len(op) == 4:  # a block affine in what it solves (``AFFINE_BLOCKS``)
                    got = _affine_block(op[1], op[2], known)
                    if got is None:
                        return False
                    known.update(zip(op[1], got))  # every value of the block, then each checked (as below)
                    for name, v in zip(op[1], got):
                        if refuse(name, v):
                            return True
                    continue
                elif kind == BLOCK and len(op) == 3:  # a linear block of the plan (``BLOCKS``)
                    block: list[Step] = []
                    if not _linear_block(program, eqs, list(op[1]), known, block):
                        return False
                    if tuple(st.name for st in block) != op[2]:
                        return False
                    for st in block:
                        if refuse(st.name, known[st.name]):
                            return True
                    continue
                else:
                    return False
                if type(v) is not int and v.denominator == 1:
                    v = v.numerator
                if refuse(name, v):
                    return True
                known[name] = v
        except Exception:  # noqa: BLE001 - a division by zero, a name not known: the solve will tell
            return False
        return False

    refuted.before_block = frozenset(before_block)
    return refuted


# the refuter solves a linear block of the plan whose equations are affine in the quantities it solves (no
# product of two of them, none in a denominator or a power) from evaluations of each equation's two sides
# (at every one of them 0, then each in turn 1) and an elimination, instead of expanding the equations as
# ``_linear_block`` does (issue 19 round 12).  Sound for rejection as before: the values are forced by
# equations of the copy (full column rank) from values forced before; where the elimination does not give
# them (rank below the block's size, an inconsistent equation, an equation naming a quantity not known)
# the refuter stops and the copy is built and solved.  False: every block expanded (the tests compare the two)
AFFINE_BLOCKS = True


def _jdeg(e: Expr, names: frozenset) -> int | None:
    """The degree of ``e`` in the quantities ``names`` together (as ``_udeg`` for one), or None.  Kept
    apart from ``_udeg``, which the solver calls on every one-unknown equation: one name is an ``in`` test
    per node there, a set of names a disjointness test here."""
    if names.isdisjoint(free_names(e)):
        return 0
    t = type(e)
    if t is Sym:
        return 1
    if t is Add:
        ds = [_jdeg(x, names) for x in e.terms]
        return None if None in ds else max(ds)
    if t is Mul:
        ds = [_jdeg(x, names) for x in e.factors]
        return None if None in ds else sum(ds)
    if t is Neg:
        return _jdeg(e.arg, names)
    if t is Div:
        return _jdeg(e.num, names) if not free_names(e.den) & names else None
    return None


def _affine_rows(block: list[Eq], names: tuple[str, ...]) -> tuple | None:
    """(lhs, rhs, the other names it reads) for each equation of a plan's block affine in ``names``
    together; None when fewer than ``len(names)`` are (the refuter then expands the block)."""
    s = frozenset(names)
    rows = []
    for eq in block:
        dl, dr = _jdeg(eq.lhs, s), _jdeg(eq.rhs, s)
        if dl is None or dr is None or max(dl, dr) > 1:
            continue  # not used: the values the others force are forced all the same
        rows.append((eq.lhs, eq.rhs, tuple((free_names(eq.lhs) | free_names(eq.rhs)) - s)))
    return tuple(rows) if len(rows) >= len(names) else None


def _affine_block(names: tuple[str, ...], rows: tuple, known: dict) -> list | None:
    """The values of ``names`` (``_norm``-ed, in order) forced by ``rows`` (``_affine_rows``) at ``known``,
    or None where they are not (a name already known, rank below ``len(names)``, an inconsistent equation).
    An equation that reads a quantity not known is left out.  ``known`` is left as it was."""
    if any(n in known for n in names):
        return None
    mat = []
    try:
        for n in names:
            known[n] = 0
        for lhs, rhs, other in rows:
            if any(o not in known for o in other):
                continue  # a quantity the propagation finds later (not used, as above)
            r0 = evaluate(lhs, known) - evaluate(rhs, known)
            row = []
            for n in names:
                known[n] = 1
                row.append(evaluate(lhs, known) - evaluate(rhs, known) - r0)
                known[n] = 0
            row.append(-r0)
            mat.append(row)
    finally:
        for n in names:
            known.pop(n, None)
    # Gauss-Jordan without division (each other row times the pivot, less the pivot row times its entry:
    # whole coefficients stay whole), one division per value at the end
    size = len(names)
    for j in range(size):
        pivot = next((r for r in range(j, len(mat)) if mat[r][j]), None)
        if pivot is None:
            return None  # rank below the block's size: not forced
        mat[j], mat[pivot] = mat[pivot], mat[j]
        prow = mat[j]
        pv = prow[j]
        for r in range(len(mat)):
            if r != j and mat[r][j]:
                f = mat[r][j]
                mat[r] = [pv * a - f * b for a, b in zip(mat[r], prow)]
    if any(mat[r][-1] for r in range(size, len(mat))):
        return None  # an inconsistent equation: the copy has no solution, which the gates tell
    out = []
    for j in range(size):
        c, d = mat[j][-1], mat[j][j]
        if type(c) is int and type(d) is int:
            if INT_ROOTS and not c % d:  # the ``int`` the Fraction below comes back as
                out.append(c // d)
                continue
            v = Fraction(c, d)
        else:
            v = c / d
        out.append(v.numerator if v.denominator == 1 else v)
    return out


def _udeg(e: Expr, u: str) -> int | None:
    """The degree of ``e`` in ``u`` as a polynomial whose coefficients are expressions free of ``u``
    (``u`` in no denominator and no power), or None."""
    if u not in free_names(e):
        return 0
    t = type(e)
    if t is Sym:
        return 1
    if t is Add:
        ds = [_udeg(x, u) for x in e.terms]
        return None if None in ds else max(ds)
    if t is Mul:
        ds = [_udeg(x, u) for x in e.factors]
        return None if None in ds else sum(ds)
    if t is Neg:
        return _udeg(e.arg, u)
    if t is Div:
        d = _udeg(e.num, u)
        return d if u not in free_names(e.den) else None
    return None


def _solve(program: Program, drop: tuple[str, ...], trace: list | None = None) -> Solution:
    known, eqs, steps = _setup(program, drop)
    record = trace.append if trace is not None else (lambda ev: None)
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
                record((EVAL, i))
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
                record((CHECK, i))
                continue
            got = _expand(program, eq, known)
            if got is SKIP:
                record((SKIP, i))
                continue
            if got is HOLDS:
                record((HOLDS, i))
                pending.remove(i)
                continue
            if type(got) is Solution:
                got.steps = steps
                return got
            u, root, how, den = got
            known[u] = _norm(root)
            steps.append(Step(u, root, eq, how))
            record((SOLVED, i, u, how))
            if den is not None:
                checks.append((eq, den))
            pending.remove(i)
            progress = True
        if not progress and deferred and not thorough:
            thorough = progress = True  # read the deferred equations once before solving them together
            continue
        thorough = False
        if not progress and pending:
            n_before = len(steps)
            snapshot = tuple(pending)
            progress = _linear_block(program, eqs, pending, known, steps)
            record((BLOCK, -1, snapshot, tuple(st.name for st in steps[n_before:]) if progress else None))
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
