"""Notation and extraction features of the checker, each with cases that must pass and cases that must not."""

import pytest

from hf_mathrules.verify import Limits, extract_answer, verify
from hf_mathrules.verify.parser import parse

M = r"\begin{{pmatrix}}{} & {} \\ {} & {}\end{{pmatrix}}".format


@pytest.mark.parametrize(
    "gold, pred, expected",
    [
        # finite sums and products: small integer bounds evaluated exactly, symbolic ones in closed form
        ("30", r"\sum_{k=1}^{4} k^2", True),
        ("31", r"\sum_{k=1}^{4} k^2", False),
        ("120", r"\prod_{j=1}^{5} j", True),
        ("55", r"\sum_{i=1}^{10} i", True),
        (r"\frac{n(n+1)}{2}", r"\sum_{k=1}^{n} k", True),
        (r"\frac{n(n-1)}{2}", r"\sum_{k=1}^{n} k", False),
        # an expression subscript is an indexed value; a subscript on the index is too
        (r"a_{n+1} = 2a_n", r"a_{n+1} = a_n \cdot 2", True),
        (r"a_{n+1} = 2a_n", r"a_{n+1} = 3a_n", False),
        (r"S = \sum_{k=1}^{m} b_k c_k", r"S = \sum_{k=1}^{m} c_k b_k", True),
        (r"S = \sum_{k=1}^{m} b_k c_k", r"S = \sum_{k=1}^{m} b_k c_{k+1}", False),
        # numerals in another base
        ("11", "1011_2", True),
        ("54", "204_5", True),
        ("$204_5$", "$54$", True),
        ("55", "204_5", False),
        ("11", "1011_{2}", True),
        # a function value f(x) is one unknown; a(b+c) stays a product
        ("0 < g(t) < 2", "(0, 2)", True),
        ("0 < g(t) < 2", "(0, 3)", False),
        ("f(x) = 2x + 1", "2x+1", True),
        ("a(b+c)", "ab+ac", True),
        (r"g(n) = 0 \text{ or } g(n) = 2", "g(x)=0 or g(x)=2", True),
        (r"g(n) = 0 \text{ or } g(n) = 2", "h(x)=0 or h(x)=2", False),
        (r"g(n) = 0 \text{ or } g(n) = 2", "g(x)=0 or g(x)=3", False),
        # separator words glued to values
        (r"x = \pm 3", "x=3orx=-3", True),
        (r"x = \pm 3", "x=3orx=-4", False),
        # an undefined bare command is an opaque name; a structural one is not
        (r"5\ell", r"2\ell + 3\ell", True),
        (r"\ell", r"\hbar", False),
        # matrix arithmetic
        (M(6, 8, 10, 12), M(1, 2, 3, 4) + " + " + M(5, 6, 7, 8), True),
        (M(6, 8, 10, 13), M(1, 2, 3, 4) + " + " + M(5, 6, 7, 8), False),
        (M(7, 10, 15, 22), M(1, 2, 3, 4) + M(1, 2, 3, 4), True),
        (M(7, 10, 15, 22), M(1, 2, 3, 4) + "^2", True),
        (M(3, 6, 9, 12), "3" + M(1, 2, 3, 4), True),
        (M(1, 2, 3, 4), M(2, 4, 6, 8) + "/2", True),
        (M(1, 2, 3, 4), "-" + M(-1, -2, -3, -4), True),
        # several solutions of a system, one group each
        ("x=1,y=2;x=3,y=4", "(3,4),(1,2)", True),
        ("x=1,y=2;x=3,y=4", "y=2,x=1;y=4,x=3", True),
        ("x=1,y=2;x=3,y=4", "(x, y) = (1, 2), (3, 4)", True),
        ("x=1,y=2;x=3,y=4", "(1,2),(3,5)", False),
        ("x=1,y=2;x=3,y=4", "(1,2)", False),
        # tuples named by their variables, membership in an interval
        ("(1, 2), (2, 1)", r"(a, b) = (2, 1) \text{ and } (1, 2)", True),
        ("(1, 2), (2, 1)", r"(a, b) = (2, 1) \text{ and } (1, 3)", False),
        ("[0, 3]", r"t \in [0, 3]", True),
        ("[0, 3]", r"t \in (0, 3)", False),
    ],
)
def test_notation(gold, pred, expected):
    v = verify(gold, pred, timeout=10)
    assert (v.equivalent is True) is expected, v


