"""The step-by-step solution of a program (the ``completion`` and ``steps`` of a row) and its
difficulty measures, both read off the solver's determinations."""

from __future__ import annotations

from fractions import Fraction

from ..expr.nodes import Num, Sym
from ..expr.render import machine
from ..expr.render import text as textbook
from ..expr.rewrite import substitute
from ..prompting import write_completion
from .frames import cap, number_text, shown_unit, with_unit
from .program import Program, format_value, free_names
from .solver import Solution, Step
from .steps import brackets, rule_steps


def _shown(v: Fraction):
    """A known value as the problem states it: 7.6, not 38/5 (a positive finite decimal is a name that
    renders as itself; ``×`` is written before it, never juxtaposed: "5 × 7.6")."""
    s = number_text(v)
    return Sym(s) if v > 0 and v.denominator != 1 and "/" not in s else Num(v)


# ``_show`` remembered per (expression node, what each name it reads is shown as): a chain's variants show
# the same definitions with the numbers that were not redrawn (rates, factors, conversions), and a row shows
# one expression in several lines; about half the calls in level-3 items repeat one (issue 19 round 13).
# The node is kept (``_SHOWN_NODES``, by ``id``, cleared with the entries) so that its ``id`` cannot be reused.
# False: every call renders afresh (the tests compare the two)
SHOW_MEMO = True
_SHOW_MAX = 1 << 14
# entries hold ints and strings only, which the cyclic collector stops tracking: ~20,000 tuples holding
# nodes and ``Fraction`` objects were walked by every full collection (issue 19 round 18)
_SHOWN: dict[tuple, str] = {}
_SHOWN_NODES: dict[int, object] = {}


def _show(e, values: dict[str, Fraction], letters: dict[str, str] | None = None) -> str:
    """``e`` rendered with the known ``values`` of its names put in (a name in ``letters`` as its letter)."""
    names = free_names(e)
    if not SHOW_MEMO:
        return _show_plain(e, values, names, letters)
    # what ``_show_plain`` reads, per name in the order of ``names``: its letter, else its value (by value:
    # ``_shown`` reads a value's numerator and denominator, and ``Num`` keeps a whole one as ``int``), else
    # nothing (left as the name)
    key = (
        id(e),
        tuple(
            (n, letters[n]) if letters and n in letters
            else (n, v.numerator, v.denominator) if (v := values.get(n)) is not None
            else (n,)
            for n in names
        ),
    )  # fmt: skip
    hit = _SHOWN.get(key)
    if hit is not None:  # the key's id is a node kept in ``_SHOWN_NODES``: ``e`` itself
        return hit
    out = _show_filled(e, values, names, letters) if SHOW_TEMPLATES else None
    if out is None:
        out = _show_plain(e, values, names, letters)
    if len(_SHOWN) >= _SHOW_MAX:
        _SHOWN.clear()
        _SHOWN_NODES.clear()
    _SHOWN_NODES[id(e)] = e
    _SHOWN[key] = out
    return out


# ``_show`` of an expression whose known names all have whole values >= 0 (a chain's variants: the same
# definitions shown with other drawn whole numbers) filled into a template of the node rendered once per
# (node, which names are letters, which known, which unknown), with a sentinel number for each known value:
# such a value is put in as ``Num`` of an ``int`` (``_shown``), which both renderers write as its digits
# alone, at atom strength, whatever the value (no parentheses; no juxtaposition after it, or before it, a
# digit; not the negative branch of a sum: each test reads only "a whole number >= 0"), so the text is the
# template with each sentinel's digits replaced by the value's (a sentinel is 19 digits, written nowhere else
# and never next to another digit).  Issue 19 round 16.  False: every new (node, values) rendered (the tests
# compare the two on every expression the engine shows)
SHOW_TEMPLATES = True
_TEMPLATES: dict[tuple, str] = {}  # untracked entries, their nodes kept apart, as ``_SHOWN``'s
_TEMPLATE_NODES: dict[int, object] = {}
_SENTINELS = tuple(str(7_301_000_000_000_000_000 + 7 * i) for i in range(32))


