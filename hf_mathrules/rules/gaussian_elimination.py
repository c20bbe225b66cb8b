"""Gaussian elimination: row-reduce the augmented matrix of an ``n x n`` linear system to reduced row
echelon form, one named row operation per step, exact rationals throughout (rules paper, section on
linear systems).

The reduction is Gauss-Jordan, column by column: swap a non-zero pivot into place when needed, scale the
pivot row so the pivot is 1, then clear the pivot's column in every other row.  The system is built
from its solution (an integer, or at the OOD level sometimes fractional, point) and a non-singular
integer matrix, so the answer is right by construction; validation re-checks it with SymPy.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..expr.matrix import Matrix, is_rref, row_text
from ..expr.nodes import number
from ..expr.render import _num, machine, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import common_factor, determinant, integer_row, linear_eq, nonsingular_int_matrix, rational_value


@dataclass(frozen=True)
class GaussianEliminationConfig(RuleConfig):
    n_unknowns: int | None = None  # size of the square system (unknowns = equations)
    max_coeff: int | None = None  # largest coefficient magnitude of the matrix before clearing fractions
    max_value: int | None = None  # largest magnitude of a solution component
    max_denominator: int | None = None  # 1: integer solutions; q > 1: components may be p/q
    p_zero_pivot: float | None = None  # probability that the first pivot is 0, forcing a row swap
    aligned: bool | None = None  # pad entries to one width (a width that depends on rows not yet written)
    show_products: bool | None = None  # before ``R2 <- R2 - c*R1``'s matrix, the line ``c*R1 = [...]``
    # after each operation only the rows it changed (``R2 = [0 3 3 | 3]``), the whole matrix once at the
    # end: a 3x3 elimination rewrites ~18 unchanged rows otherwise, half its tokens copies
    changed_rows: bool = False
    # before the row an addition writes, the line ``R2 - 2*R1 = [2 - 2, 4 + 4 | -15 + 28]``: each entry as
    # the two numbers it adds, side by side; a model that adds a row multiple to a row written many lines
    # back otherwise looks up both numbers and adds them in one token (EXPERIMENTS § 4f)
    entry_sums: bool = False
    # integer rows throughout: a row is cleared by a whole multiple of itself, ``R2 <- 3*R2 - 2*R1``, and
    # divided by the common factor of its entries (``R2 <- 1/4*R2``) instead of by its pivot, so the model
    # adds and multiplies integers where the pivot-1 reduction adds fractions over two denominators, the
    # line a tiny model lost most (EXPERIMENTS § 4i; no better at equal steps, § 4j); with ``show_products``
    # both multiples are written
    fraction_free: bool = False
    # before the matrix, each equation again with every unknown in column order and every coefficient
    # written (``-4p + 3v = -4`` as ``0b - 4p + 3v = -4``): a model that reads a row straight from an
    # equation missing an unknown puts its 0 in the wrong column (EXPERIMENTS § 4j); here each cell is the
    # coefficient of a named unknown, looked up by its name, and the row is the numbers of the line above
    every_unknown: bool = False

    LATER_KNOBS = {"changed_rows": False, "entry_sums": False, "fraction_free": False, "every_unknown": False}

    LEVEL_KNOBS = {
        1: dict(n_unknowns=2, max_coeff=3, max_value=5, max_denominator=1, p_zero_pivot=0.0,
                aligned=False, show_products=True),
        2: dict(n_unknowns=2, max_coeff=6, max_value=9, max_denominator=1, p_zero_pivot=0.2,
                aligned=False, show_products=True),
        3: dict(n_unknowns=3, max_coeff=4, max_value=6, max_denominator=1, p_zero_pivot=0.2,
                aligned=False, show_products=True),
        4: dict(n_unknowns=3, max_coeff=8, max_value=9, max_denominator=1, p_zero_pivot=0.3,
                aligned=False, show_products=True),
        5: dict(n_unknowns=4, max_coeff=5, max_value=9, max_denominator=1, p_zero_pivot=0.3,
                aligned=False, show_products=True),
        6: dict(n_unknowns=4, max_coeff=12, max_value=12, max_denominator=3, p_zero_pivot=0.5,
                aligned=False, show_products=True),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        check_int("n_unknowns", k["n_unknowns"], 2, 6)
        check_int("max_coeff", k["max_coeff"], 1, 1000)
        check_int("max_value", k["max_value"], 1, 10**6)
        check_int("max_denominator", k["max_denominator"], 1, 100)
        p = k["p_zero_pivot"]
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ConfigError(f"p_zero_pivot must be a probability from 0 to 1, got {p!r}")
        check_bool(
            k, "aligned", "show_products", "changed_rows", "entry_sums", "fraction_free", "every_unknown"
        )
        self.check_vocab_size("n_unknowns", k["n_unknowns"])
        if k["max_coeff"] == 1 and k["n_unknowns"] > 3 and p > 0:
            # with entries in {-1, 0, 1} a zero first pivot leaves too few non-singular matrices to vary
            raise ConfigError("p_zero_pivot > 0 needs max_coeff >= 2 when n_unknowns > 3")


def _coef(c: Fraction) -> str:
    """A multiplier written before ``R1``: ``R1``, ``-R1``, ``1/2*R1``."""
    if c == 1:
        return ""
    if c == -1:
        return "-"
    return _num(c) + "*"


def operation_text(op: tuple) -> str:
    """``swap R1, R2``, ``R1 <- 1/2*R1``, ``R2 <- R2 - 3*R1``, ``R2 <- 3*R2 - 2*R1`` (rows numbered from
    1).  An addition is ``("add", target, source, c)`` or, scaling the target first, ``(..., c, u)``."""
    if op[0] == "swap":
        return f"swap R{op[1] + 1}, R{op[2] + 1}"
    if op[0] == "scale":
        return f"R{op[1] + 1} <- {_coef(op[2])}R{op[1] + 1}"
    _, target, source, c, *u = op
    sign = "-" if c < 0 else "+"
    own = _coef(Fraction(u[0])) if u else ""
    return f"R{target + 1} <- {own}R{target + 1} {sign} {_coef(abs(c))}R{source + 1}"


def entry_sums_line(op: tuple, before: Matrix) -> str:
    """``R2 - 2*R1 = [2 - 2, 4 + 4 | -15 + 28]`` for the addition ``op`` on the matrix ``before`` it: each
    entry of the (scaled) target row beside the signed entry of the multiple it adds (``a + t`` or
    ``a - |t|``)."""
    _, target, source, c, *u = op
    scale = u[0] if u else 1
    cells = []
    for a, s in zip(before.rows[target], before.rows[source]):
        t = c * s
        cells.append(f"{_num(scale * a)} {'-' if t < 0 else '+'} {_num(abs(t))}")
    body = ", ".join(cells[:-1]) + " | " + cells[-1] if len(cells) > 1 else cells[0]
    return operation_text(op).split(" <- ", 1)[1] + " = [" + body + "]"


def changed_rows(op: tuple) -> tuple[int, ...]:
    """The rows (from 0) a row operation writes: both of a swap, else its target."""
    return (op[1], op[2]) if op[0] == "swap" else (op[1],)


def gauss_jordan(m: Matrix) -> list[tuple[tuple, Matrix]]:
    """The row operations (and the matrix after each) that bring a non-singular augmented matrix to
    reduced row echelon form: per column, a swap if the pivot is 0, a scaling if it is not 1, then one
    elimination per other row with a non-zero entry in the column."""
    out: list[tuple[tuple, Matrix]] = []
    n = m.shape[0]
    for j in range(n):
        if m.rows[j][j] == 0:
            p = next(i for i in range(j + 1, n) if m.rows[i][j] != 0)
            m = m.swap(j, p)
            out.append((("swap", j, p), m))
        pivot = m.rows[j][j]
        if pivot != 1:
            m = m.scale(j, 1 / pivot)
            out.append((("scale", j, 1 / pivot), m))
        for i in range(n):
            if i != j and m.rows[i][j] != 0:
                c = -m.rows[i][j]
                m = m.add_multiple(i, j, c)
                out.append((("add", i, j, c), m))
    return out


def gauss_jordan_fraction_free(m: Matrix) -> list[tuple[tuple, Matrix]]:
    """The row operations (and the matrix after each) that bring a non-singular integer augmented matrix
    to reduced row echelon form with integer rows until the last scaling: per column, a swap if the pivot
    is 0, the pivot row divided by its entries' common factor, then each other row with a non-zero entry
    in the column replaced by ``u*R_i + w*R_j`` (``u > 0`` and ``w`` the smallest integers that clear it)
    and divided by its common factor (signed to make its leading entry positive); at the end each row
    still not 1 on the diagonal divided by its pivot."""
    out: list[tuple[tuple, Matrix]] = []
    n = m.shape[0]

    def reduce(m: Matrix, i: int) -> Matrix:
        g = common_factor(m.rows[i])
        if g > 1:  # and the leading entry made positive on the way: one scaling, not two
            c = Fraction(1 if next(v for v in m.rows[i] if v) > 0 else -1, g)
            m = m.scale(i, c)
            out.append((("scale", i, c), m))
        return m

    for j in range(n):
        if m.rows[j][j] == 0:
            p = next(i for i in range(j + 1, n) if m.rows[i][j] != 0)
            m = m.swap(j, p)
            out.append((("swap", j, p), m))
        m = reduce(m, j)
        for i in range(n):
            a, p = int(m.rows[i][j]), int(m.rows[j][j])
            if i != j and a != 0:
                g = math.gcd(a, p)
                u, w = abs(p) // g, -a * (1 if p > 0 else -1) // g
                m = m.scale(i, u).add_multiple(i, j, w) if u != 1 else m.add_multiple(i, j, w)
                out.append((("add", i, j, Fraction(w), u) if u != 1 else ("add", i, j, Fraction(w)), m))
                m = reduce(m, i)
    for i in range(n):
        if m.rows[i][i] != 1:
            c = 1 / m.rows[i][i]
            m = m.scale(i, c)
            out.append((("scale", i, c), m))
    return out


_INSTRUCTION = (
    "Solve the system by Gaussian elimination (unknowns in the order {vars}), showing each row operation:"
)
# the completion's first line names the matrix's columns: written by ``header``, read by ``read_header``
_COLUMNS = re.compile(r"columns\s+(?P<names>[A-Za-z][\w, ]*?)\s*\|")


EVERY_UNKNOWN_HEADER = "Each equation with every unknown, in column order:"


def every_unknown_line(coeffs: list[int], names: list[str], rhs: int) -> str:
    """``0b - 4p + 3v = -4``: the equation with each unknown's coefficient written, 0 and 1 included."""
    out = []
    for c, name in zip(coeffs, names):
        if not out:
            out.append(f"{c}{name}")
        else:
            out.append(f"{'-' if c < 0 else '+'} {abs(c)}{name}")
    return " ".join(out) + f" = {rhs}"


