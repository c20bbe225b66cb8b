"""Normalise untrusted math text (plain, textbook or LaTeX) and cut it into tokens.

Nothing here evaluates anything: the output is a list of ``Token(kind, text)`` with kinds NUM, NAME,
CMD (a LaTeX command, without the backslash), OP, TEXT (``\\text{...}`` content), BEGIN/END (LaTeX
environments) and EOF.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from . import conventions
from .latex import FUNCS, GREEK
from .limits import Limits, ParseError, TooLarge


class Token(NamedTuple):
    kind: str
    text: str
    glued: bool = False  # a NAME written against what precedes it, no space (``5cm``, ``210abcd``)


_UNICODE = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",
    "\u2014": "-",
    "\u00d7": r"\times ",
    "\u00f7": r"\div ",
    "\u00b7": r"\cdot ",
    "\u22c5": r"\cdot ",
    "\u2219": r"\cdot ",
    "\u221a": r"\sqrt ",
    "\u03c0": r"\pi ",
    "\u221e": r"\infty ",
    "\u2264": "<=",
    "\u2266": "<=",
    "\u2265": ">=",
    "\u2267": ">=",
    "\u2260": "!=",
    "\u00b1": r"\pm ",
    "\u00b2": "^2",
    "\u00b3": "^3",
    "\u222a": r"\cup ",
    "\u2229": r"\cap ",
    "\u2208": r"\in ",
    "\u00b0": "",
    "\u2009": " ",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2192": r"\to ",
    "\u2248": r"\approx ",
    **{
        ch: f"\\{name} "
        for ch, name in zip(
            "αβγδεζηθικλμνξρστυφχψωΓΔΘΛΞΣΦΨΩ",
            (
                "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau upsilon phi "
                "chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega"
            ).split(),
        )
    },
}
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))
# styling with no mathematical meaning
_DROP_RE = re.compile(
    r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg|displaystyle|textstyle|limits)"
    r"(?![A-Za-z])|(?<!\\)\\[,;:!> ]|\\q?quad|~|\\\$|\$|\\%|%|\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ"
    r"|\\degree"
)
# "\\\\frac" (an over-escaped backslash) before a command name reads as one backslash
_DOUBLED_RE = re.compile(r"\\\\(?=[A-Za-z])")
_FRAC_RE = re.compile(r"\\[dtc]frac(?![A-Za-z])")
_TEXT_CMDS = frozenset(
    {
        "text",
        "textbf",
        "textit",
        "textrm",
        "textnormal",
        "mathrm",
        "mathbf",
        "mathit",
        "operatorname",
        "mbox",
        "hbox",
        "mathsf",
    }
)
_NAME_CMDS = frozenset({"mathrm", "mathbf", "mathit", "operatorname", "mathsf"})  # \mathrm{e}: a name
_NUM_RE = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+(?![A-Za-z0-9]))?")
_NAME_RE = re.compile(r"[A-Za-z]+\d*")
_OPS = ("**", "<=", ">=", "!=", "==", "\\\\", "=<", "=>")
_SINGLE_OPS = set("+-*/^()[]{},;=<>!|&_'.:")
# "1,000,000" / "1 000": a thousands separator when the whole answer has this shape
_THOUSANDS_RE = re.compile(r"^-?[1-9]\d{0,2}(?:(?:,\d{3})+|(?: \d{3})+)(?:\.\d+)?$")
SEP_WORDS = frozenset({"or", "and"})
FILLER_WORDS = frozenset({"percent", "pct", "percentage", "degrees", "degree"})
# unit names short enough to be mistaken for products of variables (read as units only where no variable
# of the answer or of the other side shows the letters are variables); see ``unit_positions``
UNIT_WORDS = frozenset(
    "cm mm km dm nm kg mg ml mL ft yd mi mph kph kmh hr hrs min mins sec secs ms yr yrs lb lbs oz gal "
    "usd sq cu rad".split()
)
_GLUED_CMD = re.compile(r"^(frac|sqrt|binom)([A-Za-z]+)$")
_FUNC_NAMES = frozenset("floor ceil max min sin cos tan ln log exp sqrt arcsin arccos arctan".split())
_LETTERS_RUN = re.compile(r"[A-Za-z]{2,}")
_GLUED_SEP = re.compile(r"^(or|and)([A-Za-z]\d*)$")
_LEADING_RE = re.compile(r"^(?:=|\\approx(?![A-Za-z]))\s*|^\*\*(?=.*\*\*$)|(?<=[^*])\*\*$")
_BANG_THOUSANDS_RE = re.compile(r"(?<=\d),\\!\s*(?=\d{3}(?!\d))")
# \sin 30^\circ, \cos(45^{\circ}): an angle in degrees inside a trigonometric function is read in radians
_TRIG_DEGREES_RE = re.compile(
    r"(\\(?:sin|cos|tan|cot|sec|csc)\s*(?:\(\s*)?)(\d{1,15}(?:\.\d{1,15})?)\s*"
    r"(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\degree|\s*\\text\{\s*degrees?\s*\})"
)
_DECIMAL_COMMA_RE = re.compile(r"^-?\d+,\d\d$|^-?0,\d+$")


def normalize(text: str, limits: Limits) -> str:
    """Unicode and styling cleanup; raises TooLarge on over-long input."""
    if len(text) > limits.max_length:
        raise TooLarge(f"answer is {len(text)} characters, limit is {limits.max_length}")
    s = _UNICODE_RE.sub(lambda m: _UNICODE[m.group(0)], conventions.apply(text))
    s = _DOUBLED_RE.sub(r"\\", s)
    s = _FRAC_RE.sub(r"\\frac", s)
    if ",\\!" in s:  # 11,\! 111: a thousands separator, also inside a tuple: (1,\!000, 2)
        s = _BANG_THOUSANDS_RE.sub("", s)
        s = re.sub(r",\\!\s*", ",", s)
    if "circ" in s or "degree" in s:
        s = _TRIG_DEGREES_RE.sub(r"\1(\2 \\pi / 180)", s)
    s = s.replace("{,}", "")
    s = _DROP_RE.sub(" ", s)
    s = s.strip().rstrip(".").strip()
    s = _LEADING_RE.sub("", s)  # "= 12", "\approx 3.14", "**42**": the answer after its decoration
    if _THOUSANDS_RE.match(s):
        s = re.sub(r"[,\s]", "", s)
    elif _DECIMAL_COMMA_RE.match(s):
        s = s.replace(",", ".")
    return s


def check_nesting(s: str, limits: Limits) -> None:
    """Linear scan so a 10,000-deep input is refused before any recursion."""
    depth = peak = 0
    for ch in s:
        if ch in "([{":
            depth += 1
            if depth > peak:
                peak = depth
                if peak > limits.max_depth:
                    raise TooLarge(f"nesting deeper than {limits.max_depth}")
        elif ch in ")]}":
            depth -= 1


def _read_group(s: str, i: int) -> tuple[str, int]:
    """Content of a ``{...}`` group starting at s[i] == '{'; returns (content, index after '}')."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return s[i + 1 : j], j + 1
    raise ParseError("unbalanced '{'")


