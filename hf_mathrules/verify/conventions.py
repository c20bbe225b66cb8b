"""Conventions answer graders agree on (MATH/minerva normalizers, prm800k, Qwen2.5-Math, Math-Verify),
applied to an answer's text before it is tokenized.  Text in, text out; every pattern is anchored or
bounded, so each rewrite is linear in the (already length-capped) answer.

- mixed numbers: ``5 1/2``, ``2\\frac{1}{2}`` and ``1\\frac12`` are 5 + 1/2 when they are the whole value (a proper
  fraction right after an integer); ``3¼`` and the other vulgar-fraction characters anywhere;
- repeating decimals: ``0.\\overline{6}`` and ``0.(6)`` are 2/3, ``1.2\\overline{34}`` is exact too;
- compound units after a number that is the whole answer, with a space between, are dropped (``10 m/s``,
  ``9 cm^2``; ``4m^2`` stays an expression, as ``2m`` stays a product);
- number words: ``seven``, ``twenty-one`` as the whole answer; scale words after a number anywhere
  (``3 thousand``, ``2.5 million``, ``3 \\text{ million}``);
- a percent sign is a unit: ``percent_of`` reports it so the comparison can accept either reading
  (``40\\%`` for a reference ``40`` or ``2/5``; see ``core``).
"""

from __future__ import annotations

import re
from fractions import Fraction

_VULGAR = {
    "¼": (1, 4), "½": (1, 2), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅕": (1, 5), "⅖": (2, 5),
    "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8),
    "⅞": (7, 8),
}  # fmt: skip
_VULGAR_RE = re.compile(r"(?<!\d)(\d{0,30}) ?([" + "".join(_VULGAR) + "])")
# the whole value (optionally after "x =") is an integer followed by a proper fraction of integers
_MIXED_RE = re.compile(
    r"^(?P<head>(?:[A-Za-z]\w*\s*=\s*)?)(?P<sign>-?)\s*(?P<whole>\d{1,30})"
    r"(?:\s+(?P<n1>\d{1,30})\s*/\s*(?P<d1>\d{1,30})|\s*\\[dt]?frac\s*\{\s*(?P<n2>\d{1,30})\s*\}\s*\{\s*(?P<d2>\d{1,30})\s*\}"
    r"|\s*\\[dt]?frac\s*(?P<n3>\d)\s*(?P<d3>\d))"
    r"\s*$"
)
_REPEATING_RE = re.compile(
    r"(?<!\d)(\d{0,30})\.(\d{0,30})(?:\\(?:overline|bar|dot)\s*\{\s*(\d{1,30})\s*\}|\((\d{1,30})\)(?![\w(]))"
)
# compound units after a number (10 m/s, 3 cm^2): single letters elsewhere stay variables
_COMPOUND_UNIT_RE = re.compile(
    r"^(\s*-?[\d.,]{1,40})\s+(?:(?:km|m|cm|mm|ft|mi|in)\s*/\s*(?:s|h|hr|min)(?:\^?2)?"
    r"|(?:km|m|cm|mm|ft|in)\s*\^\s*[23])\s*$"
)
_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALE_RE = re.compile(
    r"(?<![\w.])(\d{1,15}(?:\.\d{1,15})?)\s*(?:(thousand|million|billion|trillion)\b"
    r"|\\(?:text|mathrm|mbox|textrm)\s*\{\s*~?\s*(thousand|million|billion|trillion)\s*\})",
    re.I,
)
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_NUMBER_RE = re.compile(
    r"^\s*(?:\\text\{\s*)?(?P<w>[A-Za-z]+(?:[\s-][A-Za-z]+)?)(?:\s*\})?\s*\.?\s*$", re.I
)
PERCENT_RE = re.compile(r"(?:\\%|%|\\text\{\s*\\?%\s*\}|\bpercent\b)\s*(?:\.\s*)?$", re.I)


def _fraction_text(v: Fraction) -> str:
    return f"({v.numerator}/{v.denominator})" if v.denominator != 1 else f"({v.numerator})"


def _mixed(m: re.Match) -> str:
    num = int(m.group("n1") or m.group("n2") or m.group("n3"))
    den = int(m.group("d1") or m.group("d2") or m.group("d3"))
    if den == 0 or num >= den:
        return m.group(0)  # not a proper fraction: 2 3/2 stays a product, as written
    value = int(m.group("whole")) + Fraction(num, den)
    return f"{m.group('head')}{m.group('sign')}{_fraction_text(value)}"


def _repeating(m: re.Match) -> str:
    whole, fixed, rep = m.group(1) or "0", m.group(2), m.group(3) or m.group(4)
    base = int(whole + fixed) if whole + fixed else 0
    value = Fraction(int(whole + fixed + rep) - base, 10 ** len(fixed) * (10 ** len(rep) - 1))
    return _fraction_text(value)


def _vulgar(m: re.Match) -> str:
    n, d = _VULGAR[m.group(2)]
    return _fraction_text(int(m.group(1) or 0) + Fraction(n, d))


def _scaled(m: re.Match) -> str:
    return _fraction_text(Fraction(m.group(1)) * _SCALE[(m.group(2) or m.group(3)).lower()])


def word_number(text: str) -> int | None:
    """``seven`` -> 7, ``twenty-one`` -> 21 (the whole answer); None otherwise."""
    m = _WORD_NUMBER_RE.match(text)
    if not m:
        return None
    parts = re.split(r"[\s-]", m.group("w").lower())
    if len(parts) == 1:
        w = parts[0]
        if w in _UNITS:
            return _UNITS.index(w)
        return 20 + 10 * _TENS.index(w) if w in _TENS else None
    tens, unit = parts
    if tens in _TENS and unit in _UNITS[1:10]:
        return 20 + 10 * _TENS.index(tens) + _UNITS.index(unit)
    return None


def apply(text: str) -> str:
    """The answer with these conventions written out as plain arithmetic."""
    n = word_number(text)
    if n is not None:
        return str(n)
    s = _VULGAR_RE.sub(_vulgar, text) if any(c in text for c in _VULGAR) else text
    if "overline" in s or "\\bar" in s or "\\dot" in s or ".(" in s:
        s = _REPEATING_RE.sub(_repeating, s)
    if "/" in s or "^" in s:
        s = _COMPOUND_UNIT_RE.sub(r"\1", s)
    s = _SCALE_RE.sub(_scaled, s)
    return _MIXED_RE.sub(_mixed, s.strip())


def percent_of(text: str) -> bool:
    """Does the answer end in a percent sign (or the word)?"""
    return bool(PERCENT_RE.search(text))
