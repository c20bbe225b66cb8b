"""Build the second held-out answer-checker part: notation as datasets write golds and models print LaTeX.

    python benchmarks/cases/build_notation_cases.py

writes ``frozen_notation.jsonl`` (and ``dev_notation.jsonl`` once its table has cases) next to this file,
deterministically, in the format of ``frozen.jsonl`` (keys ``gold``, ``pred``, ``expected``, ``source``,
``kind``, optional ``form`` / ``probe`` / ``note``).

Unlike the first part (``build_cases.py``: pairs copied from graders' tests and issues, split by a hash),
every pair here was written by hand, before the checker was run on any of them, in the answer style of a
dataset's golds (MATH / hendrycks, OlympiadBench, Omni-MATH, GSM8K, minerva's OCW and MATH prompts,
TheoremQA-style lists and matrices) against predictions as models print them (``\\dfrac``, ``\\tfrac``,
``\\frac12``, ``\\left/\\right``, spacing commands, ``\\text``/``\\mathrm`` units, ``^\\circ``, ``\\%``,
``\\$``, thousands separators, scientific forms, relations rearranged, intervals/sets/matrices in less
common notation), plus adversarial near misses that must be rejected.

FROZEN (the ``FROZEN`` table) was committed before any change to the checker made for it and is never
inspected case by case while fixing: only its totals are reported.  DEV (the ``DEV`` table) was written
afterwards and is what fixes are made against.  Labels follow the conventions in ``README.md`` here.
Pairs already in ``benchmarks/equivalence_cases.jsonl``, ``dev.jsonl`` or ``frozen.jsonl`` are dropped
(exactly, or after removing ``$`` and whitespace).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OLDER = [HERE.parent / "equivalence_cases.jsonl", HERE / "dev.jsonl", HERE / "frozen.jsonl"]

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

FROZEN: list[dict] = []
DEV: list[dict] = []


def group(table: list, source: str, kind_default: str | None = None, probe: str | None = None):
    """An adder bound to one table and source.  Row: (gold, pred, expected[, kind][, note=...])."""

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
        assert case["kind"] in KINDS, case
        table.append(case)

    return add


W = "hf_mathrules notation part (hand-written)"

# =========================================================================================================
# FROZEN
# =========================================================================================================

# -- MATH (hendrycks) gold style: \frac, \dfrac, \sqrt, 10,\!000, \$, ^\circ, \text{(C)} -------------------
add = group(FROZEN, f"{W}: MATH gold style vs model LaTeX")
add(r"\frac{3}{4}", r"\dfrac{3}{4}", True, "latex_expression")
add(r"\frac{3}{4}", r"\tfrac34", True, "latex_expression")
add(r"\frac{3}{4}", r"\frac34", True, "latex_expression")
add(r"\frac{3}{4}", r"\dfrac43", False, "latex_expression")
add(r"\frac{1}{2}", r"\frac 12", True, "latex_expression")
add(r"\frac{1}{2}", r"\frac1{2}", True, "latex_expression")
add(r"\frac{1}{2}", r"\frac{1}2", True, "latex_expression")
add(r"\frac{1}{2}", r"\cfrac{1}{2}", True, "latex_expression")
add(r"\frac{\sqrt{3}}{2}", r"\frac{\sqrt3}2", True, "latex_expression")
add(r"\frac{\sqrt{3}}{2}", r"\dfrac{\sqrt{3}}{3}", False, "latex_expression")
add(r"\frac{\sqrt{3}}{3}", r"\frac{1}{\sqrt{3}}", True, "latex_expression")
add(r"\sqrt{2}", r"\sqrt2", True, "latex_expression")
add(r"\sqrt{2}", r"\sqrt 3", False, "latex_expression")
add(r"2\sqrt{3}", r"\sqrt{12}", True, "latex_expression")
add(r"2\sqrt{3}", r"3\sqrt{2}", False, "latex_expression")
add(r"4\sqrt{2}", r"\sqrt{32}", True, "latex_expression")
add(r"\sqrt[3]{2}", r"2^{1/3}", True, "latex_expression")
add(r"\sqrt[3]{2}", r"\sqrt{2}", False, "latex_expression")
add(r"\frac{1+\sqrt{5}}{2}", r"\frac{1}{2}+\frac{\sqrt5}{2}", True, "latex_expression")
add(r"\frac{1+\sqrt{5}}{2}", r"\frac{1-\sqrt5}{2}", False, "latex_expression")
add(r"-\frac{3}{4}", r"\frac{-3}{4}", True, "latex_expression")
add(r"-\frac{3}{4}", r"\frac{3}{-4}", True, "latex_expression")
add(r"-\frac{3}{4}", r"-0.75", True, "number")
add(r"-\frac{3}{4}", r"0.75", False, "number")
add(r"10,\!000", "10000", True, "number")
add(r"10,\!000", r"1,\!000", False, "number")
add(r"1,\!000,\!000", r"10^6", True, "number")
add(r"\$18.90", "18.90", True, "units")
add(r"\$18.90", "18.9", True, "units")
add(r"\$18.90", r"\$18.09", False, "units")
add(r"\$1,\!250", "1250", True, "units")
add(r"90^\circ", "90", True, "units")
add(r"90^\circ", r"90^{\circ}", True, "units")
add(r"90^\circ", r"9", False, "units")
add(r"30^\circ", r"30 \text{ degrees}", True, "units")
add(r"30", r"30°", True, "units")
add(r"\text{(C)}", "(C)", True, "text")
add(r"\text{(C)}", r"\textbf{(C)}", True, "text")
add(r"\text{(C)}", "(D)", False, "text")
add(r"\text{Monday}", "monday", True, "text")
add(r"\text{even}", r"\text{odd}", False, "text")
add(r"\left( 3, \frac{\pi}{2} \right)", r"(3, \tfrac{\pi}{2})", True, "tuple")
add(r"\left( 3, \frac{\pi}{2} \right)", r"\left(3,\frac{\pi}{3}\right)", False, "tuple")
add(r"\left( \frac{3}{2}, -1 \right)", "(1.5, -1)", True, "tuple")
add(r"(1,-2)", r"(-2,1)", False, "tuple")
add(r"\binom{5}{2}", "10", True, "latex_expression")
add("120", "5!", True, "number")
add(r"3+4i", r"4i+3", True, "expression")
add(r"3+4i", r"3-4i", False, "expression")
add(r"\infty", r"+\infty", True, "notation")
add(r"\infty", r"-\infty", False, "notation")
add(r"\log_2 8", "3", True, "latex_expression")
add("3", r"\left| -3 \right|", True, "latex_expression")
add("3", r"\left\lfloor 3.7 \right\rfloor", True, "latex_expression")
add("4", r"\lceil 3.2 \rceil", True, "latex_expression")
add(r"\frac{1}{4}", r"\left(\frac{1}{2}\right)^{2}", True, "latex_expression")
add(r"\frac{1}{4}", r"\left(\frac{1}{2}\right)^{3}", False, "latex_expression")
add(r"2\frac{1}{2}", "2.5", True, "number")
add(r"\frac{5}{2}", r"2\tfrac{1}{2}", True, "number")
add(r"\frac{4}{3}", r"1\frac13", True, "number")
add("-2.5", r"-2\frac{1}{2}", True, "number", note="a negative mixed number: -(2 + 1/2)")

# -- numbers as models print them: scientific forms, separators, rounding ---------------------------------
add = group(FROZEN, f"{W}: number forms (scientific, separators, rounding to the shown precision)")
add("1500", "1.5e3", True, "number")
add("1500", r"1.5\times10^{3}", True, "number")
add("1500", r"1.5 \cdot 10^3", True, "number")
add("1500", r"1.5\times10^{2}", False, "number")
add("1500", "1.5e4", False, "number")
add(r"6.02 \times 10^{23}", "6.02e23", True, "number")
add(r"6.02 \times 10^{23}", r"6.2\times 10^{23}", False, "number")
add(r"3\times10^{-4}", "0.0003", True, "number")
add(r"3\times10^{-4}", "0.003", False, "number")
add(r"2.5 \times 10^{-3}", "0.0025", True, "number")
add(r"-1.2\times 10^{-5}", "-0.000012", True, "number")
add("1e-7", r"1\times 10^{-7}", True, "number")
add("1e-7", "1e-8", False, "number")
add("0.001", "1.0e-3", True, "number")
add("0.001", r"10^{-3}", True, "number")
add("1000", r"10^3", True, "number")
add(r"10^3", r"3^{10}", False, "number")
add("0.1", "1e-1", True, "number")
add("100", "1E2", True, "number")
add("12345", "12,345", True, "number")
add("12345", r"12\,345", True, "number")
add("12345", r"12{,}345", True, "number")
add("12345.67", "12,345.67", True, "number")
add("1000000", "1,000,000", True, "number")
add("1000", "1,000.00", True, "number")
add("1000", "100", False, "number")
add("10000", "1,000", False, "number")
add("0.5", ".5", True, "number")
add(r"\frac{1}{2}", "0.50", True, "number")
add("0.25", "0.025", False, "number")
add("1.50", "1.5", True, "number")
add("1.05", "1.5", False, "number")
add("0.333", r"\frac13", True, "number", note="decimal reference: 1/3 rounded to its 3 places")
add("0.67", r"\frac{2}{3}", True, "number", note="decimal reference: 2/3 rounded to its 2 places")
add("0.6667", "2/3", True, "number")
add("0.34", r"\frac13", False, "number")
add("0.33", "0.3", False, "number")
add(r"\frac{2}{3}", "0.67", False, "number", note="an exact reference gets no tolerance")
add("1.414", "1.41", False, "number", note="a less precise decimal than the reference")
add("1.41", r"\sqrt{2}", True, "number")
add("1.41", r"\sqrt{3}", False, "number")
add("2.718", "e", True, "number")
add("3.1416", r"\pi", True, "number")
add(r"\pi", "3.14", False, "number", note="an exact reference gets no tolerance")
add("12.5", "12.50", True, "number")
add("1000000", r"1 \text{ million}", True, "number")
add("2500", r"2.5 \text{ thousand}", True, "number")
add("3", "3.0", True, "number")

# -- GSM8K: integer golds, models print $, commas, "####", sentences -------------------------------------
add = group(FROZEN, f"{W}: GSM8K gold (integer) vs model completion")
add("1234", "The answer is 1,234.", True, "number")
add("72", "She sold 48 + 24 = 72 clips.\n#### 72", True, "number")
add("18", r"\$18", True, "units")
add("18", r"\$18.00", True, "units")
add("7", "$7.00", True, "units")
add("1000", "1,000.5", False, "number")
add("25", "2,5", False, "number")
add("5", r"5 \text{ apples}", True, "units")
add("20", r"So Janet makes $\boxed{\$20}$ every day.", True, "units")
add("20", r"So Janet makes $\boxed{\$21}$ every day.", False, "units")
add("64", r"The answer is $\boxed{64}$ dollars.", True, "units")
add("3", r"\boxed{3 \text{ hours}}", True, "units")
add("180", r"\boxed{3 \text{ hours}}", False, "units")
add("1600", r"$1,\!600$", True, "number")

# -- percent / money --------------------------------------------------------------------------------------
add = group(FROZEN, f"{W}: percent and money")
add(r"20\%", "0.2", True, "percent")
add("20", r"20\%", True, "percent")
add("0.2", r"20\%", True, "percent")
add(r"20\%", "20 percent", True, "percent")
add(r"20\%", r"2\%", False, "percent")
add("0.2", "20", False, "percent")
add(r"12.5\%", r"\frac{1}{8}", True, "percent")
add(r"\$5.50", "5.5", True, "units")
add(r"\$5.50", r"5.50 \text{ dollars}", True, "units")
add(r"\$5.50", r"\$5.05", False, "units")

# -- units: ignored after a number, but never deleting a variable or converting ---------------------------
add = group(FROZEN, f"{W}: units (OlympiadBench / minerva OCW style) and units accepted wrongly")
add("4", r"4 \text{ meters}", True, "units")
add("4", r"4\,\mathrm{m}", True, "units")
add("4", r"4 \mathrm{~cm}", True, "units")
add(r"4 \mathrm{~cm}", "4", True, "units")
add("10", r"10 \mathrm{~m/s}", True, "units")
add(r"9.8 \mathrm{~m} / \mathrm{s}^{2}", "9.8", True, "units")
add("5", r"5 \mathrm{~s}", True, "units")
add("5", r"5\mbox{ cm}", True, "units")
add("5", r"5 \text{ km}", True, "units")
add("2", r"2\pi", False, "units")
add("2", "2e", False, "units")
add("5", "5x", False, "units")
add(r"12 \text{ cm}", r"12 \text{ m}", False, "units", note="different units stated on both sides")
add(r"6 \text{ inches}", r"6 \text{ feet}", False, "units", note="different units stated on both sides")
add(r"7.5 \times 10^{14}", "7.5e14", True, "number")
add(r"7.5 \times 10^{14} \mathrm{~Hz}", r"7.5\times10^{14}", True, "units")
add(r"7.5 \times 10^{14} \mathrm{~Hz}", r"7.5\times10^{13}", False, "units")

# -- equations and relations the other way round / rearranged --------------------------------------------
add = group(FROZEN, f"{W}: relations written the other way round or rearranged")
add("x = 3", "3 = x", True, "equation")
add("x = 3", "x = -3", False, "equation")
add("y = 2x + 1", "2x - y + 1 = 0", True, "equation")
add("y = 2x + 1", "2x + 1 = y", True, "equation")
add("y = 2x + 1", "y - 2x = 1", True, "equation")
add("y = 2x + 1", "2y = 4x + 2", True, "equation")
add("y = 2x + 1", "y = 2x - 1", False, "equation")
add("y = 2x + 1", "2x - y - 1 = 0", False, "equation")
add("y = 2x + 1", "y = 2x", False, "equation")
add("x + 2y = 4", r"y = -\frac{x}{2} + 2", True, "equation")
add("x + 2y = 4", "y = -2x + 4", False, "equation")
add(r"y = -\frac{1}{2}x + 3", "x + 2y = 6", True, "equation")
add(r"y = -\frac{1}{2}x + 3", "x + 2y = 3", False, "equation")
add("3x - 4y = 12", r"\frac{x}{4} - \frac{y}{3} = 1", True, "equation")
add("(x-1)^2 + (y+2)^2 = 9", "x^2 - 2x + y^2 + 4y - 4 = 0", True, "equation")
add("(x-1)^2 + (y+2)^2 = 9", "x^2 - 2x + y^2 + 4y + 4 = 0", False, "equation")
add("x^2 + y^2 = 25", "y^2 + x^2 = 25", True, "equation")
add("x^2 + y^2 = 25", "x^2 = 25 - y^2", True, "equation")
add("x^2 + y^2 = 25", "x^2 + y^2 = 5", False, "equation")
add("y = x^2 - 4x + 3", "y = (x-1)(x-3)", True, "equation")
add(r"y = \frac{1}{2}x", "x = 2y", True, "equation")
add(r"y = \frac{1}{2}x", "y = 2x", False, "equation")
add("y = -x + 2", "x + y = 2", True, "equation")
add(r"x = \pm 2", "x^2 = 4", True, "equation")
add("x^2 = 4", "x = 2", False, "equation")
add("x = 5", "5", True, "equation")
add("5", r"x=5", True, "equation")
add(r"f(x) = x^2 + 1", r"f(x)=x^{2}+1", True, "equation")
add(r"f(x) = x", r"f(x) = -x", False, "equation")
add(r"(x, y) = (1, 2)", "(1,2)", True, "tuple")
add("x > 3", "3 < x", True, "inequality")
add("x < 5", "5 > x", True, "inequality")
add("x < 5", "5 < x", False, "inequality")
add(r"x \le 5", r"5 \geq x", True, "inequality")
add(r"x \geq 3", r"3 \geq x", False, "inequality")
add(r"x \geq 2", "x > 2", False, "inequality")
add("2 < x < 5", "5 > x > 2", True, "inequality")
add("2 < x < 5", r"x \in (2, 5)", True, "inequality")
add(r"x \geq 3", r"[3, \infty)", True, "inequality")
add(r"x \geq 3", r"(3, \infty)", False, "inequality")
add(r"-2 \le x \le 3", r"\left[-2, 3\right]", True, "inequality")

# -- intervals, sets, matrices in less common notation ---------------------------------------------------
add = group(FROZEN, f"{W}: intervals, sets and matrices in less common notation")
add("[2, 5)", r"\left[2, 5\right)", True, "interval")
add("[2, 5)", "[2,5[", True, "interval")
add("(2, 5]", "]2,5]", True, "interval")
add(r"(-\infty, 3]", r"]-\infty, 3]", True, "interval")
add(r"(-\infty, 3]", r"\left( -\infty, 3 \right]", True, "interval")
add("[1, 4)", "[1, 4]", False, "interval")
add("(0, 1)", "(0, 1]", False, "interval")
add("[0, 1]", "[0; 1]", True, "interval")
add(r"(-\infty,-1)\cup(2,\infty)", r"(-\infty,-1) \cup (2, +\infty)", True, "interval")
add(r"(-\infty,-1)\cup(2,\infty)", r"x<-1 \text{ or } x>2", True, "interval")
add(r"(-\infty,-1)\cup(2,\infty)", r"(-\infty,-1] \cup [2,\infty)", False, "interval")
add(r"(-\infty, 2] \cup [3, \infty)", r"x \le 2 \text{ or } x \ge 3", True, "interval")
add(r"(2, \infty)", r"\{x \mid x > 2\}", True, "interval")
add("(1, 3)", r"\{x : 1 < x < 3\}", True, "interval")
add(r"\{1, 2, 3\}", r"\left\{3, 1, 2\right\}", True, "set")
add(r"\{1, 2, 3\}", r"\{1, 2, 2, 3\}", True, "set")
add(r"\{1, 2\}", r"\{1, 2, 3\}", False, "set")
add(r"\{1, 2\}", r"\{1\}", False, "set")
add(r"\{\frac{1}{2}, 2\}", r"\{0.5, 2\}", True, "set")
add(r"\emptyset", r"\varnothing", True, "set")
add(r"\emptyset", r"\{\}", True, "set")
add(r"\emptyset", r"\{0\}", False, "set")
add(r"\mathbb{R}", r"(-\infty, \infty)", True, "set")
add(r"\mathbb{R}", r"\mathbb{Z}", False, "set")
PM = r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"
add(PM, r"\begin{bmatrix}1&2\\3&4\end{bmatrix}", True, "matrix")
add(PM, r"\left(\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array}\right)", True, "matrix")
add(PM, r"\left[\begin{array}{cc}1&2\\3&4\end{array}\right]", True, "matrix")
add(PM, r"\begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}", False, "matrix")
add(PM, r"\begin{pmatrix}1&2\\3&5\end{pmatrix}", False, "matrix")
add(PM, "[[1, 2], [3, 4]]", True, "matrix")
add(
    r"\begin{pmatrix} \frac{1}{2} & 0 \\ 0 & 1 \end{pmatrix}",
    r"\begin{bmatrix} 0.5 & 0 \\ 0 & 1 \end{bmatrix}",
    True,
    "matrix",
)
add(r"\begin{pmatrix} 1 & 2 \end{pmatrix}", r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}", False, "matrix")
add(
    r"\begin{pmatrix} -1 \\ 3 \\ 2 \end{pmatrix}",
    r"\begin{pmatrix} -1 \\ 3 \\ -2 \end{pmatrix}",
    False,
    "matrix",
)
add(
    r"\begin{pmatrix} 1/2 \\ 3 \end{pmatrix}",
    r"\begin{pmatrix} \dfrac{1}{2} \\ 3 \end{pmatrix}",
    True,
    "matrix",
)

# -- model LaTeX: spacing, \left/\right, \text, \mathrm, \displaystyle, boxed in sentences ---------------
add = group(FROZEN, f"{W}: model-printed LaTeX (spacing, delimiters, text/roman, boxed in prose)")
add(r"\frac{1}{2}", r"\displaystyle \frac{1}{2}", True, "latex_expression")
add(r"2\sqrt{3}", r"2\,\sqrt{3}", True, "latex_expression")
add(r"2\sqrt{3}", r"2 \! \sqrt 3", True, "latex_expression")
add(r"e^{2}", r"\mathrm{e}^{2}", True, "latex_expression")
add("5", r"\text{5}", True, "latex_expression")
add("5", r"\mathrm{5}", True, "latex_expression")
add(r"\frac{\pi}{3}", r"\dfrac{\pi}3", True, "latex_expression")
add(r"\frac{\pi}{4}", r"0.25\pi", True, "latex_expression")
add(r"\frac{\pi}{4}", r"\frac{\pi}{2}", False, "latex_expression")
add(r"\frac{3}{4}", r"The answer is $\boxed{\dfrac{3}{4}}$.", True, "latex_expression")
add(
    r"\frac{3}{4}",
    r"Final Answer: The final answer is $\frac{3}{4}$. I hope it is correct.",
    True,
    "latex_expression",
)
add(
    r"\frac{3}{4}",
    r"Final Answer: The final answer is $\frac{4}{3}$. I hope it is correct.",
    False,
    "latex_expression",
)
add(r"\frac{1}{2}", r"\[ \boxed{\frac{1}{2}} \]", True, "latex_expression")
add("x^2+2x+1", "(x+1)^2", True, "expression")
add(r"\frac{x+1}{x-1}", r"\frac{x-1}{x+1}", False, "latex_expression")
add("2x", r"2 \cdot x", True, "expression")
add("2x", r"2 \times x", True, "expression")
add("xy", r"x \cdot y", True, "expression")
add(r"\frac{a}{b}", "a/b", True, "latex_expression")
add(r"\frac{1}{2}x", r"\frac{x}{2}", True, "latex_expression")
add(r"\frac{n(n+1)}{2}", r"\binom{n+1}{2}", True, "latex_expression")
add(r"2^{n-1}", r"\frac{2^n}{2}", True, "latex_expression")
add(r"2^{n-1}", r"2^{n+1}", False, "latex_expression")
add(r"\sqrt{3} + 1", r"1+\sqrt3", True, "latex_expression")
add(r"\frac{\sqrt{2}}{2}", r"\frac{1}{\sqrt2}", True, "latex_expression")
add(r"\text{Yes}", "yes", True, "text")
add(r"\text{No}", r"\text{Yes}", False, "text")
add(r"f^{-1}(x) = \frac{x-1}{2}", r"\frac{x-1}{2}", True, "equation")

# =========================================================================================================
# DEV (written after FROZEN was committed; fixes are made against these)
# =========================================================================================================

add = group(DEV, f"{W}: MATH gold style vs model LaTeX (dev)")
add(r"\frac{5}{6}", r"\dfrac{5}{6}", True, "latex_expression")
add(r"\frac{5}{6}", r"\tfrac56", True, "latex_expression")
add(r"\frac{5}{6}", r"\frac56", True, "latex_expression")
add(r"\frac{5}{6}", r"\frac65", False, "latex_expression")
add(r"\frac{2}{7}", r"\frac 27", True, "latex_expression")
add(r"\frac{2}{7}", r"\frac2{7}", True, "latex_expression")
add(r"\frac{2}{7}", r"\dfrac{2}7", True, "latex_expression")
add(r"\frac{\sqrt{5}}{5}", r"\frac{\sqrt5}5", True, "latex_expression")
add(r"\frac{\sqrt{5}}{5}", r"\frac{1}{\sqrt5}", True, "latex_expression")
add(r"\sqrt{7}", r"\sqrt7", True, "latex_expression")
add(r"\sqrt{7}", r"\sqrt 7", True, "latex_expression")
add(r"3\sqrt{5}", r"\sqrt{45}", True, "latex_expression")
add(r"3\sqrt{5}", r"5\sqrt{3}", False, "latex_expression")
add(r"\sqrt[4]{3}", r"3^{1/4}", True, "latex_expression")
add(r"\sqrt[3]{5}", r"\sqrt[3]5", True, "latex_expression")
add(r"-\frac{2}{5}", r"\frac{-2}{5}", True, "latex_expression")
add(r"-\frac{2}{5}", r"-0.4", True, "number")
add(r"-\frac{2}{5}", r"0.4", False, "number")
add(r"25,\!000", "25000", True, "number")
add(r"25,\!000", r"2,\!500", False, "number")
add(r"\$24.50", "24.50", True, "units")
add(r"\$24.50", "24.5", True, "units")
add(r"\$24.50", r"\$24.05", False, "units")
add(r"\$3,\!600", "3600", True, "units")
add(r"45^\circ", "45", True, "units")
add(r"45^\circ", r"45^{\circ}", True, "units")
add(r"45^\circ", r"4", False, "units")
add(r"60^\circ", r"60 \text{ degrees}", True, "units")
add("60", "60°", True, "units")
add(r"\text{(B)}", "(B)", True, "text")
add(r"\text{(B)}", r"\textbf{(B)}", True, "text")
add(r"\text{(B)}", r"\mathrm{(B)}", True, "text")
add(r"\text{(B)}", "(E)", False, "text")
add(r"\text{Tuesday}", "tuesday", True, "text")
add(r"\left( 2, \frac{\pi}{6} \right)", r"(2, \tfrac{\pi}{6})", True, "tuple")
add(r"\left( \frac{5}{2}, 3 \right)", "(2.5, 3)", True, "tuple")
add(r"\binom{6}{3}", "20", True, "latex_expression")
add("24", "4!", True, "number")
add(r"\log_3 9", "2", True, "latex_expression")
add("5", r"\left| -5 \right|", True, "latex_expression")
add("2", r"\left\lfloor 2.9 \right\rfloor", True, "latex_expression")
add("3", r"\lceil 2.1 \rceil", True, "latex_expression")
add(r"\frac{1}{9}", r"\left(\frac{1}{3}\right)^{2}", True, "latex_expression")
add(r"3\frac{1}{4}", "3.25", True, "number")
add(r"\frac{7}{2}", r"3\tfrac{1}{2}", True, "number")
add("-1.75", r"-1\frac{3}{4}", True, "number")

add = group(DEV, f"{W}: number forms (dev)")
add("2300", "2.3e3", True, "number")
add("2300", r"2.3\times10^{3}", True, "number")
add("2300", r"2.3 \cdot 10^3", True, "number")
add("2300", r"2.3\times10^{2}", False, "number")
add(r"3.0 \times 10^{8}", "3e8", True, "number")
add(r"3.0 \times 10^{8}", r"3\times 10^{9}", False, "number")
add(r"5\times10^{-6}", "0.000005", True, "number")
add(r"5\times10^{-6}", "0.00005", False, "number")
add("0.01", r"10^{-2}", True, "number")
add("2e-9", r"2\times10^{-9}", True, "number")
add("2e-9", "3e-9", False, "number")
add("54321", "54,321", True, "number")
add("54321", r"54\,321", True, "number")
add("54321", r"54{,}321", True, "number")
add("54321", r"54\ 321", True, "number")
add("2000000", "2,000,000", True, "number")
add("987.65", "987.650", True, "number")
add("4500", "4,500.0", True, "number")
add("4500", "450", False, "number")
add(r"\frac{3}{8}", "0.375", True, "number")
add("0.143", r"\frac17", True, "number")
add("0.14", r"\frac17", True, "number")
add("0.15", r"\frac17", False, "number")
add(r"\frac{1}{7}", "0.14", False, "number")
add("1.73", r"\sqrt{3}", True, "number")
add("1.732", "1.73", False, "number")
add("3.14", r"\pi", True, "number")
add("3000000", r"3 \text{ million}", True, "number")
add("4", "4.0", True, "number")

add = group(DEV, f"{W}: GSM8K gold vs model completion (dev)")
add("2500", "The total is 2,500.", True, "number")
add("15", "So he has 15 marbles.\n#### 15", True, "number")
add("30", r"\$30", True, "units")
add("30", r"\$30.00", True, "units")
add("30", r"So she spent $\boxed{\$30}$.", True, "units")
add("30", r"So she spent $\boxed{\$31}$.", False, "units")
add("12", r"\boxed{12 \text{ cookies}}", True, "units")
add("48", r"$4,\!8$", False, "number")

add = group(DEV, f"{W}: percent and money (dev)")
add(r"35\%", "0.35", True, "percent")
add("35", r"35\%", True, "percent")
add(r"35\%", "35 percent", True, "percent")
add(r"35\%", r"3.5\%", False, "percent")
add(r"\$7.25", r"7.25 \text{ dollars}", True, "units")

add = group(DEV, f"{W}: units (dev)")
add("8", r"8 \text{ feet}", True, "units")
add("8", r"8\,\mathrm{kg}", True, "units")
add("8", r"8 \mathrm{~kg}", True, "units")
add(r"8 \mathrm{~kg}", "8", True, "units")
add("3", r"3 \mathrm{~m} / \mathrm{s}", True, "units")
add("6", r"6\mbox{ m}", True, "units")
add("3", r"3\pi", False, "units")
add(r"5 \text{ kg}", r"5 \text{ g}", False, "units")
add(r"2 \text{ hours}", r"2 \text{ minutes}", False, "units")
add(r"1.2 \times 10^{5} \mathrm{~J}", r"1.2\times10^{5}", True, "units")

add = group(DEV, f"{W}: relations (dev)")
add("x = -4", "-4 = x", True, "equation")
add("y = 3x - 2", "3x - y - 2 = 0", True, "equation")
add("y = 3x - 2", "3x - 2 = y", True, "equation")
add("y = 3x - 2", "6x - 2y = 4", True, "equation")
add("y = 3x - 2", "3x - y + 2 = 0", False, "equation")
add("2x + 3y = 6", r"y = 2 - \frac{2}{3}x", True, "equation")
add("2x + 3y = 6", r"\frac{x}{3} + \frac{y}{2} = 1", True, "equation")
add("2x + 3y = 6", r"\frac{x}{2} + \frac{y}{3} = 1", False, "equation")
add("x^2 + y^2 = 4", "y^2 = 4 - x^2", True, "equation")
add("y = x^2 + 2x + 1", "y = (x+1)^2", True, "equation")
add(r"x = \pm 3", "x^2 = 9", True, "equation")
add("x = 7", "7", True, "equation")
add(r"g(x) = 3x", r"g(x)=x+2x", True, "equation")
add("x > -1", "-1 < x", True, "inequality")
add(r"x \ge 4", r"4 \le x", True, "inequality")
add(r"x \ge 4", r"4 \ge x", False, "inequality")
add("1 < x < 4", "4 > x > 1", True, "inequality")
add(r"x \le -2", r"(-\infty, -2]", True, "inequality")
add(r"x \le -2", r"(-\infty, -2)", False, "inequality")

add = group(DEV, f"{W}: intervals, sets, matrices (dev)")
add("[1, 3)", r"\left[1, 3\right)", True, "interval")
add("[1, 3)", "[1,3[", True, "interval")
add("(1, 3]", "]1,3]", True, "interval")
add("(1, 3)", "]1,3[", True, "interval")
add(r"[0, \infty)", r"[0, +\infty[", True, "interval")
add("[2, 6]", "[2; 6]", True, "interval")
add("[2, 6]", "[2; 7]", False, "interval")
add(r"(-\infty, 0) \cup (1, \infty)", r"x < 0 \text{ or } x > 1", True, "interval")
add(r"(-3, \infty)", r"\{x \mid x > -3\}", True, "interval")
add("[0, 2]", r"\{x : 0 \le x \le 2\}", True, "interval")
add(r"\{4, 5, 6\}", r"\left\{6, 5, 4\right\}", True, "set")
add(r"\{4, 5\}", r"\{4, 5, 5\}", True, "set")
add(r"\{4, 5\}", r"\{4, 6\}", False, "set")
add(r"\emptyset", r"\{ \}", True, "set")
PD = r"\begin{pmatrix} 2 & -1 \\ 0 & 5 \end{pmatrix}"
add(PD, r"\begin{bmatrix}2&-1\\0&5\end{bmatrix}", True, "matrix")
add(PD, r"\left(\begin{array}{cc} 2 & -1 \\ 0 & 5 \end{array}\right)", True, "matrix")
add(PD, r"\left[\begin{array}{rr}2&-1\\0&5\end{array}\right]", True, "matrix")
add(PD, r"\begin{pmatrix} 2 & 0 \\ -1 & 5 \end{pmatrix}", False, "matrix")
add(PD, "[[2, -1], [0, 5]]", True, "matrix")
add(r"\begin{pmatrix} 3 \\ 1 \end{pmatrix}", r"\begin{pmatrix} 3 & 1 \end{pmatrix}", False, "matrix")
add(
    r"\begin{pmatrix} 0.25 \\ 1 \end{pmatrix}",
    r"\begin{pmatrix} \tfrac{1}{4} \\ 1 \end{pmatrix}",
    True,
    "matrix",
)

add = group(DEV, f"{W}: model-printed LaTeX (dev)")
add(r"\frac{2}{3}", r"\displaystyle\frac{2}{3}", True, "latex_expression")
add(r"5\sqrt{2}", r"5\,\sqrt{2}", True, "latex_expression")
add(r"5\sqrt{2}", r"5 \! \sqrt 2", True, "latex_expression")
add(r"5\sqrt{2}", r"5\;\sqrt{2}", True, "latex_expression")
add(r"e^{3}", r"\mathrm{e}^{3}", True, "latex_expression")
add("7", r"\text{7}", True, "latex_expression")
add("7", r"\mathrm{7}", True, "latex_expression")
add(r"\frac{\pi}{6}", r"\dfrac{\pi}6", True, "latex_expression")
add(
    r"\frac{2}{3}",
    r"Final Answer: The final answer is $\frac{2}{3}$. I hope it is correct.",
    True,
    "latex_expression",
)
add(r"\frac{2}{3}", r"\[ \boxed{\tfrac{2}{3}} \]", True, "latex_expression")
add("3y", r"3 \times y", True, "expression")
add(r"\frac{n(n-1)}{2}", r"\binom{n}{2}", True, "latex_expression")
add(r"\text{No}", "no", True, "text")
add(r"h^{-1}(x) = 2x + 1", "2x+1", True, "equation")

add = group(DEV, f"{W}: convention probes written while fixing (dev)")
add("\\left\\{ 1, 2 \\right\\}", "\\{2,1\\}", True, "set")
add("\\frac{1}{2}", "\\frac{1}{2}\\text{ cm}", True, "units")
add("[2, 5)", "x \\in [2, 5)", True, "latex_expression")
add("1000000", "1 000 000", True, "number")
add("10000", "10\\,000", True, "latex_expression")
add("5", "5\\ \\text{cm}", True, "units")
add("0.5", "x=\\dfrac{1}{2}", True, "equation")
add("y=2x+1", "y-1=2x", True, "equation")
add("(2, \\infty)", "\\{x\\,|\\,x>2\\}", True, "set")
add("x>2", "(2, +\\infty)", True, "interval")
add("x<2", "x \\in (-\\infty, 2)", True, "interval")
add("(2,5)", "\\left]2, 5\\right[", True, "interval")
add("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}", True, "matrix")
add(
    "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
    "\\mathbf{v} = \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
    True,
    "matrix",
)
add(
    "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
    "\\begin{smallmatrix} 1 & 2 \\\\ 3 & 4 \\end{smallmatrix}",
    True,
    "matrix",
)
add("1500", "1.5\\times10^3", True, "latex_expression")
add("1500", "1.5E+03", True, "number")
add("1500", "15 \\times 10^2", True, "latex_expression")
add("1500", "1.5 \\times 10^{+3}", True, "latex_expression")
add("3\\times10^8", "3.0\\times 10^{8}\\ \\mathrm{m/s}", True, "units")
add("3\\times10^8", "3.0\\times 10^{8} \\, \\text{m/s}", True, "units")
add("18", "\\$\\,18", True, "units")
add("50", "50\\text{\\%}", True, "percent")
add("0.5", "50 \\%", True, "percent")
add("0.5", "50\\,\\%", True, "percent")
add("\\frac{\\pi}{2}", "\\frac{1}{2}\\pi", True, "latex_expression")
add("\\frac{\\pi}{2}", "\\pi/2", True, "latex_expression")
add("\\frac{\\sqrt2}{2}", "\\sqrt{\\frac{1}{2}}", True, "latex_expression")
add("\\sqrt2", "2^{\\frac12}", True, "latex_expression")
add("\\{2, 3\\}", "x = 2 \\text{ or } x = 3", True, "set")
add("2, 3", "x=2,\\ x=3", True, "equation")
add("y = 2x + 1", "2x - y = -1", True, "equation")
add("x + y - 3 = 0", "y = 3 - x", True, "equation")
add("y = \\frac{3}{4}x - 2", "3x - 4y - 8 = 0", True, "equation")
add("\\frac{x^2}{4}+\\frac{y^2}{9}=1", "9x^2+4y^2-36=0", True, "equation")
add("\\frac{x^2}{4}+\\frac{y^2}{9}=1", "9x^2+4y^2-36=1", False, "equation")
add("2x+1>5", "x>2", True, "inequality")
add("x < 2 \\text{ or } x > 3", "(-\\infty,2)\\cup(3,\\infty)", True, "interval")
add("x \\neq 2", "(-\\infty,2)\\cup(2,\\infty)", True, "interval")
add("(-\\infty,2)\\cup(2,\\infty)", "\\mathbb{R} \\setminus \\{2\\}", True, "set")
add("(-\\infty,2)\\cup(2,\\infty)", "\\mathbb{R} \\setminus \\{3\\}", False, "set")
add("\\{(1,2), (3,4)\\}", "(3,4), (1,2)", True, "set")
add("0.35", "\\frac{7}{20}", True, "latex_expression")
add("\\frac18", "0.125", True, "latex_expression")
add("12.0", "12", True, "number")
add("0.025", "2.50\\times10^{-2}", True, "latex_expression")
add("1234.5", "1,234.5", True, "number")
add("(1000, 2)", "(1{,}000, 2)", True, "tuple")
add("(1000, 2)", "(1,\\!000, 2)", True, "tuple")
add("(1000, 2)", "(1, 2)", False, "tuple")
add("1000", "1.000", False, "number")
add("\\frac{1}{2}", "1/2\\text{ m}", True, "units")
add("2", "2\\text{ m}^2", True, "units")
add("2 \\text{ m}^2", "2 \\text{ m}", False, "units")
add("2 \\text{ cm}^2", "2 \\text{ cm}^{2}", True, "units")
add("2 \\text{ m}", "2 \\text{ meters}", True, "units")
add("5 \\text{ km/h}", "5 \\text{ km}/\\text{h}", True, "units")
add("12 \\text{ cm}", "12 \\text{ centimeters}", True, "units")
add("3 \\text{ hours}", "3 \\text{ h}", True, "units")
add("3 \\text{ hours}", "3 \\text{ min}", False, "units")
add("x = 3", "x = 3 \\text{ cm}", True, "units")
add("\\frac{1}{2}", "\\tfrac{1}{2} \\text{ inch}", True, "units")
add("\\dfrac{14}{3}", "4\\dfrac{2}{3}", True, "latex_expression")
add("\\frac{14}{3}", "4 \\frac 23", True, "latex_expression")
add("4\\frac{2}{3}", "\\frac{14}{3}", True, "latex_expression")
add("0.\\overline{3}", "\\frac13", True, "latex_expression")
add("-\\infty", "-\\infty", True, "latex_expression")
add("\\infty", "\\text{infinity}", True, "units")
add("\\text{undefined}", "\\text{Undefined}", True, "units")
add("\\text{none}", "\\emptyset", True, "set")
add("2", "two", True, "number")
add("\\text{Bob}", "\\text{Bob.}", True, "units")
add("\\frac{9}{4}", "2\\frac{1}{4}", True, "latex_expression")
add("90", "90^\\circ\\text{C}", True, "latex_expression")
add("1.5", "1\\frac12", True, "latex_expression")
add("2+\\sqrt{3}", "\\sqrt3+2", True, "latex_expression")
add("\\cos 30^\\circ", "\\frac{\\sqrt3}{2}", True, "latex_expression")
add("\\sin 30^\\circ", "0.5", True, "latex_expression")
add("\\frac{1}{\\sqrt{2}}", "\\frac{\\sqrt{2}}{2}", True, "latex_expression")
add("(1,3]", "]1,3[", False, "interval")
add("[2,\\infty)", "\\{x \\mid x > 2\\}", False, "set")
add("(-\\infty,2]\\cup[5,\\infty)", "\\{x : x \\le 2 \\text{ or } x \\ge 5\\}", True, "set")
add("(0,3)", "\\{x \\in \\mathbb{R} \\mid 0 < x < 3\\}", True, "set")
add("(0,3)", "\\{x \\in \\mathbb{R} \\mid 0 < x \\le 3\\}", False, "set")
add("\\{1, 2\\}", "\\{x \\mid x = 1\\}", False, "set")
add("5 \\text{ m}^2", "5 \\text{ m}", False, "units")
add("10 \\mathrm{~m}", "10 \\mathrm{~s}", False, "units")
add("10 \\mathrm{~m}", "10 \\text{ meters}", True, "units")
add("2", "2\\mathrm{e}", False, "units")
add("0.5", "\\sin 30", False, "latex_expression")
add("\\frac{\\sqrt{2}}{2}", "\\cos(45^{\\circ})", True, "latex_expression")
add("\\frac{\\sqrt{3}}{2}", "\\cos 45^\\circ", False, "latex_expression")
add("f^{-1}(x) = 2x", "2x", True, "equation")
add("f^{-1}(x) = 2x", "\\frac{x}{2}", False, "equation")
add("\\text{no solution}", "\\{0\\}", False, "set")
add("\\text{no real solutions}", "\\varnothing", True, "set")
add("\\emptyset", "\\text{No solution.}", True, "set")
add("\\mathbb{R} \\setminus \\{0\\}", "(-\\infty, 0) \\cup (0, \\infty)", True, "set")
add("\\mathbb{R} \\setminus \\{0\\}", "(-\\infty, 0] \\cup (0, \\infty)", False, "set")
add("x \\ne 1", "\\mathbb{R}\\setminus\\{1\\}", True, "set")
add("S = \\{1, 2\\}", "\\{2, 1\\}", True, "set")
add("\\{1, 2\\}", "S = \\{1, 3\\}", False, "set")
add(
    "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
    "\\mathbf{v} = \\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}",
    False,
    "matrix",
)
add("(5000, 3)", "(5,\\!000, 3)", True, "tuple")
add("(5000, 3)", "(5, 000, 3)", False, "tuple")
add("\\frac{7}{3}", "2\\frac13", True, "latex_expression")
add("\\frac{7}{3}", "2\\frac14", False, "latex_expression")
add("\\frac{5}{2}", "2 \\tfrac 12", True, "latex_expression")
add("x < -1 \\text{ or } x > 1", "(-\\infty,-1)\\cup(1,\\infty)", True, "interval")
add("x < -1 \\text{ or } x > 1", "(-\\infty,-1]\\cup[1,\\infty)", False, "interval")
add("-\\infty", "-\\text{infinity}", True, "units")
add("4", "4\\,\\mathrm{m/s^2}", True, "units")
add("4 \\mathrm{~m/s}", "4", True, "units")
add("1.6 \\times 10^{-19} \\mathrm{~C}", "1.6\\times10^{-19}", True, "units")
add("1.6 \\times 10^{-19} \\mathrm{~C}", "1.6\\times10^{-18}", False, "units")
add("3 \\text{ hours}", "3 \\text{ minutes}", False, "units")


def _norm(s: str) -> str:
    return re.sub(r"[\s$]", "", s)


def build() -> dict[str, list[dict]]:
    seen_exact, seen_norm = set(), set()
    for path in OLDER:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    seen_exact.add((d["gold"], d["pred"]))
                    seen_norm.add((_norm(d["gold"]), _norm(d["pred"])))
    out: dict[str, list[dict]] = {}
    for name, table in (("frozen_notation", FROZEN), ("dev_notation", DEV)):
        rows = []
        for c in table:
            key = (c["gold"], c["pred"])
            nkey = (_norm(c["gold"]), _norm(c["pred"]))
            if key in seen_exact or nkey in seen_norm:
                continue
            seen_exact.add(key)
            seen_norm.add(nkey)
            rows.append(c)
        out[name] = rows
    return out


def main() -> None:
    out = build()
    for name, rows in out.items():
        if not rows:
            continue
        path = HERE / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for c in rows:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        labels = Counter(c["expected"] for c in rows)
        kinds = Counter(c["kind"] for c in rows)
        print(f"{path.name}: {len(rows)} cases (true {labels[True]}, false {labels[False]}); {dict(kinds)}")


if __name__ == "__main__":
    main()