def _is_math_content(cmd: str, content: str) -> bool:
    """Styled math rather than words: no run of two letters, and no letter at all inside a text command
    (``\\text{ m}`` is a unit, ``\\mathbf{x}`` a variable)."""
    if _LETTERS_RUN.search(content) or "\\" in content:
        return False
    return cmd in _NAME_CMDS or not any(c.isalpha() for c in content)


def tokenize(s: str, limits: Limits) -> list[Token]:
    toks: list[Token] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
            continue
        if ch.isdigit() or (ch == "." and i + 1 < n and s[i + 1].isdigit()):
            m = _NUM_RE.match(s, i)
            digits = sum(c.isdigit() for c in m.group(0))
            if digits > limits.max_digits:
                raise TooLarge(f"a number has {digits} digits, limit is {limits.max_digits}")
            toks.append(Token("NUM", m.group(0)))
            i = m.end()
            continue
        if ch.isalpha() and ch.isascii():
            m = _NAME_RE.match(s, i)
            toks.append(Token("NAME", m.group(0), i > 0 and not s[i - 1].isspace()))
            i = m.end()
            continue
        if ch == "\\":
            if i + 1 < n and s[i + 1] == "\\":
                toks.append(Token("OP", "\\\\"))
                i += 2
                continue
            m = re.compile(r"\\([A-Za-z]+|.)").match(s, i)
            if not m:
                raise ParseError("a lone backslash")
            name = m.group(1)
            i = m.end()
            if name in ("{", "}"):
                toks.append(Token("OP", "\\" + name))
            elif name in ("begin", "end"):
                j = i
                while j < n and s[j].isspace():
                    j += 1
                if j >= n or s[j] != "{":
                    raise ParseError(f"\\{name} without an environment name")
                env, i = _read_group(s, j)
                env = env.strip().rstrip("*")
                toks.append(Token("BEGIN" if name == "begin" else "END", env))
                if name == "begin" and env == "array" and i < n and s[i] == "{":
                    _, i = _read_group(s, i)  # column spec
            elif name in _TEXT_CMDS:
                j = i
                while j < n and s[j].isspace():
                    j += 1
                if j < n and s[j] == "{":
                    content, i = _read_group(s, j)
                    content = content.strip()
                    if content.lower() in ("infinity", "infty"):
                        toks.append(Token("CMD", "infty"))  # \text{infinity}
                    elif (
                        name == "mathrm"  # upright; \mathbf{v}, \mathit{x} are variables
                        and content[:1].isalpha()
                        and content.isascii()
                        and content not in ("e", "E", "i")
                        and content not in _FUNC_NAMES
                        and _ends_number(toks, len(toks))
                    ):
                        # 5\mathrm{~s}, 3\mathrm{m/s}: upright letters right after a number are a unit
                        toks.append(Token("TEXT", content))
                    elif name in _NAME_CMDS and (
                        re.fullmatch(r"[A-Za-z]", content) or content in _FUNC_NAMES
                    ):
                        toks.append(Token("NAME", content))  # \mathrm{e}, \operatorname{floor}
                    elif content and _is_math_content(name, content):
                        toks.extend(tokenize(content, limits)[:-1])  # \textbf{5}, \mathbf{x+1}: styling
                    else:
                        toks.append(Token("TEXT", content))
            else:
                glued = _GLUED_CMD.match(name)
                if glued:
                    # \fracab, \sqrtx: an ungrouped argument written against the command
                    toks += [Token("CMD", glued.group(1)), Token("NAME", glued.group(2))]
                else:
                    toks.append(Token("CMD", name))
            continue
        if ch.isalpha():  # a word in another script (答案, 千克): prose or a unit, never a variable
            j = i
            while j < n and s[j].isalpha() and not s[j].isascii():
                j += 1
            toks.append(Token("TEXT", s[i:j]))
            i = j
            continue
        two = s[i : i + 2]
        if two in _OPS:
            toks.append(Token("OP", {"=<": "<=", "=>": ">=", "==": "="}.get(two, two)))
            i += 2
            continue
        if ch in _SINGLE_OPS:
            toks.append(Token("OP", ch))
            i += 1
            continue
        raise ParseError(f"unexpected character {ch!r}")
    toks.append(Token("EOF", ""))
    return toks


