"""Notation as datasets write golds (MATH, OlympiadBench, minerva OCW, GSM8K) and as models print LaTeX:
one group per convention, each with a right reading (equivalent) and a near miss (not equivalent)."""

from __future__ import annotations

import pytest

from hf_mathrules.verify import Limits, verify
from hf_mathrules.verify.conventions import apply
from hf_mathrules.verify.lexer import normalize, stated_units

CONVENTIONS = {
    # ISO / French intervals: ]a, b[ is open, [a, b[ open on the right
    "iso_intervals": (
        [("(1, 3)", "]1,3["), ("[1, 3)", "[1,3["), ("(1, 3]", "]1,3]"), ("[0, \\infty)", "[0, +\\infty[")],
        [("(1, 3]", "]1,3["), ("[1, 3]", "[1,3["), ("(1, 3)", "]1,4[")],
    ),
    # set-builder notation for a subset of the reals
    "set_builder": (
        [
            ("(2, \\infty)", "\\{x \\mid x > 2\\}"),
            ("(1, 3)", "\\{x : 1 < x < 3\\}"),
            ("(0, 3)", "\\{x \\in \\mathbb{R} \\mid 0 < x < 3\\}"),
            ("(-\\infty, 2] \\cup [5, \\infty)", "\\{x : x \\le 2 \\text{ or } x \\ge 5\\}"),
            ("[0, 2]", "\\{x \\,|\\, 0 \\le x \\le 2\\}"),
        ],
        [("[2, \\infty)", "\\{x \\mid x > 2\\}"), ("(0, 3)", "\\{x \\in \\mathbb{R} \\mid 0 < x \\le 3\\}")],
    ),
    # set differences
    "setminus": (
        [
            ("(-\\infty, 2) \\cup (2, \\infty)", "\\mathbb{R} \\setminus \\{2\\}"),
            ("x \\ne 1", "\\mathbb{R}\\setminus\\{1\\}"),
        ],
        [("(-\\infty, 2) \\cup (2, \\infty)", "\\mathbb{R} \\setminus \\{3\\}")],
    ),
    # inequalities joined by "or" are a union of intervals
    "inequality_unions": (
        [("x < 2 \\text{ or } x > 3", "(-\\infty,2)\\cup(3,\\infty)")],
        [("x < 2 \\text{ or } x > 3", "(-\\infty,2]\\cup[3,\\infty)")],
    ),
    # a name given to a set or matrix adds nothing
    "named_values": (
        [
            (
                "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
                "\\mathbf{v} = \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
            ),
            ("S = \\{1, 2\\}", "\\{2, 1\\}"),
        ],
        [
            (
                "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
                "\\mathbf{v} = \\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}",
            ),
            ("\\{1, 2\\}", "S = \\{1, 3\\}"),
        ],
    ),
    # the inverse function's value, like f(x), names the quantity
    "inverse_function": (
        [("f^{-1}(x) = 2x", "2x"), ("h^{-1}(x) = \\frac{x-1}{2}", "\\frac{x-1}{2}")],
        [("f^{-1}(x) = 2x", "\\frac{x}{2}")],
    ),
    # the empty set in words
    "empty_in_words": (
        [("\\text{no real solutions}", "\\varnothing"), ("\\emptyset", "\\text{No solution.}")],
        [("\\text{no solution}", "\\{0\\}")],
    ),
    # units after a number, also after a power of ten, compound (m/s^2), upright single letters
    "units": (
        [
            ("5", "5 \\mathrm{~s}"),
            ("3", "3 \\mathrm{~m} / \\mathrm{s}"),
            ("9.8", "9.8 \\mathrm{~m} / \\mathrm{s}^{2}"),
            ("4", "4\\,\\mathrm{m/s^2}"),
            ("1.2 \\times 10^{5} \\mathrm{~J}", "1.2\\times10^{5}"),
            ("3\\times10^8", "3.0\\times 10^{8}\\ \\mathrm{m/s}"),
            ("10 \\mathrm{~m}", "10 \\text{ meters}"),
            ("12 \\text{ cm}", "12 \\text{ centimeters}"),
            ("2 \\text{ cm}^2", "2 \\text{ cm}^{2}"),
        ],
        [
            ("2", "2\\mathrm{e}"),  # Euler's number, not a unit
            ("3\\mathbf{u} + 2\\mathbf{v}", "2\\mathbf{u} + 3\\mathbf{v}"),  # bold letters are vectors
            ("1.6 \\times 10^{-19} \\mathrm{~C}", "1.6\\times10^{-18}"),
        ],
    ),
    # different units stated on both sides are different answers (no conversion)
    "unit_mismatch": (
        [],
        [
            ("5 \\text{ kg}", "5 \\text{ g}"),
            ("2 \\text{ hours}", "2 \\text{ minutes}"),
            ("5 \\text{ m}^2", "5 \\text{ m}"),
            ("10 \\mathrm{~m}", "10 \\mathrm{~s}"),
        ],
    ),
    # scale words inside \text
    "scale_words": (
        [("3000000", "3 \\text{ million}"), ("2500", "2.5\\text{ thousand}")],
        [("3000", "3 \\text{ million}")],
    ),
    # thousands separators written with \! inside a tuple; a plain comma there stays a separator
    "thousands_in_tuples": ([("(5000, 3)", "(5,\\!000, 3)")], [("(5000, 3)", "(5, 000, 3)")]),
    # mixed numbers with an unbraced fraction
    "mixed_numbers": (
        [("\\frac{14}{3}", "4 \\frac 23"), ("1.5", "1\\frac12"), ("\\frac{5}{2}", "2 \\tfrac 12")],
        [("\\frac{7}{3}", "2\\frac14")],
    ),
    # infinity in words inside \text
    "infinity_text": (
        [("\\infty", "\\text{infinity}"), ("-\\infty", "-\\text{infinity}")],
        [("\\infty", "-\\text{infinity}")],
    ),
    # degrees inside a trigonometric function
    "trig_degrees": (
        [("\\frac{\\sqrt{2}}{2}", "\\cos(45^{\\circ})"), ("0.5", "\\sin 30^\\circ")],
        [("0.5", "\\sin 30"), ("\\frac{\\sqrt{3}}{2}", "\\cos 45^\\circ")],
    ),
}


