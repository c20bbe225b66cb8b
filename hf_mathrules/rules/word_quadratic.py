"""Quadratic word problems: rectangles and triangles of given area, Pythagoras, consecutive integers,
numbers described by their square, sums and products.  Each scenario is modelled by an equation in
``x`` that is rearranged into standard form ``a*x**2 + b*x + c = 0`` (the problem's machine syntax), then
factored (rational roots) or solved with the quadratic formula (irrational roots, OOD level).

The roots are chosen first, so every problem has exactly the intended two distinct roots.  The answer
lists both roots of the equation (``x = 5 or x = -8``); where a length must be positive, the
completion says which root is admissible before the answer line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, isqrt
from typing import Any

from ..expr.nodes import Div, Eq, Expr, Mul, Neg, Num, Pow, Sqrt, Sym, add, number, term
from ..expr.poly import poly_add, poly_scale, poly_to_expr, to_poly
from ..expr.render import machine, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_int, register
from .templates.quadratic import ADMISSIBLE, NUMBER_WORDS, TEMPLATES

SCENARIOS = tuple(TEMPLATES)
MONIC = tuple(s for s in SCENARIOS if s != "scaled_number")
IRRATIONAL_OK = ("rectangle", "number")  # scenarios whose numbers need not give rational roots
TRIPLES = ((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (12, 35, 37), (9, 40, 41))
X = Sym("x")


def _square(e: Expr) -> Expr:
    return Pow(e, Num(2))


def _linear_phrase(c: int, noun: str = "the number") -> tuple[str, str]:
    """``plus 3 times the number`` / ``add 3 times it`` for the coefficient ``c`` of x."""
    times = f"{abs(c)} times" if abs(c) != 1 else "1 times"
    if c > 0:
        return f"plus {times} {noun}", f"add {times} the number"
    return f"minus {times} {noun}", f"subtract {times} the number"


@dataclass(frozen=True)
class WordQuadraticConfig(RuleConfig):
    scenarios: tuple | None = None  # which stories: rectangle, number, scaled_number, consecutive, ...
    max_root: int | None = None  # largest root magnitude (lengths, numbers)
    max_leading: int | None = None  # largest leading coefficient (scaled_number scenario)
    irrational_prob: float | None = None  # share of rectangle/number problems with irrational roots

    LEVEL_KNOBS = {
        1: dict(
            scenarios=("rectangle", "number", "consecutive"), max_root=12, max_leading=1, irrational_prob=0.0
        ),
        2: dict(
            scenarios=("rectangle", "number", "consecutive", "sum_product", "square_border"),
            max_root=15,
            max_leading=1,
            irrational_prob=0.0,
        ),
        3: dict(scenarios=MONIC, max_root=20, max_leading=1, irrational_prob=0.0),
        4: dict(scenarios=SCENARIOS, max_root=20, max_leading=3, irrational_prob=0.0),
        5: dict(scenarios=SCENARIOS, max_root=25, max_leading=4, irrational_prob=0.0),
        6: dict(scenarios=SCENARIOS, max_root=40, max_leading=6, irrational_prob=0.4),
    }

    def validate_knobs(self, k: dict) -> None:
        sc = (k["scenarios"],) if isinstance(k["scenarios"], str) else k["scenarios"]
        if not isinstance(sc, (tuple, list)) or not sc or any(s not in SCENARIOS for s in sc):
            raise ConfigError(
                f"scenarios must be a non-empty list from {', '.join(SCENARIOS)}; got {k['scenarios']!r}"
            )
        check_int("max_root", k["max_root"], 3, 10**4)
        check_int("max_leading", k["max_leading"], 1, 9)
        p = k["irrational_prob"]
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ConfigError(f"irrational_prob must be a probability from 0 to 1, got {p!r}")
        if "scaled_number" in sc and k["max_leading"] < 2:
            raise ConfigError("the scaled_number scenario needs max_leading >= 2")


@register
class WordQuadratic(Rule):
    name = "word_quadratic"
    config_class = WordQuadraticConfig
    target_form = "roots"
    kind = "roots"
    typed_example = "The square of a number minus 3 times the number gives 10. Find every such number x."
    mutation_family = "quadratic"
    word_problem = True
    description = (
        "Quadratic word problems: model the story, bring it to standard form, factor or use the formula."
    )

    # -- scenarios: each returns (template fields, model equation) -------------------------------
    def story(self, rng: random.Random, scenario: str, irrational: bool) -> tuple[dict, Eq]:
        mr = self.k["max_root"]
        if scenario == "rectangle":
            k = rng.randint(1, mr)
            if irrational:
                while True:
                    area = rng.randint(2, mr * mr)
                    if isqrt(k * k + 4 * area) ** 2 != k * k + 4 * area:
                        break
            else:
                w = rng.randint(1, mr)
                area = w * (w + k)
            return {"k": k, "area": area}, Eq(Mul((X, add(X, k))), Num(area))
        if scenario in ("number", "scaled_number"):
            a = rng.randint(2, self.k["max_leading"]) if scenario == "scaled_number" else 1
            while True:
                if irrational:
                    b, c = rng.randint(-mr, mr), rng.randint(-mr * mr, mr * mr)
                    d = b * b + 4 * c
                    ok = b != 0 and d > 0 and isqrt(d) ** 2 != d
                else:
                    r2 = rng.randint(-mr, mr)
                    p = rng.randint(-mr * a, mr * a)
                    # a*x**2 + b*x = c with roots p/a and r2: (a*x - p)(x - r2) = 0
                    b, c = -(p + a * r2), -p * r2
                    ok = b != 0 and Fraction(p, a) != r2 and (a == 1 or p % a != 0)
                if ok:
                    break
            linear, verb = _linear_phrase(b)
            fields = {
                "linear": linear,
                "linear_verb": verb,
                "c": c,
                "a_word": NUMBER_WORDS[a],
                "A_word": NUMBER_WORDS[a].capitalize(),
            }
            return fields, Eq(add(term(a, _square(X)), term(b, X)), number(c))
        if scenario in ("consecutive", "consecutive_even"):
            step = 1 if scenario == "consecutive" else 2
            n = rng.randint(1, mr) * step
            return {"p": n * (n + step)}, Eq(Mul((X, add(X, step))), Num(n * (n + step)))
        if scenario == "triangle":
            while True:
                w, k = rng.randint(1, mr), rng.randint(1, mr)
                if w * (w + k) % 2 == 0:
                    break
            area = w * (w + k) // 2
            return {"k": k, "area": area}, Eq(Div(Mul((X, add(X, k))), Num(2)), Num(area))
        if scenario == "right_triangle":
            options = [(t, m) for t in TRIPLES for m in range(1, mr + 1) if t[0] * m <= mr]
            (a, b, c), m = rng.choice(options)
            k, h = (b - a) * m, c * m
            return {"k": k, "h": h}, Eq(add(_square(X), _square(add(X, k))), _square(Num(h)))
        if scenario == "square_border":
            s, k2 = rng.randint(1, mr), rng.randint(1, max(1, mr // 2))
            k = 2 * k2
            return {"k": k, "k2": k2, "area": (s + k) ** 2}, Eq(_square(add(X, k)), Num((s + k) ** 2))
        if scenario == "sum_product":
            while True:
                r1, r2 = rng.randint(-mr, mr), rng.randint(-mr, mr)
                if r1 != r2:
                    break
            s, p = r1 + r2, r1 * r2
            return {"s": s, "p": p}, Eq(Mul((X, add(number(s), Neg(X)))), number(p))
        raise ConfigError(f"unknown scenario {scenario!r}")

    def sample(self, rng: random.Random) -> Problem:
        k = self.k
        sc = (k["scenarios"],) if isinstance(k["scenarios"], str) else tuple(k["scenarios"])
        scenario = rng.choice(sc)
        irrational = scenario in IRRATIONAL_OK and rng.random() < k["irrational_prob"]
        template = rng.randrange(len(TEMPLATES[scenario]))
        fields, model = self.story(rng, scenario, irrational)
        lines = [f"Equation: {text(model)}"]
        steps = [machine(model)]
        if isinstance(model.lhs, Div) and isinstance(model.lhs.den, Num):  # x(x + k)/2 = A
            den = model.lhs.den.value
            model = Eq(model.lhs.num, Num(model.rhs.value * den))
            lines.append(f"Multiply both sides by {den}: {text(model)}")
            steps.append(machine(model))
        expanded = Eq(_collect(to_poly(model.lhs)), _collect(to_poly(model.rhs)))
        if expanded != model:
            lines.append(f"Expand: {text(expanded)}")
            steps.append(machine(expanded))
        poly = poly_add(to_poly(model.lhs), poly_scale(to_poly(model.rhs), Fraction(-1)))
        a, b, c = (Fraction(poly.get(m, 0)) for m in ((("x", 2),), (("x", 1),), ()))
        den = a.denominator * b.denominator * c.denominator
        a, b, c = a * den, b * den, c * den
        sign = -1 if a < 0 else 1
        if sign < 0 or den != 1:
            lines.append("Bring every term to the left" + (", multiply by -1" if sign < 0 else "") + ":")
        a, b, c = int(a * sign), int(b * sign), int(c * sign)
        standard = Eq(_quad(a, b, c), Num(0))
        lines.append(f"Standard form: {text(standard)}")
        steps.append(machine(standard))
        g = gcd(gcd(a, b), c)
        if g > 1:
            a, b, c = a // g, b // g, c // g
            standard = Eq(_quad(a, b, c), Num(0))
            lines.append(f"Divide by {g}: {text(standard)}")
            steps.append(machine(standard))
        d = b * b - 4 * a * c
        roots_text, admissible = self.solve(a, b, c, d, lines, steps)
        if scenario in ADMISSIBLE:
            lines.append(f"Both roots solve the equation; since {ADMISSIBLE[scenario]}, x = {admissible}.")
        return Problem(
            instruction=TEMPLATES[scenario][template].format(**fields),
            problem_text="",
            problem=machine(standard),
            answer=roots_text,
            steps=steps,
            step_lines=lines,
            variables=["x"],
            extra={"scenario": scenario, "template": template, "irrational": irrational},
        )

    @staticmethod
    def solve(a: int, b: int, c: int, d: int, lines: list[str], steps: list[str]) -> tuple[str, str]:
        """Factor (a perfect-square discriminant) or apply the formula; returns the answer and the
        positive root's text."""
        r = isqrt(d)
        if r * r == d:
            roots = sorted({Fraction(-b + r, 2 * a), Fraction(-b - r, 2 * a)}, reverse=True)
            factors = [add(term(q.denominator, X), number(-q.numerator)) for q in roots]
            factored = Eq(Mul(tuple(factors)), Num(0))
            lines.append(f"Factor: {text(factored)}")
            steps.append(machine(factored))
            exprs = [number(q) for q in roots]
        else:
            s, rest = 1, d
            for f in range(isqrt(d), 1, -1):
                if rest % (f * f) == 0:
                    s, rest = f, rest // (f * f)
                    break
            lines.append(f"Discriminant: b^2 - 4ac = {d}, not a perfect square; use the quadratic formula:")
            formula = [Div(add(number(-b), term(sg, Sqrt(Num(d)))), Num(2 * a)) for sg in (1, -1)]
            line = " or ".join(machine(Eq(X, e)) for e in formula)
            lines.append(" or ".join(text(Eq(X, e)) for e in formula))
            steps.append(line)
            g = gcd(gcd(b, s), 2 * a)
            exprs = []
            for sg in (1, -1):
                num = add(*([number(-b // g)] if b else []), term(sg * s // g, Sqrt(Num(rest))))
                exprs.append(num if 2 * a // g == 1 else Div(num, Num(2 * a // g)))
        answer = " or ".join(machine(Eq(X, e)) for e in exprs)
        lines.append("So " + " or ".join(text(Eq(X, e)) for e in exprs))
        steps.append(answer)
        return answer, text(exprs[0])

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        if answer.kind != "roots" or len(answer.values) != 2:
            return "the answer does not list the two roots as 'x = r1 or x = r2'"
        if any(v.free_symbols for v in answer.values):
            return "a root still contains a variable"
        return None


def _collect(p) -> Expr:
    return poly_to_expr(p)


def _quad(a: int, b: int, c: int) -> Expr:
    return add(
        *[
            t
            for t in (term(a, _square(X)), term(b, X), number(c))
            if not (isinstance(t, Num) and t.value == 0)
        ]
    )
