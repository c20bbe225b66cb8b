"""Exact augmented matrices and named row operations for step-by-step Gaussian elimination."""

from __future__ import annotations

from fractions import Fraction

from .render import _num


class Matrix:
    """An immutable matrix of Fractions.  Row operations return a new matrix."""

    __slots__ = ("rows",)

    def __init__(self, rows) -> None:
        self.rows = tuple(tuple(Fraction(v) for v in row) for row in rows)

    @classmethod
    def _of(cls, rows: tuple) -> Matrix:
        """A matrix from rows that already are tuples of Fractions (row operations: no re-conversion)."""
        m = cls.__new__(cls)
        m.rows = rows
        return m

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.rows[0]) if self.rows else 0)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Matrix) and self.rows == other.rows

    def __hash__(self) -> int:
        return hash(self.rows)

    def swap(self, i: int, j: int) -> Matrix:
        rows = list(self.rows)
        rows[i], rows[j] = rows[j], rows[i]
        return Matrix._of(tuple(rows))

    def scale(self, i: int, c: Fraction) -> Matrix:
        if c == 0:
            raise ValueError("scaling a row by 0 is not a row operation")
        rows = list(self.rows)
        c = Fraction(c)
        rows[i] = tuple(v * c for v in rows[i])
        return Matrix._of(tuple(rows))

    def add_multiple(self, target: int, source: int, c: Fraction) -> Matrix:
        """R_target <- R_target + c * R_source."""
        rows = list(self.rows)
        c = Fraction(c)
        rows[target] = tuple(a + c * b if b else a for a, b in zip(rows[target], rows[source]))
        return Matrix._of(tuple(rows))

    def machine(self) -> str:
        """SymPy-compatible: ``[[1, 2, 3], [0, 1, 1/2]]``."""
        return "[" + ", ".join("[" + ", ".join(_num(v) for v in row) + "]" for row in self.rows) + "]"

    def text(self, augmented: bool = True, aligned: bool = True) -> str:
        """Rows with a bar before the last column; ``aligned`` pads every entry to the widest one (which a
        model writing the first row cannot know yet: ``row_text`` for one row, unpadded)."""
        if not aligned:
            return "\n".join(row_text(row, augmented) for row in self.rows)
        cells = [[_num(v) for v in row] for row in self.rows]
        width = max((len(c) for row in cells for c in row), default=1)
        lines = []
        for row in cells:
            body = [c.rjust(width) for c in row]
            if augmented and len(body) > 1:
                lines.append("[ " + " ".join(body[:-1]) + " | " + body[-1] + " ]")
            else:
                lines.append("[ " + " ".join(body) + " ]")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.machine()


def row_text(row, augmented: bool = True) -> str:
    """One row, entries one space apart: ``[1 1/3 | -1/3]``."""
    body = [_num(Fraction(v)) for v in row]
    if augmented and len(body) > 1:
        return "[" + " ".join(body[:-1]) + " | " + body[-1] + "]"
    return "[" + " ".join(body) + "]"


def is_rref(rows) -> bool:
    """Reduced row echelon form: every pivot is 1, the only non-zero of its column, pivots move right,
    zero rows last.  Works on any sequence of rows of numbers (``Matrix.rows`` or SymPy rows)."""
    last = -1
    seen_zero = False
    for i, row in enumerate(rows):
        lead = next((j for j, v in enumerate(row) if v != 0), None)
        if lead is None:
            seen_zero = True
            continue
        if seen_zero or lead <= last or row[lead] != 1:
            return False
        if any(rows[k][lead] != 0 for k in range(len(rows)) if k != i):
            return False
        last = lead
    return True
