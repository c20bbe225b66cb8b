"""Linear systems solved by recursive substitution (rules paper, section 3: a model that can call itself).

One step of the rule: isolate a variable from one equation, substitute it into the other equations and
simplify them into a smaller system; that smaller system is *itself a prompt of this rule*; with its
solution, back-substitute to get the isolated variable.

Recursion interface (what an evaluator uses to call a model on the sub-problems):

* A completion contains one ``Sub-problem:`` block holding the smaller system's prompt, each line
  indented by two spaces, exactly as this rule would write that system as a top-level prompt.  It is
  followed by the line ``Sub-answer: <answer of the smaller system>``, then the back-substitution.
  With ``inline=False`` (the default, the paper's recursive setting) the completion does not solve the
  smaller system itself: the evaluator stops generation at ``Sub-answer:``, cuts the sub-prompt out with
  ``LinearSystem.extract_subproblem(text)``, calls the model on it (recursively), writes
  ``Sub-answer: <its answer>`` and lets the model finish.  With ``inline=True`` the smaller system's own
  completion (without its ``Answer:`` line) is written between the two, each line prefixed by ``  | ``,
  so a completion is a self-contained full solution.
* ``meta["subproblems"]``: the prompts of the nested smaller systems, outermost first (n - 1 of them,
  the last with a single equation); ``meta["subanswers"]``: their answers, in the same order.
* ``LinearSystem.split_prompt(prompt)``: the variables and equation lines of a prompt of this rule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd
from typing import Any

from ..draws import randint
from ..expr.nodes import Div, Eq, Expr, Mul, Neg, Num, Sym, add, number, term
from ..expr.render import machine, machine_and_text
from ..expr.rewrite import substitute
from ..prompting import read_prompt, write_prompt
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import linear_eq, linear_eq_strings, nonsingular_int_matrix, sum_strings

SUBPROBLEM_HEADER = "Sub-problem:"
SUBANSWER_PREFIX = "Sub-answer: "
INLINE_PREFIX = "  | "
_INSTRUCTION = "Solve the system of linear equations for {vars} by substitution:"


def instruction(names: list[str]) -> str:
    return _INSTRUCTION.format(vars=", ".join(names))


def assignment(names: list[str], values: dict[str, Fraction]) -> str:
    """``x = 2, y = -1/2`` in the given variable order."""
    return ", ".join([f"{v} = {_number_machine(values[v])}" for v in names])


def _number_machine(value: int | Fraction) -> str:
    return str(value) if type(value) is int else machine(number(value))


@dataclass
class Level:
    """One level of the recursion on a system with integer coefficients ``rows`` and constants ``rhs``."""

    names: list[str]
    rows: list[list[int]]
    rhs: list[int]
    values: dict[str, Fraction]
    eq_index: int = 0  # the equation the variable is isolated from
    var: str = ""  # the isolated variable ("" for a single equation: it is divided through)
    isolated: Expr | None = None  # the variable's value in terms of the others
    substituted: list[Eq] = field(default_factory=list)
    sub: Level | None = None  # the smaller system
    # for the small steps: the isolated variable's numerator as (coefficient, variable or "") terms over
    # ``den``, and each substituted equation's row (its index in ``rows``)
    numerator: list[tuple[int, str]] = field(default_factory=list)
    den: int = 1
    others: list[int] = field(default_factory=list)

    # renderings, computed once (prompts, steps and meta all use them)
    _rendered: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    _prompt: str | None = field(default=None, repr=False, compare=False)
    _answer: str | None = field(default=None, repr=False, compare=False)

    @property
    def eqs(self) -> list[Eq]:
        return [linear_eq(r, self.names, b) for r, b in zip(self.rows, self.rhs)]

    def rendered(self) -> list[tuple[str, str]]:
        """``(machine, text)`` of each equation, rendered once (prompts, steps and meta all use them)."""
        if self._rendered is None:
            ints = all(type(c) is int for row in self.rows for c in row)
            self._rendered = [
                linear_eq_strings(r, self.names, b) if ints else eq_strings(linear_eq(r, self.names, b))
                for r, b in zip(self.rows, self.rhs)
            ]
        return self._rendered

    def machine_system(self) -> str:
        return "; ".join(m for m, _ in self.rendered())

    def prompt(self) -> str:
        if self._prompt is None:
            self._prompt = write_prompt(instruction(self.names), "\n".join([t for _, t in self.rendered()]))
        return self._prompt

    def answer(self) -> str:
        if self._answer is None:
            self._answer = assignment(self.names, self.values)
        return self._answer


def _pivot(rows: list[list[int]]) -> tuple[int, int]:
    """The first (equation, variable) with coefficient +-1; else the smallest coefficient magnitude."""
    best = None
    for i, row in enumerate(rows):
        for j, c in enumerate(row):
            if c and (best is None or abs(c) < abs(rows[best[0]][best[1]])):
                best = (i, j)
                if abs(c) == 1:
                    return best
    assert best is not None
    return best


def _numerator(row: list[int], b: int, names: list[str], j: int) -> list[tuple[int, str]]:
    """``a*v + sum(c*u) = b`` -> the terms of ``v = (b - sum(c*u))/a``'s numerator, constant first, with
    the sign that keeps the denominator ``|a|`` positive."""
    s = 1 if row[j] > 0 else -1
    parts = [(s * b, "")] if b else []
    return parts + [(-s * c, u) for u, c in zip(names, row) if c and u != names[j]]


def _sum(parts: list[tuple[int, str]]) -> Expr:
    """A sum of ``(coefficient, variable or "")`` terms, written as given (nothing collected)."""
    return add(*[term(c, Sym(u)) if u else number(c) for c, u in parts]) if parts else Num(0)


def _sum_strings(parts: list[tuple[int, str]]) -> tuple[str, str]:
    """``machine_and_text(_sum(parts))`` without the tree (the rows' hot path)."""
    return sum_strings([(c, ((u, 1),) if u else ()) for c, u in parts]) if parts else ("0", "0")


def _eq_strings(left: list[tuple[int, str]], right: list[tuple[int, str]]) -> tuple[str, str]:
    (lm, lt), (rm, rt) = _sum_strings(left), _sum_strings(right)
    return lm + " = " + rm, lt + " = " + rt


def _nonzero(coeffs: list[int], names: list[str]) -> list[tuple[int, str]]:
    return [(c, u) for c, u in zip(coeffs, names) if c]


def _isolate(row: list[int], b: int, names: list[str], j: int) -> Expr:
    """``a*v + sum(c*u) = b`` -> ``v = (b - sum(c*u))/a`` written with the constant first."""
    num = _sum(_numerator(row, b, names, j))
    return num if abs(row[j]) == 1 else Div(num, Num(abs(row[j])))


def _times(c: int, e: Expr) -> Expr:
    """``c*(e)`` as written after substituting ``e`` for a variable with coefficient ``c``."""
    if c == 1:
        return e
    if c == -1:
        return Neg(e)
    body = Mul((Num(abs(c)), e))
    return Neg(body) if c < 0 else body


def build_levels(
    rows: list[list[int]], rhs: list[int], names: list[str], values: dict[str, Fraction]
) -> Level:
    """The whole recursion for a non-singular integer system whose solution is ``values``."""
    level = Level(names, rows, rhs, {v: values[v] for v in names})
    if len(names) == 1:
        return level
    i, j = _pivot(rows)
    v = names[j]
    level.eq_index, level.var = i, v
    level.isolated = _isolate(rows[i], rhs[i], names, j)
    level.numerator, level.den = _numerator(rows[i], rhs[i], names, j), abs(rows[i][j])
    level.others = [k for k in range(len(rows)) if k != i]
    a, pivot_row, pivot_rhs = rows[i][j], rows[i], rhs[i]
    rest = [u for u in names if u != v]
    sub_rows, sub_rhs = [], []
    for k, (row, b) in enumerate(zip(rows, rhs)):
        if k == i:
            continue
        lhs = add(
            *[_times(c, level.isolated) if u == v else term(c, Sym(u)) for u, c in zip(names, row) if c]
        )
        level.substituted.append(Eq(lhs, number(b)))
        # row - (row[j]/a) * pivot row, times the common denominator of its reduced fractions (ints only:
        # the same integers integer_row(..., reduce=False) gives for the Fraction version)
        f = row[j]
        nums = [row[q] * a - f * pivot_row[q] for q in range(len(names)) if q != j]
        nums.append(b * a - f * pivot_rhs)
        den = 1
        for n_ in nums:
            d = abs(a) // gcd(n_, a)
            den = den * d // gcd(den, d)
        sub_rows.append([n_ * den // a for n_ in nums[:-1]])
        sub_rhs.append(nums[-1] * den // a)
    level.sub = build_levels(sub_rows, sub_rhs, rest, values)
    return level


def eq_strings(eq: Eq) -> tuple[str, str]:
    """``(machine(eq), text(eq))``, both sides rendered in one walk each."""
    lm, lt = machine_and_text(eq.lhs)
    rm, rt = machine_and_text(eq.rhs)
    return lm + " = " + rm, lt + " = " + rt


def _isolation_steps(level: Level) -> tuple[list[str], list[str]]:
    """The isolation a move at a time: keep the variable's term on the left, move the others, divide."""
    v, i = level.var, level.eq_index
    row, b, names = level.rows[i], level.rhs[i], level.names
    a = row[names.index(v)]
    lines, steps = [f"Isolate {v} in equation {i + 1}:", level.rendered()[i][1]], []
    if any(c for u, c in zip(names, row) if u != v):
        moved = [(b, "")] + [(-c, u) for u, c in zip(names, row) if c and u != v]
        m, t = _eq_strings([(a, v)], moved)
        lines += ["Move the other terms to the right:", t]
        steps.append(m)
    if a != 1:
        m, t = eq_strings(Eq(Sym(v), level.isolated))
        lines += [f"Divide both sides by {a}:", t]
        steps.append(m)
    return lines, steps


def _simplify_steps(level: Level) -> tuple[list[str], list[str]]:
    """The substituted equations into the smaller system: clear the denominator, expand, collect the
    variables on the left and the numbers on the right, add like terms, divide out a common factor."""
    v, d, names, sub = level.var, level.den, level.names, level.sub
    assert sub is not None
    lines: list[str] = []
    steps: list[str] = []

    def stage(header: str, pairs: list[tuple[str, str]]) -> None:
        lines.append(header)
        lines.extend(t for _, t in pairs)
        steps.append("; ".join(m for m, _ in pairs))

    rows = [(level.rows[k], level.rhs[k]) for k in level.others]
    if d != 1:
        stage(
            f"Multiply both sides by {d}:",
            [
                eq_strings(Eq(
                    add(*[_times(c, _sum(level.numerator)) if u == v else term(c * d, Sym(u))
                          for u, c in zip(names, row) if c]),
                    number(b * d),
                ))
                for row, b in rows
            ],
        )  # fmt: skip
    expanded = []
    for row, b in rows:
        terms: list[tuple[int, str]] = []
        for u, c in zip(names, row):
            if c and u == v:
                terms += [(c * nc, nu) for nc, nu in level.numerator]
            elif c:
                terms.append((c * d, u))
        expanded.append((terms, b * d))
    stage("Expand:", [_eq_strings(t, [(b, "")]) for t, b in expanded])
    collected = []
    for terms, b in expanded:
        left = [(c, u) for w in sub.names for c, u in terms if u == w]
        right = [(b, "")] + [(-c, u) for c, u in terms if not u]
        collected.append((left, right))
    stage("Variables left, numbers right:", [_eq_strings(left, right) for left, right in collected])
    combined = []
    for left, right in collected:
        coeffs = [sum(c for c, u in left if u == w) for w in sub.names]
        combined.append((coeffs, sum(c for c, _ in right)))
    stage("Combine like terms:", [_eq_strings(_nonzero(cs, sub.names), [(b, "")]) for cs, b in combined])
    for n, ((coeffs, b), want, want_b) in enumerate(zip(combined, sub.rows, sub.rhs), 1):
        g = next(c // w for c, w in zip([*coeffs, b], [*want, want_b]) if w)
        assert g > 0 and coeffs == [w * g for w in want] and b == want_b * g
        if g != 1:
            m, t = _eq_strings(_nonzero(want, sub.names), [(want_b, "")])
            lines.append(f"Divide equation {n} by {g}: {t}")
            steps.append(m)
    return lines, steps


def _back_substitution(level: Level, small_steps: bool, pairwise: bool = False) -> tuple[str, list[str]]:
    """``Back-substitute into v = ...: v = <numbers put in> [= <products> = <sum>[/d]] = value``;
    ``pairwise``: the products added two at a time (``-17 + 20 + 3 = 3 + 3 = 6``)."""
    v, iso, sub = level.var, level.isolated, level.sub
    assert iso is not None and sub is not None
    chain = [machine_and_text(substitute(iso, {u: number(sub.values[u]) for u in sub.names}))]
    if small_steps:
        products = [c if not u else c * sub.values[u] for c, u in level.numerator]
        total = sum(products)
        forms = [_sum([(p, "") for p in products])]
        while pairwise and len(products) > 2:
            products = [products[0] + products[1], *products[2:]]
            forms.append(_sum([(p, "") for p in products]))
        forms.append(number(total))
        if level.den != 1:
            forms = [Div(f, Num(level.den)) for f in forms]
        for f in forms:
            mt = machine_and_text(f)
            if mt != chain[-1]:
                chain.append(mt)
    value = level.values[v]
    value_mt = (str(value),) * 2 if type(value) is int else machine_and_text(number(value))
    if value_mt != chain[-1] or len(chain) == 1:
        chain.append(value_mt)
    text = f"Back-substitute into {v} = {machine_and_text(iso)[1]}: {v} = " + " = ".join(t for _, t in chain)
    return text, [f"{v} = {m}" for m, _ in chain]


def level_lines(
    level: Level, inline: bool, blocks: bool = True, small_steps: bool = False, pairwise: bool = False
) -> tuple[list[str], list[str]]:
    """Completion lines and machine steps of one level.  ``blocks``: write the smaller system as a
    ``Sub-problem:`` prompt block with a ``Sub-answer:`` line; without it (word problems) the smaller
    system is solved in place.  ``inline`` writes the smaller system's solution too.  ``small_steps``:
    the isolation, the simplification into the smaller system and the back-substitution one operation
    a line (what a small model learns; rules paper's format otherwise).  ``pairwise``: with them, the
    back-substitution adds its numbers two at a time."""
    names = level.names
    if not level.var:  # a single equation a*x = b
        (a,), x = level.rows[0], names[0]
        value = level.values[x]
        sol_m, sol_t = (
            (f"{x} = {value}",) * 2 if type(value) is int else eq_strings(Eq(Sym(x), number(value)))
        )
        if a == 1:
            return [f"The equation already gives {sol_t}"], [sol_m]
        return [f"Divide both sides by {a}: {sol_t}"], [sol_m]
    v, iso, sub = level.var, level.isolated, level.sub
    assert iso is not None and sub is not None
    iso_m, iso_t = machine_and_text(iso)
    if small_steps:
        lines, steps = _isolation_steps(level)
        if not steps:  # the equation was already v = c
            steps.append(f"{v} = {iso_m}")
    else:
        lines = [f"Isolate {v} in equation {level.eq_index + 1}: {v} = {iso_t}"]
        steps = [f"{v} = {iso_m}"]
    lines.append("Substitute it into the other equations:")
    substituted = [eq_strings(e) for e in level.substituted]
    lines += [t for _, t in substituted]
    steps.append("; ".join(m for m, _ in substituted))
    if small_steps:
        more_lines, more_steps = _simplify_steps(level)
        lines += more_lines
        steps += more_steps
    if not small_steps:  # (with them, the lines above are the simplification)
        lines.append(f"Simplify: a smaller system in {', '.join(sub.names)}")
    steps.append(sub.machine_system())
    if blocks:
        lines.append(SUBPROBLEM_HEADER)
        lines += ["  " + s for s in sub.prompt().splitlines()]
    else:
        lines += [t for _, t in sub.rendered()]
    if inline or not blocks:
        sub_lines, sub_steps = level_lines(sub, inline, blocks, small_steps, pairwise)
        lines += [INLINE_PREFIX + s for s in sub_lines] if blocks else sub_lines
        steps += sub_steps
    if blocks:
        lines.append(SUBANSWER_PREFIX + sub.answer())
        steps.append(sub.answer())
    back_text, back_steps = _back_substitution(level, small_steps, pairwise)
    lines.append(back_text)
    steps += back_steps
    return lines, steps


def _has_unit_pivots(rows: list[list[int]]) -> bool:
    """Cheap integer-only run of the recursion's pivot choice: does every level have a +-1 to isolate?"""
    while len(rows) > 1:
        i, j = _pivot(rows)
        a = rows[i][j]
        if abs(a) != 1:
            return False
        rows = [
            [c - r[j] * a * p for q, (c, p) in enumerate(zip(r, rows[i])) if q != j]
            for k, r in enumerate(rows)
            if k != i
        ]
    return True


def random_system(
    rng: random.Random, names: list[str], max_coeff: int, max_value: int, unit_pivots: bool
) -> Level:
    """A random non-singular integer system with an integer solution, chosen first."""
    n = len(names)
    values = {v: randint(rng, -max_value, max_value) for v in names}  # ints: Fraction arithmetic is slow
    while True:
        rows = nonsingular_int_matrix(rng, n, max_coeff)
        if unit_pivots and not _has_unit_pivots(rows):
            continue
        rhs = [sum([c * values[v] for c, v in zip(row, names)]) for row in rows]
        return build_levels(rows, rhs, names, values)


@dataclass(frozen=True)
class LinearSystemConfig(RuleConfig):
    n_unknowns: int | None = None  # equations = unknowns
    max_coeff: int | None = None  # largest coefficient magnitude of the system
    max_value: int | None = None  # largest magnitude of a solution component (integers)
    unit_pivots: bool | None = None  # every level can isolate a variable with coefficient +-1
    inline: bool | None = None  # also write the sub-problem's solution (else: recursive, one level)
    small_steps: bool | None = None  # isolation, simplification, back-substitution an operation a line
    depth: int = 0  # the row is the depth-th smaller system of the drawn one (what recursive calls are asked)
    # with small_steps: the back-substitution adds its numbers two at a time (three or more with 3+ unknowns)
    pairwise_sums: bool = False

    LATER_KNOBS = {"pairwise_sums": False}

    LEVEL_KNOBS = {
        1: dict(n_unknowns=2, max_coeff=3, max_value=5, unit_pivots=True, inline=False,
                small_steps=True),
        2: dict(n_unknowns=2, max_coeff=6, max_value=9, unit_pivots=False, inline=False,
                small_steps=True),
        3: dict(n_unknowns=3, max_coeff=4, max_value=6, unit_pivots=True, inline=False,
                small_steps=True),
        4: dict(n_unknowns=3, max_coeff=6, max_value=9, unit_pivots=False, inline=False,
                small_steps=True),
        5: dict(n_unknowns=4, max_coeff=4, max_value=9, unit_pivots=True, inline=False,
                small_steps=True),
        6: dict(n_unknowns=4, max_coeff=9, max_value=12, unit_pivots=False, inline=False,
                small_steps=True),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        check_int("n_unknowns", k["n_unknowns"], 2, 6)
        check_int("max_coeff", k["max_coeff"], 1, 1000)
        check_int("max_value", k["max_value"], 1, 10**6)
        check_bool(k, "unit_pivots", "inline", "small_steps", "pairwise_sums")
        self.check_vocab_size("n_unknowns", k["n_unknowns"])
        check_int("depth", k["depth"], 0, k["n_unknowns"] - 1)
        if k["pairwise_sums"] and not k["small_steps"]:  # the one-line isolation has no sums to split
            raise ConfigError("pairwise_sums=true needs small_steps=true (the back-substitution's sums)")
        if k["unit_pivots"] and k["n_unknowns"] > 4:
            raise ConfigError(
                "unit_pivots=true is only supported up to n_unknowns=4 (rejection gets too slow)"
            )


@register
class LinearSystem(Rule):
    name = "linear_system"
    config_class = LinearSystemConfig
    target_form = "solved"
    kind = "system"
    instruction = _INSTRUCTION
    typed_example = "x + y = 5\nx - y = 1"
    mutation_family = "system"
    description = (
        "Solve a linear system by isolating a variable, substituting, and solving the smaller system "
        "recursively (each smaller system is itself a prompt of this rule)."
    )

    def sample(self, rng: random.Random) -> Problem:
        k = self.k
        names = sorted(self.config.vocab.sample(rng, k["n_unknowns"]))
        level = random_system(rng, names, k["max_coeff"], k["max_value"], k["unit_pivots"])
        for _ in range(k["depth"]):
            assert level.sub is not None
            level = level.sub
        names = level.names
        lines, steps = level_lines(
            level, k["inline"], small_steps=k["small_steps"], pairwise=k["pairwise_sums"]
        )
        subs: list[Level] = []
        lvl = level.sub
        while lvl is not None:
            subs.append(lvl)
            lvl = lvl.sub
        return Problem(
            instruction=instruction(names),
            problem_text="\n".join(t for _, t in level.rendered()),
            problem=level.machine_system(),
            answer=level.answer(),
            steps=steps,
            step_lines=lines,
            variables=names,
            extra={"subproblems": [s.prompt() for s in subs], "subanswers": [s.answer() for s in subs]},
        )

    # -- recursion helpers -------------------------------------------------------------------------
    @staticmethod
    def split_prompt(prompt: str) -> tuple[list[str], list[str]]:
        """``(variables, equation lines)`` of a prompt of this rule; ``ValueError`` for anything else."""
        head, body = read_prompt(prompt.strip())
        pre, post = _INSTRUCTION.split("{vars}")
        if not (head.startswith(pre) and head.endswith(post)) or not (body or "").strip():
            raise ValueError("not a linear_system prompt: " + head[:80])
        names = [n.strip() for n in head[len(pre) : len(head) - len(post)].split(",")]
        return names, [ln.strip() for ln in body.splitlines() if ln.strip()]

    @staticmethod
    def extract_subproblem(completion: str) -> str | None:
        """The last ``Sub-problem:`` block of a (possibly partial, possibly model-written) completion as
        a prompt of this rule, or ``None`` when there is none."""
        lines = completion.splitlines()
        starts = [i for i, ln in enumerate(lines) if ln.strip() == SUBPROBLEM_HEADER]
        if not starts:
            return None
        block = []
        for ln in lines[starts[-1] + 1 :]:
            if not ln.startswith("  ") or ln.startswith(INLINE_PREFIX):
                break
            block.append(ln[2:])
        return "\n".join(block) if block else None

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        if answer.kind != "assign" and not (answer.kind == "eq" and len(answer.assign) == 1):
            return "the answer is not a list of assignments"  # (one unknown: ``y = 2`` reads as an equation)
        want = [Sym(v).name for v in self.split_prompt(row["prompt"])[0]]
        got = [str(s) for s in answer.assign]
        if got != want:
            return f"the answer gives {', '.join(got)}, not {', '.join(want)} in the prompt's order"
        if any(v.free_symbols for v in answer.assign.values()):
            return "an unknown is not given a number"
        return None