def _show_filled(e, values: dict, names, letters: dict[str, str] | None) -> str | None:
    """``_show_plain(e, values, names, letters)`` from the node's template, or None (a known value that is
    not a whole number >= 0, or more than 32 of them)."""
    shape, fill = [], []
    for n in names:
        if letters and n in letters:
            shape.append((n, letters[n]))
        elif (v := values.get(n)) is not None:
            if type(v) is not int:
                if type(v) is not Fraction or v.denominator != 1:
                    return None
                v = v.numerator
            if v < 0:
                return None
            shape.append((n, 0))
            fill.append(str(v))
        else:
            shape.append((n,))
    if len(fill) > len(_SENTINELS):
        return None
    key = (id(e), tuple(shape))
    out = _TEMPLATES.get(key)  # the key's id is a node kept in ``_TEMPLATE_NODES``: ``e`` itself
    if out is None:
        it = iter(_SENTINELS)
        vals = {st[0]: int(next(it)) for st in shape if len(st) == 2 and st[1] == 0}
        out = _show_plain(e, vals, names, letters)
        if len(_TEMPLATES) >= _SHOW_MAX:
            _TEMPLATES.clear()
            _TEMPLATE_NODES.clear()
        _TEMPLATE_NODES[id(e)] = e
        _TEMPLATES[key] = out
    for slot, digits in zip(_SENTINELS, fill):
        out = out.replace(slot, digits)
    return out


def _show_plain(e, values: dict[str, Fraction], names, letters: dict[str, str] | None = None) -> str:
    # only the names ``e`` reads: ``substitute`` touches no other (rendering every known value for every
    # shown expression was most of a completion's time)
    known = {n: _shown(values[n]) for n in names if n in values}
    if letters:
        known.update({n: Sym(x) for n, x in letters.items() if n in names})
    return textbook(substitute(e, known)).replace("*", " × ")


def needed_steps(sol: Solution, query: tuple[str, ...]) -> list[Step]:
    """The solver's determinations the query needs (walking back from it through the equations each
    step used), in solving order: a quantity nothing asked depends on is not "solved" in the text.
    Remembered per (solution, query) on the solution, which callers only read (the steps gate, the
    completion and the measures of one row each walk it; issue 19 round 6); a new list each call."""
    memo = sol.__dict__.setdefault("_needed", {})
    got = memo.get(query)
    if got is None or got[0] != len(sol.steps):
        got = memo[query] = (len(sol.steps), tuple(_needed_steps(sol, query)))
    return list(got[1])


def _needed_steps(sol: Solution, query: tuple[str, ...]) -> list[Step]:
    """``needed_steps`` worked out."""
    need = set(query)
    keep: list[Step] = []
    for st in reversed(sol.steps):
        if st.how == "given" or st.name not in need:
            continue
        keep.append(st)
        for eq in st.block or (st.equation,):
            need |= free_names(eq.lhs) | free_names(eq.rhs)  # remembered per node
        need.update(st.together)
    return keep[::-1]


LETTERS = "xyzwuv"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def word_lines(program: Program, sol: Solution) -> tuple[list[str], list[str]]:
    """Completion lines and machine steps (``name = value``) of a word problem: one line per needed
    determination; an equation solved for a quantity names it with a letter first ("Let x be ...")."""
    lines: list[str] = []
    steps: list[str] = []
    before = {st.name: st.value for st in sol.steps if st.how == "given"}
    done_blocks: set[tuple[str, ...]] = set()
    for st in needed_steps(sol, program.query):
        x = program.by_name.get(st.name)
        desc = x.desc if x is not None and x.desc else st.name
        unit = shown_unit(desc, x.unit) if x is not None else ""
        if st.how == "system":
            if st.together not in done_blocks:
                done_blocks.add(st.together)
                names = [n for n in st.together]
                letters = dict(zip(names, LETTERS))
                intro = _and([f"{letters[n]} be {program.q(n).desc}" for n in names])
                eqs = _and(
                    [f"{_show(e.lhs, before, letters)} = {_show(e.rhs, before, letters)}" for e in st.block]
                )
                vals = ", ".join(f"{letters[n]} = {number_text(sol.values[n])}" for n in names)
                lines.append(f"Let {intro}. Solving {eqs} together gives {vals}.")
                for n in names:
                    q = program.q(n)
                    if n not in program.query:
                        lines.append(
                            f"So {q.desc} is {with_unit(sol.values[n], shown_unit(q.desc, q.unit))}."
                        )
                    before[n] = sol.values[n]
        elif st.how == "compute":
            rhs = st.equation.rhs
            if isinstance(rhs, Sym) and rhs.name in program.by_name and program.q(rhs.name).desc:
                lines.append(
                    f"{cap(desc)} is the same as {program.q(rhs.name).desc}: {with_unit(st.value, unit)}."
                )
            else:
                lines.append(f"{cap(desc)} = {_show(rhs, before)} = {with_unit(st.value, unit)}.")
        elif isinstance(st.equation.lhs, Sym) and isinstance(st.equation.rhs, Sym):  # "X is the same as Y"
            other = ({st.equation.lhs.name, st.equation.rhs.name} - {st.name}).pop()
            lines.append(f"{cap(desc)} is the same as {program.q(other).desc}: {with_unit(st.value, unit)}.")
        else:
            eq = st.equation
            letters = {st.name: "x"}
            lines.append(
                f"Let x be {desc}. Then {_show(eq.lhs, before, letters)} = {_show(eq.rhs, before, letters)}, "
                f"so x = {number_text(st.value)}: {desc} is {with_unit(st.value, unit)}."
            )
        steps.append(f"{st.name} = {format_value(st.value)}")
        before[st.name] = st.value
    return lines, steps


