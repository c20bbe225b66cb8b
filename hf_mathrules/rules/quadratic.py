"""Quadratic equations, step by step: bring to standard form, divide out a common factor, then factor
(rational roots) or apply the quadratic formula (discriminant, numbers substituted, simplified radical,
reduced roots), with irrational (``sqrt``) and complex (``I``) roots and double roots.

Problems are built from chosen roots (rational, double) or chosen coefficients whose discriminant has
the wanted kind (irrational, complex), so every answer is exact by construction."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, isqrt
from typing import Any

from ..expr.nodes import Div, Eq, Expr, I, Mul, Neg, Num, Pow, Sqrt, Sym, add, number, term
from ..expr.poly import poly_to_expr
from ..expr.render import machine, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import coeff

ROOT_TYPES = ("rational", "double", "irrational", "complex")


@dataclass(frozen=True)
class QuadraticConfig(RuleConfig):
    root_types: tuple | None = None  # kinds of roots drawn per problem: rational, double, irrational, complex
    max_root: int | None = None  # largest numerator magnitude of a rational root
    max_den: int | None = None  # largest denominator of a rational root (1: integer roots)
    leading: int | None = None  # largest common factor / leading coefficient multiplying the equation
    max_coeff: int | None = None  # largest |b|, |c| of a quadratic-formula problem
    standard_form: bool | None = None  # given as ax^2 + bx + c = 0 (else terms on both sides)

    LEVEL_KNOBS = {
        1: dict(root_types=("rational",), max_root=9, max_den=1, leading=1, max_coeff=9, standard_form=True),
        2: dict(root_types=("rational", "double"), max_root=12, max_den=1, leading=3, max_coeff=9,
                standard_form=True),
        3: dict(root_types=("rational", "double", "irrational"), max_root=12, max_den=2, leading=3,
                max_coeff=12, standard_form=False),
        4: dict(root_types=ROOT_TYPES, max_root=12, max_den=3, leading=4, max_coeff=12, standard_form=False),
        5: dict(root_types=ROOT_TYPES, max_root=15, max_den=4, leading=5, max_coeff=15, standard_form=False),
        6: dict(root_types=ROOT_TYPES, max_root=20, max_den=6, leading=8, max_coeff=25, standard_form=False),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        rt = k["root_types"]
        if isinstance(rt, str) or not isinstance(rt, (tuple, list)) or not rt:
            raise ConfigError(f"root_types must be a non-empty list of {', '.join(ROOT_TYPES)}; got {rt!r}")
        for t in rt:
            if t not in ROOT_TYPES:
                raise ConfigError(f"root_types: unknown kind {t!r}; valid: {', '.join(ROOT_TYPES)}")
        check_int("max_root", k["max_root"], 1, 1000)
        check_int("max_den", k["max_den"], 1, 100)
        check_int("leading", k["leading"], 1, 100)
        check_int("max_coeff", k["max_coeff"], 2, 10_000)
        check_bool(k, "standard_form")
        if "irrational" in rt and k["max_coeff"] < 3:
            raise ConfigError(
                "max_coeff must be at least 3 for irrational roots (b^2 - 4ac must be a non-square)"
            )


def _quad(a: int, b: int, c: int, x: str) -> Expr:
    return poly_to_expr({m: v for m, v in ((((x, 2),), a), (((x, 1),), b), ((), c)) if v})


def _squarefree(n: int) -> tuple[int, int]:
    """``n = s^2 * m`` with ``m`` square-free: returns ``(s, m)``."""
    s = 1
    f = 2
    while f * f <= n:
        while n % (f * f) == 0:
            n //= f * f
            s *= f
        f += 1
    return s, n


def _over(num: Expr, den: int) -> Expr:
    if den == 1:
        return num
    if isinstance(num, Neg):
        return Neg(Div(num.arg, Num(den)))
    return Div(num, Num(den))


def _roots(x: Sym, values: list[Expr]) -> str:
    return " or ".join(machine(Eq(x, v)) for v in values)


def _roots_text(x: Sym, values: list[Expr]) -> str:
    return " or ".join(text(Eq(x, v)) for v in values)


@register
class Quadratic(Rule):
    name = "quadratic"
    config_class = QuadraticConfig
    target_form = "roots"
    kind = "roots"
    instruction = "Solve for {var}:"
    typed_example = "x^2 - 5x + 6 = 0"
    mutation_family = "quadratic"
    description = (
        "Solve quadratic equations by factoring or the quadratic formula (real, irrational, complex)."
    )

    def _coefficients(self, rng: random.Random, kind: str) -> tuple[int, int, int, list[Fraction]]:
        k = self.k
        if kind in ("rational", "double"):
            while True:
                roots = []
                for _ in range(1 if kind == "double" else 2):
                    q = rng.randint(1, k["max_den"])
                    roots.append(Fraction(rng.randint(-k["max_root"], k["max_root"]), q))
                if kind == "double" or roots[0] != roots[1]:
                    break
            if kind == "double":
                roots.append(roots[0])
            (p1, q1), (p2, q2) = ((r.numerator, r.denominator) for r in roots)
            s = rng.randint(1, k["leading"])
            return s * q1 * q2, -s * (q1 * p2 + q2 * p1), s * p1 * p2, sorted(roots)
        while True:
            a = rng.randint(1, k["leading"])
            b = rng.randint(-k["max_coeff"], k["max_coeff"])
            c = coeff(rng, k["max_coeff"])
            d = b * b - 4 * a * c
            if kind == "complex" and d < 0 or kind == "irrational" and d > 0 and isqrt(d) ** 2 != d:
                return a, b, c, []

    def sample(self, rng: random.Random) -> Problem:
        k = self.k
        # a, b, c name the coefficients in the formula lines; the unknown avoids them when it can
        names = [n for n in self.config.vocab.names if n not in ("a", "b", "c")] or list(
            self.config.vocab.names
        )
        x = Sym(names[rng.randrange(len(names))])
        kind = rng.choice(list(k["root_types"]))
        a, b, c, rational = self._coefficients(rng, kind)
        steps: list[str] = []
        lines: list[str] = []
        standard = Eq(_quad(a, b, c, x.name), Num(0))
        if k["standard_form"]:
            problem = standard
        else:  # add the same terms to both sides, so they must first be brought to the left
            while True:
                e = [
                    rng.randint(-k["max_coeff"], k["max_coeff"]) if rng.random() < 0.6 else 0
                    for _ in range(3)
                ]
                if any(e) and a + e[0]:
                    break
            problem = Eq(_quad(a + e[0], b + e[1], c + e[2], x.name), _quad(*e, x.name))
            lines += ["Bring every term to the left:", text(standard)]
            steps.append(machine(standard))
        g = gcd(gcd(a, b), c)
        if g > 1:
            a, b, c = a // g, b // g, c // g
            lines += [f"Divide both sides by {g}:", text(Eq(_quad(a, b, c, x.name), Num(0)))]
            steps.append(machine(Eq(_quad(a, b, c, x.name), Num(0))))
        if rational:
            values = self._factor(x, rational, lines, steps)
        else:
            values = self._formula(x, a, b, c, lines, steps)
        answer = _roots(x, values)
        if not steps or steps[-1] != answer:
            steps.append(answer)
            lines.append(_roots_text(x, values))
        return Problem(
            instruction=self.instruction.format(var=x.name),
            problem_text=text(problem),
            problem=machine(problem),
            answer=answer,
            steps=steps,
            step_lines=lines,
            variables=[x.name],
            extra={"root_type": kind, "method": "factoring" if rational else "formula"},
        )

    def _factor(self, x: Sym, roots: list[Fraction], lines: list[str], steps: list[str]) -> list[Expr]:
        roots = sorted(roots, key=lambda r: r != 0)  # a factor x is written first: x(x - 2)
        factors = [add(term(r.denominator, x), number(-r.numerator)) if r else x for r in roots]
        if roots[0] == roots[1]:
            product: Expr = Pow(factors[0], Num(2))
            values = [number(roots[0])]
        else:
            product = Mul(tuple(factors))
            values = [number(r) for r in roots]
        lines += ["Factor:", text(Eq(product, Num(0)))]
        steps.append(machine(Eq(product, Num(0))))
        if len(values) == 2:
            lines.append("A product is zero when one of its factors is: " + text(Eq(factors[0], Num(0)))
                         + " or " + text(Eq(factors[1], Num(0))))  # fmt: skip
        else:
            lines.append(f"A square is zero when its base is: {text(Eq(factors[0], Num(0)))} (a double root)")
        return values

    def _formula(self, x: Sym, a: int, b: int, c: int, lines: list[str], steps: list[str]) -> list[Expr]:
        d = b * b - 4 * a * c
        neg_b = number(-b)
        lines.append(f"a = {a}, b = {b}, c = {c}")
        paren = lambda v: f"({v})" if v < 0 else str(v)  # noqa: E731
        lines.append(f"Discriminant: b^2 - 4ac = {paren(b)}^2 - 4*{a}*{paren(c)} = {d}")
        lines.append(
            "positive, not a square: two irrational roots" if d > 0 else "negative: two complex roots"
        )
        lines.append(f"Quadratic formula: {x.name} = (-b ± sqrt(b^2 - 4ac))/(2a)")

        def pair(center: Expr | None, radical: Expr, den: int) -> list[Expr]:
            return [
                _over(add(*([center] if center is not None else []), term(sg, radical)), den)
                for sg in (1, -1)
            ]

        raw = pair(neg_b if b else None, Sqrt(number(d)), 2 * a)
        steps.append(_roots(x, raw))
        lines.append(_roots_text(x, raw))
        s, m = _squarefree(abs(d))
        core: Expr = Sqrt(Num(m)) if m != 1 else Num(1)
        if d < 0:
            core = I if m == 1 else Mul((core, I))
        radical = core if s == 1 else (Mul((Num(s), *(core.factors if isinstance(core, Mul) else (core,)))))
        if radical != Sqrt(number(d)):
            simplified = pair(neg_b if b else None, radical, 2 * a)
            lines.append(f"Simplify sqrt({d}) = {text(radical)}:")
            steps.append(_roots(x, simplified))
            lines.append(_roots_text(x, simplified))
        g = gcd(gcd(b, s), 2 * a)
        if g > 1:
            r = (
                core
                if s // g == 1
                else Mul((Num(s // g), *(core.factors if isinstance(core, Mul) else (core,))))
            )
            lines.append(f"Divide numerator and denominator by {g}:")
            return pair(number(-b // g) if b else None, r, 2 * a // g)
        return pair(neg_b if b else None, radical, 2 * a)

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        values = answer.values if answer.kind == "roots" else list(answer.assign.values())
        if not values or answer.kind not in ("roots", "eq"):
            return "not of the form 'x = r1 or x = r2'"
        if any(v.free_symbols for v in values):
            return "a root still contains a variable"
        if len(values) == 2 and values[0] == values[1]:
            return "a double root is listed twice"
        for n in re.findall(r"sqrt\((-?\d+)\)", row["answer"]):
            if int(n) < 0 or _squarefree(int(n))[0] != 1:
                return f"sqrt({n}) is not simplified"
        return None
