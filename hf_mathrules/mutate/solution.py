"""The step-by-step solution of a program (the ``completion`` and ``steps`` of a row) and its
difficulty measures, both read off the solver's determinations."""

from __future__ import annotations

from fractions import Fraction

from ..expr.nodes import Eq, Num, Sym
from ..expr.render import machine
from ..expr.render import text as textbook
from ..expr.rewrite import substitute
from .frames import cap, number_text, with_unit
from .program import Program, format_value
from .solver import Solution


def _show(e, values: dict[str, Fraction]) -> str:
    known = {n: Num(v) for n, v in values.items()}
    return textbook(substitute(e, known)).replace("*", " × ")


def solution_lines(program: Program, sol: Solution) -> tuple[list[str], list[str]]:
    """(completion lines, machine steps ``name = value``)."""
    lines: list[str] = []
    steps: list[str] = []
    before: dict[str, Fraction] = {}
    for st in sol.steps:
        if st.how == "given":
            before[st.name] = st.value
            continue
        x = program.q(st.name) if st.name in program.by_name else None
        label = cap(x.desc) if x is not None and x.desc else st.name
        unit = x.unit if x is not None else ""
        if program.family != "word":
            eq = st.equation
            lines.append(f"From {textbook(eq.lhs)} = {textbook(eq.rhs)}: {st.name} = {number_text(st.value)}")
        elif st.how == "compute":
            lines.append(f"{label} = {_show(st.equation.rhs, before)} = {with_unit(st.value, unit)}.")
        elif st.how == "system":
            lines.append(
                f"Solving the relations together: {label[0].lower() + label[1:]} is {with_unit(st.value, unit)}."
            )
        else:
            eq = st.equation
            shown = Eq(eq.lhs, eq.rhs)
            lines.append(
                f"{_show(shown.lhs, before)} = {_show(shown.rhs, before)}, so {label[0].lower() + label[1:]} is "
                f"{with_unit(st.value, unit)}."
            )
        steps.append(f"{st.name} = {format_value(st.value)}")
        before[st.name] = st.value
    return lines, steps


def answer_string(program: Program, sol: Solution) -> str:
    return ", ".join(f"{q} = {format_value(sol.values[q])}" for q in program.query)


def completion(program: Program, sol: Solution) -> tuple[str, list[str], str]:
    lines, steps = solution_lines(program, sol)
    answer = answer_string(program, sol)
    if program.family == "word":
        (q,) = program.query
        x = program.q(q)
        lines.append(f"So {x.desc} is {with_unit(sol.values[q], x.unit)}.")
    return "\n".join([*lines, f"Answer: {answer}"]), steps, answer


def measures(program: Program, sol: Solution) -> dict:
    """Difficulty measures: solution steps, implicit relations solved, distractors, magnitude."""
    steps = sum(1 for s in sol.steps if s.how != "given")
    implicit = sum(1 for s in sol.steps if s.how in ("solve", "quadratic", "system"))
    distract = sum(1 for x in program.quantities if x.distractor)
    wrapped = 0
    if program.family != "word":  # one step per bracket to expand, one per equation to collect
        wrapped = sum(_brackets(r.lhs) + _brackets(r.rhs) + (not _collected(r)) for r in program.relations)
    mag = max((abs(v) for v in sol.values.values()), default=Fraction(0))
    score = steps + 0.5 * implicit + 0.5 * distract + wrapped
    return {
        "steps": steps + wrapped,
        "implicit": implicit,
        "distractors": distract,
        "magnitude": float(mag),
        "score": score,
    }


def _brackets(e) -> int:
    """Products with a sum or product inside: each is one expansion step."""
    from ..expr.nodes import Add, Mul

    n = 0
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, Mul) and any(isinstance(f, (Add, Mul)) for f in x.factors):
            n += 1
        stack.extend(x.children())
    return n


def _collected(r) -> bool:
    """A symbolic equation already in the form sum of terms = number."""
    from ..expr.nodes import Add, Mul, Neg

    def simple(t) -> bool:
        if isinstance(t, Neg):
            t = t.arg
        if isinstance(t, (Num, Sym)):
            return True
        return (
            isinstance(t, Mul)
            and len(t.factors) == 2
            and isinstance(t.factors[0], Num)
            and isinstance(t.factors[1], Sym)
        )

    terms = r.lhs.terms if isinstance(r.lhs, Add) else (r.lhs,)
    return all(simple(t) for t in terms) and isinstance(r.rhs, (Num, Neg)) and not r.rhs.free_symbols()


__all__ = ["answer_string", "completion", "machine", "measures", "solution_lines"]