def _pairs(which: int):
    return [
        pytest.param(g, p, id=f"{name}-{i}")
        for name, both in CONVENTIONS.items()
        for i, (g, p) in enumerate(both[which])
    ]


@pytest.mark.parametrize("gold,pred", _pairs(0))
def test_notation_equivalent(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is True, v


@pytest.mark.parametrize("gold,pred", _pairs(1))
def test_notation_near_miss_rejected(gold, pred):
    v = verify(gold, pred)
    assert v.equivalent is False, v


def test_stated_units_are_canonical():
    lim = Limits()
    assert stated_units("5 \\text{ meters}", lim) == stated_units("5 \\mathrm{~m}", lim) == ("m",)
    assert stated_units("2 \\text{ cm}^2", lim) == ("cm^2",)
    assert stated_units("5", lim) is None
    assert stated_units("5 \\text{ apples}", lim) is None  # unknown unit: not compared
    assert stated_units("3 \\mathrm{~m} / \\mathrm{s}", lim) is None  # compound: not compared


def test_text_rewrites():
    assert apply("1\\frac12") == "(3/2)"
    assert apply("2\\frac32") == "2\\frac32"  # not a proper fraction: left as written
    assert apply("3 \\text{ million}") == "(3000000)"
    lim = Limits()
    assert normalize("(1,\\!000, 2)", lim) == "(1000, 2)"
    assert "\\pi / 180" in normalize("\\sin 30^\\circ", lim)
    assert normalize("30^\\circ", lim) == "30"  # outside a trigonometric function, degrees are dropped
