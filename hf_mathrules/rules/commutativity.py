"""Commutativity: reorder the terms of a sum (and the factors of each term) into a requested order:
descending or ascending degree, or descending powers of the variables in a given order.  The
instruction states the order; each step moves one term to its place, so the answer holds the same
terms in the requested order."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any

from .. import draws
from ..expr.nodes import Add, Expr, Mul, Neg, Num, Pow, Sym
from ..expr.poly import Monomial
from ..expr.render import machine_and_text, text
from .base import ConfigError, Problem, Rule, RuleConfig, check_bool, check_int, register
from .terms import coeff, monomial, monomial_tree, split_top_level, sum_strings

ORDERS = ("descending_degree", "ascending_degree", "lex")


@dataclass(frozen=True)
class CommutativityConfig(RuleConfig):
    n_terms: int | None = None  # terms in the sum
    n_vars: int | None = None  # distinct variables
    max_coeff: int | None = None  # largest coefficient magnitude
    max_power: int | None = None  # largest exponent of a variable in a term
    orders: tuple | None = (
        None  # orders asked for, drawn per problem: descending_degree, ascending_degree, lex
    )
    given_order: bool | None = (
        None  # the variable order is a random one stated in the instruction (else a, b, c)
    )
    factor_order: bool | None = None  # factors inside each term are scrambled and must be put in order too

    LEVEL_KNOBS = {
        1: dict(n_terms=3, n_vars=1, max_coeff=9, max_power=3, orders=("descending_degree", "ascending_degree"),
                given_order=False, factor_order=False),
        2: dict(n_terms=4, n_vars=2, max_coeff=9, max_power=2, orders=("descending_degree",),
                given_order=False, factor_order=False),
        3: dict(n_terms=4, n_vars=2, max_coeff=9, max_power=3, orders=ORDERS, given_order=True,
                factor_order=False),
        4: dict(n_terms=5, n_vars=3, max_coeff=9, max_power=2, orders=ORDERS, given_order=True,
                factor_order=True),
        5: dict(n_terms=6, n_vars=3, max_coeff=12, max_power=3, orders=ORDERS, given_order=True,
                factor_order=True),
        6: dict(n_terms=8, n_vars=4, max_coeff=15, max_power=3, orders=ORDERS, given_order=True,
                factor_order=True),
    }  # fmt: skip

    def validate_knobs(self, k: dict) -> None:
        check_int("n_terms", k["n_terms"], 2, 12)
        check_int("n_vars", k["n_vars"], 1, 8)
        check_int("max_coeff", k["max_coeff"], 1, 1000)
        check_int("max_power", k["max_power"], 1, 9)
        orders = k["orders"]
        if isinstance(orders, str) or not isinstance(orders, (tuple, list)) or not orders:
            raise ConfigError(f"orders must be a non-empty list of {', '.join(ORDERS)}; got {orders!r}")
        for o in orders:
            if o not in ORDERS:
                raise ConfigError(f"orders: unknown order {o!r}; valid: {', '.join(ORDERS)}")
        check_bool(k, "given_order", "factor_order")
        self.check_vocab_size("n_vars", k["n_vars"])
        room = (k["max_power"] + 1) ** k["n_vars"]  # exponent vectors, the constant included
        if k["n_terms"] > room:
            raise ConfigError(
                f"n_terms={k['n_terms']} distinct terms cannot be made from n_vars={k['n_vars']} variables "
                f"with max_power={k['max_power']}; lower n_terms or raise n_vars/max_power"
            )


def order_key(kind: str, var_order: list[str]) -> Callable[[Monomial], tuple]:
    """Sort key of a requested order (smaller key comes first)."""

    def lex(m: Monomial) -> tuple:
        d = dict(m)
        return tuple(-d.get(v, 0) for v in var_order)

    if kind == "lex":
        return lex
    sign = -1 if kind == "descending_degree" else 1
    return lambda m: (sign * sum(k for _, k in m), lex(m))


def describe(kind: str, var_order: list[str], factor_order: bool) -> str:
    then = ", then ".join(var_order)
    if len(var_order) == 1:
        word = "descending" if kind != "ascending_degree" else "ascending"
        out = f"Write the terms in {word} powers of {var_order[0]}"
    elif kind == "lex":
        out = f"Write the terms in descending powers of {then}"
    else:
        word = "descending" if kind == "descending_degree" else "ascending"
        out = (
            f"Write the terms in {word} order of degree, terms of equal degree in descending powers of {then}"
        )
    if factor_order:
        out += f", each term as its coefficient followed by its variables in the order {', '.join(var_order)}"
    return out + ":"


@lru_cache(maxsize=64)
def _exponent_vectors(n_vars: int, max_power: int) -> tuple[tuple[int, ...], ...]:
    return tuple(product(range(max_power + 1), repeat=n_vars))


def _factors(m: Monomial, var_order: list[str]) -> list[Expr]:
    d = dict(m)
    return [Sym(v) if d[v] == 1 else Pow(Sym(v), Num(d[v])) for v in var_order if v in d]


def _scrambled(rng: random.Random, c: int, m: Monomial, var_order: list[str]) -> Expr:
    fs: list[Expr] = ([Num(abs(c))] if abs(c) != 1 or not m else []) + _factors(m, var_order)
    draws.shuffle(rng, fs)
    body = fs[0] if len(fs) == 1 else Mul(tuple(fs))
    return Neg(body) if c < 0 else body


def _position(i: int, n: int) -> str:
    return "to the front" if i == 0 else "to the end" if i == n - 1 else f"to place {i + 1}"


@register
class Commutativity(Rule):
    name = "commutativity"
    config_class = CommutativityConfig
    target_form = "ordered"
    kind = "expression"
    instruction = "Write the terms in descending powers of {var}:"
    typed_example = "-7 - 5w^3 - 9w"
    description = "Reorder terms and factors into a requested order (degree, or powers of given variables)."

    def _monomials(self, rng: random.Random, names: list[str]) -> list[Monomial]:
        k = self.k
        monos: list[Monomial] = []
        if rng.random() < 0.4:
            monos.append(())
        for _ in range(30 * k["n_terms"]):
            if len(monos) == k["n_terms"]:
                return monos
            m = monomial(rng, names, len(names), k["max_power"])
            if m not in monos:
                monos.append(m)
        # crowded knobs: fill from every exponent vector (names sorted, so the result is seed-pure)
        rest = []
        for vec in _exponent_vectors(len(names), k["max_power"]):
            m = tuple((v, e) for v, e in zip(sorted(names), vec) if e)
            if m not in monos:
                rest.append(m)
        return monos + draws.sample(rng, rest, k["n_terms"] - len(monos))

    def sample(self, rng: random.Random) -> Problem:
        k = self.k
        names = self.config.vocab.sample(rng, k["n_vars"])
        var_order = list(names) if k["given_order"] else sorted(names)
        kind = draws.choice(rng, list(k["orders"]))
        monos = self._monomials(rng, names)
        terms = [(coeff(rng, k["max_coeff"]), m) for m in monos]
        key = order_key(kind, var_order)  # built once, not per term
        target = sorted(terms, key=lambda t: key(t[1]))
        while terms == target:
            draws.shuffle(rng, terms)
        # each term's monomial with its variables in the stated order, and its tree
        ordered = {}
        for c, m in terms:
            d = dict(m)
            ordered[m] = (c, tuple([(v, d[v]) for v in var_order if v in d]))
        if k["factor_order"]:
            tidy = {m: monomial_tree(*ordered[m]) for _, m in terms}
            shown = {m: _scrambled(rng, c, m, var_order) for c, m in terms}
        else:  # the terms are shown tidy: a moved term's text from its strings, no tree
            tidy = shown = None
        current = [m for _, m in terms]
        # a sum of tidy terms is rendered from the terms (sum_strings), without building it
        if k["factor_order"]:
            problem = machine_and_text(Add(tuple(shown[m] for m in current)))
        else:
            problem = sum_strings([ordered[m] for m in current])
        lines: list[str] = []
        rendered: list[tuple[str, str]] = []
        if k["factor_order"] and shown != tidy:
            rendered.append(sum_strings([ordered[m] for m in current]))
            lines += ["Order the factors in each term:", "= " + rendered[-1][1]]
        for i, (_, m) in enumerate(target):
            j = current.index(m)
            if j == i:
                continue
            current.insert(i, current.pop(j))
            rendered.append(sum_strings([ordered[x] for x in current]))
            moved = text(tidy[m]) if tidy is not None else sum_strings([ordered[m]])[1]  # the signed term
            lines += [f"Move {moved} {_position(i, len(current))}:", "= " + rendered[-1][1]]
        steps = [m for m, _ in rendered]
        return Problem(
            instruction=describe(kind, var_order, k["factor_order"]),
            problem_text=problem[1],
            problem=problem[0],
            answer=steps[-1],
            steps=steps,
            step_lines=lines,
            variables=sorted(names),
            extra={"order": kind, "var_order": var_order, "factor_order": k["factor_order"]},
        )

    def check_form(self, row: dict, problem: Any, answer: Any) -> str | None:
        import json

        import sympy

        from .statements import parse_trusted

        meta = json.loads(row["meta"])
        var_order = meta["var_order"]
        key = order_key(meta["order"], var_order)
        syms = [sympy.Symbol(v) for v in var_order]
        keys = []
        for t in split_top_level(row["answer"]):
            p = sympy.Poly(parse_trusted(t), *syms)
            if len(p.monoms()) != 1:
                return f"{t} is not a single term"
            keys.append(key(tuple((v, e) for v, e in zip(var_order, p.monoms()[0]) if e)))
            if meta["factor_order"]:
                factors = re.split(r"(?<!\*)\*(?!\*)", t.lstrip("-"))
                if any(f[0].isdigit() for f in factors[1:]):
                    return f"the coefficient of {t} is not written first"
                idx = [var_order.index(f.split("**")[0]) for f in factors if not f[0].isdigit()]
                if idx != sorted(idx):
                    return f"the variables of {t} are not in the order {', '.join(var_order)}"
        if any(a >= b for a, b in zip(keys, keys[1:])):
            return f"the terms are not in {meta['order'].replace('_', ' ')} order"
        return None
