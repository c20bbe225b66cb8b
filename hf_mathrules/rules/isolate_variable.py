"""Isolate a variable: solve linear equations (``3x + 5 = 2x - 7``, with parentheses and fractions at
higher levels) and rearrange formulas for a named variable (``v = u + at`` for ``t``, reciprocal sums
``1/R = 1/a + 1/b`` for ``b``).  Every step is an equation with the same solution for the target.

Linear equations are built from their solution; formulas are built by wrapping the target in random
operations, and solved by undoing them from the outside in (the textbook "inverse operations")."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from ..expr.nodes import Add, Div, Eq, Expr, Mul, Neg, Num, Sym, add, mul, number, term
from ..expr.render import machine, machine_and_text, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import coeff, rational_value, sum_strings

SUBTYPES = ("linear", "formula")


@dataclass(frozen=True)
class IsolateVariableConfig(RuleConfig):
    subtypes: tuple | None = None  # linear (numbers) and/or formula (letters), drawn per problem
    max_coeff: int | None = None  # largest coefficient magnitude
    max_value: int | None = None  # largest magnitude of a linear equation's solution
    both_sides: bool | None = None  # the unknown appears on both sides: 3x + 5 = 2x - 7
    parentheses: bool | None = None  # a product c(x + d) to expand first
    fractions: bool | None = None  # terms x/q and fractional solutions
    formula_depth: int | None = None  # operations wrapped around the target in a formula
    reciprocal: float | None = None  # share of formulas in the reciprocal form 1/R = 1/a + 1/b

    LEVEL_KNOBS = {
        1: dict(subtypes=("linear",), max_coeff=9, max_value=10, both_sides=False, parentheses=False,
                fractions=False, formula_depth=1, reciprocal=0.0),
        2: dict(subtypes=("linear",), max_coeff=9, max_value=12, both_sides=True, parentheses=False,
                fractions=False, formula_depth=1, reciprocal=0.0),
        3: dict(subtypes=SUBTYPES, max_coeff=9, max_value=12, both_sides=True, parentheses=True,
                fractions=False, formula_depth=2, reciprocal=0.2),
        4: dict(subtypes=SUBTYPES, max_coeff=9, max_value=12, both_sides=True, parentheses=True,
                fractions=True, formula_depth=2, reciprocal=0.3),
        5: dict(subtypes=SUBTYPES, max_coeff=12, max_value=15, both_sides=True, parentheses=True,
                fractions=True, formula_depth=3, reciprocal=0.3),
        6: dict(subtypes=SUBTYPES, max_coeff=15, max_value=20, both_sides=True, parentheses=True,
                fractions=True, formula_depth=4, reciprocal=0.3),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        st = k["subtypes"]
        if isinstance(st, str) or not isinstance(st, (tuple, list)) or not st:
            raise ConfigError(f"subtypes must be a non-empty list of {', '.join(SUBTYPES)}; got {st!r}")
        for s in st:
            if s not in SUBTYPES:
                raise ConfigError(f"subtypes: unknown subtype {s!r}; valid: {', '.join(SUBTYPES)}")
        check_int("max_coeff", k["max_coeff"], 2, 1000)
        check_int("max_value", k["max_value"], 1, 10_000)
        check_int("formula_depth", k["formula_depth"], 1, 6)
        check_bool(k, "both_sides", "parentheses", "fractions")
        r = k["reciprocal"]
        if isinstance(r, bool) or not isinstance(r, (int, float)) or not 0 <= r <= 1:
            raise ConfigError(f"reciprocal must be a share from 0 to 1, got {r!r}")
        need = k["formula_depth"] + 2 if "formula" in st else 1
        if need > len(self.vocab):
            raise ConfigError(
                f"formula_depth={k['formula_depth']} needs {need} distinct variables; vocabulary "
                f"{self.vocab.label!r} has {len(self.vocab)}"
            )


# -- tree helpers ------------------------------------------------------------------------------------
def _neg(e: Expr) -> Expr:
    if isinstance(e, Neg):
        return e.arg
    if isinstance(e, Num):
        return number(-e.value)
    if isinstance(e, Add):
        return add(*[_neg(t) for t in e.terms])
    return Neg(e)


def _terms(e: Expr) -> list[Expr]:
    return list(e.terms) if isinstance(e, Add) else [e]


def _has(e: Expr, v: str) -> bool:
    return v in e.free_symbols()


def _mul(*factors: Expr) -> Expr:
    """A flat product with its numbers multiplied out in front: ``2*m*9`` -> ``18*m``."""
    flat = mul(*factors)
    fs = list(flat.factors) if isinstance(flat, Mul) else [flat]
    c, rest = 1, []
    for f in fs:
        if isinstance(f, Num):
            c *= f.value
        else:
            rest.append(f)
    return mul(*([Num(c)] if c != 1 or not rest else []), *rest)


def _over(num: Expr, den: Expr) -> Expr:
    """``num / den`` without a fraction inside a fraction."""
    if isinstance(num, Div):
        return Div(num.num, _mul(num.den, den))
    return Div(num, den)


def _times(e: Expr, f: Expr) -> Expr:
    """``f * e``, cancelling ``f`` against a denominator equal to it."""
    if isinstance(e, Div):
        return e.num if e.den == f else Div(_mul(f, e.num), e.den)
    return _mul(f, e)


def combine_fractions(e: Expr) -> Expr:
    """A sum with simple denominators as one fraction: ``1/y - 1/a`` -> ``(a - y)/(a*y)``."""
    parts = []
    for t in _terms(e):
        sign, body = (-1, t.arg) if isinstance(t, Neg) else (1, t)
        num, den = (body.num, body.den) if isinstance(body, Div) else (body, None)
        parts.append((sign, num, den))
    dens: list[Expr] = []
    for _, _, d in parts:
        if d is not None and d not in dens:
            dens.append(d)
    dens.sort(key=machine)
    out = []
    for sign, num, d in parts:
        others = [x for x in dens if x != d]
        factors = ([] if num == Num(1) and others else [num]) + others
        t = mul(*factors)
        out.append(Neg(t) if sign < 0 else t)
    return Div(add(*out), mul(*dens))


def isolate_steps(eq: Eq, v: str) -> list[tuple[str, Eq]]:
    """Undo the operations around ``v`` (which occurs once) from the outside in."""
    steps: list[tuple[str, Eq]] = []
    if _has(eq.rhs, v):
        eq = Eq(eq.rhs, eq.lhs)
        steps.append(("Swap the two sides:", eq))
    target = Sym(v)
    while eq.lhs != target:
        lhs, rhs = eq.lhs, eq.rhs
        if isinstance(lhs, Add):
            keep = next(t for t in lhs.terms if _has(t, v))
            others = [t for t in lhs.terms if t is not keep]
            eq = Eq(keep, add(*_terms(rhs), *[_neg(t) for t in others]))
            if len(others) > 1:
                note = f"Subtract ({text(add(*others))}) from both sides:"
            elif isinstance(others[0], Neg) or isinstance(others[0], Num) and others[0].value < 0:
                note = f"Add {text(_neg(others[0]))} to both sides:"
            else:
                note = f"Subtract {text(others[0])} from both sides:"
            steps.append((note, eq))
        elif isinstance(lhs, Neg):
            eq = Eq(lhs.arg, _neg(rhs))
            steps.append(("Multiply both sides by -1:", eq))
        elif isinstance(lhs, Mul):
            keep = next(f for f in lhs.factors if _has(f, v))
            other = mul(*[f for f in lhs.factors if f is not keep])
            eq = Eq(keep, _over(rhs, other))
            steps.append((f"Divide both sides by {text(other)}:", eq))
        elif isinstance(lhs, Div) and _has(lhs.num, v):
            eq = Eq(lhs.num, _times(rhs, lhs.den))
            steps.append((f"Multiply both sides by {text(lhs.den)}:", eq))
        elif isinstance(lhs, Div):
            if isinstance(rhs, Add) and any(isinstance(t, Div) or isinstance(t, Neg) and isinstance(t.arg, Div)
                                            for t in rhs.terms):  # fmt: skip
                rhs = combine_fractions(rhs)
                steps.append(("Write the right-hand side as one fraction:", Eq(lhs, rhs)))
            if lhs.num == Num(1):
                new = Div(rhs.den, rhs.num) if isinstance(rhs, Div) else Div(Num(1), rhs)
                steps.append(("Take the reciprocal of both sides:", Eq(lhs.den, new)))
            else:
                new = Div(_mul(lhs.num, rhs.den), rhs.num) if isinstance(rhs, Div) else Div(lhs.num, rhs)
                steps.append((f"Multiply both sides by {text(lhs.den)} and divide by the other side:",
                              Eq(lhs.den, new)))  # fmt: skip
            eq = steps[-1][1]
        else:  # pragma: no cover - the builder only makes the shapes above
            raise AssertionError(f"cannot isolate {v} in {machine(eq)}")
    return steps


def eq_strings(eq: Eq) -> tuple[str, str]:
    """``(machine(eq), text(eq))``, both sides rendered in one walk each."""
    lm, lt = machine_and_text(eq.lhs)
    rm, rt = machine_and_text(eq.rhs)
    return lm + " = " + rm, lt + " = " + rt


def _pairs(*terms: tuple) -> list[tuple]:
    """The non-zero (coefficient, monomial) terms, in order."""
    return [t for t in terms if t[0]]


def _pairs_eq_strings(lhs: list[tuple], rhs: list[tuple]) -> tuple[str, str]:
    lm, lt = sum_strings(lhs) if lhs else ("0", "0")
    rm, rt = sum_strings(rhs) if rhs else ("0", "0")
    return lm + " = " + rm, lt + " = " + rt


@register
class IsolateVariable(Rule):
    name = "isolate_variable"
    config_class = IsolateVariableConfig
    target_form = "solved"
    kind = "equation"
    instruction = "Solve for {var}:"
    typed_example = "6d - 3 = 15"
    mutation_family = "linear"
    description = (
        "Solve linear equations and rearrange formulas (v = u + at, 1/R = 1/a + 1/b) for a variable."
    )

    # -- linear equations with numbers ----------------------------------------------------------------
    def _x_piece(self, rng: random.Random, x: Sym) -> tuple[Expr, int | Fraction, int, bool]:
        """A piece holding the unknown, its (coefficient, constant) and whether it has parentheses."""
        k = self.k
        r = rng.random()
        if k["parentheses"] and r < 0.4:
            a, d = coeff(rng, 3, allow_negative=False), coeff(rng, k["max_coeff"])
            p = coeff(rng, 5, allow_negative=False) + 1
            return mul(Num(p), add(term(a, x), number(d))), p * a, p * d, True
        if k["fractions"] and r < 0.7:
            q = rng.randint(2, 6)
            c = rng.choice([c for c in range(1, 6) if gcd(c, q) == 1])
            return Div(term(c, x), Num(q)), Fraction(c, q), 0, False
        c = coeff(rng, k["max_coeff"])
        return term(c, x), c, 0, False

    def _linear_problem(self, rng: random.Random) -> tuple[Eq, str, list[tuple[str, tuple[str, str]]]]:
        """An equation built from its solution; coefficients are tracked as numbers while it is built
        (ints unless a fraction is involved), so no step needs the generic polynomial code."""
        k = self.k
        x = Sym(self.config.vocab.sample(rng, 1)[0])
        denom = 3 if k["fractions"] else 1
        while True:
            x0 = rational_value(rng, k["max_value"], denom)
            piece, a_l, b_piece, paren_l = self._x_piece(rng, x)
            c = coeff(rng, k["max_coeff"])
            left = [piece, number(c)]
            rng.shuffle(left)
            b_l = b_piece + c
            if k["both_sides"]:
                right_piece, a_r, b_r, paren_r = self._x_piece(rng, x)
                right = [right_piece]
            else:
                right, a_r, b_r, paren_r = [], 0, 0, False
            # the right side's number makes x0 the solution
            const = a_l * x0 + b_l - a_r * x0 - b_r
            if a_l != a_r and (const.denominator == 1 or k["fractions"]):
                break
        lhs = add(*left)
        rhs = add(*right, number(const)) if const or not right else add(*right)
        b_r += const
        m = lcm(*[v.denominator for v in (a_l, b_l, a_r, b_r)])
        a_l, b_l, a_r, b_r = (int(v * m) for v in (a_l, b_l, a_r, b_r))  # integers from here on
        # each later step is an equation between sums of integer terms (coefficient, monomial), listed
        # as written and rendered from memoized terms; [] is 0
        X = ((x.name, 1),)
        steps: list[tuple[str, tuple[list, list]]] = []
        if m > 1 or paren_l or paren_r:
            note = f"Multiply both sides by {m}:" if m > 1 else "Expand the parentheses:"
            steps.append((note, (_pairs((a_l, X), (b_l, ())), _pairs((a_r, X), (b_r, ())))))
        if a_r or b_l:
            steps.append((f"Collect the {x.name} terms on the left and the numbers on the right:",
                          (_pairs((a_l, X), (-a_r, X)), _pairs((b_r, ()), (-b_l, ())))))  # fmt: skip
        a, b = a_l - a_r, b_r - b_l
        combined = ([(a, X)], _pairs((b, ())))
        if not steps or steps[-1][1] != combined:
            steps.append(("Combine like terms:", combined))
        rendered = [(note, _pairs_eq_strings(lhs_, rhs_)) for note, (lhs_, rhs_) in steps]
        if a != 1:
            value = b // a if b % a == 0 else Fraction(b, a)
            a_m, a_t = sum_strings([(a, ())])
            v_m, v_t = sum_strings([(value, ())]) if value else ("0", "0")
            rendered.append((f"Divide both sides by {a_t}:", (f"{x.name} = {v_m}", f"{x.name} = {v_t}")))
        return Eq(lhs, rhs), x.name, rendered

    # -- formulas with letters ------------------------------------------------------------------------
    def _formula_problem(self, rng: random.Random) -> tuple[Eq, str, list[tuple[str, Eq]]]:
        k = self.k
        if rng.random() < k["reciprocal"]:
            n = rng.choice((2, 2, 3))
            names = self.config.vocab.sample(rng, n + 1)
            total, parts = Sym(names[0]), [Div(Num(1), Sym(v)) for v in names[1:]]
            eq = Eq(Div(Num(1), total), Add(tuple(parts)))
            target = rng.choice(names)
        else:
            names = self.config.vocab.sample(rng, k["formula_depth"] + 2)
            target, result, pool = names[0], names[1], names[2:]
            e: Expr = Sym(target)
            for _ in range(k["formula_depth"]):
                s: Expr = (
                    Sym(pool.pop()) if pool and rng.random() < 0.75 else Num(rng.randint(2, k["max_coeff"]))
                )
                op = rng.choice(("add", "sub", "mul", "div", "inv") if isinstance(e, Sym) else
                                ("add", "sub", "mul", "div"))  # fmt: skip
                if op == "add":
                    e = add(e, s) if rng.random() < 0.5 else add(s, e)
                elif op == "sub":
                    e = Add((e, Neg(s))) if rng.random() < 0.5 else Add((s, Neg(e)))
                elif op == "mul" and isinstance(e, Div):
                    e = Div(_mul(s, e.num), e.den)
                elif op == "mul":
                    e = mul(s, e)
                elif op == "div":
                    e = _over(e, s)
                else:
                    e = Div(s, e)
            eq = Eq(Sym(result), e)
        return eq, target, isolate_steps(eq, target)

    def sample(self, rng: random.Random) -> Problem:
        subtype = rng.choice(self.k["subtypes"])  # a tuple or list (validated)
        if subtype == "linear":
            eq, v, rendered = self._linear_problem(rng)
            variables = [v]
        else:
            eq, v, steps = self._formula_problem(rng)
            rendered = [(note, eq_strings(s)) for note, s in steps]
            variables = sorted(eq.free_symbols())
        problem_machine, problem_text = eq_strings(eq)
        return Problem(
            instruction=self.instruction.format(var=v),
            problem_text=problem_text,
            problem=problem_machine,
            answer=rendered[-1][1][0],
            steps=[m for _, (m, _) in rendered],
            step_lines=[line for note, (_, t) in rendered for line in (note, t)],
            variables=variables,
            extra={"subtype": subtype, "target": v},
        )

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        import json

        target = json.loads(row["meta"])["target"]
        if len(answer.assign) != 1:
            if answer.kind == "eq" and row["answer"].split("=")[0].strip() == target:
                return f"{target} still appears on the right-hand side"
            return f"not of the form {target} = expression"
        ((var, value),) = answer.assign.items()
        if str(var) != target:
            return f"solved for {var}, not for {target}"
        if var in value.free_symbols:
            return f"{target} still appears on the right-hand side"
        return None
