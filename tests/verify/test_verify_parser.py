"""Parser and limits: every refusal is a verdict with a reason, never an exception or a hang."""

import time

import pytest

from hf_mathrules.verify import Limits, verify
from hf_mathrules.verify.limits import ParseError, TooLarge, Unsupported
from hf_mathrules.verify.parser import parse


@pytest.mark.parametrize(
    "text",
    [
        "3*x**2 - 2*x*y",
        "3x^2 \u2212 2xy",
        r"\frac{1}{2}x^{2}",
        r"$\dfrac{10}{9}$",
        "3(x+1)",
        r"x \in \{1,-3\}",
        r"\begin{pmatrix} 0 & 3 \\ 0 & -1 \end{pmatrix}",
        "(0,1]",
        r"\sqrt[3]{8}+\sqrt2",
        r"x=\pm 2",
        r"\left( 3, \frac{\pi}{2} \right)",
        "2\u00d73\u00f74",
        "\u221a2",
        r"(-\infty, 1) \cup (2, \infty)",
    ],
)
def test_parses_plain_textbook_and_latex(text):
    tree = parse(text, Limits())
    assert isinstance(tree, tuple) and isinstance(tree[0], str)


def test_multi_letter_symbols_follow_the_gold():
    assert parse("xy", Limits(), frozenset({"x", "y"})) == ("mul", (("sym", "x"), ("sym", "y")))
    assert parse("xy", Limits(), frozenset({"xy"})) == ("sym", "xy")
    assert parse("applebanana", Limits(), frozenset({"apple", "banana"}))[0] == "mul"
    assert parse("R1", Limits()) == ("sym", "R1")


@pytest.mark.parametrize(
    "text,limits,error",
    [
        ("x" * 20, Limits(max_length=10), TooLarge),
        ("(" * 10_000 + "1" + ")" * 10_000, Limits(), TooLarge),
        ("-" * 10_000 + "1", Limits(), TooLarge),
        ("1" * 3000, Limits(), TooLarge),
        ("+".join(f"v{i}" for i in range(40)), Limits(), TooLarge),
        ("__import__('os')", Limits(), ParseError),
        ("(lambda: 1)()", Limits(), ParseError),
        (r"\input{/etc/passwd}", Limits(), Unsupported),
    ],
)
def test_limits_and_refusals(text, limits, error):
    with pytest.raises(error):
        parse(text, limits)


@pytest.mark.parametrize(
    "pred,reason",
    [
        ("9^9^9^9", "too_large"),
        ("5^{5^{5^{5^5}}}", "too_large"),
        ("x^{99999999}", "too_large"),
        ("1" * 1_000_000, "too_large"),
        ("(" * 10_000 + "1" + ")" * 10_000, "too_large"),
        ("x.__class__", "parse_error"),
        ("", "parse_error"),
    ],
)
def test_adversarial_inputs_get_prompt_refusals(pred, reason):
    t = time.perf_counter()
    v = verify("2", pred, timeout=2.0)
    assert v.reason == reason and v.equivalent is None
    assert time.perf_counter() - t < 2.5


def test_non_string_input_is_a_verdict():
    v = verify(None, 3)  # type: ignore[arg-type]
    assert v.equivalent is None and v.reason == "unsupported"
