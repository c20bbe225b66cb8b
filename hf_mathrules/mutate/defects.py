"""Automatic checks for defects a reader sees and the older checks missed (issue 21's reading of rows):

- ``redundant unit``: a value followed by the unit its quantity's name already says ("the number of books
  each student borrows is 4 books", "the number of cups sold, in cups?");
- ``incompatible qualifiers``: a period-bound description with a time qualifier ("the amount saved each
  week last week", "the pay for the week on Monday");
- ``verb agreement``: a plural amount with a singular verb ("3 weeks is added").

Round 3 (what the 50-row readings still found):

- ``contrived relation``: arithmetic no story says ("Multiplying the number of buses by 3 and adding 9
  gives 21", "Adding 2 to x and multiplying the sum by 3 gives 15");
- ``part of a rate or duration``: "Half of the normal wage", "A third of the number of days spent
  reading", "20% of the driving speed", "Split into 2 equal parts, the chairs in a row ...", a part of a
  fixed dimension ("A third of the side of the playground", "Shared equally over 3 parts, the first side");
- ``rate summed over occasions``: a per-item amount or rate added up ("the flour for one batch and the
  flour for one batch the week before add up to", "the total of the price of a cup and ...");
- ``marker with nothing before``: a seed sentence pointing back ("Then 76 people sit down.", "A supplier
  then delivers 11 kites.", "Zoe also spills 3 cups.") right after the intro or a generic sentence;
- ``past qualifier on a present verb``: "the boxes the bakery fills last week";
- ``same fraction said twice``: "X is 50% of Y. 50% of Y comes to 27.";
- ``decimal shown as a fraction``: a value the problem states as 7.6 written 38/5 in a step
  ("2x = 5(38/5)", "687/20 - 567/20 = 6");
- ``expand with no parentheses``: a linear step "Expand the parentheses:" after an equation without any;
- ``stories joined by an equality``: two stories composed by "X is the same as Y" ("The price of the
  game equals the sale price of a shirt");
- ``qualifier foreign to the story``: "the price of a child ticket at the second shop" in a theatre's story;
- ``deep nesting``: parentheses more than three deep in a symbolic problem ("2(1/(5(3(3(...)))))").

Round 5 (held-out reading of seed 7373): ``small unit for a large value`` now also a conversion to a
four-digit number ("1100 cents"); ``occasion with nothing to differ`` ("the number of tiles needed last
week" for one patio); ``fixed total restated on an occasion`` ("the driving time on Tuesday" and "the
driving speed on Tuesday" beside "the distance to the coast is 500 kilometers"); ``referent never set
up`` ("We are told that the gift is 1300 cents" where no gift was ever given); ``money split into parts``
("Split into 2 equal parts, the amount saved so far gives 25 dollars per part"); ``money with one
decimal`` ("13.8 dollars").

Round 4: ``one with a plural unit``: "exceeds the normal wage by 1 dollars per hour", "1 cups";
``small unit for a large value``: "the price of the bike is 26000 cents", "the trip is 200000 meters";
``same fraction said twice`` now also in other words ("X is 50% of Y. Half of Y comes to 11.").

Each takes a row's texts (prompt and completion) or its program and returns the offending snippets; the
generator avoids all three by construction (``frames.shown_unit``, ``operators.compatible``, frames
without a passive "is added"), and ``benchmarks/mutation.py --quality`` counts them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .frames import qualified
from .operators import (
    FLOW,
    LEVEL,
    LONG_PERIODS,
    PERIODIC,
    RATE_WORDS,
    TIME_QUALIFIERS,
    day_without_its_total,
    fixed_total_overstated,
    large_for,
    max_depth,
    occasion_can_differ,
)
from .program import Program
from .seeds import QUALIFIERS

_SENTENCE = re.compile(r"(?<=[.?!|])\s+|\n")
_NUMBER_OF = re.compile(r"\bnumber of ((?:[a-z']+ ){0,4}[a-z']+)")
_PLURAL_IS = re.compile(
    r"\b(\d+(?:\.\d+)?) ([a-z]+s) (?:is|was|has) (?:added|subtracted|taken|removed|added on)\b"
)


def redundant_units(text: str) -> list[str]:
    """Sentences that write "the number of <noun> ... <n> <noun>" (or "..., in <noun>?")."""
    out = []
    if "number of" not in text or not _redundant_in_text(text):  # issue 19 round 6: no split
        return out
    for s in _SENTENCE.split(text):
        if "number of" not in s:  # what ``_NUMBER_OF`` needs (issue 19 round 5: speed)
            continue
        for m in _NUMBER_OF.finditer(s):
            for w in m.group(1).split():
                if len(w) > 2 and w.endswith("s") and _unit_after_number(w).search(s):
                    out.append(s)
                    break
            else:
                continue
            break
    return out


def _redundant_in_text(text: str) -> bool:
    """What ``redundant_units`` finds in some sentence, looked for in the whole text (True when it may find
    one): ``_NUMBER_OF`` reads only letters, "'" and spaces, so its matches never cross a sentence's end
    and are those of the sentences, with the same words; a word written after a number in a sentence is
    written after it in the text (a sentence ends before a space, a word boundary).

    Issue 19 round 8 (speed; the same answer, ``_redundant_in_text_plain`` is the plain form the tests
    compare): ``_NUMBER_OF`` is tried only where "number of" is written (its matches in ``finditer``'s
    order: after a match the next is looked for from its end); a word is looked at once; and a match of
    ``_unit_after_number(w)`` starts one character (a digit) or four (", in") before an occurrence of
    " " + w, so it is tried there instead of searched for at every character."""
    seen: set[str] = set()
    pos = 0
    while True:
        i = text.find("number of", pos)
        if i < 0:
            return False
        m = _NUMBER_OF.match(text, i)
        if m is None:
            pos = i + 1
            continue
        pos = m.end()
        for w in m.group(1).split():
            if len(w) <= 2 or not w.endswith("s") or w in seen:
                continue
            seen.add(w)
            j = text.find(" " + w)
            if j < 0:
                continue
            rx = _unit_after_number(w)
            while j >= 0:
                if (j >= 1 and rx.match(text, j - 1)) or (j >= 4 and rx.match(text, j - 4)):
                    return True
                j = text.find(" " + w, j + 1)


def _redundant_in_text_plain(text: str) -> bool:
    """``_redundant_in_text`` as round 6 wrote it (the tests compare the two)."""
    for m in _NUMBER_OF.finditer(text):
        for w in m.group(1).split():
            if len(w) > 2 and w.endswith("s") and " " + w in text and _unit_after_number(w).search(text):
                return True
    return False


@lru_cache(maxsize=4096)
def _unit_after_number(w: str) -> re.Pattern:
    """``w`` written after a number or ", in" (compiled once per word)."""
    return re.compile(rf"(?:\d|, in) {re.escape(w)}\b")


def incompatible_qualifiers(program: Program) -> list[str]:
    """Descriptions made of a period-bound name and a time qualifier, or of an amount that piles up over
    time and a month or a year ("the total pay last month", round 5)."""
    out = []
    for x in program.quantities:
        for q in TIME_QUALIFIERS:
            if x.desc.endswith(" " + q) and PERIODIC.search(x.desc[: -len(q) - 1]):
                out.append(x.desc)
        for q in LONG_PERIODS:
            base = x.desc[: -len(q) - 1]
            if x.desc.endswith(" " + q) and FLOW.search(base) and not RATE_WORDS.search(base):
                out.append(x.desc)
    return out


_PLURAL_IS_VERBS = ("added", "subtracted", "taken", "removed")  # the words ``_PLURAL_IS`` ends with


def verb_agreement(text: str) -> list[str]:
    """A plural amount as the subject of a singular passive ("3 weeks is added")."""
    if not any(w in text for w in _PLURAL_IS_VERBS):  # the pattern needs one (issue 19 round 5: speed)
        return []
    return [m.group(0) for m in _PLURAL_IS.finditer(text) if m.group(1) != "1"]


_SPAN_POINT_RX = re.compile(r"\bat the (?:end|start|beginning) (?:the|last|on|in)\b")


def point_without_its_span(text: str) -> list[str]:
    """An occasion glued to a point of a span ("in stock at the end the week before")."""
    return _SPAN_POINT_RX.findall(text)


def row_text_defects(prompt: str, completion: str, program: Program | None = None) -> set[str]:
    found = set()
    if point_without_its_span(prompt) or point_without_its_span(completion):
        found.add("point without its span")
    if redundant_units(prompt) or redundant_units(completion):
        found.add("redundant unit")
    if verb_agreement(prompt) or verb_agreement(completion):
        found.add("verb agreement")
    if program is not None and incompatible_qualifiers(program):
        found.add("incompatible qualifiers")
    return found


def number_defects(prompt: str, completion: str, values=(), program: Program | None = None) -> set[str]:
    """The checks whose outcome new numbers alone can change (a row with the same program and other
    stated values, ``variants_per_chain``): "1 dollars", "26000 cents", "1100 cents" (with the program),
    "13.8 dollars", "7.6" shown as 38/5, "3 weeks is added", and a unit the name says ("the number of cups
    ... 2 cups", where "1 cup" did not repeat it)."""
    found = set()
    if money_with_one_decimal(prompt) or money_with_one_decimal(completion):
        found.add("money with one decimal")
    if program is not None and large_conversions(program):
        found.add("large conversion")
    if redundant_units(prompt) or redundant_units(completion):
        found.add("redundant unit")
    if verb_agreement(prompt) or verb_agreement(completion):
        found.add("verb agreement")
    if decimals_as_fractions(completion, values):
        found.add("decimal shown as a fraction")
    if one_with_plural_unit(prompt):
        found.add("one with a plural unit")
    if small_unit_for_a_large_value(prompt):
        found.add("small unit for a large value")
    return found


# -- round 3 -----------------------------------------------------------------------------------------
_CONTRIVED = re.compile(
    r"\bis multiplied by \S+ and then increased by\b|\bMultiplying .+? by \S+ and adding\b"
    r"|\bis increased by .+? and the result is multiplied by\b|\bAdding .+? and multiplying the sum by\b"
)
_PART = re.compile(
    r"(?:^|(?<=[.?!] ))(?:Half|A third|A quarter|A fifth|A tenth|\d+%) of (.+?) (?:is|comes to) [\d.]+"
    r"|(?:Split into|Shared equally over) \d+ (?:equal )?parts, (.+?) (?:gives|comes to)"
)
# what names a rate, a per-item amount, a price or a span of time in a description
_RATE = r"\b(?:per|each|every|daily|weekly|yearly|speed|wage|price|rate|average)\b|\b(?:in|on|for|of) (?:one|a|an) (?!total\b)[a-z]+"
_SPAN = r"\b(?:time|days|hours|minutes|weeks|months|years)\b|\blength of the loan\b"
_RATE_RX = re.compile(_RATE)
_RATE_OR_SPAN = re.compile(_RATE + "|" + _SPAN)
_SUM = re.compile(
    r"^(?:Together, )?(.+?) (?:add up to|come to|plus .+? makes) [\d.]+|the total of (.+?)(?:[?.]|, in )"
)
_MARKED = re.compile(
    r"^(?:Then|Later|Next|After that|Finally|Afterwards|Each of them|All of them|Another|On top of that"
    r"|Added to them)\b| (?:then|also|again) (?!is\b|was\b)[a-z]+s\b| another \d"
)
_FRACTION_OF = re.compile(
    r"\b(half|a third|a quarter|a fifth|a tenth|\d+%) of (the [a-z' ]+?)(?= is\b| comes to\b| makes\b|[.,?])",
    re.I,
)
_DIMENSION = re.compile(
    r"\b(?:side|width|perimeter|area|height)\b"
    r"|\blength of the (?:field|bedroom|patio|pool|room|garden|playground|wall)\b"
)
_GENERIC = ("We know that ", "It turns out that ", "Suppose ", "Assume that ", "We are told that ")
_FRACTION = re.compile(r"(?<![\d.])(\d+)/(\d+)(?![\d.])")


def contrived_relations(text: str) -> list[str]:
    return [m.group(0) for m in _CONTRIVED.finditer(text)]


def parts_of_rates(text: str) -> list[str]:
    """ "Half of <a rate or a span of time> is ...", "20% of ...", "Split into n parts, <...> gives"."""
    out = []
    for s in _SENTENCE.split(text):
        for m in _PART.finditer(s):
            what = (m.group(1) or m.group(2)).replace(" two weeks ago", "")  # an occasion, not a span
            if _DIMENSION.search(
                what
            ):  # "A third of the side of the playground", "Split into 3 parts, the side"
                out.append(s)
            elif _RATE_OR_SPAN.search(what) and "age" not in what.split():
                out.append(s)
    return out


_SAME_FRACTION = {"50%": "half", "25%": "a quarter", "20%": "a fifth", "10%": "a tenth"}


def repeated_fractions(text: str) -> list[str]:
    """The same fraction of the same quantity said twice ("X is 50% of Y. 50% of Y comes to 27.")."""
    seen: dict[tuple[str, str], int] = {}
    for m in _FRACTION_OF.finditer(text):
        # the same fraction in other words counts too ("X is 50% of Y. Half of Y comes to 11.", round 4)
        key = (_SAME_FRACTION.get(m.group(1).lower(), m.group(1).lower()), m.group(2))
        seen[key] = seen.get(key, 0) + 1
    return [f"{a} of {b}" for (a, b), n in seen.items() if n > 1]


def rates_summed(text: str) -> list[str]:
    """A total (or sum) of which a part is a rate, price or per-item amount."""
    out = []
    for s in _SENTENCE.split(text):
        for m in _SUM.finditer(s):
            if _RATE_RX.search(m.group(1) or m.group(2)):
                out.append(s)
    return out


def markers_with_nothing_before(prompt: str, intros: tuple[str, ...] = ()) -> list[str]:
    """A sentence pointing back ("Then ...", "... then ...", "... also ...") whose sentence before is an
    intro (the story's first line) or a generic "We know that ..." statement (or none)."""
    from .frames import split_sentences

    ss = split_sentences(prompt)
    out = []
    for i, s in enumerate(ss):
        if s.endswith("?") or s in intros or not _MARKED.search(s):
            continue
        before = ss[i - 1] if i else ""
        if not before or before in intros or before.startswith(_GENERIC):
            out.append(s)
    return out


def present_verbs_with_past_qualifier(program: Program) -> list[str]:
    """A description with a past qualifier whose verb is still in the present ("the boxes the bakery
    fills last week"): a present-tense verb right after its subject (a person or "the bakery", ...)."""
    from .frames import PAST_QUALIFIERS
    from .seeds import NAMES

    subjects = set(NAMES) | {
        "bakery",
        "library",
        "shop",
        "school",
        "they",
        "it",
        "he",
        "she",
        "farmer",
        "stall",
    }
    out = []
    for x in program.quantities:
        q = next((q for q in PAST_QUALIFIERS if x.desc.endswith(" " + q)), None)
        if q is None:
            continue
        # the qualified part only: "the difference between <a> and <b last week>" checks <b>
        words = x.desc[: -len(q) - 1].split(" and ")[-1].split()
        if any(
            w.endswith("s") and not w.endswith("ss") and words[i - 1] in subjects
            for i, w in enumerate(words) if i
        ):  # fmt: skip
            out.append(x.desc)
    return out


def decimals_as_fractions(completion: str, values) -> list[str]:
    """A value of the problem that is a finite decimal (7.6) written as a fraction (38/5) in a step; a
    division shown with its result ("15/2 = 7.5") and percents or unit conversions (n/100) are not."""
    from fractions import Fraction

    from .frames import number_text

    decimals = {v for v in values if v.denominator != 1 and "/" not in number_text(v)}
    if not decimals or "/" not in completion:  # nothing it could find (issue 19 round 5: speed)
        return []
    out = []
    for m in _FRACTION.finditer(completion):
        v = Fraction(int(m.group(1)), int(m.group(2)))
        if v not in decimals or f"{m.group(1)}/{m.group(2)}" != f"{v.numerator}/{v.denominator}":
            continue
        if completion[m.end() :].startswith(f" = {number_text(v)}"):
            continue
        out.append(m.group(0))
    return out


def expand_without_parentheses(problem_text: str, completion: str) -> list[str]:
    """A step "Expand the parentheses:" / "Expand and collect each equation:" whose equations before
    (the problem's, for the first step) have no parentheses."""
    before, block, out = problem_text, [], []
    for ln in completion.splitlines():
        if ln.endswith(":"):
            if block:
                before, block = "\n".join(block), []
            if ln.startswith("Expand") and "(" not in before:
                out.append(before)
        elif "=" in ln:
            block.append(ln)
    return out


_ONE_PLURAL = re.compile(r"(?<![\d.,])\b1 ([a-z]+[^su\W]s)\b(?! of\b)")


_SMALL_UNIT = re.compile(
    r"\b\d{5,}(?:\.\d+)? (?:cents|centimeters|meters|milliliters|grams|seconds|inches)\b"
)


_FIVE_DIGITS = re.compile(r"[0-9][0-9][0-9][0-9][0-9]")


def small_unit_for_a_large_value(text: str) -> list[str]:
    """A five-digit number in a small unit ("26000 cents" for a bike, "200000 meters" for a trip, round 4)."""
    if text.isascii() and not _FIVE_DIGITS.search(text):  # what ``_SMALL_UNIT`` needs (round 6: speed)
        return []
    return _SMALL_UNIT.findall(text)


def one_with_plural_unit(text: str) -> list[str]:
    """ "1 dollars", "1 dollars per hour", "1 cups": the number one with a plural unit (round 4)."""
    if not _one_alone(text):  # what ``_ONE_PLURAL`` needs
        return []
    return [m.group(0) for m in _ONE_PLURAL.finditer(text)]


def _one_alone(text: str) -> bool:
    """Whether ``text`` has "1 " where ``_ONE_PLURAL``'s start can match: at the start, or after a
    character that is neither a word character (``\\w``: ``str.isalnum`` or "_") nor "." or "," (issue 19
    round 6: the pattern's look-behind tried at every character costs ~5 us a text)."""
    i = text.find("1 ")
    while i >= 0:
        if i == 0:
            return True
        c = text[i - 1]
        if not (c.isalnum() or c in "_.,"):
            return True
        i = text.find("1 ", i + 1)
    return False


_MONEY_SPLIT = re.compile(
    r"(?:Split into \d+ equal parts|Shared equally over \d+ parts), [^.?!]*? (?:gives|comes to) "
    r"[\d.]+ dollars? per part"
)


def money_split_into_parts(text: str) -> list[str]:
    """Money nobody in the story shares split into equal parts ("Split into 2 equal parts, the amount
    saved so far gives 25 dollars per part", round 5; "Shared equally over 5 parts, the gift last year
    comes to 8 dollars per part", round 4)."""
    return [m.group(0) for m in _MONEY_SPLIT.finditer(text)]


_ONE_DECIMAL_MONEY = re.compile(r"(?<![\d.])\d+\.\d dollars?\b")


def money_with_one_decimal(text: str) -> list[str]:
    """ "13.8 dollars" for 13.80 dollars (round 5's reading, after a conversion from 1380 cents)."""
    if not _decimal_dollar(text):  # what ``_ONE_DECIMAL_MONEY`` needs
        return []
    return _ONE_DECIMAL_MONEY.findall(text)


def _decimal_dollar(text: str) -> bool:
    """Whether ``text`` has " dollar" right after "." and a digit (``\\d``: ``str.isdecimal``), as every
    match of ``_ONE_DECIMAL_MONEY`` ends (issue 19 round 6: the pattern's look-behind tried at every
    character costs ~4 us a text)."""
    i = text.find(" dollar")
    while i >= 0:
        if i >= 2 and text[i - 2] == "." and text[i - 1].isdecimal():
            return True
        i = text.find(" dollar", i + 1)
    return False


def large_conversions(program: Program) -> list[str]:
    """A value stated in a smaller unit than its quantity's that reaches four digits ("the price of an
    adult ticket is 1100 cents", "the amount saved so far is 9000 cents": round 5's reading); a seed's own
    unit may ("the juice in the jug is 1800 milliliters")."""
    return [
        f"{x.desc} is {x.value} {x.unit}"
        for x in program.quantities
        if x.conversion and x.value >= large_for(x.unit)
    ]


def _qualified_kin(program: Program):
    """(quantity, its qualifier, the quantity of which it is that qualifier's occasion) in the program."""
    by_desc = {x.desc: x for x in program.quantities if x.desc and not x.conversion}
    for x in program.quantities:
        if x.conversion:
            continue
        for s in QUALIFIERS:
            if x.desc.endswith(" " + s):
                base = x.desc[: -len(s) - 1]
                for y in program.quantities:
                    if y is not x and y.desc and not y.conversion and qualified(y.desc, s) == x.desc:
                        yield x, s, y
                        break
                else:
                    if base in by_desc:
                        yield x, s, by_desc[base]


def occasions_that_cannot_differ(program: Program) -> list[str]:
    """A computed quantity on another occasion when nothing it is computed from has one ("the number of
    tiles needed last week" for one patio, round 5's reading)."""
    return [x.desc for x, s, y in _qualified_kin(program) if not occasion_can_differ(program, y, s)]


def fixed_totals_restated(program: Program) -> list[str]:
    """Two inputs of a fixed total on one occasion ("the driving time on Tuesday" and "the driving speed on
    Tuesday" while the coast stays 500 kilometers away, round 5's reading)."""
    descs = {x.desc for x in program.quantities}
    out = []
    for x, s, y in _qualified_kin(program):
        if fixed_total_overstated(program, y.name, s, descs - {x.desc}):
            out.append(x.desc)
    return out


_BARE = re.compile(r"^the (?:(?:price|cost|size|length|value) of the )?([a-z]+)$")


def unintroduced_referents(prompt: str, program: Program) -> list[str]:
    """A bare definite description ("the gift", "the price of the game") whose thing only its own story
    sentence introduces ("Bruno gets 13 dollars as a gift", "Rosa buys a game for 40 dollars"), in a text
    that never says that sentence nor any "a gift" / "a game" (round 5's reading: "We are told that the
    gift is 1300 cents", "the price of the game last week is 2100 cents" with no game anywhere)."""
    out = []
    intro = " ".join(program.intros).lower()
    for x in program.quantities:
        if not x.frame or x.conversion:
            continue
        m = _BARE.match(x.desc)
        if m is None:
            continue
        noun = m.group(1)
        if not re.search(rf"\ban? {noun}\b", x.frame.lower()) or re.search(rf"\b{noun}\b", intro):
            continue
        if x.desc in prompt.lower() and not re.search(rf"\ban? {noun}\b", prompt.lower()):
            out.append(x.desc)
    return out


# -- round 6 -----------------------------------------------------------------------------------------
_WEEK_BEFORE = re.compile(r"\bthe week before\b(?! last\b)")
_BIG_CENTS = re.compile(r"(?<![\d.])[1-9]\d{2,}(?:\.\d+)? cents\b")


def week_before_beside_last_week(text: str) -> list[str]:
    """ "the week before" in a text that also says "last week": the same week or the one before it? (round
    6's reading: "the number of normal hours last week is 40" and "the total pay the week before")."""
    return _WEEK_BEFORE.findall(text) if "last week" in text else []


def money_in_large_cents(text: str) -> list[str]:
    """A dollar or more written in cents ("300 cents" for a pen, "900 cents" for a ticket: round 6)."""
    return _BIG_CENTS.findall(text)


def _is_level(x) -> bool:
    return bool(LEVEL.search(x.desc))


def levels_summed(program: Program) -> list[str]:
    """A stock (an amount at a point in time) added up over occasions: "The starting stock and the starting
    stock the week before add up to 198 kites", "the total of the starting stock last month and the starting
    stock" (round 6's reading)."""
    out = []
    for r in program.relations:
        if r.kind in ("sum_with", "sum3"):
            names = [n for n in (r.target, r.source, *r.also) if n]
            if any(_is_level(program.q(n)) for n in names):
                out.append(program.q(r.target).desc)
    for x in program.quantities:
        if x.desc.startswith("the total of ") and x.expr is not None:
            from .program import free_names

            if any(n in program.by_name and _is_level(program.q(n)) for n in free_names(x.expr)):
                out.append(x.desc)
    return out


def days_without_their_total(program: Program) -> list[str]:
    """A weekday on a part of a trip or a filling whose total has no such day ("the driving time on
    Tuesday" beside the one distance to the coast, "the time the hose runs on Monday" beside the one tank:
    round 6's reading)."""
    return [x.desc for x, s, y in _qualified_kin(program) if day_without_its_total(program, y.name, s)]


_SAME_BUT = ("now", "today", "so far", "in all", "altogether", "in total", "at first", "at the start")


def nearly_same_descriptions(program: Program) -> list[str]:
    """Two quantities in the same words but a trailing "now" (or "today", "so far", "in all"): "the number
    of stamps Vera owns now" (72) beside "the number of stamps Vera owns" (32), which reads as the same
    thing (round 6's reading)."""
    descs = {x.desc for x in program.quantities if x.desc and not x.conversion and not x.inline}
    return sorted(f"{a} {t}" for a in descs for t in _SAME_BUT if f"{a} {t}" in descs)


def total_of_a_total(text: str) -> list[str]:
    """ "the total of the total pay the week before and the total pay" (round 6's reading)."""
    return re.findall(r"\b[Tt]he total of the total\b", text)


def repeated_descriptions(prompt: str, program: Program) -> list[str]:
    """A description of five or more words said again in the very next sentence ("It turns out that the
    number of trays Omar filled the week before is 7. Taking 1 away from the number of trays Omar filled
    the week before leaves ...": round 6's reading, 17 of 36 word rows)."""
    from .frames import short_desc, split_sentences

    forms = set()
    for x in program.quantities:
        if x.desc and not x.inline:
            forms.add(x.desc)
            s = short_desc(x.desc, x.unit)
            if s:
                forms.add(s)
    forms = {f.lower() for f in forms if len(f.split()) >= 5}
    ss = [s.lower() for s in split_sentences(prompt)]
    return sorted(
        {f for a, b in zip(ss, ss[1:]) for f in forms if re.search(rf"\b{re.escape(f)}\b", a)
         and re.search(rf"\b{re.escape(f)}\b", b)}
    )  # fmt: skip


# round 6's checks: (check, what it reads, the defect it names)
ROUND6_CHECKS = (
    (week_before_beside_last_week, "prompt", "the week before beside last week"),
    (money_in_large_cents, "prompt", "a dollar or more in cents"),
    (levels_summed, "program", "stock summed over occasions"),
    (days_without_their_total, "program", "weekday without its total"),
    (nearly_same_descriptions, "program", "two quantities in nearly the same words"),
    (total_of_a_total, "prompt", "total of a total"),
)


# -- round 7 -----------------------------------------------------------------------------------------
_POINTING_PRONOUN = re.compile(
    r"^(?:It|This|They) (?!is\b|was\b|exceeds\b|falls\b|equals\b|makes\b|amounts\b|has\b|takes\b"
    r"|then\b|turns\b|leave\b|tip\b|work\b|have\b|wonder\b|week\b)[a-z]+"
)


def pronoun_without_its_noun(prompt: str, intros: tuple[str, ...] = ()) -> list[str]:
    """A story sentence whose subject is a pronoun for the story's thing ("It sells them for 6 days.")
    after a sentence other than the intro, or "This goes on for 6 days." anywhere: "The week begins with
    120 kites on the shelves. It sells them for 6 days." makes the week the seller, and "This goes on" right
    after the intro has no selling before it (round 7's reading)."""
    from .frames import split_sentences

    ss = split_sentences(prompt)
    return [
        s for i, s in enumerate(ss)
        if i and _POINTING_PRONOUN.match(s) and (s.startswith("This ") or ss[i - 1] not in intros)
    ]  # fmt: skip


def second_shop_never_set_up(prompt: str) -> list[str]:
    """ "the second shop" before (or without) any "a second shop": "The normal price of a shirt at the
    second shop is 120 dollars." in a story of one shop (round 7's reading)."""
    a, the = prompt.find(" a second shop"), prompt.find(" the second shop")
    return ["the second shop"] if the >= 0 and (a < 0 or the < a) else []


def held_money_now(prompt: str) -> list[str]:
    """ "the money now" / "the amount now" for a one-off amount: it reads as what someone holds now ("The
    money Farid got as a gift last month is 35 dollars. It is 1 dollar less than the money now.")."""
    return re.findall(r"\bthe (?:money|amount) now\b", prompt)


def spare_units(program: Program) -> list[str]:
    """A remainder of a whole unit or more ("59 empty seats" on buses of 22 seats, "22 slices left over"
    of pizzas of 12 slices: fewer buses or pizzas would have done, round 7's reading)."""
    from .gates import spare_unit

    if not any(x.below for x in program.quantities):
        return []
    return _gate_on_solution(program, spare_unit)


def _gate_on_solution(program: Program, gate) -> list[str]:
    """``gate(program, values)``'s reason on the solved program, as a defect list (none when the program
    does not solve)."""
    from .solver import solve

    try:
        sol = solve(program)
    except (AttributeError, ValueError, ZeroDivisionError):  # a hand-made program the solver cannot read
        return []
    if sol.status != "ok":
        return []
    reason = gate(program, sol.values)
    return [reason] if reason else []


_START_OF_WEEK = re.compile(r"\b(?:starting stock|starts the week|at the start of the week)\b")


def end_of_last_week_beside_the_start(program: Program) -> list[str]:
    """A stock at the end of one week in a story with a starting stock of the week after ("at the end of
    last week" beside this week's start, "at the end of the week two weeks ago" beside the start last week):
    the two are one moment, and 14 kites at the end of last week beside 64 at the start of this one
    contradict each other (round 7's reading)."""
    descs = [x.desc for x in program.quantities if x.desc]
    out = []
    # (the end of a week, the start of the week after it): "the end of last week" and this week's start,
    # "the end of the week two weeks ago" and the start last week (round 7's re-read of row 30)
    for end, start in (
        ("at the end of last week", None),
        ("at the end of the week two weeks ago", "last week"),
    ):
        starts = [
            d for d in descs if _START_OF_WEEK.search(d)
            and (d.endswith(" " + start) if start else not any(d.endswith(" " + q) for q in QUALIFIERS))
        ]  # fmt: skip
        if starts:
            out += [d for d in descs if end in d]
    return out


_STAR = re.compile(r"\d\*[A-Za-z]")


def multi_letter_unknowns(prompt: str, completion: str) -> list[str]:
    """A symbolic row's unknown of more than one character, written with an asterisk ("366 = 3*R2 + 333",
    "-3*R2 = -33": round 6's and 7's readings), where every other row writes "3x"."""
    return _STAR.findall(prompt) + _STAR.findall(completion)


ROUND7_CHECKS = (
    (pronoun_without_its_noun, "prompt+intros", "pronoun without its noun"),
    (second_shop_never_set_up, "prompt", "second shop never set up"),
    (held_money_now, "prompt", "money now"),
    (spare_units, "program", "a whole unit to spare"),
    (end_of_last_week_beside_the_start, "program", "end of last week beside the start"),
)


# -- round 8 -----------------------------------------------------------------------------------------
_A_THING = re.compile(r"\ban? ([a-z]+)\b")
_THE_THING = re.compile(r"\bthe ([a-z]+)\b")


def _things(program: Program) -> set[str]:
    """Nouns only a given's own seed sentence introduces ("a notebook" in "Umar also buys a notebook for
    9 dollars."), not named by the story's intro."""
    intro = " ".join(program.intros).lower()
    out = set()
    for x in program.quantities:
        if x.frame and not x.distractor:
            out |= set(_A_THING.findall(x.frame.lower()))
    return {n for n in out if not re.search(rf"\b{n}\b", intro)}


def unset_distractors(prompt: str, program: Program) -> list[str]:
    """The names of the distractors whose sentence says "the <thing>" of a thing only a given's sentence
    introduces, in a text that has not said "a <thing>" before it: "The notebook has 94 pages." with no
    notebook bought (round 8's reading of seed 5297; round 6's and 7's open item)."""
    from .frames import bare, split_sentences, value_text

    things = _things(program)
    if not things:
        return []
    ss = split_sentences(prompt)
    out = []
    for x in program.quantities:
        if not (x.distractor and x.frame and x.value is not None):
            continue
        nouns = {n for n in _THE_THING.findall(x.frame.lower()) if n in things}
        if not nouns:
            continue
        said = x.frame.replace("{v}", value_text(x.value, x.unit))
        forms = {said, bare(said)} - {None}
        at = next((i for i, t in enumerate(ss) if t in forms), None)
        before = " ".join(ss[: at if at is not None else 0]).lower()
        if at is not None and any(not re.search(rf"\ban? {n}\b", before) for n in nouns):
            out.append(x.name)
    return out


def thing_never_set_up(prompt: str, program: Program) -> list[str]:
    """A distractor sentence about a thing no sentence before it set up ("The notebook has 94 pages." in a
    story where no notebook is bought)."""
    return unset_distractors(prompt, program)


def the_day_before_fronted(prompt: str) -> list[str]:
    """A sentence that opens with "The day before," (the day before what?): "The day before, the profit
    was 157 dollars." (round 8's reading)."""
    return re.findall(r"(?:^|(?<=[.?!] ))The day before, ", prompt)


def the_other_before_the_first(prompt: str) -> list[str]:
    """ "The other <noun>" in a text that has not named a first one ("Two painters work on a school. The
    other painter manages 2 walls a day.": the first painter's sentence is not there, round 8's reading)."""
    from .frames import split_sentences

    out, seen = [], ""
    for t in split_sentences(prompt):
        m = re.match(r"The other ([a-z]+)\b", t)
        if m and not re.search(rf"\b(?:first|one) {m.group(1)}\b|\b{m.group(1)} number one\b", seen, re.I):
            out.append(t)
        seen += " " + t
    return out


_GERUND_SUBJECT = re.compile(r"(?:^|(?<=[.?!] ))The ([a-z]+ing) (?:lasts|takes|goes on|runs)\b")
_ING_NOUNS = frozenset(
    {"morning", "evening", "building", "ceiling", "wedding", "meeting", "painting", "ring"}
)


def gerund_subjects(prompt: str) -> list[str]:
    """A verb's -ing form as the subject noun of a duration ("The selling lasts 4 days.")."""
    return [g for g in _GERUND_SUBJECT.findall(prompt) if g not in _ING_NOUNS]


_OPENER_RX = re.compile(
    r"(?:^|(?<=[.?!] ))(We know that|It turns out that|Suppose|Assume that|We are told that) "
)


def repeated_openers(prompt: str) -> list[str]:
    """A generic opener said more than once in a problem ("We know that ... We know that ... We know that
    ...": round 8's reading; style, counted apart)."""
    c = Counter(_OPENER_RX.findall(prompt))
    return sorted(o for o, n in c.items() if n > 1)


def same_fronted_occasion_twice(prompt: str) -> list[str]:
    """Two sentences in a row that open with the same occasion ("Two weeks ago, the number of comics sold
    was 34. Two weeks ago, the number of novels sold was 16."; style, counted apart)."""
    from .frames import split_sentences

    heads = [t.split(", ", 1)[0] if ", " in t else None for t in split_sentences(prompt)]
    fronts = ("Last week", "Two weeks ago", "Last month", "Last year", "The day before")
    return [a for a, b in zip(heads, heads[1:]) if a in fronts and a == b]


ROUND8_CHECKS = (
    (thing_never_set_up, "prompt+program", "thing never set up"),
    (the_day_before_fronted, "prompt", "the day before fronted"),
    (the_other_before_the_first, "prompt", "the other before the first"),
    (gerund_subjects, "prompt", "gerund as a subject"),
)
# style, counted apart (as ``repeated_descriptions``)
ROUND8_STYLE_CHECKS = (
    (repeated_openers, "prompt", "opener said twice"),
    (same_fronted_occasion_twice, "prompt", "same occasion opens two sentences in a row"),
)


# -- round 9 (held-out reading of seed 6473) ---------------------------------------------------------------
def fixed_rate_totals(program: Program) -> list[str]:
    """A total on another occasion that the story's fixed rates cannot give: "the ticket revenue the day
    before is 822 dollars" with adult tickets at 10 and child tickets at 5 dollars, whose prices change only
    "last year" (round 9's reading; round 7's row 28: 545 dollars of pay at 20 dollars an hour and double
    for overtime).  ``gates.fixed_rate_total`` on the solved program."""
    from .gates import fixed_rate_total

    return _gate_on_solution(program, fixed_rate_total)


def large_price_moves(program: Program) -> list[str]:
    """A price or wage that moves by more than half up or a third down between now and a past occasion
    ("the price of fuel per liter last year" 2 dollars beside 4 now: round 9's reading, and rounds 7-8's
    not-counted list).  ``gates.price_move`` on the solved program."""
    from .gates import price_move

    return _gate_on_solution(program, price_move)


@lru_cache(maxsize=1)
def _seed_events() -> dict[tuple[str, str], str]:
    """(seed id, given's name) -> the seed's event sentence, people unfilled."""
    from .seeds import load_seeds

    return {(s.id, g["name"]): g["event"] for s in load_seeds() for g in s.givens if g.get("event")}


def events_never_told(prompt: str, program: Program) -> list[str]:
    """A given whose event no sentence tells: its own sentence is not said (its value is asked, hidden or
    only a relation's) and neither is its seed's event sentence ("the number of walking minutes on Tuesday
    is 20" in a story of a train ride where no sentence says there is a walk, and the asked travel time
    adds the walk: round 9's reading).  The seed's event sentences are looked up by the program's seed and
    the given's name, so programs made before quantities carried them are read too."""
    from .frames import bare, value_text

    events, who = _seed_events(), program.meta.get("people", {}) if program.meta else {}
    out = []
    for x in program.quantities:
        ev = x.event or events.get((program.seed_id, x.name), "")
        if not ev or x.distractor:
            continue
        ev = re.sub(r"\{([A-Z])\}", lambda m: who.get(m.group(1), m.group(0)), ev)
        if ev in prompt:
            continue
        if x.value is not None and x.frame:
            said = x.frame.replace("{v}", value_text(x.value, x.unit))
            if said in prompt or (bare(said) or said) in prompt:
                continue
        out.append(x.desc)
    return out


ROUND9_CHECKS = (
    (fixed_rate_totals, "program", "total the fixed rates cannot give"),
    (events_never_told, "prompt+program", "event never told"),
    (large_price_moves, "program", "price moves more than half"),
)


def descriptions_said_thrice(prompt: str, program: Program) -> list[str]:
    """A description of four words or more said three times or more in one problem, on any occasion ("the
    number of comics sold" in a statement, a relation and the question: the repetition round 8 left;
    style, counted apart)."""
    out = []
    for x in program.quantities:
        d = x.desc
        if len(d.split()) < 4 or qualifier_of_any(d):
            continue
        if len(re.findall(rf"\b{re.escape(d)}\b", prompt, re.I)) >= 3:
            out.append(d)
    return out


def qualifier_of_any(desc: str) -> bool:
    """Whether ``desc`` ends with an occasion ("... last week"): its base is what is counted."""
    return any(desc.endswith(" " + s) for s in QUALIFIERS)


ROUND9_STYLE_CHECKS = ((descriptions_said_thrice, "prompt+program", "description said three times"),)


def round9_style(row: dict, program: Program) -> set[str]:
    """The round-9 style check of one word row (repetition: not counted as a defect)."""
    return _checked(ROUND9_STYLE_CHECKS, row, program)


def round9_defects(row: dict, program: Program) -> set[str]:
    """The round-9 checks of one word row."""
    return _checked(ROUND9_CHECKS, row, program)


def _checked(checks, row: dict, program: Program) -> set[str]:
    """The names of the ``checks`` (check, what it reads, name) that find a defect in the row."""
    reads = {
        "prompt": lambda c: c(row["prompt"]),
        "program": lambda c: c(program),
        "prompt+intros": lambda c: c(row["prompt"], tuple(program.intros)),
        "prompt+program": lambda c: c(row["prompt"], program),
    }
    return {name for check, on, name in checks if reads[on](check)}


def round7_defects(row: dict, program: Program) -> set[str]:
    """The round-7 checks of one word row."""
    return _checked(ROUND7_CHECKS, row, program)


def round8_defects(row: dict, program: Program) -> set[str]:
    """The round-8 checks of one word row (content; the style checks are ``round8_style``)."""
    return _checked(ROUND8_CHECKS, row, program)


def round8_style(row: dict, program: Program) -> set[str]:
    """The round-8 style checks of one word row (repetition: not counted as defects)."""
    return _checked(ROUND8_STYLE_CHECKS, row, program)


def round6_defects(row: dict, program: Program) -> set[str]:
    """The round-6 checks of one word row: content (the reading's classes) and, apart, repetition."""
    return _checked(ROUND6_CHECKS, row, program)


def round3_defects(row: dict, program: Program, values=()) -> set[str]:
    """The round-3 checks of one row (word or symbolic) and its program."""
    prompt, comp = row["prompt"], row["completion"]
    found = set()
    if program.family == "word":
        if contrived_relations(prompt):
            found.add("contrived relation")
        if parts_of_rates(prompt):
            found.add("part of a rate or duration")
        if rates_summed(prompt):
            found.add("rate summed over occasions")
        if repeated_fractions(prompt):
            found.add("same fraction said twice")
        if incompatible_qualifiers(program):
            found.add("incompatible qualifiers")
        if markers_with_nothing_before(prompt, tuple(program.intros)):
            found.add("marker with nothing before")
        if present_verbs_with_past_qualifier(program):
            found.add("past qualifier on a present verb")
        if decimals_as_fractions(comp, values):
            found.add("decimal shown as a fraction")
        if one_with_plural_unit(prompt):
            found.add("one with a plural unit")
        if small_unit_for_a_large_value(prompt) or large_conversions(program):
            found.add("small unit for a large value")
        if money_with_one_decimal(prompt):
            found.add("money with one decimal")
        if money_split_into_parts(prompt):
            found.add("money split into parts")
        if occasions_that_cannot_differ(program):
            found.add("occasion with nothing to differ")
        if unintroduced_referents(prompt, program):
            found.add("referent never set up")
        if fixed_totals_restated(program):
            found.add("fixed total restated on an occasion")
        if any(x.desc.endswith(" at the second shop") for x in program.quantities) and not re.search(
            r"\b(?:shop|store|buying|sale)\b", " ".join(program.intros)
        ):
            found.add("qualifier foreign to the story")
        if len(program.intros) > 1 and any(r.kind == "same_as" for r in program.relations):
            found.add("stories joined by an equality")
        found |= round6_defects(row, program)
        found |= round7_defects(row, program)
        found |= round8_defects(row, program)
        found |= round9_defects(row, program)
    else:
        body = prompt.split("\n", 1)[1] if "\n" in prompt else prompt
        if expand_without_parentheses(body, comp):
            found.add("expand with no parentheses")
        if multi_letter_unknowns(prompt, comp):
            found.add("unknown of several letters")
        if max_depth(body) > 3:
            found.add("deep nesting")
    return found


__all__ = [
    "contrived_relations", "decimals_as_fractions", "fixed_totals_restated", "large_conversions", "money_split_into_parts", "money_with_one_decimal",
    "unintroduced_referents",
    "occasions_that_cannot_differ", "expand_without_parentheses", "markers_with_nothing_before",
    "max_depth", "number_defects", "one_with_plural_unit", "small_unit_for_a_large_value", "parts_of_rates", "repeated_fractions", "present_verbs_with_past_qualifier", "rates_summed", "round3_defects",
    "incompatible_qualifiers", "point_without_its_span", "redundant_units", "row_text_defects", "verb_agreement",
    "week_before_beside_last_week", "money_in_large_cents", "levels_summed", "days_without_their_total",
    "nearly_same_descriptions", "total_of_a_total", "repeated_descriptions", "round6_defects",
    "pronoun_without_its_noun", "second_shop_never_set_up", "held_money_now", "spare_units",
    "end_of_last_week_beside_the_start", "multi_letter_unknowns", "round7_defects",
    "unset_distractors", "thing_never_set_up", "the_day_before_fronted", "the_other_before_the_first",
    "gerund_subjects", "repeated_openers", "same_fronted_occasion_twice", "round8_defects", "round8_style",
    "fixed_rate_totals", "events_never_told", "large_price_moves", "descriptions_said_thrice", "round9_defects",
    "round9_style",
]  # fmt: skip
