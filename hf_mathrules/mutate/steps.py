"""Rule steps for the symbolic families: the derivation a person would write, one equation (or one
whole system) per step, each with the same solution set as the one before, so that
``hf_mathrules.verify.verify_steps(row["problem"], row["steps"])`` accepts the chain.

- ``linear``: the ``isolate_variable`` format: expand the parentheses (or multiply by the common
  denominator), collect the unknown on the left and the numbers on the right, combine like terms, divide.
- ``system``: every step is the *whole* system (equations joined by ``; ``): expand and collect each
  equation, then repeatedly isolate one unknown in one equation and substitute it into the others, solve
  the last equation, and back-substitute.  Writing the whole system at every step is what makes each
  step checkable against the one before (a lone ``v = 12 - 3g`` is not equivalent to a system).

Both read the equations through the solver's exact polynomials (``solver.rational``): no SymPy.
"""

from __future__ import annotations

import re
from fractions import Fraction
from math import lcm

from ..expr.nodes import Add, Mul
from ..rules.terms import sum_strings
from .program import Program, format_value
from .solver import rational

Row = tuple[dict[str, Fraction], Fraction]  # sum of coefficient * unknown = constant


class StepError(ValueError):
    """The equations are not linear with a unique solution (the gates never let such a row through)."""


def _linear_sides(lhs, rhs) -> tuple[dict, dict]:
    """Each side as ``{name or "": coefficient}`` (a linear polynomial over a number denominator)."""
    out = []
    for side in (lhs, rhs):
        num, den = rational(side, {})
        if any(m for m in den) or not den:
            raise StepError("an unknown in a denominator")
        d = Fraction(den[()])
        coef: dict[str, Fraction] = {}
        for m, c in num.items():
            if len(m) > 1 or (m and m[0][1] != 1):
                raise StepError("not linear")
            coef[m[0][0] if m else ""] = Fraction(c) / d
        out.append(coef)
    return out[0], out[1]


def _ints(values) -> int:
    """The least common denominator of the values."""
    return lcm(*(Fraction(v).denominator for v in values)) if values else 1


def _num(v: Fraction):
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else v


_FRACTION_COEF = re.compile(r"(?<![\w/])(\d+/\d+)\*")


def _textbook(t: str) -> str:
    """A fractional coefficient as a textbook writes it: "(4/3)v", not the machine's "4/3*v"."""
    return _FRACTION_COEF.sub(r"(\1)", t)


def _sum(terms: list[tuple[Fraction, str]]) -> tuple[str, str]:
    """machine and text of a sum of (coefficient, name or "") terms, zeros left out; ``0`` if empty."""
    pairs = [(_num(c), ((n, 1),) if n else ()) for c, n in terms if c]
    if not pairs:
        return "0", "0"
    return sum_strings(pairs)


def _eq(lhs: list[tuple[Fraction, str]], rhs: list[tuple[Fraction, str]]) -> tuple[str, str]:
    lm, lt = _sum(lhs)
    rm, rt = _sum(rhs)
    return f"{lm} = {rm}", _textbook(f"{lt} = {rt}")


# -- one linear equation ---------------------------------------------------------------------------------
def _terms(poly: dict, scale) -> list[tuple]:
    """(coefficient, monomial) pairs, highest degree first, zeros left out."""
    items = sorted(poly.items(), key=lambda t: (-sum(k for _, k in t[0]), t[0]))
    return [(_num(Fraction(c) * scale), m) for m, c in items if c]


def _poly_eq(lhs: list[tuple], rhs: list[tuple]) -> tuple[str, str]:
    lm, lt = sum_strings(lhs) if lhs else ("0", "0")
    rm, rt = sum_strings(rhs) if rhs else ("0", "0")
    return f"{lm} = {rm}", _textbook(f"{lt} = {rt}")


def brackets(e) -> int:
    """Products with a sum or product inside: each is one expansion step (the steps write it, and
    ``solution.measures`` counts it towards the difficulty)."""
    n = 0
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, Mul) and any(isinstance(f, (Add, Mul)) for f in x.factors):
            n += 1
        stack.extend(x.children())
    return n


