"""The conventions answer graders agree on (README, "The checker's conventions"), and notation the parser
cannot read faithfully: it must answer None (unsupported), never a guess that could accept."""

from __future__ import annotations

import pytest

from hf_mathrules.verify import verify
from hf_mathrules.verify.conventions import apply, word_number

SAME = [
    # juxtaposed letters are variables when the other side says so
    ("ab + ac", "a(b + c)"),
    ("7uv", "7vu"),
    ("xyz^2", "z^2 yx"),
    # units and unit words after a number
    ("15", "15\\mbox{ cm}"),
    ("4", "4 \\text{ft}^2"),
    ("30", "30 miles"),
    ("6", "6 kg"),
    # text-formatting commands
    ("12", "\\textbf{12}"),
    ("x + 2", "\\mathbf{x} + 2"),
    # number and scale words
    ("eleven", "11"),
    ("forty-two", "42"),
    ("4000", "4 thousand"),
    ("1500000", "1.5 million"),
    # infinity
    ("\\infty", "Infinity"),
    ("(-\\infty, 2]", "(-infinity, 2]"),
    # case-insensitive words
    ("True", "true"),
    ("\\text{Even}", "even"),
    # percent: either reading when one side has the sign
    ("25\\%", "1/4"),
    ("0.15", "15\\%"),
    ("12", "12 percent"),
    # mixed numbers, vulgar fractions, repeating decimals
    ("7/2", "3 1/2"),
    ("-9/4", "-2 1/4"),
    ("11/4", "2\\frac{3}{4}"),
    ("7/4", "1¾"),
    ("1/9", "0.\\overline{1}"),
    ("41/333", "0.\\overline{123}"),
    # the real line, ± roots, chained equalities, tuple assignments, cases
    ("(-\\infty, \\infty)", "\\mathbb{R}"),
    ("y^2 = 49", "y = \\pm 7"),
    ("p = 3, q = 3", "p = q = 3"),
    ("m = 1, n = -4", "(m, n) = (1, -4)"),
    ("u = 2, v = 5", "\\begin{cases} u = 2 \\\\ v = 5 \\end{cases}"),
    # inequalities against intervals, and in several variables
    ("(-\\infty, -1)", "x < -1"),
    ("[0, 4]", "0 \\le s \\le 4"),
    ("a \\ge b", "b \\le a"),
    # floor, ceiling, max, min, infinite sums, Greek letters, vectors
    ("floor(y)", "\\lfloor y \\rfloor"),
    ("4", "\\lceil 3.2 \\rceil"),
    ("7", "\\max(3, 7, 1)"),
    ("\\operatorname{floor}(t)", "\\lfloor t \\rfloor"),
    ("3/2", "\\sum_{k=0}^{\\infty} \\frac{1}{3^k}"),
    ("2\\theta", "2θ"),
    ("\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}", "(3, -1)"),
    # word answers and choice letters
    ("Friday", "\\text{Friday}"),
    ("C", "\\boxed{\\text{C}}"),
    ("\\text{(D)}", "d"),
    ("\\textbf{hyperbola}", "Hyperbola."),
    # number decorations
    ("2.5", "2,5"),
    ("3.14", "≈ 3.14"),
    ("42", "**42**"),
    ("6", "6 = x"),
    ("12", "12 m/s"),
    ("5/11", "0.(45)"),
    # other scripts and languages around the answer
    ("9", "答案是 9"),
    ("250", "250千克"),
    ("4", "Ответ: 4"),
    ("11", "La respuesta es $11$."),
    ("x = 2, x = -5", "The roots are $x = 2$ and $x = -5$."),
    # calculus read faithfully
    ("\\arcsin w", "\\sin^{-1} w"),
    ("3t^2", "\\frac{d}{dt} t^3"),
    ("8", "\\int_0^4 t \\, dt"),
    ("2", "\\lim_{h \\to 0} \\frac{(1+h)^2 - 1}{h}"),
]

DIFFERENT = [
    ("2", "2m"),  # a bare single letter is a variable, not a unit
    ("5", "5y"),
    ("4", "4m^2"),  # no space: an expression, not a unit
    ("y", "Y"),  # bare single letters are variables: case matters
    ("(1, 2)", "[1, 2]"),  # an open and a closed interval
    ("10", "0.1"),  # no percent sign on either side: no percent reading
    ("0.1", "10"),
    ("3/2", "1\\frac{1}{3}"),
    ("2/3", "0.\\overline{5}"),
    ("(1, 3)", "1 \\le x \\le 3"),  # open vs closed
    ("x < y", "x \\le y"),
    ("x < y", "y < x"),
    ("1/\\cos v", "\\cos^{-1} v"),  # an inverse-trig superscript is arccos, not a reciprocal
    ("x^2 + 1", "x^2 - 1"),
    ("1/2", "0.5000001"),
    ("x = 3", "2x + 3 = 7"),
]

UNDECIDED = [
    ("g/t", "\\frac{d}{dt} g"),  # is g a function of t? Do not guess (d used to cancel)
    ("0", "\\frac{d}{dt} g"),
    ("x^2/2", "\\int x \\, dx"),  # indefinite: equal only up to a constant
    ("1", "\\frac{dy}{dx}"),
    ("2", "\\frac{d^2}{dx^2} x^2"),
    ("|x|", "\\begin{cases} x & x \\ge 0 \\\\ -x & x < 0 \\end{cases}"),
    ("2", "\\partial_x f"),
]


@pytest.mark.parametrize("gold,pred", SAME)
def test_equivalent_by_convention(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is True, v


@pytest.mark.parametrize("gold,pred", DIFFERENT)
def test_not_equivalent(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is False, v


@pytest.mark.parametrize("gold,pred", UNDECIDED)
def test_unsupported_notation_is_undecided(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is None, v
    assert v.reason in ("unsupported", "parse_error"), v


def test_text_rewrites():
    assert apply("5 1/2") == "(11/2)"
    assert apply("2 3/2") == "2 3/2"  # not a proper fraction: left as written
    assert apply("0.1\\overline{6}") == "(1/6)"
    assert apply("2.5 million") == "(2500000)"
    assert word_number("Seventeen.") == 17
    assert word_number("twenty one") == 21
    assert word_number("nothing") is None


@pytest.mark.parametrize("gold,pred", [("", ""), ("  ", " "), ("1", ""), ("", "1"), ("$ $", "$$")])
def test_empty_is_never_equivalent(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is None and v.reason == "parse_error", v