def pretokens(
    toks: list[Token],
    symbols: frozenset[str] | None,
    context: frozenset[str] = frozenset(),
    dropped: list[str] | None = None,
) -> list[Token]:
    """Text and filler words: ``\\text{or}`` separates answers, units and annotations are dropped.
    ``context``: letters known to be variables elsewhere (the other side of a comparison); ``dropped``
    receives the bare words read as units."""
    only_text = len(toks) == 2 and toks[0].kind == "TEXT"
    units = unit_positions(toks, symbols, context) if not only_text else set()
    out: list[Token] = []
    skip = 0
    for k, t in enumerate(toks):
        if skip:
            skip -= 1
            continue
        if k in units:
            if dropped is not None and t.kind == "NAME":
                dropped.append(t.text)
            skip = _unit_power(toks, k + 1)  # 9 \text{m}^2: the square belongs to the unit
            skip += _unit_tail(toks, k + 1 + skip)  # \mathrm{~m} / \mathrm{s}^{2}: the rest of the unit
            continue
        if t.kind == "OP" and t.text == "=" and not out and k > 0 and toks[k - 1].kind == "TEXT":
            continue  # "面积 = 4000": the dropped words named the quantity
        if t.kind == "TEXT" and not only_text:
            word = t.text.strip().lower()
            if word in SEP_WORDS:
                out.append(Token("SEP", word))
            elif word == ",":
                out.append(Token("OP", ","))
            continue
        if t.kind == "NAME" and t.text in SEP_WORDS and not (symbols and t.text in symbols):
            out.append(Token("SEP", t.text))
            continue
        glued = _GLUED_SEP.match(t.text) if t.kind == "NAME" and out else None
        if glued and out[-1].kind in ("NUM", "OP") and out[-1].text not in "({[,;=<>+-*/^":
            # "x=1orx=2": a separator word written without spaces after a value
            out += [Token("SEP", glued.group(1)), Token("NAME", glued.group(2))]
            continue
        if t.kind == "NAME" and t.text.lower() in FILLER_WORDS and not (symbols and t.text in symbols):
            continue
        out.append(t)
    return out