def linear_steps(program: Program) -> list[tuple[str, str, str]]:
    """``(note, machine, text)`` per step for one equation in one unknown that is linear once its
    denominators are cleared (``1/(3v + 47) = 1/108`` is, after multiplying by ``3v + 47``)."""
    from .solver import _padd, _pmul

    (x,) = program.query
    (r,) = program.relations
    ln, ld = rational(r.lhs, {})
    rn, rd = rational(r.rhs, {})
    if not ld or not rd:
        raise StepError("division by zero")
    lc, rc = all(not m for m in ld), all(not m for m in rd)  # number denominators
    left = {
        m: Fraction(c) / (Fraction(ld[()]) if lc else 1) for m, c in (ln if rc else _pmul(ln, rd)).items()
    }
    right = {
        m: Fraction(c) / (Fraction(rd[()]) if rc else 1) for m, c in (rn if lc else _pmul(rn, ld)).items()
    }
    by = None if lc and rc else _pmul(ld if not lc else {(): 1}, rd if not rc else {(): 1})
    scale = _ints([*left.values(), *right.values()])
    out: list[tuple[str, str, str]] = []
    written = [program.problem_string()]

    def step(note: str, eq: tuple[str, str]) -> None:
        if eq[0] not in written:
            written.append(eq[0])
            out.append((note, *eq))

    if by is not None:
        bm, bt = sum_strings(_terms(by, 1))
        note = f"Multiply both sides by {bt if len(by) == 1 else '(' + bt + ')'}:"
        step(note, _poly_eq(_terms(left, 1), _terms(right, 1)))
        if scale > 1:
            step(f"Multiply both sides by {scale}:", _poly_eq(_terms(left, scale), _terms(right, scale)))
    else:
        plain = (
            "Expand the parentheses:" if brackets(r.lhs) + brackets(r.rhs) else "Write each side in order:"
        )
        step(f"Multiply both sides by {scale}:" if scale > 1 else plain,
             _poly_eq(_terms(left, scale), _terms(right, scale)))  # fmt: skip
    var_l = {m: c for m, c in left.items() if m}
    var_r = {m: c for m, c in right.items() if m}
    c_l, c_r = left.get((), 0), right.get((), 0)
    if var_r or c_l:
        step(f"Collect the {x} terms on the left and the numbers on the right:",
             _poly_eq(_terms(var_l, scale) + [(-c, m) for c, m in _terms(var_r, scale)],
                      [t for t in ((_num(Fraction(c_r) * scale), ()), (_num(-Fraction(c_l) * scale), ())) if t[0]]))  # fmt: skip
    combined = {m: c for m, c in _padd(var_l, var_r, -1).items() if c}
    if set(combined) != {((x, 1),)}:
        raise StepError("not linear once the denominators are cleared")
    a, b = Fraction(combined[((x, 1),)]) * scale, (Fraction(c_r) - Fraction(c_l)) * scale
    step("Combine like terms:", _poly_eq([(_num(a), ((x, 1),))], [(_num(b), ())] if b else []))
    if a != 1:
        v = format_value(b / a)
        step(f"Divide both sides by {format_value(a)}:", (f"{x} = {v}", f"{x} = {v}"))
    return out


# -- a system ------------------------------------------------------------------------------------------
def _row(lhs, rhs, names: list[str]) -> Row:
    left, right = _linear_sides(lhs, rhs)
    coef = {n: left.get(n, 0) - right.get(n, 0) for n in names}
    const = right.get("", 0) - left.get("", 0)
    m = _ints([*coef.values(), const])
    return {n: c * m for n, c in coef.items() if c}, const * m


