"""Equivalence by kind, forms and step checks, on hand-made cases and on the rule engine's rows."""

import pytest

from hf_mathrules.rules import make_rule
from hf_mathrules.verify import verify, verify_batch, verify_steps

CASES = [
    # expressions and numbers
    ("a*(b+c)", "a*b + a*c", True),
    ("x*y", "xy", True),
    ("apple*banana", "banana apple", True),
    ("sin(x)**2+cos(x)**2", "1", True),
    ("sqrt(2)/2", r"\frac{1}{\sqrt{2}}", True),
    (r"\frac{1}{2}", "0.5", True),
    ("1e-7", "2e-7", False),
    ("3.14", r"\pi", True),
    ("1/3", "0.333", False),
    ("2", "2m", False),
    ("10", "0.1", False),
    # equations
    ("x = -2", "2x + 4 = 0", True),
    ("2x+4=0", "x+2=0", True),
    ("x = 3", "3", True),
    ("x = 3", "y = 3", False),
    ("x - 1 = 0", "x - 2 = 0", False),
    ("x + y = 0", "x - y = 0", False),
    ("x + 2 = 0", "0 = 0", False),
    ("y = 2x + 1", "2x - y + 1 = 0", True),
    # systems
    ("2x+y=3; x-y=0", "x - y = 0; 2x + y = 3", True),
    ("x = 1, y = 1", "2x+y=3; x-y=0", True),
    ("x + y = 3; x - y = 1", "x = 1, y = 2", False),
    # roots
    ("x = 1 or x = -3", r"x \in \{1,-3\}", True),
    ("x = 1 or x = -3", "x = -3, x = 1", True),
    ("x = 1 or x = -3", "{1, -3}", True),
    ("x = 1 or x = -3", "x = 1", False),
    ("x = 1 + I or x = 1 - I", r"x = 1 \pm i", True),
    ("x = (1 + sqrt(5))/2 or x = (1 - sqrt(5))/2", r"x = \frac{1 \pm \sqrt{5}}{2}", True),
    ("x = 1 or x = -3", "x^2 + 2x - 3 = 0", True),
    # sets, intervals, inequalities, tuples, matrices
    ("(0,1]", "(0, 1]", True),
    ("(0,1]", "[0, 1]", False),
    ("x > 2", r"(2, \infty)", True),
    (r"(-\infty, 1) \cup (2, \infty)", "x < 1 or x > 2", True),
    ("(1, 2)", "(1, 2)", True),
    ("(1, 2)", "(2, 1)", False),
    ("[[1, 2], [0, 1/2]]", r"\begin{pmatrix}1&2\\0&0.5\end{pmatrix}", True),
    ("[[1, 2], [0, 1/2]]", r"\begin{pmatrix}1&2\\0&1\end{pmatrix}", False),
    # completions
    ("x = 1 or x = -3", "Step 1: factor.\nAnswer: x = 1 or x = -3", True),
    (r"\frac{14}{3}", r"so $2+\frac{5}{3}+1=\boxed{\frac{14}{3}}$", True),
    ("7", "The final answer is 7. I hope it is correct.", True),
]


@pytest.mark.parametrize("gold,pred,expected", CASES)
def test_equivalence(gold, pred, expected):
    v = verify(gold, pred)
    assert v.equivalent is expected, v


@pytest.mark.parametrize(
    "gold,pred,form,ok",
    [
        ("-q**2 + q", "q*(1 - q)", "expanded", False),
        ("-q**2 + q", "q - q**2", "expanded", True),
        ("2*x*y", "x*y + x*y", "expanded", False),
        ("(x+1)*(x-1)", "x^2-1", "factored", False),
        ("(x+1)*(x-1)", "(x-1)(x+1)", "factored", True),
        ("(x+1)*(x**2+1)", "(x+1)(x^2+1)", "factored", True),
        ("x**2 - 2*x + 1", "x^2 + 1 - 2x", "ordered", False),
        ("x**2 - 2*x + 1", "x^2 - 2x + 1", "ordered", True),
        ("x = 3", "2x = 6", "solved", False),
        ("x = 3", "x = 3", "solved", True),
        ("R = 35", "R = 32 + 3", "solved", False),
        ("1/2", "2/4", "simplified", False),
    ],
)
def test_forms(gold, pred, form, ok):
    v = verify(gold, pred, form=form)
    assert v.equivalent is ok, v
    if not ok:
        assert v.reason == "wrong_form"


def test_rule_rows_answers_pass_and_problems_fail_the_form():
    rule = make_rule("distributivity", level=2)
    rows = rule.generate(8, seed=5)
    answers = verify_batch([(r["answer"], r["completion"]) for r in rows], form=rule.target_form)
    assert all(v.equivalent for v in answers), answers
    problems = verify_batch([(r["answer"], r["problem"]) for r in rows], form="expanded")
    assert all(v.reason == "wrong_form" for v in problems), problems
    assert all(v.equivalent for v in verify_batch([(r["answer"], r["problem"]) for r in rows]))


def test_steps_report_the_first_bad_step():
    row = make_rule("distributivity", level=3).generate(1, seed=2)[0]
    assert verify_steps(row["problem"], row["steps"]).first_bad is None
    broken = list(row["steps"])
    broken[0] = broken[0] + " + 1"
    res = verify_steps(row["problem"], broken)
    assert res.first_bad == 0 and res.verdicts[0].equivalent is False


def test_deterministic():
    pairs = [(g, p) for g, p, _ in CASES[:12]]
    a = [v.equivalent for v in verify_batch(pairs)]
    b = [v.equivalent for v in verify_batch(pairs)]
    assert a == b