# short lowercase words that are never a product of one-letter variables
_NOT_PRODUCTS = frozenset(
    {*FUNCS, *GREEK, *_FUNC_NAMES, *SEP_WORDS, "pi", "oo", "inf", "mod", "to", "of", "by", "per"}
)
# tokens that end one operand of an answer and start the next: the x of ``x = 5 cm`` does not make the
# unit a product
_OPERAND_OPS = frozenset({"=", "<", ">", "<=", ">=", "!=", ",", ";"})
_OPERAND_CMDS = frozenset(
    "le leq leqslant ge geq geqslant lt gt ne neq approx equiv in to quad qquad".split()
)


def product_like(word: str) -> bool:
    """A short run of lowercase letters that may be one-letter variables written together (``mn``,
    ``gsuy``, ``km``), not a function or Greek name."""
    return (
        word.isascii()
        and word.isalpha()
        and word.islower()
        and 2 <= len(word) <= 4
        and word not in _NOT_PRODUCTS
    )


def _variable_name(toks: list[Token], k: int) -> bool:
    """Token ``k`` is a letter or a product of letters standing for variables: not a unit word, not the
    letter after ``/`` or ``\\cdot`` that continues a unit (``km / h``)."""
    t = toks[k]
    if t.kind != "NAME" or not t.text.isalpha():
        return False
    if len(t.text) > 1 and (not product_like(t.text) or t.text in KNOWN_UNITS):
        return False
    prev = toks[k - 1] if k else None
    return not (
        prev and (prev.kind == "OP" and prev.text == "/" or prev.kind == "CMD" and prev.text == "cdot")
    )


def unit_positions(
    toks: list[Token], symbols: frozenset[str] | None = None, context: frozenset[str] = frozenset()
) -> set[int]:
    """Indices of the tokens that are units (or annotation words) written after a number; linear.

    Text (``\\text{cm}``, ``\\mathrm{~s}``) after a number always is.  A bare word is when it is a known
    unit (``6km^2``, ``40 feet``) and nothing shows its letters are variables: a name of the reference
    (``symbols``), letters used as variables elsewhere in the answer or in ``context`` (the other side:
    ``8m^3 + 16dm + 4dy``), or other variables in the same operand (``3k^2 + 6km^2``; ``x = 5 cm`` keeps
    its unit).  Any other short lowercase run is a product (``210gsuy^2``, ``210abcd``), never a unit.
    A longer unknown word after a space is an annotation (``12 apples``) unless its letters are variables.
    """
    operand: list[int] = []  # operand index of each token
    op_vars: list[int] = []  # variable names in each operand
    letters = set(context)
    if symbols:
        letters.update("".join(symbols))
    for k, t in enumerate(toks):
        if (
            not op_vars
            or t.kind == "OP"
            and t.text in _OPERAND_OPS
            or t.kind == "CMD"
            and t.text in _OPERAND_CMDS
            or t.kind in ("TEXT", "SEP")
            or t.kind == "NAME"
            and t.text in SEP_WORDS
        ):
            op_vars.append(0)
        operand.append(len(op_vars) - 1)
        if _variable_name(toks, k):
            op_vars[-1] += 1
            letters.update(t.text)
    out = set()
    for k, t in enumerate(toks):
        if k == 0 or not _ends_number(toks, k):
            continue
        if t.kind == "TEXT":
            if t.text and t.text.strip().lower() not in SEP_WORDS:
                out.add(k)
            continue
        w = t.text
        if t.kind != "NAME" or not w.isalpha() or w.lower() in _NOT_UNITS:
            continue
        if symbols and w in symbols or set(w) <= letters:
            continue  # the letters are variables: 5nm is 5*n*m when n and m are names
        if product_like(w):
            if w in KNOWN_UNITS and not op_vars[operand[k]]:
                out.add(k)  # 6km^2 alone: a unit; 3k^2 + 6km^2, 210abcd: a product, never a unit
        elif w in KNOWN_UNITS or len(w) >= 4 and not t.glued:
            out.add(k)
    return out