def solution_lines(program: Program, sol: Solution) -> tuple[list[str], list[str]]:
    """(completion lines, machine steps): a word problem's determinations, or the symbolic families'
    rule steps (each an equation or a whole system equivalent to the one before; ``steps.py``)."""
    if program.family == "word":
        return word_lines(program, sol)
    return rule_steps(program)


def answer_string(program: Program, sol: Solution) -> str:
    return ", ".join(f"{q} = {format_value(sol.values[q])}" for q in program.query)


def completion(program: Program, sol: Solution) -> tuple[str, list[str], str]:
    lines, steps = solution_lines(program, sol)
    answer = answer_string(program, sol)
    if program.family == "word":
        (q,) = program.query
        x = program.q(q)
        lines.append(f"So {x.desc} is {with_unit(sol.values[q], shown_unit(x.desc, x.unit))}.")
    return write_completion(lines, answer), steps, answer


# the last ``measures`` worked out, with its program and solution (by identity; one entry, so that it
# holds nothing alive for long): a variant's ``finish`` asks for its difficulty and then for its row's
# measures, of one program and one solution, with the gates and the text in between (issue 19 round 13).  A
# new dict each call.  False: worked out each call (the tests compare the two)
MEASURES_LAST = True
_LAST_MEASURES: list = [None, None, 0, None]


def measures(program: Program, sol: Solution) -> dict:
    """Difficulty measures: solution steps, implicit relations solved, distractors, magnitude."""
    if not MEASURES_LAST:
        return _measures(program, sol)
    last = _LAST_MEASURES
    if last[0] is not program or last[1] is not sol or last[2] != len(sol.steps):
        last[:] = program, sol, len(sol.steps), _measures(program, sol)
    return dict(last[3])


def _measures(program: Program, sol: Solution) -> dict:
    """``measures`` worked out."""
    used = (
        needed_steps(sol, program.query)
        if program.family == "word"
        else [s for s in sol.steps if s.how != "given"]
    )
    steps = len(used)
    implicit = sum(1 for s in used if s.how in ("solve", "quadratic", "system"))
    distract = sum(1 for x in program.quantities if x.distractor)
    wrapped = 0
    if program.family != "word":  # one step per bracket to expand, one per equation to collect
        wrapped = sum(brackets(r.lhs) + brackets(r.rhs) + (not _collected(r)) for r in program.relations)
    mag = max((abs(v) for v in sol.values.values()), default=_ZERO)
    score = steps + 0.5 * implicit + 0.5 * distract + wrapped
    return {
        "steps": steps + wrapped,
        "implicit": implicit,
        "distractors": distract,
        "magnitude": float(mag),
        "score": score,
    }


_ZERO = Fraction(0)  # (a Fraction is immutable: one for every call)


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


__all__ = ["answer_string", "completion", "machine", "measures", "needed_steps", "solution_lines"]