def system_steps(program: Program) -> list[tuple[str, str, str]]:
    """``(note, machine, text)`` per step; machine and text are whole systems (``; `` / newlines)."""
    names = list(program.query)
    # each slot is one equation of the system as it is rewritten: ("row", coef, const) |
    # ("iso", v, coef, const) (v = sum coef*w + const) | ("value", v, value)
    slots: list[tuple] = [("row", *_row(r.lhs, r.rhs, names)) for r in program.relations]
    out: list[tuple[str, str, str]] = []
    written = [program.problem_string()]

    def render(slot) -> tuple[str, str]:
        if slot[0] == "row":
            return _eq([(c, n) for n, c in slot[1].items()], [(slot[2], "")])
        if slot[0] == "iso":
            return _eq([(Fraction(1), slot[1])], [*((c, n) for n, c in slot[2].items()), (slot[3], "")])
        v = format_value(Fraction(slot[2]))
        return f"{slot[1]} = {v}", f"{slot[1]} = {v}"

    def emit(note: str) -> None:
        parts = [render(s) for s in slots]
        machine = "; ".join(p[0] for p in parts)
        if machine not in written:
            written.append(machine)
            out.append((note, machine, "\n".join(p[1] for p in parts)))

    # "Expand" only where there are parentheses: else the step only puts each equation in order
    wrapped = any(brackets(r.lhs) + brackets(r.rhs) for r in program.relations)
    emit("Expand and collect each equation:" if wrapped else "Write each equation in order:")
    order: list[int] = []  # slots turned into isolated unknowns, in order
    while True:
        rows = [i for i, s in enumerate(slots) if s[0] == "row"]
        if not rows:
            break
        active = {n for i in rows for n in slots[i][1]}
        single = [i for i in rows if len(slots[i][1]) == 1]
        if single:  # one unknown left in an equation: divide through
            i = single[0]
            ((v, c),) = slots[i][1].items()
            val = slots[i][2] / c
            slots[i] = ("value", v, val)
            emit(
                f"Divide equation {i + 1} by {format_value(Fraction(c))}:"
                if c != 1
                else f"Equation {i + 1} gives {v}:"
            )
            _substitute_value(slots, i)
            emit(f"Put {v} = {format_value(Fraction(val))} into the other equations:")
            continue
        if not active:
            raise StepError("no unknown left to solve for")
        # the pivot: a coefficient +-1 if any, else the smallest; fewest terms first
        i, v = min(
            ((i, n) for i in rows for n in slots[i][1]),
            key=lambda t: (abs(slots[t[0]][1][t[1]]) != 1, abs(slots[t[0]][1][t[1]]), len(slots[t[0]][1]), t),
        )
        coef, const = slots[i][1], slots[i][2]
        c = coef[v]
        iso = {n: -k / c for n, k in coef.items() if n != v}
        slots[i] = ("iso", v, iso, const / c)
        emit(f"Isolate {v} in equation {i + 1}:")
        for j in rows:
            if j == i or v not in slots[j][1]:
                continue
            cj, kj = dict(slots[j][1]), slots[j][2]
            f = cj.pop(v)
            for n, k in iso.items():
                cj[n] = cj.get(n, 0) + f * k
            kj = kj - f * (const / c)
            cj = {n: k for n, k in cj.items() if k}
            m = _ints([*cj.values(), kj])
            if not cj:
                if kj:
                    raise StepError("inconsistent system")
                slots[j] = None  # 0 = 0: the equation said nothing more
                continue
            slots[j] = ("row", {n: k * m for n, k in cj.items()}, kj * m)
        slots[:] = [s for s in slots if s is not None]
        emit(f"Substitute {v} into the other equations and collect:")
        order.append(v)
    # back-substitution, last isolated first
    for v in reversed(order):
        i = next(k for k, s in enumerate(slots) if s[0] == "iso" and s[1] == v)
        _, _, iso, const = slots[i]
        if iso:
            raise StepError("an isolated unknown still depends on another")
        slots[i] = ("value", v, const)
        _substitute_value(slots, i)
        emit(f"Back-substitute: {v} = {format_value(Fraction(const))}:")
    if any(s[0] != "value" for s in slots):
        raise StepError("the elimination did not end with every unknown's value")
    order_q = {n: k for k, n in enumerate(names)}
    final = sorted(slots, key=lambda s: order_q.get(s[1], len(order_q)))
    if [s[1] for s in slots] != [s[1] for s in final]:
        slots[:] = final
        emit("In order:")
    return out


def _substitute_value(slots: list, i: int) -> None:
    """The value of slot ``i`` put into every other row and isolated expression."""
    _, v, val = slots[i]
    for j, s in enumerate(slots):
        if j == i:
            continue
        if s[0] == "row" and v in s[1]:
            coef = dict(s[1])
            c = coef.pop(v)
            const = s[2] - c * val
            if not coef:
                if const:
                    raise StepError("inconsistent system")
                slots[j] = None  # 0 = 0: the equation said nothing more
                continue
            m = _ints([*coef.values(), const])
            slots[j] = ("row", {n: k * m for n, k in coef.items()}, const * m)
        elif s[0] == "iso" and v in s[2]:
            iso = dict(s[2])
            c = iso.pop(v)
            slots[j] = ("iso", s[1], iso, s[3] + c * val)
    slots[:] = [s for s in slots if s is not None]


def rule_steps(program: Program) -> tuple[list[str], list[str]]:
    """Completion lines and machine steps of a linear or system program."""
    fn = linear_steps if program.family == "linear" else system_steps
    lines: list[str] = []
    steps: list[str] = []
    for note, machine, text in fn(program):
        lines += [note, *text.split("\n")]
        steps.append(machine)
    return lines, steps