def _ends_number(toks: list[Token], n: int) -> bool:
    """``toks[:n]`` ends with a number: ``5``, or a power of one (``10^5``, ``10^{-3}``)."""
    if n and toks[n - 1].kind == "NUM":
        return True
    if n >= 5 and toks[n - 1].text == "}" and toks[n - 2].kind == "NUM":
        j = n - 3
        if toks[j].text in "+-":
            j -= 1
        return j >= 2 and toks[j].text == "{" and toks[j - 1].text == "^" and toks[j - 2].kind == "NUM"
    return False


# single letters that continue a unit after "/" or "\cdot" (km / h, N \cdot m): only after a unit
_UNIT_LETTERS = frozenset("smhgJNWKLlV")


def _unit_tail(toks: list[Token], k: int) -> int:
    """How many tokens starting at ``k`` continue a compound unit (``/ s``, ``/ \\text{s}^2``, ``\\cdot m``)."""
    total = 0
    while toks[k].kind == "OP" and toks[k].text == "/" or toks[k].kind == "CMD" and toks[k].text == "cdot":
        u = toks[k + 1]
        if u.kind == "TEXT" and u.text.strip() and u.text.strip().lower() not in SEP_WORDS:
            pass
        elif not (u.kind == "NAME" and (u.text in UNIT_WORDS or u.text in _UNIT_LETTERS)):
            break
        step = 2 + _unit_power(toks, k + 2)
        total += step
        k += step
    return total


def _unit_power(toks: list[Token], k: int) -> int:
    """How many tokens of a ``^2`` / ``^{3}`` start at ``k``."""
    if toks[k].kind == "OP" and toks[k].text == "^":
        if toks[k + 1].kind == "NUM":
            return 2
        if toks[k + 1].text == "{" and toks[k + 2].kind == "NUM" and toks[k + 3].text == "}":
            return 4
    return 0


# words that follow a number without being its unit
_NOT_UNITS = frozenset(
    "sqrt cbrt sinh cosh tanh asin acos atan arcsin arccos arctan infinity infty thousand million "
    "billion trillion".split()
)


# unit spellings -> one name; a pair stating two different known units is not the same answer
_UNIT_NAMES = {
    "m": "m meter meters metre metres",
    "cm": "cm centimeter centimeters centimetre centimetres",
    "mm": "mm millimeter millimeters millimetre millimetres",
    "km": "km kilometer kilometers kilometre kilometres",
    "in": "inch inches",
    "ft": "ft foot feet",
    "yd": "yd yard yards",
    "mi": "mi mile miles",
    "g": "g gram grams gramme grammes",
    "kg": "kg kilogram kilograms kilo kilos",
    "mg": "mg milligram milligrams",
    "lb": "lb lbs pound pounds",
    "oz": "oz ounce ounces",
    "s": "s sec secs second seconds",
    "ms": "ms millisecond milliseconds",
    "min": "min mins minute minutes",
    "h": "h hr hrs hour hours",
    "day": "day days",
    "week": "week weeks",
    "month": "month months",
    "yr": "yr yrs year years",
    "L": "L l liter liters litre litres",
    "mL": "mL ml milliliter milliliters millilitre millilitres",
    "gal": "gal gallon gallons",
    "dollar": "dollar dollars usd",
    "cent": "cent cents",
    "J": "J joule joules",
    "N": "N newton newtons",
    "W": "W watt watts",
    "Hz": "Hz hertz",
    "rad": "rad radian radians",
    "ohm": "ohm ohms",
}
UNIT_CANON = {w: canon for canon, words in _UNIT_NAMES.items() for w in words.split()}
# words read as units after a number (single letters never are, unless written as text)
KNOWN_UNITS = UNIT_WORDS | {w for w in UNIT_CANON if len(w) > 1}


def stated_units(text: str, limits: Limits) -> tuple[str, ...] | None:
    """The units written after numbers in an answer, each as one canonical name with its power
    (``cm^2``); None when there is none or one we do not know (then units are not compared)."""
    try:
        toks = tokenize(normalize(text, limits), limits)
    except Exception:
        return None
    out = []
    for k in sorted(unit_positions(toks)):
        t = toks[k]
        word = t.text.strip()
        canon = UNIT_CANON.get(word) or UNIT_CANON.get(word.lower())
        if canon is None:
            return None
        power = _unit_power(toks, k + 1)
        out.append(canon + (f"^{toks[k + 2 if power == 2 else k + 3].text}" if power else ""))
        if _unit_tail(toks, k + 1 + power):
            return None  # a compound unit: not compared
    return tuple(out) or None
