"""Automatic checks for defects a reader sees and the older checks missed (issue 21's reading of rows):

- ``redundant unit``: a value followed by the unit its quantity's name already says ("the number of books
  each student borrows is 4 books", "the number of cups sold, in cups?");
- ``incompatible qualifiers``: a period-bound description with a time qualifier ("the amount saved each
  week last week", "the pay for the week on Monday");
- ``verb agreement``: a plural amount with a singular verb ("3 weeks is added").

Each takes a row's texts (prompt and completion) or its program and returns the offending snippets; the
generator avoids all three by construction (``frames.shown_unit``, ``operators.compatible``, frames
without a passive "is added"), and ``benchmarks/mutation.py --quality`` counts them.
"""

from __future__ import annotations

import re

from .operators import PERIODIC, TIME_QUALIFIERS
from .program import Program

_SENTENCE = re.compile(r"(?<=[.?!|])\s+|\n")
_NUMBER_OF = re.compile(r"\bnumber of ((?:[a-z']+ ){0,4}[a-z']+)")
_PLURAL_IS = re.compile(
    r"\b(\d+(?:\.\d+)?) ([a-z]+s) (?:is|was|has) (?:added|subtracted|taken|removed|added on)\b"
)


def redundant_units(text: str) -> list[str]:
    """Sentences that write "the number of <noun> ... <n> <noun>" (or "..., in <noun>?")."""
    out = []
    for s in _SENTENCE.split(text):
        for m in _NUMBER_OF.finditer(s):
            for w in m.group(1).split():
                if len(w) > 2 and w.endswith("s") and re.search(rf"(?:\d|, in) {re.escape(w)}\b", s):
                    out.append(s)
                    break
            else:
                continue
            break
    return out


def incompatible_qualifiers(program: Program) -> list[str]:
    """Descriptions made of a period-bound name and a time qualifier."""
    out = []
    for x in program.quantities:
        for q in TIME_QUALIFIERS:
            if x.desc.endswith(" " + q) and PERIODIC.search(x.desc[: -len(q) - 1]):
                out.append(x.desc)
    return out


def verb_agreement(text: str) -> list[str]:
    """A plural amount as the subject of a singular passive ("3 weeks is added")."""
    return [m.group(0) for m in _PLURAL_IS.finditer(text) if m.group(1) != "1"]


def row_text_defects(prompt: str, completion: str, program: Program | None = None) -> set[str]:
    found = set()
    if redundant_units(prompt) or redundant_units(completion):
        found.add("redundant unit")
    if verb_agreement(prompt) or verb_agreement(completion):
        found.add("verb agreement")
    if program is not None and incompatible_qualifiers(program):
        found.add("incompatible qualifiers")
    return found


__all__ = ["incompatible_qualifiers", "redundant_units", "row_text_defects", "verb_agreement"]
