"""Independent SymPy validation of generated rows.

Everything here re-reads the row's *strings* (``problem``, ``steps``, ``answer``) with SymPy, so it
checks the renderer as well as the rule: the answer solves the problem, every step is equivalent to the
one before, and the answer has the rule's target form.  These strings are our own generator's output,
never model text, so SymPy's parser is acceptable here; untrusted text goes through
``hf_mathrules.verify`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sympy

from .prompting import read_completion
from .rules.base import Rule, get_rule
from .rules.statements import Statement, parse_statement, parse_trusted

__all__ = [
    "Statement",
    "ValidationReport",
    "parse_statement",
    "parse_trusted",
    "validate_row",
    "validate_rows",
]


def is_zero(e: sympy.Expr) -> bool:
    e = sympy.cancel(sympy.expand(e))
    if e == 0:
        return True
    return sympy.simplify(e) == 0


def _solution_set(st: Statement, var: sympy.Symbol) -> set | None:
    if st.kind == "roots":
        return {sympy.nsimplify(sympy.simplify(v)) for v in st.values}
    if st.kind in ("eq", "assign") and st.expr is not None:
        sols = sympy.solve(st.expr, var)
        return {sympy.nsimplify(sympy.simplify(v)) for v in sols}
    if st.kind == "assign":
        return {st.assign[var]} if var in st.assign else None
    return None


def _same_set(a: set, b: set) -> bool:
    if len(a) != len(b):
        return False
    rest = list(b)
    for x in a:
        hit = next((y for y in rest if is_zero(x - y)), None)
        if hit is None:
            return False
        rest.remove(hit)
    return True


def _satisfies(eq: sympy.Expr, solution: dict) -> bool:
    return is_zero(eq.subs(solution))


def _unique_solution(st: Statement, unknowns: list) -> dict | None:
    if st.kind == "matrix":
        m = st.matrix
        a, b = m[:, :-1], m[:, -1]
        if a.det() == 0:
            return None
        x = a.LUsolve(b)
        return {u: x[i] for i, u in enumerate(unknowns)}
    if st.kind == "system":
        sol = sympy.linsolve(st.eqs, unknowns)
        if not sol or len(sol) != 1:
            return None
        (point,) = sol
        if any(v.free_symbols & set(unknowns) for v in point):
            return None
        return dict(zip(unknowns, point))
    return None


def validate_row(row: dict[str, Any], rule: Rule | None = None) -> list[str]:
    """An empty list when the row is correct; otherwise one message per problem found."""
    errors: list[str] = []
    try:
        rule = rule or get_rule(row["rule"])()
        kind = rule.kind
        written = read_completion(row["completion"])
        if written is None or written.answer != row["answer"]:
            errors.append("completion does not end with the 'Answer:' line")
        problem = parse_statement(row["problem"])
        answer = parse_statement(row["answer"])
        steps = [parse_statement(s) for s in row["steps"]]
        if kind == "expression":
            chain = [problem, *steps, answer]
            for i in range(1, len(chain)):
                if not is_zero(chain[i].expr - chain[i - 1].expr):
                    errors.append(
                        f"step {i} is not equivalent to the one before: {([row['problem'], *row['steps'], row['answer']])[i]}"
                    )
                    break
        elif kind == "equation":
            if len(answer.assign) != 1:
                return [f"answer {row['answer']!r} is not of the form 'variable = value'"]
            ((var, value),) = answer.assign.items()
            if var in value.free_symbols:
                errors.append(f"answer still contains {var} on the right-hand side")
            if not _satisfies(problem.expr, {var: value}):
                errors.append("answer does not satisfy the problem")
            for i, st in enumerate(steps, 1):
                sols = _solution_set(st, var)
                if sols is None or not _same_set(sols, {value}):
                    errors.append(f"step {i} does not have the answer's solution: {row['steps'][i - 1]}")
                    break
        elif kind in ("system", "matrix"):
            sol = answer.assign
            unknowns = list(sol)
            eqs = problem.eqs if problem.kind == "system" else [problem.expr]
            for eq in eqs:
                if not _satisfies(eq, sol):
                    errors.append(f"answer does not satisfy {eq} = 0")
            unique = _unique_solution(problem, unknowns)
            if problem.kind in ("system", "matrix") and (
                unique is None or any(not is_zero(unique[u] - sol[u]) for u in unknowns)
            ):
                errors.append("the problem has no unique solution equal to the answer")
            for i, st in enumerate(steps, 1):
                if st.kind == "matrix":
                    u = _unique_solution(st, unknowns)
                    ok = u is not None and all(is_zero(u[k] - sol[k]) for k in unknowns)
                else:
                    eqs_i = st.eqs if st.kind == "system" else [st.expr] if st.expr is not None else []
                    ok = all(_satisfies(e, sol) for e in eqs_i) and bool(eqs_i or st.assign)
                    if st.kind == "assign" and not st.expr:
                        ok = all(is_zero(v.subs(sol) - sol[k]) for k, v in st.assign.items() if k in sol)
                if not ok:
                    errors.append(f"step {i} is not consistent with the answer: {row['steps'][i - 1]}")
                    break
        elif kind == "roots":
            var = answer.var if answer.kind == "roots" else next(iter(answer.assign))
            gold = _solution_set(answer, var)
            truth = {sympy.nsimplify(v) for v in sympy.solve(problem.expr, var)}
            if gold is None or not _same_set(gold, truth):
                errors.append(f"roots {gold} differ from SymPy's {truth}")
            for i, st in enumerate(steps, 1):
                sols = _solution_set(st, var)
                if sols is None or not _same_set(sols, truth):
                    errors.append(f"step {i} does not have the problem's roots: {row['steps'][i - 1]}")
                    break
        else:
            errors.append(f"unknown rule kind {kind!r}")
        form_error = rule.check_form(row, problem, answer) if hasattr(rule, "check_form") else None
        if form_error:
            errors.append(f"answer is not in {rule.target_form} form: {form_error}")
    except Exception as exc:  # a validation bug or an unparsable row is a failure, not a crash
        errors.append(f"could not validate: {type(exc).__name__}: {exc}")
    return errors


@dataclass
class ValidationReport:
    checked: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        rate = 100.0 * (self.checked - len(self.failures)) / max(self.checked, 1)
        return f"{self.checked - len(self.failures)}/{self.checked} valid ({rate:.2f}%)"


def validate_rows(rows: Iterable[dict[str, Any]], rule: Rule | None = None) -> ValidationReport:
    report = ValidationReport()
    for row in rows:
        report.checked += 1
        errs = validate_row(row, rule)
        if errs:
            report.failures.append((row["id"], errs))
    return report