def header(names: list[str]) -> str:
    """``Augmented matrix (columns a, b | constant):``, the line above the first matrix."""
    return f"Augmented matrix (columns {', '.join(names)} | constant):"


@register
class GaussianElimination(Rule):
    name = "gaussian_elimination"
    config_class = GaussianEliminationConfig
    target_form = "solved"
    kind = "matrix"
    instruction = _INSTRUCTION
    typed_example = "2a + b = 7\na - b = -1"
    description = "Solve an n x n linear system by row-reducing its augmented matrix to RREF, step by step."

    @classmethod
    def read_header(cls, line: str) -> list[str] | None:
        """The column names of a ``header`` line (a model may write it anywhere): the order in which the
        step checker reads each printed matrix's coefficients."""
        m = _COLUMNS.search(line)
        return [n.strip() for n in m.group("names").split(",")] if m else None

    def build(self, rng: random.Random, n: int) -> tuple[list[list[int]], list[int], list]:
        """Coefficient rows, right-hand sides and the solution, chosen first."""
        k = self.k
        solution = [rational_value(rng, k["max_value"], k["max_denominator"]) for _ in range(n)]
        zero_pivot = rng.random() < k["p_zero_pivot"]
        while True:
            rows = nonsingular_int_matrix(rng, n, k["max_coeff"])
            if zero_pivot:
                rows[0][0] = 0
                if not all(any(r) for r in rows) or not determinant(rows):
                    continue
            break
        coeffs, rhs = [], []
        for row in rows:
            b = sum(Fraction(a) * x for a, x in zip(row, solution))
            # fractional solutions give fractional constants: scale the equation back to integers
            r, c = integer_row(row, b) if Fraction(b).denominator != 1 else (row, int(b))
            coeffs.append(r)
            rhs.append(c)
        return coeffs, rhs, solution

    def sample(self, rng: random.Random) -> Problem:
        n = self.k["n_unknowns"]
        names = sorted(self.config.vocab.sample(rng, n))
        coeffs, rhs, solution = self.build(rng, n)
        eqs = [linear_eq(r, names, b) for r, b in zip(coeffs, rhs)]
        start = Matrix([[*r, b] for r, b in zip(coeffs, rhs)])
        ops = (gauss_jordan_fraction_free if self.k["fraction_free"] else gauss_jordan)(start)
        answer = ", ".join(f"{v} = {machine(number(x))}" for v, x in zip(names, solution))
        aligned = self.k["aligned"]
        lines = [header(names), start.text(aligned=aligned)]
        if self.k["every_unknown"]:
            again = [every_unknown_line(r, names, b) for r, b in zip(coeffs, rhs)]
            lines[:0] = [EVERY_UNKNOWN_HEADER, *again]
        prev = start
        for op, m in ops:
            lines.append(operation_text(op))
            if op[0] == "add" and self.k["show_products"]:
                _, target, source, c, *u = op
                if u:
                    lines.append(f"{u[0]}*R{target + 1} = " + row_text([u[0] * v for v in prev.rows[target]]))
                lines.append(
                    f"{_coef(abs(c))}R{source + 1} = " + row_text([abs(c) * v for v in prev.rows[source]])
                )
            if op[0] == "add" and self.k["entry_sums"]:
                lines.append(entry_sums_line(op, prev))
            if self.k["changed_rows"]:
                lines.extend(f"R{i + 1} = " + row_text(m.rows[i]) for i in changed_rows(op))
            else:
                lines.append(m.text(aligned=aligned))
            prev = m
        if self.k["changed_rows"]:
            lines.append(prev.text(aligned=aligned))
        lines.append("The matrix is in reduced row echelon form: " + answer)
        return Problem(
            instruction=self.instruction.format(vars=", ".join(names)),
            problem_text="\n".join(text(e) for e in eqs),
            problem="; ".join(machine(e) for e in eqs),
            answer=answer,
            steps=[start.machine(), *(m.machine() for _, m in ops)],
            step_lines=lines,
            variables=names,
            extra={"row_operations": [operation_text(op) for op, _ in ops]},
        )

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        from .statements import parse_statement

        if answer.kind != "assign" or any(v.free_symbols for v in answer.assign.values()):
            return "the answer does not give every unknown a number"
        if not row["steps"]:
            return "no row-reduction steps"
        last = parse_statement(row["steps"][-1])
        if last.kind != "matrix":
            return "the last step is not a matrix"
        if not is_rref(last.matrix.tolist()):
            return f"the last matrix is not in reduced row echelon form: {row['steps'][-1]}"
        return None