@pytest.mark.parametrize(
    "gold, pred, expected",
    [
        # an escaped dollar inside math is a currency sign, not a delimiter
        ("5", r"The price is $ 2\$ + 3\$ = 5\$ $", True),
        ("6", r"The price is $ 2\$ + 3\$ = 5\$ $", False),
        # only what follows </think> is the answer
        ("4", r"<think> maybe \boxed{3} </think> The answer is \boxed{4}", True),
        ("3", r"<think> maybe \boxed{3} </think> The answer is \boxed{4}", False),
        # the final run of boxes, not an earlier attempt
        ("2, 5", r"first try \boxed{7}. Then the roots are \boxed{2} and \boxed{5}.", True),
        ("7, 2, 5", r"first try \boxed{7}. Then the roots are \boxed{2} and \boxed{5}.", False),
        # a reference's boxes joined by a connective are one answer; by other words, the last counts
        (r"\boxed{3} apples and \boxed{4} pears", "3, 4", True),
        (r"\boxed{3} wrong wrong \boxed{4}", "4", True),
        (r"\boxed{3} wrong wrong \boxed{4}", "3, 4", False),
        # a multi-part reference: the prediction's last boxes, with prose between them
        ("(1, 2), (3, 4)", r"\boxed{(1,2)} for the first case and \boxed{(3,4)} for the second", True),
        ("(1, 2), (3, 4)", r"\boxed{(1,2)} for the first case and \boxed{(3,5)} for the second", False),
        # a box written after "name =" keeps its name when the parts are collected
        ("a = 2, b = 3", r"so $a = \boxed{2}$ and then $b = \boxed{3}$", True),
        ("a = 2, b = 3", r"so $a = \boxed{2}$ and then $b = \boxed{4}$", False),
        # a box left unclosed runs to the end
        (r"\boxed{x = 4", "4", True),
        # a number stated only in a concluding sentence after the last math
        ("17", "We check $n=1$ through $n=5$ one by one. Therefore, there are 17 ways to do it.", True),
        ("5", "We check $n=1$ through $n=5$ one by one. Therefore, there are 17 ways to do it.", False),
        ("2.5", "so the total comes to 2.5 litres", True),
        # words and a number with no notation at all
        ("3.5", "Total : 3,50 euros", True),
        ("2", "AZYUK2A", False),
        # an answer line with several spans
        ("4, 9", "Final Answer: The final answer is $4$ and $9$. I hope it is correct.", True),
        ("4, 9", "Final Answer: The final answer is $4$ and $8$. I hope it is correct.", False),
    ],
)
def test_extraction(gold, pred, expected):
    v = verify(gold, pred, timeout=10)
    assert (v.equivalent is True) is expected, v


def test_bounded_features_refuse_instead_of_computing():
    assert verify("1", r"\sum_{k=1}^{10^{9}} k").reason == "too_large"
    assert verify("1", r"\prod_{k=1}^{900} 10^{9}").reason == "too_large"
    assert verify(M(1, 0, 0, 1), M(1, 1, 0, 1) + "^{1000}").reason == "too_large"
    assert verify(M(1, 0, 0, 1), M(1, 2, 3, 4) + " + 5").equivalent is not True
    assert verify("54", "209_5").reason == "parse_error"  # 9 is not a base-5 digit
    assert verify("1", r"\mathbb{R}").equivalent is not True


def test_parser_nodes():
    limits = Limits()
    assert parse("204_5", limits) == ("num", "54")
    assert parse("f(x)", limits) == ("sym", "f(x)")
    tree = parse(r"\sum_{i=1}^{3} a_i", limits)
    assert tree[:3] == ("bigop", "sum", "i") and tree[5] == ("idx", "a", ("sym", "i"))
    grouped = parse("x=1,y=2;x=3,y=4", limits)
    assert grouped[0] == "seq" and grouped[1] == ";" and [g[1] for g in grouped[2]] == [",", ","]
    assert extract_answer(r"\boxed{3} apples and \boxed{4} pears", reference=True) == "3, 4"
    assert extract_answer(r"\boxed{3} apples and \boxed{4} pears") == "4"


def test_power_after_split_word_binds_to_last_letter():
    from hf_mathrules.verify import verify

    assert verify("3*v*y**2 + 7", "7 + 3vy^2").equivalent is True
    assert verify("3*v*y**2 + 7", "7 + 3(vy)^2").equivalent is False
