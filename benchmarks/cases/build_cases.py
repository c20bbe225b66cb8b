"""Build the DEV / FROZEN answer-checker benchmark cases.

Every case lives in the tables below, next to the source it was taken from.  Running this script writes
``dev.jsonl`` and ``frozen.jsonl`` next to it, deterministically:

    python benchmarks/cases/build_cases.py

Split rule: ``int(sha256(gold + "\\x00" + pred).hexdigest(), 16) % 100 < 55`` -> frozen, else dev.
Exact (gold, pred) duplicates are dropped, and so is any pair already in benchmarks/equivalence_cases.jsonl
(compared exactly, and also after removing ``$`` and whitespace, so a ``$``-wrapped copy of an existing case
does not sneak in).

``expected`` is the mathematical verdict under the checker's conventions (see README.md in this folder),
not necessarily what the source project's own grader returns; where they differ a ``note`` says why.

The FROZEN part is a held-out test set: never run the checker on it while fixing the checker, and never
look at which of its cases fail.  Only its overall score may be reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXISTING = HERE.parent / "equivalence_cases.jsonl"

KINDS = {
    "number",
    "expression",
    "latex_expression",
    "equation",
    "system",
    "set",
    "interval",
    "tuple",
    "matrix",
    "text",
    "units",
    "percent",
    "inequality",
    "notation",
}
FORMS = {"expanded", "factored", "solved", "simplified"}

CASES: list[dict] = []


def group(source: str, kind_default: str | None = None, probe: str | None = None):
    """Return an adder bound to one source.  Row: (gold, pred, expected, kind[, extra-dict])."""

    def add(gold, pred, expected, kind=None, **extra):
        case = {
            "gold": gold,
            "pred": pred,
            "expected": bool(expected),
            "source": source,
            "kind": kind or kind_default,
        }
        if "form" in extra:
            case["form"] = extra.pop("form")
        if probe:
            case["probe"] = probe
        if "note" in extra:
            case["note"] = extra.pop("note")
        assert not extra, extra
        CASES.append(case)

    return add


# ---------------------------------------------------------------------------------------------------------
# 1. Qwen2.5-Math / DeepSeek-Math graders
# ---------------------------------------------------------------------------------------------------------
QG = "QwenLM/Qwen2.5-Math evaluation/grader.py"

add = group(f"{QG}::TestMathEquality (unittest in grader.py)")
add("0.1", "10%", True, "percent")  # is_numerical_equal("10%", "0.1")
add("0.2", "10%", False, "percent")  # assertFalse(is_numerical_equal("10%", "0.2"))
add("[1, 2, 4]", "[1, 2, 3]", False, "tuple")
add(r"\begin{pmatrix}1&2\\3&5\end{pmatrix}", r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", False, "matrix")
add("x = z", "x = y", False, "equation")
add("10", "x = 10", True, "equation")  # compare_equations("x = 10", "10")
add("x = 10", "10", True, "equation")  # compare_equations("10", "x = 10")
add("20", "10", False, "number")

add = group(f"{QG}::_test_math_equal (commented examples; pred/gt as written there)")
add(
    r"\frac{1}{12}",
    "0.0833333333333333",
    False,
    "number",
    note="Qwen comment expects True; by convention an exact reference gets no tolerance for a long decimal",
)
add(r"(1,\frac{9}{2})", "(1,4.5)", True, "tuple")
add(r"\frac{x+2}{7}", r"\frac{x}{7}+\frac{2}{7}", True, "latex_expression")
add(r"\tan^2(y)+1", r"\sec^2(y)", True, "latex_expression")
add(
    r"-\frac{2(x^2+6)}{9(x^2-2)\sqrt[3]{x^2-2}^2}",
    r"-\frac{8x^2}{9(x^2-2)^{5/3}}+\frac{2}{3(x^2-2)^{2/3}}",
    True,
    "latex_expression",
)
add("34x+45y-20z+100=0", "-34x-45y+20z-100=0", True, "equation")
add(
    "33.3",
    r"\frac{100}{3}",
    True,
    "number",
    note="decimal reference: the exact prediction rounded to the reference's 1 place is 33.3",
)
add(
    r"\frac{\sqrt{\sqrt{11}+\sqrt{194}}}{15+2\sqrt{33}}",
    r"\frac{\sqrt{\sqrt{11}+\sqrt{194}}}{2\sqrt{33}+15}",
    True,
    "latex_expression",
)
add("(a+5)(b+2)", "(+5)(b+2)", False, "expression")
add("2", r"\frac{1+\sqrt{5}}{2}", False, "latex_expression")
add("4", r"\frac{34}{16}+\frac{\sqrt{1358}}{16}", False, "latex_expression")
add(r"1\sqrt{19}", "1", False, "latex_expression")
add(
    r"(\frac{3}{5},\frac{8}{3}]",
    "(0.6,2.6667]",
    False,
    "interval",
    note="Qwen comment expects True; the reference endpoint 8/3 is exact, so 2.6667 gets no tolerance",
)
add("x+2n+1", "x+1", False, "expression")

add = group(f"{QG}::math_equal (choice_answer_clean / bracket handling)")
add("C", "The answer is (C).", True, "text")
add("A", r"\text{(A)}", True, "text")
add(
    "[1, 2]",
    "(1, 2)",
    False,
    "interval",
    note="math_equal strips the brackets and calls these equal; as intervals [1,2] != (1,2)",
)

QP = "QwenLM/Qwen2.5-Math evaluation/parser.py::strip_string"
add = group(f"{QP} (normalization rules)")
add("10000", r"10,\!000", True, "number")
add(r"\begin{pmatrix}2&-1\\0&5\end{pmatrix}", r"\begin{bmatrix}2&-1\\0&5\end{bmatrix}", True, "matrix")
add(
    r"\begin{pmatrix}2&-1\\0&5\end{pmatrix}",
    r"\left[\begin{array}{cc}2&-1\\0&5\end{array}\right]",
    True,
    "matrix",
)
add(r"x \neq 3", r"x \ne 3", True, "inequality")
add(r"y \leq 7", r"y \le 7", True, "inequality")
add("60", "60 mph", True, "units")
add("20", "20 sq m", True, "units")
add("45", "45 degrees", True, "units")
add("90", r"90^{\circ}", True, "units")
add("4.50", r"\$4.50", True, "units")
add("3", "three", True, "text")
add("5", "x=5", True, "equation")
add(r"\emptyset", r"\{\}", True, "set")
add(r"(-\infty,\infty)", r"\mathbb{R}", True, "interval")
add("0.5", " .5", True, "number")
add(r"\infty", "infinity", True, "notation")
add("3, 4", "3 and 4", True, "set")
add("7", "7.000", True, "number")
add("12", "k = 12", True, "equation")
add(r"\frac{7}{2}", r"\frac72", True, "latex_expression")
add(r"2\sqrt{5}", r"2\sqrt5", True, "latex_expression")
add(r"\frac{3}{8}", "3/8", True, "number")
add("11", r"\mbox{11}", True, "text")
add(r"\mathbf{6}", "6", True, "text")
add("14", "14 inches", True, "units")

DS = "deepseek-ai/DeepSeek-Math evaluation/eval/eval_utils.py::math_equal"
add = group(DS)
add(
    "2.5",
    "2.5004",
    False,
    "number",
    note="DeepSeek's is_close uses abs_tol=1e-3 and would accept; the convention is relative 1e-6",
)
add(
    "0.3",
    "30",
    False,
    "percent",
    note="DeepSeek include_percentage also tries reference*100; no % sign on either side, so 30 != 0.3",
)
add(
    "45",
    "0.45",
    False,
    "percent",
    note="DeepSeek include_percentage also tries reference/100; no % sign on either side",
)
add(r"\begin{pmatrix}1\\2\end{pmatrix}", r"\begin{bmatrix}1\\2\end{bmatrix}", True, "matrix")
add("y = 2x + 1", "2x - y + 1 = 0", True, "equation")
add("y = 2x + 1", "2x + y + 1 = 0", False, "equation")
add("(2, 3)", "(2.0, 3.0)", True, "tuple")

# ---------------------------------------------------------------------------------------------------------
# 2. MATH / Minerva / PRM800K normalizers
# ---------------------------------------------------------------------------------------------------------
HM = "hendrycks/math modeling/math_equivalence_test.py"
add = group(HM)
add(
    r"\tfrac{1}{2} + \frac1{72}",
    r"\frac{1}{2} + 2/3",
    False,
    "latex_expression",
    note="test_fractions; the test's pred has a doubled backslash (\\\\frac), written here with one",
)
add("10, 4, 2", "4, 12, 2", False, "set", note="test_order2")
add(
    r"\tfrac{1}{2} +\! \frac1{72}",
    r"\dfrac{1}{2} +\frac{1}{72}",
    True,
    "latex_expression",
    note="test_dfrac; the test's pred has a doubled backslash (\\\\dfrac), written here with one",
)
add(r"10\text{ units}", "10 ", True, "units", note="test_units")
add(r"10\text{ units}", "100 ", False, "units", note="test_units2")
add("10", r"\$10", True, "units", note="test_dollars")
add(r"\left(x-2\right)\left(x+2\right)", "(x-2)(x+2)", True, "latex_expression", note="test_parentheses")
add("0.1", ".1", True, "number", note="test_decimals2")
add(
    "10",
    r"10\%",
    True,
    "percent",
    note="test_percentage (is_equiv('10\\%', '10')); written with the unsigned side as the reference",
)
add(r"10\sqrt{3} + \sqrt4", r"10\sqrt3 + \sqrt{4}", True, "latex_expression", note="test_sqrt")
add(r"\frac34i", r"\frac{3}{4}i", True, "latex_expression", note="test_frac")
add(r"\tfrac83", r"\frac{8}{3}", True, "latex_expression", note="test_tfrac")
add("5x - 7y + 11z + 4 = 0", "x + y - z + 2 = 0", False, "equation", note="test_expression")
add("1/2", r"\frac{1}{2}", True, "number", note="test_half")

HMS = "hendrycks/math modeling/math_equivalence.py::_strip_string (normalization rules)"
add = group(HMS)
add(r"\frac{1}{2}", "0.5", True, "number")  # 'manually change 0.5 --> \frac{1}{2}'
add("45", r"45^\circ", True, "units")
add("300", r"300\text{ dollars}", True, "units")
add(r"\frac{a}{b}", r"\fracab", True, "latex_expression")
add(r"q = \frac{1}{4}", r"\frac{1}{4}", True, "equation")

MM = "EleutherAI/lm-evaluation-harness lm_eval/tasks/minerva_math/utils.py"
add = group(f"{MM}::normalize_final_answer (SUBSTITUTIONS / REMOVED_EXPRESSIONS)")
add("5", "5 ways", True, "units")
add("36", r"36 \text{ square inches}", True, "units")
add("8", "8 edges", True, "units")
add("250", "250 students", True, "units")
add("75", r"75\text{ cents}", True, "units")
add("4", r"4 \text{ hours}", True, "units")
add("3", r"3 \text{ km}", True, "units")
add("14916", r"14{,}916", True, "number")
add("100000", "100,000", True, "number")
add(r"\frac{2}{3}", r"\textbf{\frac{2}{3}}", True, "text")
add(r"\sqrt{7}", r"\sqrt7", True, "latex_expression")
add(r"\frac{2}{3}", r"0.\overline{6}", True, "number")
add(
    "0.6",
    r"0.\overline{6}",
    False,
    "number",
    note="normalize_final_answer strips \\overline{...}, which would make these equal; 0.666... != 0.6",
)
add("16", r"Final Answer: The final answer is $16$. I hope it is correct.", True, "number")
add(
    r"-\frac{2}{3}",
    r"Final Answer: The final answer is $-\frac{2}{3}$. I hope it is correct.",
    True,
    "latex_expression",
)

add = group(f"{MM}::doc_to_text (4-shot prompt answers)")
add("[2,5)", r"Therefore, the domain of the expression is $\boxed{[2,5)}$.", True, "interval")
add("[2,5)", r"The domain is $\boxed{[2,5]}$.", False, "interval")
add("24", r"(\det \mathbf{A})(\det \mathbf{B}) = (2)(12) = \boxed{24}.", True, "number")
add("16", r"n&=480/30=\boxed{16}", True, "number")
add(
    r"-\frac{2}{3}",
    r"$$-\frac{3}{2}a=b\Rightarrow\frac{a}{b}=\boxed{-\frac{2}{3}}.$$",
    True,
    "latex_expression",
)
add(r"-\frac{2}{3}", r"\frac{a}{b}=\boxed{-\frac{3}{2}}", False, "latex_expression")

PRM = "openai/prm800k prm800k/grading/grader.py"
add = group(f"{PRM}::_normalize (normalization rules)")
add("3000000", "3 million", True, "text")
add("2500000000", "2.5 billion", True, "text")
add("15", "15 degrees", True, "units")
add("10", "10 centimeters", True, "units")
add("8", "8 weeks", True, "units")
add("2", "2 yards", True, "units")
add("30", r"30^\circ", True, "units")
add(r"\frac{31}{4}", "7 3/4", True, "number")
add("-5", "- 5", True, "number")
add("1000000", "1,000,000", True, "number")
add(r"\text{Monday}", "monday", True, "text")
add(r"(-\infty, 5]", "(-infinity, 5]", True, "interval")
add(r"(-\infty, 0) \cup (1, \infty)", "(-∞, 0) ∪ (1, ∞)", True, "interval")
add(r"2\pi", "2π", True, "latex_expression")
add(r"\sqrt{3}", "√3", True, "latex_expression")
add("12", "3 × 4", True, "number")
add("4", "4.0", True, "number")
add("5", r"\$5.00", True, "units")
add(r"\text{(B)}", "(B)", True, "text")

add = group(f"{PRM}::grade_answer (_is_frac / _str_is_int strictness)")
add(
    r"\frac{1}{2}",
    "2/4",
    True,
    "number",
    note="prm800k refuses unreduced fractions (grade False); without a form request 2/4 equals 1/2",
)
add(
    "3",
    "6/2",
    True,
    "number",
    note="prm800k requires a strict match for an integer reference; mathematically 6/2 = 3",
)
add("(1, 2)", "(1,2)", True, "tuple")
add("(1, 2)", "[1, 2]", False, "interval")
add(r"\frac{3}{5}", "3/5", True, "number")

# ---------------------------------------------------------------------------------------------------------
# 3. sympy LaTeX parser tests: gold = the LaTeX, pred = the same math as plain text (and near misses)
# ---------------------------------------------------------------------------------------------------------
add = group("sympy/sympy sympy/parsing/tests/test_latex.py::GOOD_PAIRS")
add("-3.14", "-314/100", True, "number")
add("(-7.13)(1.5)", "-10.695", True, "number")
add("2x", "2*x", True, "expression")
add("x^2", "x**2", True, "expression")
add("x^{3 + 1}", "x**4", True, "expression")
add(r"a \cdot b", "b*a", True, "expression")
add("a / b", "a*b**(-1)", True, "expression")
add(r"a \div b", "a/b", True, "expression")
add("a + b - a", "b", True, "expression")
add("a^2 + b^2 = c^2", "c**2 = a**2 + b**2", True, "equation")
add(r"\sin \theta", "sin(theta)", True, "latex_expression")
add(r"\sin^{-1} a", "asin(a)", True, "latex_expression")
add(r"\sin a \cos b", "sin(a)*cos(b)", True, "latex_expression")
add(r"\sin \cos \theta", "sin(cos(theta))", True, "latex_expression")
add(r"\frac{a + b}{c}", "(a+b)/c", True, "latex_expression")
add(r"\frac{7}{3}", "7/3", True, "number")
add(r"(\csc x)(\sec y)", "1/(sin(x)*cos(y))", True, "latex_expression")
add(r"\lim_{x \to 3} a", "a", True, "latex_expression")
add(r"\lim_{x \to \infty} \frac{1}{x}", "0", True, "latex_expression")
add(r"\frac{d}{dx} x", "1", True, "latex_expression")
add("|x|", "abs(x)", True, "expression")
add(r"\int_0^7 dx", "7", True, "latex_expression")
add(r"\int_a^b x dx", "(b**2 - a**2)/2", True, "latex_expression")
add("100!", "factorial(100)", True, "number")
add("5!7!", "604800", True, "number")
add(r"\sqrt{x}", "x**(1/2)", True, "latex_expression")
add(r"\sqrt{x + b}", "sqrt(b + x)", True, "latex_expression")
add(r"\sqrt[3]{\sin x}", "sin(x)**(1/3)", True, "latex_expression")
add("x < y", "y > x", True, "inequality")
add(r"x \leq y", "x <= y", True, "inequality")
add(r"x \geq y", "y <= x", True, "inequality")
add(r"\sum_{k = 1}^{10} k^2", "385", True, "latex_expression")
add(r"\sum_{k = 1}^{3} c", "3*c", True, "latex_expression")
add(r"\sum_{n = 0}^{\infty} \frac{1}{n!}", "e", True, "latex_expression")
add(r"\log_{2} x", "log(x)/log(2)", True, "latex_expression")
add(r"\frac{d}{dx} [ \tan x ]", "sec(x)**2", True, "latex_expression")

add = group("sympy/sympy sympy/parsing/tests/test_latex.py::GOOD_PAIRS (one thing changed)")
add("x^{3 + 1}", "x**3 + 1", False, "expression")
add(r"\sin^{-1} a", "1/sin(a)", False, "latex_expression")
add(r"\frac{a + b}{c}", "a + b/c", False, "latex_expression")
add(r"\sqrt[3]{\sin x}", "sqrt(sin(x))", False, "latex_expression")
add(r"\sum_{k = 1}^{10} k^2", "386", False, "latex_expression")
add(r"x \geq y", "x > y", False, "inequality")
add(r"\int_a^b x dx", "(a**2 - b**2)/2", False, "latex_expression")
add(r"\frac{d}{dx} [ \tan x ]", "tan(x)", False, "latex_expression")
add("a^2 + b^2 = c^2", "a**2 - b**2 = c**2", False, "equation")
add("5!7!", "factorial(12)", False, "number")
add(r"\lim_{x \to \infty} \frac{1}{x}", "1", False, "latex_expression")
add("a / b", "b/a", False, "expression")

# ---------------------------------------------------------------------------------------------------------
# 4. lighteval math extraction tests
# ---------------------------------------------------------------------------------------------------------
LE = "huggingface/lighteval tests/metrics/test_math_eval.py"
add = group(f"{LE}::test_multilingual_extraction_math")
add("105", "réponse est (35 + 70 = 105).", True, "number")
add("220", "Réponse: Janeth aura encore 220 $ à payer d'ici 12 mois.", True, "number")
add("4000", " 地块面积 = 72000 / 18 = 4000千克", True, "units")
add("13/28", "计划的比例为13/28", True, "number")
add("8/46", r"\frac{4}{23}", True, "number")
add("0", "So the os then when we 9/3 we get 8 so the answer is 0", True, "number")

add = group(f"{LE}::test_multilingual_extraction_math_latex_numbers")
add("1", "so $x+y = 1000$ therefore answer is $1$", True, "number")

add = group(f"{LE}::test_latex_notation_math")
add("$125$ miles", r"The distance is $\boxed{125\textnormal{ miles}}.$", True, "units")
add(r"$\sqrt{2}+\sqrt{5}$", r"The answer is $\boxed{\sqrt 2+\sqrt 5}$", True, "latex_expression")
add(r"$\frac{9}{4}\pi$", r"Therefore $\boxed{\frac94\pi}$.", True, "latex_expression")
add(
    r"$[-1, -\frac{1}{2}) \cup (-\frac{1}{2}, 0) \cup (0, 1) \cup (1, \infty)$",
    r"The solution set is $\boxed{[-1, -\tfrac12) \cup (-\tfrac12, 0) \cup (0, 1) \cup (1, \infty)}.$",
    True,
    "interval",
)
add(
    "$3 \\pm 2 \\sqrt{2}$",
    "This gives us $x^2 + 1 = 6x,$ or $x^2 - 6x + 1 = 0.$ By the quadratic formula, the roots are "
    "$x = \\boxed{3 \\pm 2 \\sqrt{2}}.$",
    True,
    "set",
)
add(
    "$2 \\sin b \\cos a$",
    "By sum-to-product,\n\\[\\sin (a + b) - \\sin (a - b) = \\boxed{2 \\sin b \\cos a}.\\]",
    True,
    "latex_expression",
)
add(
    "$(6,31,-1)$",
    "Then solving the system of equations, we find $(p,q,r) = \\boxed{(6,31,-1)}.$",
    True,
    "tuple",
)
add("$-2,1$", "Checking, we find that the only integer roots are $\\boxed{-2,1}.$", True, "set")
add(
    "$15\\mbox{ cm}^2$",
    "Therefore, the area of the triangle is $$\\frac{1}{2}\\times 3 \\times 10 = \\boxed{15\\mbox{ cm}^2}.$$",
    True,
    "units",
)
add(
    "$\\{1\\pm\\sqrt{5},-2\\}$",
    "The roots of $P(x)$ are $-2$ and $1 \\pm \\sqrt{5}$, so the answer is $\\boxed{\\{1\\pm\\sqrt{5},-2\\}}.$",
    True,
    "set",
)
add("$\\text{Evelyn}$", "Therefore, $\\boxed{\\text{Evelyn}}$ is our answer.", True, "text")
add(
    "$90^\\circ$",
    "Therefore, \\begin{align*} \\angle BAC &= \\angle BAD + \\angle DAC \\\\ &= 50^\\circ+40^\\circ "
    "\\\\ &= \\boxed{90^\\circ}. \\end{align*}",
    True,
    "units",
)

add = group(f"{LE}::test_latex_notation_math (one thing changed)")
add(r"$\frac{9}{4}\pi$", r"Therefore $\boxed{\frac49\pi}$.", False, "latex_expression")
add("$(6,31,-1)$", "we find $(p,q,r) = \\boxed{(6,-1,31)}.$", False, "tuple")
add("$\\{1\\pm\\sqrt{5},-2\\}$", "so the answer is $\\boxed{\\{1\\pm\\sqrt{5},2\\}}.$", False, "set")
add("$3 \\pm 2 \\sqrt{2}$", "the roots are $x = \\boxed{3 + 2 \\sqrt{2}}.$", False, "set")

add = group(f"{LE}::test_relations_math")
add(r"$x \neq 5$", "The solution is $x != 5$", True, "inequality")
add(r"$y \geq -2$", r"$-2 \leq y$", True, "inequality", note="variant of the flipped-inequality cases")
add("$y < 4$", "$-y > -4$", True, "inequality", note="variant of the negated-inequality cases")
add("$y < 4$", "$y > -4$", False, "inequality", note="variant of the negated-inequality cases")

add = group(f"{LE}::test_matrix_extraction")
add(
    r"$\begin{pmatrix}6 & 8 \\ 10 & 12\end{pmatrix}$",
    r"The sum is $\begin{pmatrix}1 & 2 \\ 3 & 4\end{pmatrix} + \begin{pmatrix}5 & 6 \\ 7 & 8\end{pmatrix}$",
    True,
    "matrix",
)
add(
    r"$\begin{pmatrix}1 & 2 \\ 3 & 4\end{pmatrix}$",
    r"The matrix is $\begin{pmatrix}1 & 2 \\ 3 & 5\end{pmatrix}$",
    False,
    "matrix",
)
add(
    r"$\begin{pmatrix}1 & 2 \\3 & 4\end{pmatrix}$",
    r"Special matrix: $ \left[\begin{array}{cc}1 & 2 \\3 & 4\end{array}\right] $",
    True,
    "matrix",
)

add = group(f"{LE}::test_complex_math_expressions")
add(
    r"$(\begin{pmatrix}\frac{1}{3}\\ \frac{1}{5} \end{pmatrix})$",
    r"$\begin{pmatrix}0.33\\0.2 \end{pmatrix}$",
    False,
    "matrix",
    note="lighteval expects 1 at precision=2; the reference entry 1/3 is exact, so 0.33 gets no tolerance",
)

add = group(f"{LE}::test_precision")
add(
    r"$\frac{1}{3}$",
    "0.3333$",
    False,
    "number",
    note="lighteval accepts at precision=4; by convention an exact reference gets no tolerance",
)

# ---------------------------------------------------------------------------------------------------------
# 5. Math-Verify GitHub issues (concrete reported pairs; not its tests/ folder)
# ---------------------------------------------------------------------------------------------------------
MV = "huggingface/Math-Verify GitHub issue"
add = group(f"{MV} #41 (some wrong cases)")
add("$4$", r"$4\sqrt(2)$", False, "latex_expression")
add = group(f"{MV} #37 (\\text{{13}} vs 13)")
add(r"$\text{13}$", "$13$", True, "text")
add = group(f"{MV} #60 (some bug)")
add("3*x-1*y+13=0", "3x + 4y + 14=0", False, "equation")
add = group(f"{MV} #14 (some possible error cases)")
add(r"$\frac{1}{2004!}$", r"$\frac{1}{2006!}$", False, "latex_expression")
add(r"$\frac{1}{2^{99}}$", r"$\frac{1}{2^{98}}$", False, "latex_expression")
add("$n=2, 3, 4$", "$n=1, 2, 3$", False, "set")
add("$D = (0, 1)$", "$D = (0, 1.5)$", False, "tuple")
add(r"$19, 46, \text{ and } 82$", "$21, 36, and 82$", False, "set")
add(r"$\frac{2^{2005}+1}{3 \cdot 2^{2006}}$", r"$\frac{1}{3 \cdot 2^{2006}}$", False, "latex_expression")
add(r"$1 - \frac{1}{\mathrm{e}}$", r"$1 + \frac{1}{\mathrm{e}}$", False, "latex_expression")
add(r"$\pm 2021$", "$2021$", False, "set")
add("$12:00$", "$1:00$", False, "text")
add(r"$1, 2, \ldots, n$", r"$1, 3, 5, \ldots, 2n-1$", False, "notation")
add(r"$1:2:3:\ldots$", r"$1:4:9:\ldots$", False, "notation")
add = group(f"{MV} #26 (equation verification)")
add("$2x+4y-3=0$", "$y = -1/2*x + 3/4$", True, "equation")
add = group(f"{MV} #40 (comparing two equations)")
add(
    r"$\frac{x^2}{4} + \frac{y^2}{3} = 1$",
    r"$\frac{x^2}{16} + \frac{y^2}{12} = 1$",
    False,
    "equation",
    note="the issue reports a TypeError; the two ellipses differ, so not equivalent",
)
add = group(f"{MV} #69 (same values with different expressions; gold = the ground_truth column)")
add("e^{16} - 1", "-1 + exp(16)", True, "expression")
add(r"\dfrac{\pi}{2}", "pi/2", True, "latex_expression")
add("14 - i", "14.0 + -1.0i", True, "expression")
add(r"-2\pi", "-2*pi", True, "latex_expression")
add = group(f"{MV} #3 (fix parsing of mixed fractions; quoted eval_dict)")
add(r"$1,\frac{9}{2}$", "$1,4.5$", True, "tuple")
add = group(f"{MV} #34 (more mixed fractions)")
add("2.5", r"$2\frac{1}{2}$", True, "number")
add("5/4", "1 1/4", True, "number")
add("9/4", "2 1/4", True, "number")
add = group(f"{MV} #1 (basic fraction comparison)")
add("2/3", r"\frac{2}{3}", True, "number")
add = group(f"{MV} #35 (discrepancy in fraction parsing)")
add(r"$\frac12$", r"$\frac{1}{2}$", True, "latex_expression")
add = group(f"{MV} #56 (tuple with \\frac and parentheses)")
add(r"\left( 3, \frac{\pi}{2} \right)", r"(3, \frac{2\pi}{3})", False, "tuple")
add(r"\left( 3, \frac{\pi}{2} \right)", r"(3, \frac{\pi}{2})", True, "tuple", note="corrected variant")
add = group(f"{MV} #44 (incorrect parsed results)")
add(
    "840",
    "SoHi YES.\n\n could answer therefore\\boxed{840}.,but let me put this after explain.\n\n"
    "**Final Answer**\n\\boxed{840}",
    True,
    "number",
)
add("4", "So, \\boxed{004} is the correct answer.\n\n**Final Answer**\n\\boxed{004}", True, "number")
add = group(f"{MV} #76 (answer in **xxx**)")
add(
    "73",
    "Right: 122 + 294 + 489 = 905\n\nSo answer is consistent.\n\n✅ Final Answer: **73**",
    True,
    "number",
)
add = group(f"{MV} #25 (verify is not symmetric)")
add(r"m \geq \sqrt{2}", r"the solution to the problem is $m \in [\sqrt{2}, +\infty)$", True, "inequality")
add = group(f"{MV} #70 (config for parsing MATH)")
add(r"\dfrac{9}{7}", r"\boxed{\dfrac{9}{7}}", True, "latex_expression")
add = group("huggingface/Math-Verify pull request #81 (plain mixed-number extraction)")
add("2", "2 2/3", False, "number")
add("71/6", "11 5/6", True, "number")
add("10", "4 10/3", False, "number")
add = group(f"{MV} #64 (bad cases about sqrt and function)")
add(
    r"\frac{1}{\sqrt{n}}",
    r"\sqrt{n}",
    False,
    "latex_expression",
    note="one thing changed from the issue pair",
)

# ---------------------------------------------------------------------------------------------------------
# 6a. Conventions (variants written for this benchmark; label by the checker's conventions)
# ---------------------------------------------------------------------------------------------------------
CP = "hf_mathrules convention probe"
add = group(f"{CP}: equations as solution sets / systems")
add("3x - 6 = 0", "x = 2", True, "equation")
add("x^2 = 9", r"x = \pm 3", True, "equation")
add(r"x \in \{2, 3\}", "x^2 - 5x + 6 = 0", True, "equation")
add("x + y = 5, x - y = 1", "x = 3, y = 2", True, "system")
add("x = y = 4", "x = 4, y = 4", True, "system")
add("a = b = c = 1", "a=1, b=1, c=1", True, "system")
add("(x, y) = (3, -1)", "x = 3, y = -1", True, "system")
add("(p, q) = (1, 5)", "p = 5, q = 1", False, "system")
add(r"\begin{cases} x=2 \\ y=-3 \end{cases}", "x = 2, y = -3", True, "system")
add("x = 2, y = -3", r"\begin{cases} y=-3 \\ x=2 \end{cases}", True, "system")
add(r"\begin{cases} x=2 \\ y=-3 \end{cases}", "x = -3, y = 2", False, "system")
add("4x + 8 = 0", "x = -2.5", False, "equation")
add = group(f"{CP}: juxtaposed letters")
add("ab + ac", "a(b + c)", True, "expression")
add("6xy", "6yx", True, "expression")
add("xy^2", "y^2 x", True, "expression")
add("mn - m", "m(n-1)", True, "expression")
add("3st", "3ts", True, "expression")
add = group(f"{CP}: units and unit words")
add("18", r"18\mbox{ km}", True, "units")
add("8", r"8 \text{cm}^2", True, "units")
add("25", "25 miles", True, "units")
add("40", "40 meters", True, "units")
add("9", "9y", False, "units", note="a bare single letter after a number is a variable")
add("4", "4m", False, "units", note="a bare single letter after a number is a variable")
add = group(f"{CP}: text formatting, number words, infinity, text case")
add(r"\textbf{12}", "12", True, "text")
add("3", r"\mathbf{3}", True, "text")
add("42", r"\text{42}", True, "text")
add("9", "nine", True, "text")
add("twelve", "12", True, "text")
add("5000", "5 thousand", True, "text")
add("2000000", "2 million", True, "text")
add("seven", "8", False, "text")
add(r"(-\infty, 0)", "(-infinity, 0)", True, "interval")
add("No", "no", True, "text")
add(r"\text{(D)}", "D", True, "text")
add(r"\text{East}", "east", True, "text")
add(r"\text{No}", "yes", False, "text")
add = group(f"{CP}: percent")
add("25", r"25\%", True, "percent")
add("0.35", r"35\%", True, "percent")
add(r"\frac{3}{4}", r"75\%", True, "percent")
add(r"60\%", "0.6", True, "percent")
add(r"15\%", r"\frac{3}{20}", True, "percent")
add(r"25\%", "0.025", False, "percent")
add("20", "0.2", False, "percent", note="neither side has a percent sign")
add = group(f"{CP}: mixed numbers and repeating decimals")
add("29/4", "7 1/4", True, "number")
add("5/2", "2½", True, "number")
add(r"\frac{11}{3}", r"3\frac{2}{3}", True, "number")
add("9/8", r"1\tfrac{1}{8}", True, "number")
add("4.6", "4 3/5", True, "number")
add(r"\frac{1}{2}", r"1\frac{1}{2}", False, "number")
add("1/3", r"0.\overline{3}", True, "number")
add(r"\frac{1}{6}", r"0.1\overline{6}", True, "number")
add(r"\frac{3}{11}", r"0.\overline{27}", True, "number")
add(r"\frac{8}{7}", r"1.\overline{142857}", True, "number")
add("0.3", r"0.\overline{3}", False, "number")
add(r"\mathbb{R}", r"(-\infty,\infty)", True, "interval")
add(r"\mathbb{R}", r"(0, \infty)", False, "interval")
add = group(f"{CP}: inequalities vs intervals")
add("x > -1", r"(-1, \infty)", True, "inequality")
add(r"1 \le x \le 4", "[1, 4]", True, "inequality")
add(r"-2 < t \le 0", "(-2, 0]", True, "inequality")
add(r"x \geq 0", r"[0, \infty)", True, "inequality")
add(r"2 \le t \le 5", "(2, 5)", False, "inequality")
add(r"y \le -1", r"(-\infty, -1)", False, "inequality")
add = group(f"{CP}: decimal tolerance and rounding of exact predictions")
add("3.14", r"\pi", True, "number")
add("0.333", "1/3", True, "number")
add("1.414", r"\sqrt{2}", True, "number")
add("2.718", "e", True, "number")
add("0.67", r"\frac{2}{3}", True, "number")
add("0.5", "0.5000004", True, "number")
add("0.6", r"\frac{2}{3}", False, "number", note="2/3 rounded to one place is 0.7")
add("1/7", "0.142857", False, "number")
add(r"\sqrt{2}", "1.41421356", False, "number")
add(r"\pi", "3.14159", False, "number")
add("1/12", "0.0833", False, "number")
add = group(f"{CP}: sets, tuples, matrices")
add(r"\{3, 1, 2\}", r"\{1, 2, 3\}", True, "set")
add(r"\{-2, 5\}", r"\{5, -2\}", True, "set")
add(r"\emptyset", r"\varnothing", True, "set")
add(r"(\frac{1}{2}, 3)", "(0.5, 3)", True, "tuple")
add(r"\begin{bmatrix}1&0\\0&1\end{bmatrix}", r"\begin{pmatrix}1&0\\0&1\end{pmatrix}", True, "matrix")
add = group(f"{CP}: derivatives, integrals, limits, inverse trig")
add(r"\frac{d}{dx} x^3", "3x^2", True, "latex_expression")
add(r"\int_0^2 x\,dx", "2", True, "latex_expression")
add(r"\lim_{x \to 0} \frac{\sin x}{x}", "1", True, "latex_expression")
add(r"\cos^{-1}(v)", r"\arccos(v)", True, "latex_expression")
add(r"\tan^{-1} x", r"\arctan x", True, "latex_expression")
add(r"\tan^{-1} x", r"\frac{1}{\tan x}", False, "latex_expression")
add(r"\frac{d}{dt} t^2", "2t", True, "latex_expression")
add(r"\sin^{-1}(1)", r"\frac{\pi}{2}", True, "latex_expression")

# ---------------------------------------------------------------------------------------------------------
# 6b. Near-miss false-positive probes: every one must be judged NOT equivalent
# ---------------------------------------------------------------------------------------------------------
add = group("hf_mathrules near-miss probe", probe="near_miss")
add("x^2+4", "x^2-4", False, "expression")
add("1/4", "0.2500001", False, "number")
add("0.75", "0.7501", False, "number")
add("3x+1=10", "x=4", False, "equation")
add(r"\sqrt{3}", "1.732", False, "number")
add("(3,5)", "(5,3)", False, "tuple")
add("[0,4]", "[0,4)", False, "interval")
add("x>2", r"x\ge 2", False, "inequality")
add(r"\{1,2,3\}", r"\{1,2\}", False, "set")
add(r"2\pi", "2", False, "latex_expression")
add("e^{2x}", "e^{-2x}", False, "latex_expression")
add(r"\frac{d}{dx} x^3", "x^3", False, "latex_expression")
add(r"\sin x", r"\cos x", False, "latex_expression")
add(r"\ln 2", r"\log_{2} e", False, "latex_expression")
add(r"\frac{1}{x+1}", r"\frac{1}{x}+1", False, "latex_expression")
add("(x+1)^2", "x^2+1", False, "expression")
add("2^{10}", "1000", False, "number")
add("-5", "5", False, "number")
add(r"x = \pm 3", "x = 3", False, "equation")
add("x^2 = 16", "x = 4", False, "equation")
add(r"\{-1, 1\}", r"\{1\}", False, "set")
add(r"(-\infty, 2)", r"(-\infty, 2]", False, "interval")
add(r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&3\\2&4\end{pmatrix}", False, "matrix")
add("10", "0.1", False, "percent")
add("7", "7x", False, "units")
add(r"\frac{3}{4}", r"\frac{4}{3}", False, "number")
add(r"\cos^{-1} x", r"\frac{1}{\cos x}", False, "latex_expression")
add(r"\sin^2 x", r"\sin(x^2)", False, "latex_expression")
add("a = 3, b = 4", "a = 4, b = 3", False, "system")
add("x = 1, y = 2", "x = 1, y = -2", False, "system")
add(r"\int_0^1 x\,dx", "1", False, "latex_expression")
add(r"\lim_{x\to 0} \frac{\sin x}{x}", "0", False, "latex_expression")
add(r"\frac{\sqrt{2}}{2}", r"\sqrt{2}", False, "latex_expression")
add("|x-1|", "x-1", False, "expression")
add(r"3 \times 10^{5}", r"3 \times 10^{6}", False, "number")
add(r"\log_2 8", "8", False, "latex_expression")
add(r"\frac{n(n+1)}{2}", r"\frac{n(n-1)}{2}", False, "latex_expression")
add("5!", "5", False, "number")
add(r"\text{(C)}", "B", False, "text")
add("3 thousand", "300", False, "text")
add("pq + pr", "p(q - r)", False, "expression")
add("0.001", "1.0e-2", False, "number")
add(r"\frac{x}{2}", "2x", False, "latex_expression")
add("x+y", "xy", False, "expression")
add("2x+3", "2(x+3)", False, "expression")
add(r"\{(1,2)\}", r"\{(2,1)\}", False, "set")
add("(1, 2, 3)", "(1, 2)", False, "tuple")
add(r"x \ne 2", "x = 2", False, "inequality")
add(r"e^{i\pi}", "1", False, "latex_expression")

# ---------------------------------------------------------------------------------------------------------
# 6c. Wrong-form probes: right value, wrong requested form (False), and a few right-form ones (True)
# ---------------------------------------------------------------------------------------------------------
add = group("hf_mathrules wrong-form probe", probe="wrong_form")
add("3(a+4)", "3a+12", False, "expression", form="factored")
add("(x+2)(x-2)", "x^2-4", False, "expression", form="factored")
add("(x+1)^2", "x^2+2x+1", False, "expression", form="factored")
add("x(x-5)", "x^2-5x", False, "expression", form="factored")
add("5(y-3)", "5y-15", False, "expression", form="factored")
add("10x+35", "5(2x+7)", False, "expression", form="expanded")
add("x^2+5x+6", "(x+2)(x+3)", False, "expression", form="expanded")
add("a^2-b^2", "(a-b)(a+b)", False, "expression", form="expanded")
add("2x^2+2x", "2x(x+1)", False, "expression", form="expanded")
add("x = 4", "3x = 12", False, "equation", form="solved")
add("y = -2", "y + 2 = 0", False, "equation", form="solved")
add("x = 7", "x - 7 = 0", False, "equation", form="solved")
add("t = 5/2", "2t = 5", False, "equation", form="solved")
add(r"\frac{x}{3}", r"\frac{3x}{9}", False, "latex_expression", form="simplified")
add(r"\frac{2}{3}", r"\frac{4}{6}", False, "number", form="simplified")
add(r"2\sqrt{2}", r"\sqrt{8}", False, "latex_expression", form="simplified")
add("3a", "a+a+a", False, "expression", form="simplified")
add("4x", "2x+2x", False, "expression", form="simplified")
add("4(y-2)", "4(y + 2)", False, "expression", form="factored", note="wrong value and factored")
add("4(y-2)", "4(y - 2)", True, "expression", form="factored")
add("(x+2)(x-2)", "(x-2)(x+2)", True, "expression", form="factored")
add("6x+15", "15+6x", True, "expression", form="expanded")
add("x^2+5x+6", "6 + 5x + x^2", True, "expression", form="expanded")
add("x = -2", "x=-2", True, "equation", form="solved")
add("x/2", r"\frac{x}{2}", True, "latex_expression", form="simplified")
add(r"\frac{2}{3}", "2/3", True, "number", form="simplified")


# ---------------------------------------------------------------------------------------------------------
def split_of(gold: str, pred: str) -> str:
    h = int(hashlib.sha256((gold + "\x00" + pred).encode()).hexdigest(), 16)
    return "frozen" if h % 100 < 55 else "dev"


def _loose(s: str) -> str:
    return re.sub(r"\s+", "", s.replace("$", ""))


def build() -> dict:
    existing_exact, existing_loose = set(), set()
    if EXISTING.exists():
        for line in EXISTING.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                existing_exact.add((d["gold"], d["pred"]))
                existing_loose.add((_loose(d["gold"]), _loose(d["pred"])))

    seen, parts, skipped = set(), {"frozen": [], "dev": []}, Counter()
    for c in CASES:
        assert c["kind"] in KINDS, c
        assert "form" not in c or c["form"] in FORMS, c
        key = (c["gold"], c["pred"])
        if key in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(key)
        if key in existing_exact:
            skipped["in equivalence_cases.jsonl"] += 1
            continue
        if (_loose(c["gold"]), _loose(c["pred"])) in existing_loose:
            skipped["in equivalence_cases.jsonl (modulo $ / spaces)"] += 1
            continue
        parts[split_of(*key)].append(c)

    for name, rows in parts.items():
        with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return {"parts": {k: len(v) for k, v in parts.items()}, "skipped": dict(skipped), "rows": parts}


def _family(source: str) -> str:
    for prefix, name in [
        ("QwenLM/", "Qwen2.5-Math grader/parser"),
        ("deepseek-ai/", "DeepSeek-Math eval_utils"),
        ("hendrycks/", "hendrycks/math"),
        ("EleutherAI/", "lm-evaluation-harness minerva_math"),
        ("openai/prm800k", "openai/prm800k grader"),
        ("sympy/", "sympy test_latex.py"),
        ("huggingface/lighteval", "lighteval test_math_eval.py"),
        ("huggingface/Math-Verify", "Math-Verify issues/PRs"),
        ("hf_mathrules convention", "hf_mathrules convention probes"),
        ("hf_mathrules near-miss", "hf_mathrules near-miss probes"),
        ("hf_mathrules wrong-form", "hf_mathrules wrong-form probes"),
    ]:
        if source.startswith(prefix):
            return name
    return source


def main() -> None:
    out = build()
    rows = out["rows"]
    total = sum(out["parts"].values())
    print(
        f"total {total}: frozen {out['parts']['frozen']}, dev {out['parts']['dev']}; skipped {out['skipped']}"
    )
    allrows = rows["frozen"] + rows["dev"]
    fam = Counter((_family(r["source"]), split_of(r["gold"], r["pred"])) for r in allrows)
    print("per source family (frozen/dev):")
    for name in sorted({f for f, _ in fam}):
        print(f"  {name}: {fam[(name, 'frozen')]}/{fam[(name, 'dev')]}")
    kinds = Counter((r["kind"], split_of(r["gold"], r["pred"])) for r in allrows)
    print("per kind (frozen/dev):")
    for k in sorted({k for k, _ in kinds}):
        print(f"  {k}: {kinds[(k, 'frozen')]}/{kinds[(k, 'dev')]}")
    lab = Counter((r["expected"], split_of(r["gold"], r["pred"])) for r in allrows)
    print(
        f"expected True (frozen/dev): {lab[(True, 'frozen')]}/{lab[(True, 'dev')]}; "
        f"False: {lab[(False, 'frozen')]}/{lab[(False, 'dev')]}"
    )


if __name__ == "__main__":
    main()
