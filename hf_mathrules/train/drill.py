"""Arithmetic drill rows: signed sums, products and exact quotients of whole numbers below 1000, written
as the rules write them, mixed into training (``--arithmetic_rows``).

A from-scratch model learns a rule's moves long before it adds two numbers in the hundreds: past level 1,
linear systems and Gaussian elimination fail at a right coefficient beside a wrong constant (EXPERIMENTS
§§ 3c, 4b).  A rule row holds a few such sums among ~300 tokens of moves; a drill row is one sum alone in
~12 tokens, so a tenth of the training tokens multiplies the sums a model sees.  Rows are pure functions of
(seed, index), and every number in them (operands and result) is below 1000, one token of the ``math``
tokenizer."""

from __future__ import annotations

import random

from ..prompting import ANSWER_WORD, PROMPT_SEPARATOR

LIMIT = 999
# sums are what the rules' constant sides need most; products come from expanding c(a + bx), quotients
# from dividing out a pivot or a common factor
KINDS = ("sum", "product", "quotient")
KIND_WEIGHTS = (6, 3, 1)
PROMPT = "Compute:"


def _magnitude(rng: random.Random, top: int) -> int:
    """1..top, log-uniform: small numbers as often as numbers in the hundreds."""
    return min(top, int(top ** rng.random()))


def _signed(rng: random.Random, top: int) -> int:
    m = max(1, _magnitude(rng, top))
    return -m if rng.random() < 0.5 else m


def _operand(n: int) -> str:
    return f"({n})" if n < 0 else str(n)


def drill_problem(rng: random.Random) -> tuple[str, int]:
    """``(expression, value)``: ``-60 - 264`` / ``-324``, ``-6*(-44)`` / ``264``, ``-162/(-18)`` / ``9``."""
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    while True:  # redraw the operands until every number fits (and no factor or divisor is 1)
        if kind == "sum":
            a, b = _signed(rng, LIMIT), _signed(rng, LIMIT)
            text, value, ok = (f"{a} + {b}" if b > 0 else f"{a} - {-b}"), a + b, True
        elif kind == "product":
            a, b = _signed(rng, 12), _signed(rng, LIMIT)
            text, value, ok = f"{a}*{_operand(b)}", a * b, abs(a) > 1
        else:
            d, q = _signed(rng, 20), _signed(rng, 99)
            text, value, ok = f"{d * q}/{_operand(d)}", q, abs(d) > 1 and abs(d * q) <= LIMIT
        if ok and abs(value) <= LIMIT:
            return text, value


def drill_kind(prompt: str) -> str:
    """``sum``, ``product`` or ``quotient``: which kind a drill row's prompt asks."""
    return "product" if "*" in prompt else "quotient" if "/" in prompt else "sum"


def drill_row(seed: int, index: int) -> dict[str, str]:
    """One prompt/completion row, a pure function of ``(seed, index)``."""
    text, value = drill_problem(random.Random(f"drill:{seed}:{index}"))
    # the expression on a line of its own under a header, as the rules write a step ("Combine like terms:")
    return {"prompt": f"{PROMPT}\n{text}{PROMPT_SEPARATOR}", "completion": f"{ANSWER_WORD}: {value}"}


def drill_rows(n: int, seed: int = 0) -> list[dict[str, str]]:
    if n < 0:
        raise ValueError(f"arithmetic drill rows must not be negative, got {n}")
    return [drill_row(seed, i) for i in range(n)]
