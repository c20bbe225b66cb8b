"""Our own rules' problems as programs: the seeds of the symbolic families.

A rule row's ``problem`` (machine syntax: ``7*f + 1 = -7*f + 85``, or equations joined by ``; ``) is read
with our parser into relations over unknowns, and the row's answer variables become the query.
A family draws from the rules whose ``mutation_family`` names it (``Rule.mutation_family``): ``linear``
from ``isolate_variable`` (its linear problems) and ``word_resistors``; ``system`` from ``linear_system``
and ``word_fruit_baskets``.  Quadratics (``quadratic``, ``word_quadratic``) are formalized too
(``rule_program``) but not mutated here: they have two roots, so they fail the uniqueness gate by design
(``expressions.py`` mutates them).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from .program import Program, Quantity, Relation
from .solver import solve
from .syntax import parse_equation


def rule_program(row: dict) -> Program:
    """A rule row as a program: each equation a relation, the answer's variables the query."""
    eqs = [parse_equation(part) for part in row["problem"].split("; ")]
    answer = row["answer"]
    if " or " in answer:
        query = (answer.split(" or ")[0].split("=")[0].strip(),)
    else:
        query = tuple(part.split("=")[0].strip() for part in answer.split(", "))
    names = sorted(set().union(*(e.lhs.free_symbols() | e.rhs.free_symbols() for e in eqs)))
    qs = tuple(Quantity(n, "number") for n in names)
    rels = tuple(Relation("equation", e.lhs, e.rhs) for e in eqs)
    fam = "linear" if len(query) == 1 else "system"
    return Program(f"rule:{row['rule']}", fam, qs, rels, query, meta={"rule_id": row["id"]})


_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*\b")
_FREE_LETTERS = "xyzuvwtpqmnrs"


def single_letter_names(row: dict) -> dict:
    """The row with each unknown of more than one character ("R2", "R3" of ``word_resistors``) renamed to
    an unused single letter: "3*R2" beside "4u" in every other row, and "3R2" would read as 3 times R times
    2 (issue 21, round 7's reading)."""
    names = set(_NAME.findall(row["problem"])) | set(_NAME.findall(row["answer"]))
    long = sorted(n for n in names if len(n) > 1)
    if not long:
        return row
    free = [c for c in _FREE_LETTERS if c not in names]
    if len(free) < len(long):
        return row
    ren = dict(zip(long, free))

    def sub(text: str) -> str:
        return _NAME.sub(lambda m: ren.get(m.group(0), m.group(0)), text)

    return {**row, "problem": sub(row["problem"]), "answer": sub(row["answer"])}


@lru_cache(maxsize=8)
def _rules(family: str, level: int):
    from ..rules import family_rules, make_rule

    return tuple(make_rule(name, level=level) for name in family_rules(family))


def seed_program(family: str, rng: random.Random, level: int = 1) -> Program | None:
    """A rule problem of ``family`` drawn with ``rng``, as a program; None when it is not of the
    family's kind (e.g. a letter formula of ``isolate_variable``)."""
    rules = _rules(family, min(max(level - 1, 1), 3))
    rule = rules[rng.randrange(len(rules))]
    row = rule.item(rng.randrange(10**9), rng.randrange(10**6))
    try:
        prog = rule_program(single_letter_names(row))
    except SyntaxError:
        return None
    if set(prog.names()) != set(prog.query):
        return None  # parameters besides the unknowns: a letter formula
    sol = solve(prog)
    if sol.status != "ok":
        return None
    return prog
