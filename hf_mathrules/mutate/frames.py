"""Informalization without an LLM: sentence frames, each with its inverse.

Every sentence of a word problem comes from one frame: an intro of a seed (context, no numbers), a
seed's own sentence for a given (``{A} buys {v} pens.``), a generic statement of a value
(``The number of pens Ana buys last week is 7.``), a relation (``X is 3 more than Y.``,
``X is a third of Y.``, ``If X is multiplied by 2 and then increased by 3, the result is 17.``), a
distractor, and a question.  Generic frames have several surface variants, chosen by the program's
``variant``.  Nouns come from the seed's quantity descriptions and our name list.

The inverse (``parse_text``) reads a text back into a program *without* looking at the program it came
from: intros identify the seeds (and who is who), descriptions identify the quantities (a seed's own, or
one with a known suffix such as ``last week``, or a distractor), frames give the values and relations.
Re-solving the parsed program must give the same answer (the round-trip gate), and every number of the
text must have been read as exactly one given.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from ..expr.nodes import Add, Div, Eq, Expr, Mul, Neg, Num, Sym
from ..expr.render import text as textbook
from .program import Program, Quantity, Relation, new_quantity, replace
from .seeds import NAMES, PLACEHOLDER, QUALIFIERS, Seed, generic_desc, variants
from .syntax import parse_equation

NUM = r"(\d+(?:\.\d+)?(?:/\d+)?)"


def named(group: str) -> str:
    return f"(?P<{group}>{NUM[1:-1]})"


# a question about two quantities of the story (``ask_combined``): their total, or their difference
COMBINED = re.compile(r"the (total) of (.+)$|the (difference) between (.+)$")
# a number not written right after a word character or ".": the digit is matched first and the
# look-behind then checks the character before it, so the search skips to digits (issue 19 round 8:
# speed; the same matches as round 7's ``(?<![\w.])\d+(?:\.\d+)?(?:/\d+)?``, ``NUMBER_PLAIN``)
NUMBER = re.compile(r"\d(?<![\w.]\d)\d*(?:\.\d+)?(?:/\d+)?")
NUMBER_PLAIN = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:/\d+)?")
# new quantities of the same kind as an existing one: "<its description> <suffix>"
SUFFIXES = QUALIFIERS  # the seeds' qualifier vocabulary: what the read-back knows
# a qualifier in the past puts the description's verb in the past: "the boxes the bakery filled last week"
# "two weeks ago", not "the week before": beside "last week" that read as the same week or the one before
# it, and the text did not say which (round 6's reading)
PAST_QUALIFIERS = frozenset({"last week", "two weeks ago", "last year", "the day before", "last month"})
PAST = {  # the present-tense verbs of the seeds' qualified descriptions
    "picks": "picked", "sells": "sold", "gives": "gave", "fills": "filled", "owns": "owned", "has": "had",
    "keeps": "kept", "buys": "bought", "spends": "spent", "reads": "read", "runs": "ran", "paints": "painted",
    "takes": "took", "gets": "got", "deposits": "deposited", "borrows": "borrowed", "starts": "started",
}  # fmt: skip


# a description that ends at a point of a span takes the occasion as that span's: "in stock at the end
# of the week before", never "at the end the week before"
_SPAN_POINT = (" at the end", " at the start", " at the beginning")


@lru_cache(maxsize=1 << 15)
def qualified(desc: str, qualifier: str) -> str:
    """``desc`` with ``qualifier``, its first present-tense verb in the past for a past qualifier.
    Remembered per pair (a pure function of two strings; the exact gate's occasion checks ask ~10 pairs
    per computed quantity of every draw; issue 19 round 9)."""
    return _qualified(desc, qualifier)


def _qualified(desc: str, qualifier: str) -> str:
    """``qualified``'s work, not remembered."""
    if qualifier in PAST_QUALIFIERS:
        words = desc.split(" ")
        for i, w in enumerate(words):
            if w in PAST:
                words[i] = PAST[w]
                desc = " ".join(words)
                break
    if desc.endswith(_SPAN_POINT):
        if qualifier.endswith(
            " ago"
        ):  # "at the end of the week two weeks ago", not "at the end of two weeks ago"
            return f"{desc} of the week {qualifier}"
        return f"{desc} of {qualifier.removeprefix('on ')}"
    return f"{desc} {qualifier}"


@lru_cache(maxsize=1 << 15)
def qualifier_of(base: str, desc: str) -> str | None:
    """The qualifier that makes ``desc`` of ``base`` ("... filled last week" of "... fills"), or None.
    Remembered per pair (the text, its read-back and the defect checks ask about the same pairs; issue 19
    round 5)."""
    if not desc.endswith(_QUALIFIER_ENDINGS):  # most pairs: no qualifier ends ``desc``
        return None
    for q in SUFFIXES:
        if desc.endswith(" " + q.removeprefix("on ")) and qualified(base, q) == desc:
            return q
    return None


_QUALIFIER_ENDINGS = tuple(" " + q.removeprefix("on ") for q in SUFFIXES)


@lru_cache(maxsize=1 << 14)
def occasions(desc: str) -> tuple[tuple[str, str], ...]:
    """``(q, qualified(desc, q))`` for every qualifier ``q`` of the seeds, in ``QUALIFIERS``' order:
    the descriptions ``desc`` takes on the other occasions (the exact gate looks each up among a program's
    descriptions for every draw of a variant; issue 19 round 9)."""
    return tuple((q, qualified(desc, q)) for q in QUALIFIERS)


# -- back-references (issue 21, round 6) -------------------------------------------------------------
# A count said once in full ("the number of kites sold daily") is said again without its noun ("the
# number sold daily last week") once that noun has been said: the long description repeated in full every
# time a quantity comes up was 14% repeated 4-grams within a problem against gsm_symbolic's 1.9% (round 5).
# The short form keeps the description's clause (who did what, on which occasion), so it names one
# quantity of the story; one shared by two quantities ("the number sold" for adult and child tickets) is
# never used, and the read-back expands it against the story's own descriptions.
_NUMBER_OF_PREFIX = "the number of "
_NO_SHORT_AFTER = frozenset(
    {"in", "on", "at", "per", "of", "for", "to", "from", "with", "last", "a", "an", "they", "this"}
)


@lru_cache(maxsize=1 << 14)
def count_noun(desc: str, unit: str) -> str | None:
    """The noun of a count's description: "kites" in "the number of kites sold daily" (unit "kites"), "adult
    tickets" in "the number of adult tickets sold"; None when it is not "the number of <...unit> ..."."""
    if not desc.startswith(_NUMBER_OF_PREFIX) or not unit:
        return None
    words = desc[len(_NUMBER_OF_PREFIX) :].split(" ")
    head = unit.split(" ")[-1]
    if head not in words[:3]:
        return None
    return " ".join(words[: words.index(head) + 1])


@lru_cache(maxsize=1 << 14)
def short_desc(desc: str, unit: str) -> str | None:
    """The back-reference of a count: "the number sold daily last week" for "the number of kites sold
    daily last week", "the number Umar sold the week before" for "the number of apples Umar sold the week
    before"; None when what follows the noun is not a clause ("the number of guests the week before", "the
    number of kites in stock at the end", "the number of cupcakes in all")."""
    noun = count_noun(desc, unit)
    if noun is None:
        return None
    rest = desc[len(_NUMBER_OF_PREFIX) + len(noun) :].strip()
    if not rest or rest.split(" ")[0] in _NO_SHORT_AFTER or any(rest.startswith(q) for q in QUALIFIERS):
        return None
    return "the number " + rest


_MENTIONS: dict[tuple, tuple] = {}
_MENTIONS_MAX = 1 << 12


def _mentions_of(program: Program) -> tuple[dict, list, dict, dict]:
    """``Mentions``' units, known descriptions, short forms and seed short forms of ``program``: what it
    works out from the quantities' names, descriptions, units, short forms and flags (``distractor``,
    ``inline``, ``conversion``), nothing else."""
    units = {x.name: x.unit for x in program.quantities}
    known = {x.desc: x.name for x in program.quantities if x.desc and not x.inline}
    index = None  # ``expand_short``'s index of ``known``, made once, when first needed (issue 19 round 8)

    def expand(d: str) -> str | None:  # ``expand_short(d, known, units)``
        nonlocal index
        if not d.startswith("the number ") or d.startswith(_NUMBER_OF_PREFIX):
            return None
        if index is None:
            index = _short_index(known, units)
        return _expand_short_in(d, index)

    short = {}
    for x in program.quantities:
        if x.desc and not x.distractor and not x.inline:
            s = short_desc(x.desc, x.unit)
            # what the read-back makes of it: this quantity and no other (nor another's occasion)
            if s is not None and s not in known and expand(s) == x.desc:
                short[x.name] = s
    # the seeds' short noun phrases ("the peanut price", "the peanut price last year"): quantity -> (its
    # short form, the description of the seed quantity it is an occasion of)
    alias: dict[str, tuple[str, str]] = {}
    taken = set(known) | set(short.values())
    for x, (a, base) in short_forms(program).items():
        if a not in taken and expand(a) is None:
            alias[x] = (a, base)
    return units, list(known), short, alias


# each quantity's part of ``Mentions``' key (its name, description, unit, short form and flags) made once and
# kept on it (a quantity is immutable), and carried to a copy with another value (``program._with_value``:
# the variants' draws); issue 19 round 13.  False: the key's parts made on every ``Mentions`` (the tests
# compare the two)
MENTION_KEYS = True


def _mention_key(x: Quantity) -> tuple:
    got = x.__dict__["_mkey"] = (x.name, x.desc, x.unit, x.distractor, x.inline, x.short, x.conversion)
    return got


class Mentions:
    """Which description a text uses for each mention of a quantity: in full until its noun has been said,
    then the short form when no other quantity of the program (or of its stories) shares it."""

    def __init__(self, program: Program) -> None:
        self.program = program
        # what is worked out from the quantities' names, descriptions, units and flags alone, remembered by
        # them (issue 19 round 11: a chain's variants and their copies mostly share them; read only)
        if MENTION_KEYS:
            key = tuple([x.__dict__.get("_mkey") or _mention_key(x) for x in program.quantities])
        else:
            key = tuple(
                [
                    (x.name, x.desc, x.unit, x.distractor, x.inline, x.short, x.conversion)
                    for x in program.quantities
                ]
            )
        got = _MENTIONS.get(key)
        if got is None:
            if len(_MENTIONS) >= _MENTIONS_MAX:
                _MENTIONS.clear()
            got = _MENTIONS[key] = _mentions_of(program)
        self.units, self.known, self.short, self.alias = got
        self.said: set[str] = set()  # nouns said in full
        self.near: dict[str, str] = {}  # "the price last year" -> the quantity it said
        self.said_in_full: set[str] = set()  # seed descriptions said in full (any occasion)

    def desc(self, name: str, desc: str, *, full: bool = False) -> str:
        both = self.combined(name, desc)
        if both is not None:
            return both
        noun = count_noun(desc, self.units.get(name, ""))
        s = self.short.get(name)
        if s is not None and not full and noun in self.said:
            return s
        if noun is not None:
            self.said.add(noun)
        a = self.alias.get(name)
        if a is not None:
            # an occasion's short form ("the peanut price last year") once any of its kind was said in full;
            # the bare one of a description with a verb ("the gift" for "the money Farid gets as a gift")
            # only once that very quantity was: after "the money Farid got as a gift last month", "the
            # gift" would read as that one, where "the comic price" reads as today's as "the price of a
            # comic" does
            own = a[1] == desc and any(w in PAST for w in desc.split(" "))
            if not full and (name if own else a[1]) in self.said_in_full:
                return a[0]
            self.said_in_full.update((a[1], name))
        return desc

    def framed(self, name: str) -> None:
        """The quantity's own story sentence was said ("A comic costs 3 dollars."): its kind is known, so
        its other occasions may take the short form ("the comic price last year")."""
        a = self.alias.get(name)
        if a is not None:
            self.said_in_full.update((a[1], name))

    def combined(self, name: str, desc: str, *, full_first: bool = False) -> str | None:
        """ "the total of A and B" / "the difference between A and B" with A and B said as any other
        mention of them (A short once its noun was said, B as the same thing on another occasion: "the total
        of the number Diego kept last week and the number now"), not both in full every time (round 7:
        "the difference between the number of apples Sami gives away and the number of apples Sami gave
        away two weeks ago"); None when ``desc`` is not such a description of its own two terms."""
        m = COMBINED.match(desc)
        x = self.program.by_name.get(name)
        if m is None or x is None or x.expr is None:
            return None
        names = _sym_names(x.expr)
        if len(names) != 2 or not all(n in self.program.by_name for n in names):
            return None
        a, b = (self.program.q(n) for n in names)
        head = "the total of " if m.group(1) else "the difference between "
        if desc != f"{head}{a.desc} and {b.desc}":
            return None
        first = self.desc(a.name, a.desc, full=full_first)
        near = sibling_text(a.desc, b.desc, self.known)
        if near is not None and self.near.setdefault(near, b.name) != b.name:
            near = None  # "the number now" says one quantity in a text, not two
        if near is not None:
            self.noted(b.name, b.desc)
            return f"{head}{first} and {near}"
        return f"{head}{first} and {self.desc(b.name, b.desc)}"

    def noted(self, name: str, desc: str) -> None:
        """A quantity said by its kin's head ("the money last week"): its noun counts as said, the quantity
        itself not (its own seed short form waits for its full description)."""
        noun = count_noun(desc, self.units.get(name, ""))
        if noun is not None:
            self.said.add(noun)


def short_forms(program: Program) -> dict[str, tuple[str, str]]:
    """quantity -> (its seed short form, the seed description it is an occasion of), for the quantities of
    a seed quantity with a ``short`` and their occasions ("the peanut price last year"); a form two
    quantities would share is left out (a story composed with itself)."""
    bases = {x.desc: x.short for x in program.quantities if x.short and x.desc and not x.inline}
    out: dict[str, tuple[str, str]] = {}
    for x in program.quantities:
        if not x.desc or x.inline or x.distractor or x.conversion:
            continue
        if x.desc in bases:
            out[x.name] = (bases[x.desc], x.desc)
            continue
        for b, short in bases.items():
            if b[:4] == x.desc[:4] and (q := qualifier_of(b, x.desc)) is not None:
                out[x.name] = (qualified(short, q), b)
                break
    forms = [a for a, _ in out.values()]
    return {n: v for n, v in out.items() if forms.count(v[0]) == 1}


def expand_short(desc: str, known: dict[str, str], units: dict[str, str]) -> str | None:
    """The full description a back-reference stands for, among ``known`` (description -> quantity name)
    and their occasions; None when none or more than one."""
    if not desc.startswith("the number ") or desc.startswith(_NUMBER_OF_PREFIX):
        return None
    return _expand_short_in(desc, _short_index(known, units))


def _short_index(known: dict[str, str], units) -> list[tuple[str, str]]:
    """(description, its ``short_desc``) for the quantities of ``known`` that have one, in ``known``'s
    order: what ``expand_short`` compares a back-reference with, worked out once for the many calls of one
    ``Mentions`` (issue 19 round 8)."""
    out = []
    for base, name in known.items():
        if not name:
            continue
        s = short_desc(base, units.get(name, ""))
        if s is not None:
            out.append((base, s))
    return out


def _expand_short_in(desc: str, index: list[tuple[str, str]]) -> str | None:
    """``expand_short`` over its ``_short_index``."""
    if not desc.startswith("the number ") or desc.startswith(_NUMBER_OF_PREFIX):
        return None
    found = set()
    for base, s in index:
        if s == desc:
            found.add(base)
        elif desc.startswith(s[:11]) and (q := qualifier_of(s, desc)) is not None:
            found.add(qualified(base, q))
    return found.pop() if len(found) == 1 else None


# heads a clause may follow ("the money Wen gets as a gift" -> "the money last week")
_HEAD_NOUNS = frozenset({"money", "amount", "time", "price", "cost"})
_PARTICIPLES = frozenset({"taken", "left", "spent", "drunk", "sold", "owed", "given", "paid"})


def head_of(base: str) -> str | None:
    """What a second mention of the same thing on another occasion keeps ("the price last year", "the
    number now"): "the price" of "the price of a child ticket", "the number" of "the number of guests",
    "the pay" of "the total pay", "the bill" of "the restaurant bill", "the money" of "the money Wen gets
    as a gift"; None for any other description ("the flour spilled")."""
    words = base.split(" ")
    if len(words) > 3 and words[0] == "the" and (words[2] == "of" or words[1] in _HEAD_NOUNS):
        return " ".join(words[:2])
    last = words[-1]
    if len(words) == 3 and words[0] == "the" and not last.endswith("ed") and last not in _PARTICIPLES:
        return f"the {last}"
    return None


def base_of(desc: str, known) -> str:
    """The description ``desc`` is an occasion of among ``known`` ("... sold last week" -> "... sells"),
    or ``desc`` itself."""
    for b in known:
        if b != desc and b[:4] == desc[:4] and qualifier_of(b, desc) is not None:
            return b
    return desc


_HELD = frozenset({"the money", "the amount"})  # "the money now": what someone holds now
_LEVEL_WORDS = re.compile(r"\b(?:stock|owns|owned|has|had|left|starts with|started with|ends up with)\b")


def sibling_text(first: str, second: str, known) -> str | None:
    """A second mention, in the same sentence, of the thing ``first`` is about on another occasion: "the
    price last year" after "the price of a child ticket", "the number now" after "the number of guests two
    weeks ago" ("now" only back from a past occasion); None when the two are not one thing on two
    occasions."""
    base = base_of(first, known)
    head = head_of(base)
    if head is None or base_of(second, known) != base or second == first:
        return None
    if second == base:
        q = qualifier_of(base, first)
        # not for a stock: "the number Vera started with two weeks ago is 25. It is smaller than the number
        # now" reads as the stamps she has now (round 6's re-read)
        # nor for money: "The money Farid got as a gift last month is 35 dollars. It is 1 dollar less than
        # the money now." reads as the money he has now, and no gift now is ever told (round 7's reading)
        if head in _HELD:
            return None
        return f"{head} now" if q in PAST_QUALIFIERS and not _LEVEL_WORDS.search(base) else None
    q = qualifier_of(base, second)
    return None if q is None else f"{head} {q}"


def sibling_full(first: str, text: str, known) -> str | None:
    """The description ``sibling_text(first, ...)`` wrote as ``text``, or None."""
    base = base_of(first, known)
    head = head_of(base)
    if head is None or not text.startswith(head + " "):
        return None
    if text == f"{head} now":
        return base
    for q in SUFFIXES:
        if text == f"{head} {q}":
            return qualified(base, q)
    return None


# unit -> (smaller unit, factor)
CONVERSIONS = {
    "hours": ("minutes", 60), "minutes": ("seconds", 60), "dollars": ("cents", 100),
    "meters": ("centimeters", 100), "kilometers": ("meters", 1000), "kilograms": ("grams", 1000),
    "liters": ("milliliters", 1000), "feet": ("inches", 12), "days": ("hours", 24), "weeks": ("days", 7),
}  # fmt: skip
FRACTION_WORDS = {2: "half", 3: "a third", 4: "a quarter", 5: "a fifth", 10: "a tenth"}
# (description, role, unit, low, high): numbers that do not matter
DISTRACTORS = (
    ("the number of windows in the classroom", "count", "", 4, 12),
    ("the age of the oldest tree in the park", "age", "years", 40, 120),
    ("the length of the school corridor", "length", "meters", 20, 80),
    ("the number of buses that stop at the corner each hour", "count", "", 2, 9),
    ("the height of the town hall", "length", "meters", 10, 40),
    ("the number of days until the holidays", "count", "", 5, 30),
    ("the temperature outside", "number", "degrees", 10, 30),
    ("the number of pages in the shop's catalogue", "count", "", 20, 90),
)
STATE = (
    "{X} is {v}.",
    "We know that {x} is {v}.",
    "It turns out that {x} is {v}.",
    "Suppose {x} is {v}.",
    "Assume that {x} is {v}.",
    "We are told that {x} is {v}.",
)
RELATION = {
    "more_than": (
        "{X} is {k} more than {y}.", "{X} exceeds {y} by {k}.", "{X} is greater than {y} by {k}.",
        "Adding {k} to {y} gives {x}.",
    ),
    "less_than": (
        "{X} is {k} less than {y}.", "{X} falls short of {y} by {k}.", "{X} is smaller than {y} by {k}.",
        "Taking {k} away from {y} leaves {x}.",
    ),
    "times": (
        "{X} is {k} times {y}.", "{X} is {k} times as large as {y}.", "{X} is {y} multiplied by {k}.",
        "Multiplying {y} by {k} gives {x}.",
    ),
    "fraction_of": ("{X} is {f} of {y}.", "{X} equals {f} of {y}.", "{X} makes up {f} of {y}."),
    "percent_of": ("{X} is {k}% of {y}.", "{X} amounts to {k}% of {y}.", "{X} is equal to {k}% of {y}."),
    "same_as": ("{X} is the same as {y}.", "{X} equals {y}.", "{X} is equal to {y}."),
    # implicit relations: the target is determined only by solving one of these (``implicit``)
    "affine": (
        "If {x} is multiplied by {a} and then increased by {b}, the result is {c}.",
        "Multiplying {x} by {a} and adding {b} gives {c}.",
        "When {x} is multiplied by {a} and then increased by {b}, the result is {c}.",
    ),
    "scaled_sum": (  # two steps, the other way round: a * (x + b) = c
        "If {x} is increased by {b} and the result is multiplied by {a}, the total is {c}.",
        "Adding {b} to {x} and multiplying the sum by {a} gives {c}.",
    ),
    "part_is": ("{F} of {x} is {c}.", "{F} of {x} comes to {c}."),  # part-whole: x / k = c
    "percent_is": ("{k}% of {x} is {c}.", "{k}% of {x} comes to {c}."),  # k * x / 100 = c
    "per_part": (  # a rate per unit: x / n = c
        "Split into {n} equal parts, {x} gives {c} per part.",
        "Shared equally over {n} parts, {x} comes to {c} per part.",
    ),
    "sum_with": (  # x + y = t, y stated on its own
        "Together, {x} and {y} come to {t}.", "{X} and {y} add up to {t}.", "{X} plus {y} makes {t}.",
    ),
    "sum3": ("{X}, {y} and {z} add up to {t}.", "Together, {x}, {y} and {z} come to {t}."),  # x + y + z = t
    "ratio_with": ("The ratio of {x} to {y} is {a} to {b}.", "{X} and {y} are in the ratio {a} to {b}."),
}  # fmt: skip
# the shapes ``implicit`` draws from, with their weights (the affine one was 3 of 4 implicit rows); the
# two contrived arithmetic shapes ("multiplying x by 3 and adding 9 gives 21") are no longer drawn (weight
# 0) but still read back; compare: a more_than / less_than / times / fraction_of relation solved for its
# source (the stated quantity is the other occasion)
IMPLICIT_SHAPES = {
    "affine": 0, "scaled_sum": 0, "part_is": 2, "percent_is": 1, "per_part": 1, "sum_with": 3, "sum3": 2,
    "ratio_with": 2, "compare": 3,
}  # fmt: skip
QUESTION = (
    "What is {x}?",
    "Find {x}.",
    "How much is {x}?",
    "Determine {x}.",
    "Work out {x}.",
    "What do we get for {x}?",
)


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def number_text(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    d = v.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1 and v.denominator <= 100:
        return f"{float(v):.2f}".rstrip("0").rstrip(".")
    return f"{v.numerator}/{v.denominator}"


@lru_cache(maxsize=1 << 12)
def read_number(s: str) -> Fraction:
    return Fraction(s)  # immutable, so one per text (parsing it is most of reading a sentence's number)


def shown_unit(desc: str, unit: str) -> str:
    """The unit written after a value of a quantity: none when its description already names it ("the
    number of books each student borrows is 4", never "... is 4 books")."""
    return "" if unit and unit in desc.split() else unit


def with_unit(v: Fraction, unit: str) -> str:
    if not unit:
        return number_text(v)
    if v == 1:  # the head of a compound unit too: "1 dollar per hour", not "1 dollars per hour"
        head, sep, rest = unit.partition(" per ")
        head = {"inches": "inch", "people": "person", "feet": "foot", "children": "child"}.get(
            head, head.removesuffix("s")
        )
        unit = head + sep + rest
    return f"{value_text(v, unit)} {unit}"


def value_text(v: Fraction, unit: str) -> str:
    """The number of a value in ``unit``: money with cents in two decimals ("13.80 dollars", never "13.8
    dollars", round 5's reading)."""
    if unit.split(" ", 1)[0] in ("dollars", "dollar") and v.denominator != 1 and (v * 100).denominator == 1:
        return f"{float(v):.2f}"
    return number_text(v)


def _pick(program: Program, key: str, n: int) -> int:
    h = hashlib.blake2b(f"{program.variant}\x1f{key}".encode(), digest_size=4).digest()
    return int.from_bytes(h, "little") % n


# -- rendering ---------------------------------------------------------------------------------------
def informalize(program: Program) -> str:
    if program.family != "word":
        return symbolic_text(program)
    sentences = list(program.intros)
    refs = Mentions(program)
    inline = {p for r in program.relations for p in r.params}
    # what the text says in order: a finished sentence, a generic statement of a quantity, or a relation
    plan: list[tuple] = []
    stated: dict[str, int] = {}  # quantity -> its generic statement's place in the plan
    # a seed sentence that points back ("Then 76 people sit down.", "A supplier then delivers 11 kites.",
    # "Zoe also spills 3 cups.") keeps its marker only right after another value sentence of its own
    # story (in seed order, as the program keeps them); else it is said without the marker, or in the generic form when it has no bare form
    prev: str | None = None  # the story of the sentence before, when it is one of a story's own
    for x in program.quantities:
        if x.value is None or x.name in inline:
            continue
        here = story_of(x.name)
        if x.kind == "given" and x.frame:
            frame = x.frame
            if points_back(frame) and prev != here:
                frame = bare(frame)
            if frame is not None:
                plan.append(("text", frame.replace("{v}", value_text(x.value, x.unit)), x.name))
                prev = here
                continue
        prev = None
        stated[x.name] = len(plan)
        plan.append(("state", x))
    # round 9: a given whose own sentence is not said (its value is asked, hidden or only a relation's)
    # still has its event told, by its seed's value-free sentence ("From the station, Vera walks to the
    # house."), once, after the intro: the held-out reading of seed 6473 asked a travel time of ride and
    # walk where no sentence said there was a walk
    framed = {step[2] for step in plan if step[0] == "text"}
    for x in program.quantities:
        if x.event and not x.distractor and x.name not in framed and x.event not in sentences:
            sentences.append(x.event)
    # a relation about a quantity just stated follows its statement and calls it "it" ("We know that the
    # number sold daily last week is 8. It exceeds the number sold daily by 2."), once per statement
    after: dict[int, tuple] = {}
    rest: list[tuple] = []
    for i, r in enumerate(program.relations):
        at = stated.get(r.target)
        frames = [f for f in RELATION[r.kind] if _IT_FRAME.match(f)]
        if at is not None and at not in after and frames and not program.q(r.target).distractor:
            after[at] = ("rel", r, i, frames[_pick(program, f"r{i}", len(frames))], False)
        else:
            rest.append(("rel", r, i, None, False))
    # round 10: a relation about another quantity whose source is the quantity just stated follows that
    # statement and calls the source "it" ("We know that the number of eggs left is 82. Adding 4 to it
    # gives the number last week."): the description said in full again in the next sentence was the most
    # repeated text of a problem after the question's; "it" only where the sentence before stated one
    # quantity and nothing else in the sentence can be meant by it
    for at_step in list(rest):
        _, r, i, _, _ = at_step
        at = stated.get(r.source) if r.source else None
        frames = [f for f in RELATION[r.kind] if f in _IT_SOURCE_FRAMES]
        if at is None or at in after or not frames or r.also or r.target == r.source:
            continue
        if program.q(r.source).distractor or program.q(r.target).distractor:
            continue
        src = program.q(r.source)
        if any(src.desc.endswith(" " + q) and _story_statement(program, src, q) for q in STORY_FRONTED):
            continue  # said in its story's own words (round 9), which "it" could not follow
        after[at] = ("rel", r, i, frames[_pick(program, f"r{i}", len(frames))], True)
        rest.remove(at_step)
    order = []
    for k, step in enumerate(plan):
        order.append(step)
        if k in after:
            order.append(after[k])
    # round 8: a generic opener ("We know that", "It turns out that", ...) is said once per problem, and
    # a fronted occasion is not said again by the sentence right after ("Two weeks ago, ... Two weeks ago,
    # ..."): the held-out reading of seed 5297 had "We know that" three times in one problem
    said_openers: set[str] = set()
    last_front: str | None = None
    compared: set[str] = set()  # the givens a relation compared in their story's words (round 11)
    at_of = {id(step): k for k, step in enumerate(plan)}
    for step in (*order, *rest):
        step_no = at_of.get(id(step), -1)
        front_here = None
        if step[0] == "text":
            sentences.append(step[1])
            refs.framed(step[2])
        elif step[0] == "state":
            x = step[1]
            f = _state_frame(program, x.name, said_openers)
            d = refs.desc(x.name, x.desc)
            v = with_unit(x.value, shown_unit(x.desc, x.unit))
            front = fronted(x.desc, d)
            if front is not None and front[0] != last_front and _pick(program, "@" + x.name, 3) < 2:
                story = None if step_no in after else _story_statement(program, x, front[0])
                sentences.append(story or f"{cap(front[0])}, {front[1]} was {v}.")
                front_here = front[0]
            else:
                said_openers.add(f)
                sentences.append(f.format(X=cap(d), x=d, v=v))
        else:
            _, r, i, frame, it_src = step
            story = (story_relation(program, r) or story_implicit(program, r)) if frame is None else None
            if story is not None and (story[1] not in compared or not ONE_STORY_RELATION_PER_GIVEN):
                compared.add(story[1])  # one per given: its story sentence said twice would repeat
                sentences.append(story[0])
                front_here = next((q for q in STORY_FRONTED if story[0].startswith(cap(q) + ", ")), None)
                if front_here is not None and front_here == last_front:
                    sentences[-1] = relation_text(program, r, i, refs)
                    front_here = None
            else:
                sentences.append(relation_text(program, r, i, refs, frame=frame, it_source=it_src))
        last_front = front_here
    (qname,) = program.query
    qq = program.q(qname)
    hm = question_of(qq.desc, qq.unit) if not qq.question else None
    if hm is not None and [question_of(x.desc, x.unit) for x in program.quantities if x.desc].count(hm) > 1:
        hm = None  # one quantity only
    if (
        hm is not None
        and hm.startswith("How much")
        and any(x.unit != qq.unit for x in program.quantities if x.unit in CONVERSIONS.get(qq.unit, ()))
    ):
        hm = None  # a price also said in cents: the question keeps ", in dollars"
    if qq.question:
        sentences.append(qq.question)
    elif hm is not None:
        sentences.append(hm)
    else:
        f = QUESTION[_pick(program, "?" + qname, len(QUESTION))]
        if f.startswith("How much") and qq.desc.startswith("the number of"):
            f = QUESTION[0]  # "What is the number of ...?", not "How much is the number of ...?"
        shown = shown_unit(qq.desc, qq.unit)
        unit = f", in {shown}" if shown and f.endswith("?") else ""
        sentences.append(f.format(x=question_desc(program, qq, refs))[:-1] + unit + f[-1])
    return first_second_shop(" ".join(sentences), len(program.intros))


def _story_statement(program: Program, x: Quantity, qualifier: str) -> str | None:
    """ "Two weeks ago, Hiro sold 13 apples at the market." for ``x``, the given whose occasion
    ``qualifier`` it is, said with its own seed sentence in the past tense; None when ``x`` is no such
    occasion or the sentence cannot be put in the past (``past_frame``)."""
    if qualifier not in STORY_FRONTED or x.value is None:
        return None
    for b in program.quantities:
        if b.frame and not b.distractor and not b.conversion and qualifier in b.qualifiers:
            if qualified(b.desc, qualifier) != x.desc or b.unit != x.unit:
                continue
            pf = past_frame(b.frame)
            if pf is None:
                return None
            people = set((program.meta or {}).get("people", {}).values())
            keep = pf.split(" ", 1)[0].removesuffix("'s") in people
            return story_fronted(qualifier, pf, keep).replace("{v}", value_text(x.value, x.unit))
    return None


def _state_frame(program: Program, name: str, said: set[str]) -> str:
    """The statement frame of a quantity: the hashed pick, or when a generic opener of it ("We know
    that ...") was said already in this text, the next one not said (the plain "X is v." when all were)."""
    k = _pick(program, name, len(STATE))
    for j in range(len(STATE)):
        f = STATE[(k + j) % len(STATE)]
        if f == STATE[0] or f not in said:
            return f
    return STATE[0]


_SECOND_SHOP = " at the second shop"


def first_second_shop(text: str, skip: int = 0) -> str:
    """ "at a second shop" the first time the text names it (after its ``skip`` intro sentences), "the
    second shop" after: "the normal price of a shirt at the second shop" named a shop no sentence had set up
    (round 7's reading); ``parse_text`` reads both as the qualifier."""
    ss = split_sentences(text)
    for i in range(skip, len(ss)):
        if _SECOND_SHOP in ss[i]:
            ss[i] = ss[i].replace(_SECOND_SHOP, " at a second shop", 1)
            return " ".join(ss)
    return text


# a statement of a quantity on a past occasion may open with the occasion, in the past tense ("Two weeks
# ago, the number of apples Rosa picked was 38." for "the number of apples Rosa picked two weeks ago is
# 38."): "<qualifier> is <v>" closing half of the statements was the most repeated 4-gram of a problem after
# "the number of <noun>" (round 7); ``parse_text`` reads it back as the plain statement
_FRONTED = re.compile(
    r"^(?P<q>Last week|Two weeks ago|The day before|Last month|Last year), (?P<x>the .+?) was (?P<v>.+)\.$"
)


# "The day before, the profit was 157 dollars." opens with a day no sentence named (the day before what?);
# said after its quantity it reads as the day before today (round 8's reading of seed 5297)
_NOT_FRONTED = frozenset({"the day before"})


def fronted(desc: str, said: str) -> tuple[str, str] | None:
    """(qualifier, the rest of ``said``) when ``said`` (a mention of ``desc``) ends with a past occasion
    that may open its sentence: not the occasion of a point of a span ("... at the end of last week"), nor
    of the second term of a total."""
    if COMBINED.match(desc) or COMBINED.match(said):
        return None
    for q in PAST_QUALIFIERS - _NOT_FRONTED:
        if desc.endswith(" " + q) and said.endswith(" " + q):
            rest = said[: -len(q) - 1]
            if rest.endswith((" of", " of the week")) or not rest.startswith("the "):
                return None
            return q, rest
    return None


def unfronted(sentence: str) -> str:
    """The plain statement a fronted one says ("Last week, X was 8." -> "X last week is 8.")."""
    m = _FRONTED.match(sentence)
    if m is None:
        return sentence
    q = m.group("q")
    return f"{m.group('x')} {q[:1].lower() + q[1:]} is {m.group('v')}."


OPENERS = ("Then ", "Later, ", "Next, ", "After that, ", "Finally, ", "On top of that, ")
_INNER = (" then ", " also ", " another ")  # "A supplier then delivers ...", "Zoe also spills ..."
_POINTS_BACK = re.compile(
    r"^(?:Then|Later|Next|After that|Finally|Afterwards|Each of them|All of them|Another|On top of that"
    r"|Added to them)\b| (?:then|also|again|another) "
)


def points_back(frame: str) -> bool:
    """A sentence that needs one before it: an opener ("Then ...", "Next comes ...") or an inner
    "then"/"also"."""
    return bool(_POINTS_BACK.search(frame))


# round 9: a past occasion of a given said in its story's own words ("Two weeks ago, Hiro sold 13 apples at
# the market.") instead of its description ("Two weeks ago, the number of apples Hiro sold was 13."): the
# full descriptions said over and over were the repetition round 8 left; the verbs of the seeds' frames
_FRAME_PAST = {
    "sells": "sold", "picks": "picked", "gives": "gave", "collects": "collected", "buys": "bought",
    "fills": "filled", "makes": "made", "bakes": "baked", "spills": "spilled", "pours": "poured",
    "adds": "added", "drinks": "drank", "reads": "read", "saves": "saved", "earns": "earned",
    "works": "worked", "swims": "swam", "trains": "trained", "deposits": "deposited", "borrows": "borrowed",
    "orders": "ordered", "hires": "hired", "scores": "scored", "paints": "painted", "costs": "cost",
    "owns": "owned", "has": "had", "is": "was", "are": "were", "holds": "held", "needs": "needed",
    "uses": "used", "takes": "took", "lasts": "lasted", "brings": "brought", "eats": "ate", "gets": "got",
    "pays": "paid", "contains": "contained", "keeps": "kept", "lends": "lent", "gains": "gained",
}  # fmt: skip
_PRONOUN = re.compile(r"\b(?:it|them|they|their|its|this|that|these|those)\b", re.I)
STORY_FRONTED = ("last week", "two weeks ago", "last month", "last year")


def past_frame(frame: str) -> str | None:
    """A seed's value sentence in the past tense ("{A} sells {v} apples at the market." -> "{A} sold {v}
    apples at the market."), or None when it cannot be said so plainly: no ``{v}``, a comma, a discourse
    marker, a pronoun, "so far", or not exactly one verb of ``_FRAME_PAST`` ("has been", two verbs)."""
    if (
        "{v}" not in frame
        or "," in frame
        or points_back(frame)
        or _PRONOUN.search(frame)
        or "so far" in frame
    ):
        return None  # "Last week, Aiko had saved 40 dollars so far." reads as two times at once
    words = frame.split(" ")
    at = [i for i, w in enumerate(words) if w in _FRAME_PAST]
    if len(at) != 1 or (at[0] + 1 < len(words) and words[at[0] + 1] in ("been", "being")):
        return None
    words[at[0]] = _FRAME_PAST[words[at[0]]]
    return " ".join(words)


def story_fronted(qualifier: str, frame: str, keep_case: bool) -> str:
    """ "Two weeks ago, " before a past value sentence, its first letter lower-cased unless it is a name."""
    body = frame if keep_case else frame[:1].lower() + frame[1:]
    return f"{cap(qualifier)}, {body}"


def bare(frame: str) -> str | None:
    """A seed sentence without its discourse marker (an opening "Then"/"Next, "/..., an inner "then" or
    "also"), said when the sentence before it in the seed is not there; None when it has none or cannot
    do without it ("Next comes a side of 5 meters")."""
    for o in OPENERS:
        if frame.startswith(o) and len(frame) > len(o):
            frame = cap(frame[len(o) :])
            break
    for w in _INNER:
        frame = frame.replace(w, " ", 1)
    return None if points_back(frame) else frame


def story_of(name: str) -> str:
    """The story a quantity belongs to: ``c2_`` for a composed one, "" for the main story."""
    head, sep, _ = name.partition("_")
    return head if sep and head[:1] == "c" and head[1:].isdigit() else ""


# round 10: a question about a count asked as "How many <noun> ...?" ("How many apples did Mia pick last
# week?", "How many eggs were sold?", "How many students are on the trip?", "How many books does each
# student borrow?") instead of restating its description ("What is the number of apples Mia picked last
# week?"): the question said a description in full again, 42% of the repeated 4-grams of round 9's rows
_PARTICIPLE = re.compile(r"^(?:\w+ed|sold|left|drunk|given|lost|bought|made|spent|taken|kept|read)$")
_PLACE = frozenset({"in", "on", "at"})
_PLACE_NEXT = frozenset({"the", "a", "one", "stock"})
_PRESENT_BASE = {"has": "have", "carries": "carry", "does": "do", "goes": "go"}
_PAST_BASE = {
    **{v: _PRESENT_BASE.get(k, k[:-1]) for k, v in _FRAME_PAST.items() if k not in ("is", "are")},
    **{v: _PRESENT_BASE.get(k, k[:-1]) for k, v in PAST.items()},
}
_SUBJECT_HEADS = frozenset({"the", "each"})


def _verb_base(w: str) -> tuple[str, str] | None:
    """(the auxiliary, the base form) of a description's verb: ("did", "pick") for "picked", ("does",
    "give") for "gives"; None for a word not among the seeds' verbs."""
    if w in _PAST_BASE:
        return "did", _PAST_BASE[w]
    if w in _PRESENT_BASE:
        return "does", _PRESENT_BASE[w]
    if w.endswith("s") and w[:-1] + "s" in PAST or w in _FRAME_PAST or w in ("ends", "eats", "gets"):
        return "does", w[:-1]
    return None


@lru_cache(maxsize=1 << 14)
def how_many(desc: str, unit: str) -> str | None:
    """The "How many ...?" question of a count's description, or None when it has no plain one: "the
    number of apples Mia picked last week" -> "How many apples did Mia pick last week?", "the number of
    eggs sold the day before" -> "How many eggs were sold the day before?", "the number of students on the
    trip" -> "How many students are on the trip?", "the number of cousins they have" -> "How many cousins
    do they have?"; None for one without a clause ("the number of overtime hours"), "so far", or a shape
    not above."""
    noun = count_noun(desc, unit)
    if noun is None or " so far" in desc or shown_unit(desc, unit):
        return None
    rest = desc[len(_NUMBER_OF_PREFIX) + len(noun) :].split()
    if not rest:
        return None
    past = any(desc.endswith(" " + q) for q in PAST_QUALIFIERS) or desc.endswith(" of last month")
    be = "were" if past else "are"
    if _PARTICIPLE.match(rest[0]) or (rest[0] in _PLACE and len(rest) > 1 and rest[1] in _PLACE_NEXT):
        return f"How many {noun} {be} {' '.join(rest)}?"
    # a subject: a name, "they", or "the"/"each" and at most two more words, then a verb of the seeds
    if rest[0] == "they":
        cut = 1
    elif rest[0][:1].isupper() and rest[0].isalpha():
        cut = 1
    elif rest[0] in _SUBJECT_HEADS:
        cut = next((i for i in (2, 3) if i < len(rest) and _verb_base(rest[i])), 0)
    else:
        cut = 0
    if not cut or cut >= len(rest) or (vb := _verb_base(rest[cut])) is None:
        return None
    aux, base = vb
    if rest[0] == "they":
        if aux == "does":
            aux, base = "do", rest[cut]  # "they have", "they work": the base form already
    elif aux == "does" and not rest[cut].endswith("s"):
        return None
    if past != (aux == "did"):
        return None  # a present verb on a past occasion, or the other way round: not a plain question
    subject = " ".join(rest[:cut])
    return f"How many {noun} {aux} {subject} {' '.join([base, *rest[cut + 1 :]])}?"


_PRICE = re.compile(r"^the (?:price|cost) of (?P<art>a|an|one|the) (?P<thing>[a-z]+(?: [a-z]+)?)$")
_NOT_THING = frozenset({"at", "per", "in", "on", "of", "for", "to", "from", "with", "now"})


@lru_cache(maxsize=1 << 14)
def how_much(desc: str, unit: str) -> str | None:
    """The "How much does ... cost?" question of a price or cost: "the price of a child ticket last year"
    -> "How much did a child ticket cost last year?", "the cost of the pens" -> "How much do the pens
    cost?"; None for any other description (a clause, "per kilogram", "at the second shop")."""
    if unit != "dollars":
        return None
    q = next((q for q in PAST_QUALIFIERS if desc.endswith(" " + q)), None)
    if q is None and any(desc.endswith(" " + o.removeprefix("on ")) for o in QUALIFIERS):
        return None  # "the price of a comic now", "... at the second shop"
    m = _PRICE.match(desc[: -len(q) - 1] if q else desc)
    if m is None or any(w in _NOT_THING for w in m.group("thing").split()):
        return None
    thing = f"{m.group('art')} {m.group('thing')}"
    plural = m.group("art") == "the" and thing.endswith("s") and not thing.endswith("ss")
    aux = "did" if q else ("do" if plural else "does")
    return f"How much {aux} {thing} cost{' ' + q if q else ''}?"


def question_of(desc: str, unit: str) -> str | None:
    """ "How many ...?" / "How much ... cost?" for ``desc`` (round 10), or None."""
    return how_many(desc, unit) or how_much(desc, unit)


def question_desc(program: Program, qq: Quantity, refs: Mentions | None = None) -> str:
    """The question's description. With ``refs`` (the mentions of the text before it), as any later
    mention (round 10): its short form once its noun was said ("Find the number Hiro picked two weeks
    ago." after "the number of apples Hiro picked"), its seed short form once its kind was said in full,
    and "the total of A and B" with A and B so; in full when the text has not named it. Without ``refs``
    (round 9): in full, but the second of "the total of A and B" / "the difference between A and B" said
    short when A said its noun."""
    if refs is not None:
        # the near form of a total's second term ("... and the number now") is bound to the first term in
        # the question itself, as in a relation (round 8), whatever an earlier sentence bound it to
        refs.near.clear()
        return refs.desc(qq.name, qq.desc)
    m = COMBINED.match(qq.desc)
    names = [n for n in _sym_names(qq.expr)] if qq.expr is not None else []
    if m is None or len(names) != 2:
        return qq.desc
    a, b = (program.q(n) for n in names)
    head = "the total of " if m.group(1) else "the difference between "
    if qq.desc != f"{head}{a.desc} and {b.desc}":
        return qq.desc
    got = Mentions(program).combined(qq.name, qq.desc, full_first=True)
    return got if got is not None else qq.desc


def _sym_names(e: Expr) -> list[str]:
    """The quantity names of "a + b" / "a - b" (a combined question's formula), in order."""
    if isinstance(e, Add):
        out = []
        for t in e.terms:
            if isinstance(t, Sym):
                out.append(t.name)
            elif isinstance(t, Neg) and isinstance(t.arg, Sym):
                out.append(t.arg.name)
            else:
                return []
        return out
    return []


_SLOT = re.compile(r"\{([XxyzZ])\}")


# the relation frames that can open with "It" for a quantity the sentence before stated
_IT_FRAME = re.compile(r"^\{X\} (?:is|exceeds|falls|equals|makes|amounts)\b")
IT = "It"
# round 10: the relation frames that can say "it" for their source, the quantity the sentence before stated
# ("Adding 4 to it gives ...", "... is half of it."); not "{X} is {y} multiplied by {k}." nor a frame whose
# source stands beside its target as a pair ("{X} and {y} are in the ratio ...")
_IT_SOURCE_FRAMES = frozenset(
    {
        "{X} is {k} more than {y}.", "{X} exceeds {y} by {k}.", "Adding {k} to {y} gives {x}.",
        "{X} is {k} less than {y}.", "{X} falls short of {y} by {k}.", "Taking {k} away from {y} leaves {x}.",
        "{X} is {k} times {y}.", "Multiplying {y} by {k} gives {x}.", "{X} is {f} of {y}.",
        "{X} makes up {f} of {y}.", "{X} is {k}% of {y}.", "{X} amounts to {k}% of {y}.",
    }
)  # fmt: skip
IT_SOURCE = "it"


def relation_text(
    program: Program,
    r: Relation,
    i: int,
    refs: Mentions | None = None,
    *,
    frame: str | None = None,
    it_source: bool = False,
) -> str:
    """A relation's sentence; with ``frame`` (one of ``_IT_FRAME``'s) its subject is "It", the quantity
    the sentence before stated; with ``it_source`` too (``frame`` one of ``_IT_SOURCE_FRAMES``) its source
    is "it" instead (round 10)."""
    frames = RELATION[r.kind]
    f = frame or frames[_pick(program, f"r{i}", len(frames))]
    vals = [program.q(p).value for p in r.params]
    target = program.q(r.target)
    unit = shown_unit(target.desc, target.unit)
    refs = refs if refs is not None else Mentions(program)
    who = {"X": r.target, "x": r.target, "y": r.source, "z": r.also[0] if r.also else ""}
    said: dict[str, str] = {}
    known = [x.desc for x in program.quantities if x.desc and not x.inline]
    first = ""
    for slot in _SLOT.findall(f):  # in the order the sentence says them
        name = who[slot]
        if it_source and slot == "y":
            said[name] = IT_SOURCE  # said by the statement before: not a kin for "the number now"
            continue
        if name and name not in said:
            d = program.q(name).desc
            near = sibling_text(program.q(first).desc, d, known) if first else None
            # "the number two weeks ago" may say another quantity than an earlier sentence's: its kin is
            # said just before it in this sentence ("The number of novels sold is 16 more than the number
            # two weeks ago."), and the read-back takes it from there (round 8: the full form twice in one
            # sentence was the most repeated 4-gram left); not after "of" ("half of the number two weeks
            # ago" twice in a text would be one fraction of one thing said twice)
            owner = refs.near.setdefault(near, name) if near is not None else name
            if owner != name and f[: f.find("{" + slot + "}")].endswith("of "):
                near = None
            said[name] = near if near is not None else refs.desc(name, d)
            if near is not None:
                refs.noted(name, d)  # its noun counts as said
            first = first or name
    slots = {"X": cap(said.get(r.target, target.desc)), "x": said.get(r.target, target.desc)}
    if frame is not None and not it_source:
        slots["X"] = IT
    if r.source:
        slots["y"] = said.get(r.source, program.q(r.source).desc)
    if r.also:
        slots["z"] = said.get(r.also[0], program.q(r.also[0]).desc)
    if r.kind in ("more_than", "less_than"):
        slots["k"] = with_unit(vals[0], unit)
    elif r.kind in ("times", "percent_of"):
        slots["k"] = number_text(vals[0])
    elif r.kind == "fraction_of":
        slots["f"] = FRACTION_WORDS[int(vals[0])]
    elif r.kind == "affine":
        slots.update(a=number_text(vals[0]), b=with_unit(vals[1], unit), c=with_unit(vals[2], unit))
    elif r.kind == "scaled_sum":
        slots.update(a=number_text(vals[0]), b=with_unit(vals[1], unit), c=with_unit(vals[2], unit))
    elif r.kind == "part_is":
        slots.update(F=cap(FRACTION_WORDS[int(vals[0])]), c=with_unit(vals[1], unit))
    elif r.kind == "percent_is":
        slots.update(k=number_text(vals[0]), c=with_unit(vals[1], unit))
    elif r.kind == "per_part":
        slots.update(n=number_text(vals[0]), c=with_unit(vals[1], unit))
    elif r.kind in ("sum_with", "sum3"):
        slots["t"] = with_unit(vals[0], unit)
    elif r.kind == "ratio_with":
        slots.update(a=number_text(vals[0]), b=number_text(vals[1]))
    s = f.format(**slots)
    return cap(s)


# round 11: a relation between two occasions of one given said in its story's own words, its number a
# comparison ("Aiko sells 4 more apples at the market than two weeks ago.", "Two weeks ago, Aiko sold half
# as many apples at the market as now.", "A comic costs 2 dollars more than last year.") instead of two
# descriptions ("The number of apples Aiko sells is 4 more than the number two weeks ago."): relation
# sentences were half of the repeated 4-grams round 10 left, their heads ("the number of", "the number two
# weeks") and occasions most of it.  The seed's own sentence gives the verb and the place, so the wording
# is the story's, not a stock one; ``parse_text`` reads it back by putting a number where the comparison
# stood and matching the story sentence that gives
# at most one such sentence per given in a problem (its story sentence said twice would repeat itself); on
# round 10's 600 --quality rows no problem had a second one to say, so the limit changed no text there
ONE_STORY_RELATION_PER_GIVEN = True
STORY_RELATION_KINDS = ("more_than", "less_than", "times", "fraction_of", "percent_of")
_COMPARED_OCCASIONS = ("now", *sorted(PAST_QUALIFIERS))
# a seed sentence whose number a comparison cannot replace plainly ("A total of {v} tickets", "already
# holds {v} stamps", "another {v} cups", "has saved {v} dollars so far")
_NOT_COMPARED = re.compile(
    r"\b(?:already|so far|total|another|also|then|again|extra|more|less|fewer|only)\b", re.I
)
_MONEY_UNITS = frozenset({"dollars", "dollars per hour"})


def _occasion(program: Program, b: Quantity, name: str) -> str | None:
    """ "" when ``name`` is the given ``b`` itself, the past occasion when it is ``b`` on that occasion
    (same unit), else None."""
    if name == b.name:
        return ""
    x = program.by_name.get(name)
    if x is None or x.unit != b.unit or x.conversion:
        return None
    for q in b.qualifiers:
        if q in PAST_QUALIFIERS and qualified(b.desc, q) == x.desc:
            return q
    return None


def _compared_slot(x: Quantity) -> str | None:
    """The text of ``x``'s seed sentence a comparison replaces: "{v}" before a count's or time's noun
    ("{v} apples", "{v} normal hours"), "{v} dollars" for a price, a sum of money or a wage; None when the
    sentence has no such plain place."""
    f, unit = x.frame or "", x.unit
    if (
        f.count("{v}") != 1
        or f.startswith("{v}")  # "{v} people sit down.": a sentence opening with a number
        or " of {v}" in f  # "Ines owns a collection of 7 more marbles than ..."
        or "," in f.partition("{v}")[2]  # "There are half as many members in the club, and they ... as ..."
        or not f.endswith(".")
        or _NOT_COMPARED.search(f)
    ):
        return None
    if x.role in ("price", "money", "rate") and unit in _MONEY_UNITS:
        return "{v} dollars" if re.search(r"\{v\} dollars\b", f) else None
    if x.role in ("count", "time") and " " not in unit:
        return "{v}" if re.search(r"\{v\} (?:[a-z]+ )?" + re.escape(unit) + r"\b", f) else None
    return None


def _fronted(program, frame: str, ot: str) -> str | None:
    """``frame`` told on the past occasion ``ot`` with the occasion in front (None: it cannot be)."""
    pf = past_frame(frame)
    if pf is None or ot not in STORY_FRONTED:
        return None
    people = set((program.meta or {}).get("people", {}).values())
    return story_fronted(ot, pf, pf.split(" ", 1)[0].removesuffix("'s") in people)


def story_relation(program: Program, r: Relation) -> tuple[str, str] | None:
    """(the sentence, the given it compares) for a relation between two occasions of one given with its
    own seed sentence (round 11), or None when it has no such wording: the relation is not "more", "less",
    "times" or a fraction of one quantity, its number is not a whole number above 1 (money: any amount
    more or less; a fraction: one of ``FRACTION_WORDS``), the sentence has no plain place for the
    comparison (``_compared_slot``), or the target is on "the day before" (a sentence cannot open with it)
    or in a sentence that cannot be put in the past (``past_frame``)."""
    if r.kind not in STORY_RELATION_KINDS or r.also or not r.source or len(r.params) != 1:
        return None
    b = ot = os_ = None
    for x in program.quantities:
        if x.frame and not x.distractor and not x.conversion and not x.inline:
            t, s = _occasion(program, x, r.target), _occasion(program, x, r.source)
            if t is not None and s is not None and t != s:
                b, ot, os_ = x, t, s
                break
    if b is None:
        return None
    frame = b.frame
    if points_back(frame):  # "A supplier then delivers {v} kites." said without its marker
        frame = None if ot else bare(frame)
        b = replace(b, frame=frame)
    slot = _compared_slot(b) if frame is not None else None
    k = program.q(r.params[0]).value
    if slot is None or k is None:
        return None
    money = slot != "{v}"
    more = r.kind in ("more_than", "less_than", "percent_of")
    if r.kind == "percent_of":
        # round 12: "Aiko sells 25% fewer apples than last week.", "A comic costs 50% more than last
        # year." for "... is 75% / 150% of the number last week" (the story's words, as for "more")
        if k.denominator != 1 or k == 100 or k <= 0 or k >= 200:
            return None  # "100% more": "twice as many" is what a person says
        if money and not re.search(r"\{v\} dollars(?:\.| per )", b.frame or ""):
            return None  # "gives Elif 50% less as a present than ...", "a bill for 80% less than ..."
        cmp = f"{k - 100}% more" if k > 100 else f"{100 - k}% {'less' if money else 'fewer'}"
    elif r.kind == "fraction_of":
        if k not in FRACTION_WORDS:
            return None
        cmp = f"{FRACTION_WORDS[int(k)]} as {'much' if money else 'many'}"
    elif money and more:
        cmp = f"{with_unit(k, 'dollars')} {'more' if r.kind == 'more_than' else 'less'}"
    elif k.denominator != 1 or k < 2:
        return None  # "1 more apple than": the noun's number would change
    elif r.kind == "times":
        cmp = f"{k} times as {'much' if money else 'many'}"
    else:
        cmp = f"{k} {'more' if r.kind == 'more_than' else 'fewer'}"
    if ot:
        frame = _fronted(program, frame, ot)
        if frame is None:
            return None
    said = frame.replace(slot, cmp)
    return f"{said[:-1]} {'than' if more else 'as'} {os_ or 'now'}.", b.name


# round 12: an implicit relation of one quantity (a part, a percentage or a share of it is a number) said
# in its story's own sentence, the number replaced by "some" ("Last week, the stall sold some novels, and
# half of that number is 23.") instead of its description ("Half of the number of novels sold last week
# comes to 23."): the largest repeated shape round 11 left (296 repeated 4-grams on the 600 rows)
STORY_IMPLICIT_KINDS = ("part_is", "percent_is", "per_part")
_IMPLICIT_TAIL = {
    "part_is": ", and {F} of that number is {c}.",
    "percent_is": ", and {k}% of that number is {c}.",
    "per_part": ", and that number split into {n} equal parts gives {c} per part.",
}
_IMPLICIT_END = re.compile(
    rf"^(?P<body>.+), and (?:(?P<f>{'|'.join(FRACTION_WORDS.values())}) of that (?P<m>number is |is )"
    r"(?P<c>\d+(?:\.\d+)?)(?: dollars?)?"
    r"|(?P<k>\d+)% of that (?P<m2>number is |is )(?P<c2>\d+(?:\.\d+)?)(?: dollars?)?"
    r"|that number split into (?P<n>\d+) equal parts gives (?P<c3>\d+) per part)\.$"
)
SOME = "some"
SOME_MONEY = "some money"


def story_implicit(program: Program, r: Relation) -> tuple[str, str] | None:
    """(the sentence, the given it says) for an implicit relation of one quantity (``STORY_IMPLICIT_KINDS``)
    whose target is a given with its own seed sentence for a count or a time, or that given on a past
    occasion (round 12): the sentence with "some" for the number, then the relation of "that number"; None
    when the sentence has no plain place for the number (``_compared_slot``: "{v}" before the noun, not
    money), cannot be put in the past, or the numbers are not whole."""
    if r.kind not in STORY_IMPLICIT_KINDS or r.source or r.also or len(r.params) != 2:
        return None
    b = ot = None
    for x in program.quantities:
        if x.frame and not x.distractor and not x.conversion and not x.inline:
            t = _occasion(program, x, r.target)
            if t is not None:
                b, ot = x, t
                break
    if b is None:
        return None
    frame = b.frame
    if points_back(frame):
        frame = None if ot else bare(frame)
        b = replace(b, frame=frame)
    slot = _compared_slot(b) if frame is not None else None
    # a sum of money: "Aiko borrows some money, and 20% of that is 580 dollars." (not a price or a wage,
    # which ``implicit`` gives no part of, nor "{v} dollars" inside a phrase: "a bill for some money")
    money = (
        slot == "{v} dollars"
        and b.role == "money"
        and bool(
            re.search(r"(?<! is)(?<! to)(?<! for) \{v\} dollars\.$", frame or "")
        )  # "the bill is some money"
    )
    if slot is None or (slot != "{v}" and not money) or re.search(r"\bsome\b", frame, re.I):
        return None
    k, c = (program.q(p).value for p in r.params)
    if k is None or c is None or k.denominator != 1 or c <= 0 or (c * (100 if money else 1)).denominator != 1:
        return None
    if r.kind == "part_is" and k not in FRACTION_WORDS:
        return None
    if ot:
        frame = _fronted(program, frame, ot)
        if frame is None:
            return None
    if money:
        if r.kind == "per_part":
            return None
        tail = _IMPLICIT_TAIL[r.kind].replace("that number is {c}", "that is {c}")
        tail = tail.format(F=FRACTION_WORDS.get(int(k), ""), k=number_text(k), c=with_unit(c, "dollars"))
        return frame.replace("{v} dollars", SOME_MONEY)[:-1] + tail, b.name
    tail = _IMPLICIT_TAIL[r.kind].format(
        F=FRACTION_WORDS.get(int(k), ""), k=number_text(k), n=number_text(k), c=number_text(c)
    )
    return frame.replace("{v}", SOME)[:-1] + tail, b.name


def unstory_implicit(s: str) -> tuple[str, str, str, str] | None:
    """(the story sentence with "1" for "some", the relation's kind, its first number's text (a fraction
    word for a part), the second's) for a sentence ``story_implicit`` says, or None."""
    m = _IMPLICIT_END.match(s)
    if m is None:
        return None
    body = m.group("body")
    if len(re.findall(r"\bsome\b", body, re.I)) != 1:
        return None
    money = (m.group("m") or m.group("m2")) == "is "
    if money != (f" {SOME_MONEY}" in body) or money != m.group(0).endswith(("dollars.", "dollar.")):
        return None  # "some money ... that is 580 dollars", "some apples ... that number is 3"
    plain = body.replace(SOME_MONEY, "1 dollars") if money else re.sub(r"\bsome\b", "1", body)
    plain += "."
    if m.group("f") is not None:
        return plain, "part_is", m.group("f"), m.group("c")
    if m.group("k") is not None:
        return plain, "percent_is", m.group("k"), m.group("c2")
    return plain, "per_part", m.group("n"), m.group("c3")


_COMPARED_END = re.compile(r"^(?P<body>.+) (?P<w>than|as) (?P<occ>" + "|".join(_COMPARED_OCCASIONS) + r")\.$")
_FRACTION_ALT = "|".join(FRACTION_WORDS.values())
_COMPARED_MID = re.compile(
    r"(?<![\w.])(?:(?P<k>\d+) (?P<cmp>more|fewer|times as many)|(?P<kp>\d+)% (?P<cmpp>more|fewer|less)"
    r"|(?P<km>\d+(?:\.\d+)?) dollars? (?P<cmpm>more|less)|(?P<kt>\d+) times as much"
    rf"|(?P<f>{_FRACTION_ALT}) as many|(?P<fm>{_FRACTION_ALT}) as much)(?= |$)"
)


def unstory_relation(s: str) -> tuple[str, str, str, str] | None:
    """(the story sentence with a number where the comparison stood, the relation's kind, its number's
    text, the compared occasion) for a sentence ``story_relation`` says, or None."""
    got = unstory_relations(s)
    return None if got is None else (got[0][0], *got[1:])


def unstory_relations(s: str) -> tuple[tuple[str, ...], str, str, str] | None:
    """``unstory_relation`` with every story sentence the comparison may have stood in: "25% more" stood
    for a count ("sells 25% more apples": "sells 1 apples") or a sum of money ("costs 25% more": "costs 1
    dollars"); a percentage's number is the percent of the source (100 + 25)."""
    m = _COMPARED_END.match(s)
    if m is None:
        return None
    body = m.group("body")
    mids = list(_COMPARED_MID.finditer(body))
    if len(mids) != 1:
        return None
    c = mids[0]
    g = c.groupdict()
    plains: tuple[str, ...] = ()
    if g["k"] is not None:
        kind = {"more": "more_than", "fewer": "less_than", "times as many": "times"}[g["cmp"]]
        k, plain = g["k"], "1"
    elif g["kp"] is not None:
        kind, k = "percent_of", str(100 + int(g["kp"]) if g["cmpp"] == "more" else 100 - int(g["kp"]))
        plain = "1 dollars" if g["cmpp"] == "less" else "1"
        plains = ("1 dollars",) if g["cmpp"] == "more" else ()
    elif g["km"] is not None:
        kind, k, plain = ("more_than" if g["cmpm"] == "more" else "less_than"), g["km"], "1 dollars"
    elif g["kt"] is not None:
        kind, k, plain = "times", g["kt"], "1 dollars"
    else:
        kind, k, plain = "fraction_of", g["f"] or g["fm"], "1" if g["f"] else "1 dollars"
    if (m.group("w") == "than") != (kind in ("more_than", "less_than", "percent_of")):
        return None
    # "Aiko sells 1 apples at the market.", "A comic costs 1 dollars.": a story sentence, read as usual
    said = tuple(f"{body[: c.start()]}{p}{body[c.end() :]}." for p in (plain, *plains))
    return said, kind, k, m.group("occ")


def relation_equation(
    kind: str, target: str, source: str, params: tuple[str, ...], also: tuple[str, ...] = ()
) -> tuple[Expr, Expr]:
    """The equation a relation sentence states."""
    x, y = Sym(target), Sym(source) if source else None
    k = [Sym(p) for p in params]
    if kind == "scaled_sum":
        return Mul((k[0], Add((x, k[1])))), k[2]
    if kind == "part_is":
        return Div(x, k[0]), k[1]
    if kind == "percent_is":
        return Div(Mul((k[0], x)), Num(100)), k[1]
    if kind == "per_part":
        return Div(x, k[0]), k[1]
    if kind == "sum_with":
        return Add((x, y)), k[0]
    if kind == "sum3":
        return Add((x, y, Sym(also[0]))), k[0]
    if kind == "ratio_with":
        return Mul((k[1], x)), Mul((k[0], y))
    if kind == "more_than":
        return x, y + k[0]
    if kind == "less_than":
        return x, y - k[0]
    if kind == "times":
        return x, Mul((k[0], y))
    if kind == "fraction_of":
        return x, Div(y, k[0])
    if kind == "percent_of":
        return x, Div(Mul((k[0], y)), Num(100))
    if kind == "same_as":
        return x, y
    if kind == "affine":
        return Mul((k[0], x)) + k[1], k[2]
    raise ValueError(f"unknown relation kind {kind!r}")


# the relations ``parse_text`` has read, by their fields: a relation is immutable and a function of its kind
# and names alone (``relation_equation``), and the texts of one template read back to the same names, so the
# read-back hands out one object per relation (issue 19 round 11): its solve then finds the equation
# (``solver._setup``), the names of its sides (``program.free_names``) and its plan by identity
_READ_RELATIONS: dict[tuple, Relation] = {}
_READ_RELATIONS_MAX = 1 << 14


_READ_NODES: dict[Expr, Expr] = {}


def read_node(e: Expr) -> Expr:
    """The first node equal to ``e`` (``Expr`` nodes compare by structure, numbers included) that the
    read-back made: a definition it builds (a conversion, a combined description) is one object per
    distinct tree, as its relations are (``read_relation``)."""
    got = _READ_NODES.get(e)
    if got is None:
        if len(_READ_NODES) >= _READ_RELATIONS_MAX:
            _READ_NODES.clear()
        got = _READ_NODES[e] = e
    return got


def read_relation(
    kind: str, target: str, source: str, params: tuple[str, ...], also: tuple[str, ...] = ()
) -> Relation:
    """``Relation(kind, *relation_equation(kind, target, source, params, also), target, source, params,
    also)``, one object per distinct relation."""
    key = (kind, target, source, params, also)
    got = _READ_RELATIONS.get(key)
    if got is None:
        if len(_READ_RELATIONS) >= _READ_RELATIONS_MAX:
            _READ_RELATIONS.clear()
        lhs, rhs = relation_equation(kind, target, source, params, also)
        got = _READ_RELATIONS[key] = Relation(kind, lhs, rhs, target, source, params, also)
    return got


def symbolic_text(program: Program) -> str:
    unknowns = ", ".join(program.query)
    head = (
        f"Solve for {unknowns}:"
        if len(program.query) == 1
        else f"Solve the system of linear equations for {unknowns}:"
    )
    lines = [f"{textbook(r.lhs)} = {textbook(r.rhs)}" for r in program.relations]
    return "\n".join([head, *lines])


# -- the inverse -------------------------------------------------------------------------------------
@dataclass
class Parsed:
    program: Program | None
    numbers_read: int = 0
    numbers_in_text: int = 0
    problems: list[str] = field(default_factory=list)


def _regex(frame: str, slots: dict[str, str]) -> re.Pattern:
    out, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", frame):
        out.append(re.escape(frame[pos : m.start()]))
        out.append(slots.get(m.group(1), f"(?P<{m.group(1)}>.+?)"))
        pos = m.end()
    out.append(re.escape(frame[pos:]))
    return re.compile("^" + "".join(out) + "$")


def _value_frame(frame: str) -> tuple[str, str]:
    """A seed's sentence stating one given (``{v}`` once, people filled in) as the literal text before and
    after its number (``frame_value`` reads it).  A tuple of two strings, which the cyclic collector stops
    tracking (a class's instances stay tracked: ~8,000 were walked by every full collection; issue 19
    round 18)."""
    head, _, tail = frame.partition("{v}")  # seeds.py checks: {v} once, no other slot
    return head, tail


def frame_value(frame: tuple[str, str], sentence: str) -> str | None:
    """The number ``sentence`` states in the value frame ``frame`` (``_value_frame``), or None.  Matching
    by slicing is what ``_regex(frame, {"v": named("v")})`` does with its anchors, without compiling a
    pattern for every item's names."""
    head, tail = frame
    h, t = len(head), len(tail)
    if len(sentence) <= h + t or not (sentence.startswith(head) and sentence.endswith(tail)):
        return None
    middle = sentence[h : len(sentence) - t]
    return middle if _NUMBER_ONLY.fullmatch(middle) else None


_NUMBER_ONLY = re.compile(NUM)


class _ValueFrames:
    """A text's value frames (``_value_frame``, quantity name), in order, indexed by the first 4 characters
    of their text before the number: a sentence can only match a frame whose text before the number
    starts as the sentence does, so it tries those and the frames with less text before the number, in
    the frames' order.  ``first`` is what the plain loop over the frames found (issue 19 round 5)."""

    __slots__ = ("frames", "by_head", "loose")

    def __init__(self, frames: list[tuple[tuple[str, str], str]]) -> None:
        self.frames = frames
        by_head: dict[str, list[int]] = {}
        for i, ((head, _tail), _n) in enumerate(frames):
            by_head.setdefault(head[:4] if len(head) >= 4 else "", []).append(i)
        # tuples of ints: what the collector stops tracking (round 18)
        self.loose = tuple(by_head.pop("", ()))
        self.by_head = {k: tuple(v) for k, v in by_head.items()}

    def first(self, s: str) -> tuple[str, str] | None:
        """(the quantity, the number's text) of the first frame that reads ``s``, or None."""
        near, loose = self.by_head.get(s[:4], ()), self.loose
        for i in sorted((*near, *loose)) if near and loose else near or loose:
            frame, n = self.frames[i]
            v = frame_value(frame, s)
            if v is not None:
                return n, v
        return None


def _intro_regex(seed: Seed) -> re.Pattern:
    people = "|".join(NAMES)
    out, pos = [], 0
    seen: set[str] = set()
    for m in PLACEHOLDER.finditer(seed.intro):
        out.append(re.escape(seed.intro[pos : m.start()]))
        p = m.group(1)
        out.append(f"(?P={p})" if p in seen else f"(?P<{p}>{people})")
        seen.add(p)
        pos = m.end()
    out.append(re.escape(seed.intro[pos:]))
    return re.compile("^" + "".join(out) + "$")


class _Frame:
    """``_regex(frame, slots)``, whose ``match`` first tests the frame's literal text: a sentence matches
    only if it starts with the text before the first slot, ends with the text after the last and holds
    every piece between them (in that order, which the pattern then checks).  The same matches, without
    running ~150 patterns with lazy groups over every sentence of every read-back (issue 19 round 5)."""

    __slots__ = ("rx", "head", "tail", "inner", "key")

    def __init__(self, frame: str, slots: dict[str, str]) -> None:
        self.rx = _regex(frame, slots)
        pieces = re.split(r"\{\w+\}", frame)  # the literal text between the slots ``_regex`` escapes
        self.head, self.tail = pieces[0], pieces[-1]
        self.inner = tuple(p for p in pieces[1:-1] if p)
        self.key = max(pieces, key=len)  # the longest piece: a sentence without it cannot match

    def match(self, s: str) -> re.Match | None:
        if not (s.startswith(self.head) and s.endswith(self.tail)):
            return None
        for p in self.inner:
            if p not in s:
                return None
        return self.rx.match(s)


# per seed list (by identity; at most a few, for the engines of one process): (the list, its intros as
# (seed, pattern, text before the first placeholder, longest piece between placeholders), the stories of
# its intro sentences (``_story``), the plans of its stories (``_story_plan``))
_INTRO_CACHE: dict[int, tuple[list, list, dict, dict]] = {}
_STATE_RE = [_Frame(f, {"v": "(?P<v>.+?)"}) for f in STATE]
_REL_RE = {
    k: [_Frame(f, {"k": "(?P<k>.+?)", "a": named("a"), "b": "(?P<b>.+?)", "c": "(?P<c>.+?)"}) for f in fs]
    for k, fs in RELATION.items()
}
_REL_ALL = tuple((kind, f) for kind, fs in _REL_RE.items() for f in fs)
_Q_RE = [_Frame(f[:-1] + "{unit}" + f[-1], {"unit": "(?P<unit>(?:, in [a-z ]+)?)"}) for f in QUESTION]


# what a sentence's own words give, whatever the story (each a pure function of the sentence; the texts of
# one chain's variants repeat half their sentences word for word; issue 19 round 11): the relation frames
# that read it, in ``_REL_ALL``'s order, with their matches (a frame whose longest literal piece the sentence
# lacks cannot match it); the statement frames' matches; the question frames' matches; ``unstory_relations``
# and ``unstory_implicit``.  Each is asked only where ``parse_text`` reaches it, as before
_SENTENCE_MAX = 1 << 13


# Each keeps what ``parse_text`` reads of a match (strings and tuples of them), not the ``re.Match``: the
# cyclic garbage collector tracks every match, and ~20,000 kept ones were walked by every full collection; it
# stops tracking the strings and the tuples of strings (issue 19 rounds 17 and 18)
_SLOTS = ("X", "x", "y", "z")


@lru_cache(maxsize=_SENTENCE_MAX)
def _relation_matches(s: str) -> tuple:
    """(kind, the match's groups as (name, text) pairs, its quantity slots in the order the sentence says
    them) per frame.  Pairs, not the dict: a tuple holding a dict stays tracked by the collector even when
    the dict is not (issue 19 round 18)."""
    out = []
    for kind, rx in _REL_ALL:
        if rx.key in s and (m := rx.match(s)):
            g = m.groupdict()
            slots = tuple(sorted((k for k in _SLOTS if g.get(k) is not None), key=m.start))
            out.append((kind, tuple(g.items()), slots))
    return tuple(out)


@lru_cache(maxsize=_SENTENCE_MAX)
def _state_matches(s: str) -> tuple:
    """(the quantity's text, the value's text) per statement frame that reads ``s``."""
    return tuple(
        (m.group("x") if "x" in m.groupdict() else m.group("X"), m.group("v"))
        for rx in _STATE_RE
        if (m := rx.match(s))
    )


@lru_cache(maxsize=_SENTENCE_MAX)
def _question_matches(s: str) -> tuple:
    """The quantity's text per question frame that reads ``s``."""
    return tuple(m.group("x") for rx in _Q_RE if (m := rx.match(s)))


_unstory_relations = lru_cache(maxsize=_SENTENCE_MAX)(unstory_relations)
_unstory_implicit = lru_cache(maxsize=_SENTENCE_MAX)(unstory_implicit)


# what an intro sentence sets up, per (sentence, its place among the intros): its story's quantities,
# descriptions, value frames and questions (``_story``); the same for every text that opens with that
# sentence (the people are in the sentence), so worked out once per seed list (issue 19 round 5: a
# quarter of a read-back)
_STORIES_MAX = 1 << 13


def _story(first: str, k: int, intros, plans: dict) -> tuple | None:
    """What the intro sentence ``first`` sets up as the ``k``-th story of a text, as (name, quantity)
    pairs, (description, name) pairs, (value frame, name) pairs, (question, name) pairs and (the seed's
    short form, the description it stands for) pairs, each in the order ``parse_text`` assigns them; None
    when no seed's intro reads ``first``."""
    hit = next(
        (
            (i, m)
            for i, (_s, rx, lead, piece) in enumerate(intros)
            if piece in first and first.startswith(lead) and (m := rx.match(first))
        ),
        None,
    )
    if hit is None:
        return None
    i, m = hit
    plan = plans.get((i, k))
    if plan is None:
        plan = plans[(i, k)] = _story_plan(intros[i][0], k)
    who = m.groupdict()
    qs, descs, frames, questions = [], [], [], []
    keys: dict[tuple, tuple] = {}  # each set of people's key (``STORY_KEYS``)
    for n, role, unit, desc, expr, distractor in plan[0]:
        # one quantity per description filled (each template is one entry's of one plan; a quantity is
        # immutable: the read-back replaces a given's to state its value; issue 19 round 11)
        if STORY_KEYS:
            key = keys.get(desc.people)
            if key is None:
                key = keys[desc.people] = desc.key(who)
        else:
            key = desc.key(who)
        x = desc.made.get(key)
        if x is None:
            x = desc.remember(
                key, new_quantity(n, role, unit, desc.fill(who), expr=expr, distractor=distractor)
            )
        qs.append((n, x))
        if not distractor:
            descs.append((x.desc, n))
    if STORY_KEYS:
        # each template's filling looked up by its people's key, made once per distinct set of people (most
        # of a story's frames name the same one or two; issue 19 round 13): ``value_frame(who)`` as below
        made = []
        for f, n in plan[1]:
            key = keys.get(f.people)
            if key is None:
                key = keys[f.people] = tuple([who.get(p) for p in f.people])
            got = f.made.get(key)
            made.append((got if got is not None else f.remember(key, _value_frame(f.fill(who))), n))
        frames = tuple(made)
    else:
        frames = tuple((f.value_frame(who), n) for f, n in plan[1])
    questions = tuple((q.fill(who), n) for q, n in plan[2])
    desc_of = dict(qs)
    aliases = tuple((a.fill(who), desc_of[n].desc) for a, n in plan[3])
    events = tuple(e.fill(who) for e in plan[4])
    return tuple(qs), tuple(descs), frames, questions, aliases, events


class _Template:
    """A seed string with people placeholders, filled as ``seeds._filler`` fills it (an unknown
    placeholder stays as written) by joining pieces instead of a substitution per string."""

    __slots__ = ("pieces", "people", "made")

    def __init__(self, s: str) -> None:
        pieces, pos = [], 0
        for m in PLACEHOLDER.finditer(s):
            pieces.extend((s[pos : m.start()], (m.group(1), m.group(0))))
            pos = m.end()
        pieces.append(s[pos:])
        self.pieces = tuple(pieces)
        # the placeholders it fills (in order, once each) and what ``_story`` made of it, by their people
        self.people = tuple(dict.fromkeys(p[0] for p in pieces if type(p) is not str))
        self.made: dict[tuple, object] = {}

    def fill(self, who: dict[str, str]) -> str:
        if len(self.pieces) == 1:
            return self.pieces[0]
        return "".join(p if type(p) is str else who.get(p[0], p[1]) for p in self.pieces)

    def key(self, who: dict[str, str]) -> tuple:
        """What ``fill(who)`` reads of ``who``: the person of each placeholder (None: left as written)."""
        return tuple([who.get(p) for p in self.people])

    def remember(self, key: tuple, made):
        if _MADE[0] >= _MADE_MAX:  # bounded over every template: a long run meets endless people
            for t in _MADE[1]:
                t.made.clear()
            _MADE[:] = [0, []]
        if not self.made:
            _MADE[1].append(self)
        _MADE[0] += 1
        self.made[key] = made
        return made

    def value_frame(self, who: dict[str, str]) -> tuple[str, str]:
        """``_value_frame(self.fill(who))``, one per filling."""
        key = tuple([who.get(p) for p in self.people])
        got = self.made.get(key)
        return got if got is not None else self.remember(key, _value_frame(self.fill(who)))


# ``_story`` works out the key of each set of people its value frames name once per story (False: once per
# frame, ``_Template.value_frame``; the tests compare the two)
STORY_KEYS = True
# fillings remembered (``_Template.made``), over all templates: how many, and the templates holding any
# (30 people: most templates name one or two; ~8,000 fillings in 300 level-3 items at K = 16)
_MADE_MAX = 1 << 15
_MADE: list = [0, []]


def _story_plan(seed: Seed, k: int) -> tuple:
    """The quantities (name, role, unit, description, expression, distractor), value frames, questions and
    short forms the ``k``-th story of ``seed`` sets up, in the order of the seed, with their people
    unfilled."""
    from ..expr.rewrite import substitute
    from .syntax import parse_expr

    qs, frames, questions, aliases, events = [], [], [], [], []
    prefix = "" if k == 1 else f"c{k}_"
    ren = {g["name"]: prefix + g["name"] for g in (*seed.givens, *seed.derived)}
    for g in seed.givens:
        n = ren[g["name"]]
        qs.append((n, g["role"], g.get("unit", ""), _Template(generic_desc(g)), None, False))
        if g.get("short"):
            aliases.append((_Template(g["short"]), n))
        if g.get("event"):
            events.append(_Template(g["event"]))
        for f in variants(g["frame"]):
            frames.append((_Template(f), n))
            pf = past_frame(f)
            for q in g.get("qualifiers", ()) if pf is not None else ():
                if q in STORY_FRONTED:  # "Two weeks ago, {A} sold {v} apples at the market."
                    frames.append((_Template(story_fronted(q, pf, f.startswith("{"))), f"{n}@{q}"))
            if points_back(f) and bare(f) and bare(f) != f:
                frames.append((_Template(bare(f)), n))
    for j, d in enumerate(seed.distractors):  # the story's own numbers that do not matter
        n = f"{prefix}x{j}"
        qs.append((n, d["role"], d.get("unit", ""), _Template(d["desc"]), None, True))
        for f in variants(d["frame"]):  # "The shop also has 38 balls." is said bare too
            frames.append((_Template(f), n))
            if points_back(f) and bare(f) and bare(f) != f:
                frames.append((_Template(bare(f)), n))
    for d in seed.derived:
        n = ren[d["name"]]
        expr = substitute(parse_expr(d["expr"]), {a: Sym(b) for a, b in ren.items()})
        qs.append((n, d["role"], d.get("unit", ""), _Template(generic_desc(d)), expr, False))
        if d.get("short"):
            aliases.append((_Template(d["short"]), n))
        for question in variants(d.get("question")):
            questions.append((_Template(question), n))
    return tuple(qs), tuple(frames), tuple(questions), tuple(aliases), tuple(events)


# where a text splits into sentences: a run of white space right after ".", "?", "!" or ":".  The white
# space is matched first and the look-behind then checks the mark before it, so the search skips to white
# space (issue 19 round 8: speed; the same splits as round 7's ``(?<=[.?!:])\s+``, ``_SPLIT_PLAIN``: a match
# starts right after a mark, never inside a run of white space, and takes the whole run)
_SPLIT = re.compile(r"\s(?<=[.?!:]\s)\s*")
_SPLIT_PLAIN = re.compile(r"(?<=[.?!:])\s+")


# a number and the unit after it, as a sentence's slot says them (``parse_text``'s ``value_in``): compiled once
# (``re.fullmatch`` of the pattern's text looked it up in ``re``'s cache on every call; issue 19 round 13)
_VALUE_IN = re.compile(NUM + r"(?: ([a-z]+(?: [a-z]+)*))?")


class _Units:
    """``{n: q.unit for n, q in qs.items()}`` as ``expand_short`` reads it (``get(name, default)``), over
    ``qs`` as it is at the call, without building the dict (issue 19 round 8)."""

    __slots__ = ("qs",)

    def __init__(self, qs: dict) -> None:
        self.qs = qs

    def get(self, name: str, default=None):
        q = self.qs.get(name)
        return default if q is None else q.unit


_SPLIT_LAST: list = [
    None,
    (),
]  # the text split last and its sentences: a text is split several times in a row


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (a new list each call: ``parse_text`` consumes it)."""
    last = _SPLIT_LAST
    if text != last[0]:
        last[1] = tuple(s for s in _SPLIT.split(text.strip()) if s)
        last[0] = text
    return list(last[1])


# an intro's pattern (``_intro_regex``) matches only the intro's own text and the people's names, so when
# none of them holds a digit, a sentence that holds one is no intro: the text's first sentence after its
# intros (a statement of a number, most often) is not tried against every seed's intro (issue 19 round 13:
# that failed search was ~1% of an item).  False: every sentence searched (the tests compare the two)
INTRO_DIGITS = True
_HAS_DIGIT = re.compile(r"\d")
_DIGIT_FREE: dict[int, tuple[list, bool]] = {}


def _digit_free(seeds: list[Seed]) -> bool:
    """Whether no intro of ``seeds`` and no name a placeholder stands for holds a digit (per seed list)."""
    got = _DIGIT_FREE.get(id(seeds))
    if got is None or got[0] is not seeds:
        if len(_DIGIT_FREE) >= 8:
            _DIGIT_FREE.clear()
        free = not any(_HAS_DIGIT.search(x) for x in (*(s.intro for s in seeds), *NAMES))
        got = _DIGIT_FREE[id(seeds)] = (seeds, free)
    return got[1]


# a text's value frames (``_ValueFrames``: its stories' frames in order, indexed) made once per sequence of
# story set-ups (``_story``'s tuples, kept per intro sentence and place, by identity) instead of once per text
# (issue 19 round 14; read only: ``_ValueFrames`` is never changed after it is made).  False: one per text
# (the tests compare the two)
VALUE_FRAMES_MEMO = True
_VALUE_FRAMES: dict[tuple, tuple[list, _ValueFrames]] = {}
_VALUE_FRAMES_MAX = 1 << 12


def parse_text(text: str, seeds: list[Seed], numbers_in_text: int | None = None) -> Parsed:
    """Read a word problem back into a program (see the module docstring).  ``numbers_in_text``:
    ``len(NUMBER.findall(text))`` when the caller has it already (the round-trip gate; issue 19 round 8)."""
    cache = _INTRO_CACHE.get(id(seeds))
    if cache is None or cache[0] is not seeds:
        if len(_INTRO_CACHE) >= 8:
            _INTRO_CACHE.clear()
        # each intro's text before its first placeholder: a sentence that does not start with it cannot
        # match (a cheap test before the pattern), and its longest piece of text between placeholders,
        # which the sentence must hold
        intros = [
            (
                s,
                _intro_regex(s),
                PLACEHOLDER.split(s.intro, 1)[0],
                max(PLACEHOLDER.split(s.intro)[::2], key=len),
            )
            for s in seeds
        ]
        # per (sentence, k): its story; per (the seed's place in ``intros``, k): the story's plan
        cache = _INTRO_CACHE[id(seeds)] = (seeds, intros, {}, {})
    _seeds, intros, stories, plans = cache
    if numbers_in_text is None:
        numbers_in_text = len(NUMBER.findall(text))
    out = Parsed(None, numbers_in_text=numbers_in_text)
    sentences = split_sentences(text.replace(" at a second shop", _SECOND_SHOP))
    qs: dict[str, Quantity] = {}
    descs: dict[str, str] = {}  # description -> quantity name
    frames: list[tuple[re.Pattern, str]] = []  # seed sentences stating a given
    questions: dict[str, str] = {}
    intro_list: list[str] = []
    aliases: dict[str, list[str]] = {}  # a seed's short form -> the descriptions it may stand for
    events: set[str] = set()  # the stories' value-free event sentences: read as nothing (round 9)
    k = 0
    told: list[tuple] = []  # each story's set-up, in order (``VALUE_FRAMES_MEMO``)
    while sentences:
        first = sentences[0]
        got = stories.get((first, k + 1), stories)
        if got is stories and INTRO_DIGITS and _HAS_DIGIT.search(first) and _digit_free(seeds):
            got = None  # no intro reads a sentence with a digit (``_digit_free``)
        elif got is stories:
            got = _story(first, k + 1, intros, plans)
            if len(stories) >= _STORIES_MAX:
                stories.clear()
            stories[(first, k + 1)] = got
        if got is None:
            break
        k += 1
        sentences.pop(0)
        intro_list.append(first)
        told.append(got)
        story_qs, story_descs, story_frames, story_questions, story_aliases, story_events = got
        events.update(story_events)
        qs.update(story_qs)
        descs.update(story_descs)
        frames.extend(story_frames)
        questions.update(story_questions)
        for short, desc in story_aliases:
            aliases.setdefault(short, []).append(desc)
    if not intro_list:
        out.problems.append("no seed intro recognised")
        return out
    for d in DISTRACTORS:
        descs.setdefault(d[0], "")  # resolved lazily below
    relations: list[Relation] = []
    query: str | None = None
    counter = [0]

    it_ref: list[str | None] = [None]  # the quantity the sentence before stated: what "It" refers to
    units = _Units(qs)  # each quantity's unit as ``expand_short`` asks (the dict of them, not built per call)
    short_of = {a: ds[0] for a, ds in aliases.items() if len(ds) == 1 and a not in descs}

    def resolve(desc: str) -> str | None:
        if desc == IT or desc == IT_SOURCE:
            return it_ref[0]
        desc = desc[:1].lower() + desc[1:] if desc[:2] in ("Th",) else desc
        if desc in descs and descs[desc]:
            return descs[desc]
        if desc in short_of:  # a seed's short form ("the peanut price")
            return resolve(short_of[desc])
        for a, full in short_of.items():  # ... on an occasion ("the peanut price last year")
            if desc.startswith(a) and (q := qualifier_of(a, desc)) is not None:
                return resolve(qualified(full, q))
        for base, name in list(descs.items()) if desc.endswith(_QUALIFIER_ENDINGS) else ():
            if name and desc.startswith(base[:4]) and qualifier_of(base, desc):
                b = qs[name]
                new = f"n{len(qs) + 1}"
                qs[new] = new_quantity(new, b.role, b.unit, desc)
                descs[desc] = new
                return new
        full = expand_short(desc, descs, units)
        if full is not None:  # a back-reference: "the number sold daily last week"
            return resolve(full)
        m = COMBINED.match(desc)
        if m:  # "the total of A and B": A and B are split at the " and " where both read as quantities
            rest = m.group(2) or m.group(4)
            for cut in (i for i in range(len(rest)) if rest.startswith(" and ", i)):
                a = resolve(rest[:cut])
                b = resolve_near(rest[cut + 5 :], a)
                if a and b and qs[a].unit == qs[b].unit:
                    # in full, as the program says it (its shown unit is the full description's)
                    head = "the total of " if m.group(1) else "the difference between "
                    full = f"{head}{qs[a].desc} and {qs[b].desc}"
                    if not descs.get(full):
                        new = f"n{len(qs) + 1}"
                        expr = Add((Sym(a), Sym(b))) if m.group(1) else Add((Sym(a), Neg(Sym(b))))
                        qs[new] = new_quantity(new, qs[a].role, qs[a].unit, full, expr=read_node(expr))
                        descs[full] = new
                    descs[desc] = descs[full]
                    return descs[full]
            return None
        for d, role, unit, _lo, _hi in DISTRACTORS:
            if desc == d:
                new = f"n{len(qs) + 1}"
                qs[new] = new_quantity(new, role, unit, desc, distractor=True)
                descs[desc] = new
                return new
        return None

    def resolve_near(desc: str, first: str | None) -> str | None:
        """``resolve``, or a second mention of ``first``'s thing on another occasion ("the price last
        year", "the number now")."""
        got = resolve(desc)
        if got is None and first is not None and qs[first].desc:
            full = sibling_full(qs[first].desc, desc, [d for d, n in descs.items() if n])
            got = resolve(full) if full is not None else None
        return got

    def value_in(s: str, unit: str) -> tuple[Fraction, str] | None:
        m = _VALUE_IN.fullmatch(s.strip())
        if not m:
            return None
        got = m.group(2) or ""
        v = read_number(m.group(1))
        if got and v == 1 and unit and with_unit(v, unit).endswith(got):
            got = unit
        return v, got

    def new_param(v: Fraction, written: bool = True) -> str:
        counter[0] += 1
        n = f"k{counter[0]}"
        qs[n] = new_quantity(n, "factor", "", "", value=v, inline=True)
        out.numbers_read += int(written)  # a fraction word ("a third") is not a written number
        return n

    if VALUE_FRAMES_MEMO:
        # the stories' set-ups are kept per (sentence, place) (``stories``): the texts that open with the same
        # intro sentences share them, and so their value frames, in the same order
        key = tuple([id(got) for got in told])
        hit = _VALUE_FRAMES.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], told)):
            values = hit[1]
        else:
            if len(_VALUE_FRAMES) >= _VALUE_FRAMES_MAX:
                _VALUE_FRAMES.clear()
            values = _ValueFrames(frames)
            _VALUE_FRAMES[key] = (told, values)  # the set-ups kept with it: their ids cannot be reused
    else:
        values = _ValueFrames(frames)
    for s in sentences:
        if s in events:  # "From the station, Vera walks to the house.": no number, no quantity
            it_ref[0] = None
            continue
        said = s
        hit = values.first(s)  # a story's own past sentence ("Two weeks ago, Hiro sold 13 apples ...")
        if hit is None or "@" not in hit[0]:
            s = unfronted(s)
            if s is not said:  # a sentence not fronted is itself: its frame was just looked for (round 11)
                hit = values.first(s)
        done, it = False, it_ref[0]
        it_ref[0] = None
        if hit is not None:
            n, v = hit
            if "@" in n:  # the given's occasion: the quantity its qualified description names
                base, q = n.split("@", 1)
                n = resolve(qualified(qs[base].desc, q)) if qs[base].desc else None
            if n is not None:
                qs[n] = replace(qs[n], value=read_number(v))
                out.numbers_read += 1
                done = True
        if done:
            continue
        if s in questions:
            query = questions[s]
            continue
        # round 11: a relation said in a story's own words ("Aiko sells 4 more apples at the market than two
        # weeks ago."): the story sentence left without the comparison names the given and the target's
        # occasion, the end the source's
        cmp = _unstory_relations(said)
        hit = None
        for plain in cmp[0] if cmp is not None else ():
            hit = values.first(plain)
            if hit is not None:
                break
        if hit is not None:
            n, _ = hit
            base, _, q = n.partition("@")
            kind, k, occ = cmp[1:]
            base_desc = qs[base].desc if base in qs else ""
            t = (resolve(qualified(base_desc, q)) if q else base) if base_desc else None
            y = (base if occ == "now" else resolve(qualified(base_desc, occ))) if base_desc else None
            if t is not None and y is not None and t != y:
                if kind == "fraction_of":
                    inv = {w: n for n, w in FRACTION_WORDS.items()}
                    params = (new_param(Fraction(inv[k]), written=False),)
                else:
                    params = (new_param(read_number(k)),)
                relations.append(read_relation(kind, t, y, params))
                continue
        # round 12: an implicit relation in a story's own words ("Last week, the stall sold some novels, and
        # half of that number is 23.")
        imp = _unstory_implicit(said)
        hit = values.first(imp[0]) if imp is not None else None
        if hit is not None:
            n, _ = hit
            base, _, q = n.partition("@")
            base_desc = qs[base].desc if base in qs else ""
            t = (resolve(qualified(base_desc, q)) if q else base) if base_desc else None
            if t is not None:
                kind, k, c = imp[1:]
                if kind == "part_is":
                    inv = {w: n for n, w in FRACTION_WORDS.items()}
                    params = (new_param(Fraction(inv[k]), written=False), new_param(read_number(c)))
                else:
                    params = (new_param(read_number(k)), new_param(read_number(c)))
                relations.append(read_relation(kind, t, "", params))
                continue
        # the relation frames in order, those whose longest literal piece the sentence lacks left out
        for kind, groups, slots in _relation_matches(s):
            g = dict(groups)
            got: dict[str, str | None] = {}
            first: str | None = None
            for slot in slots:
                # "It" opening the sentence, or "it" as the source (round 10): the quantity stated before
                it_ref[0] = it if slot in ("X", "x") or g[slot] == IT_SOURCE else None
                got[slot] = resolve_near(g[slot], first)
                first = first or got[slot]
            it_ref[0] = None
            t = got.get("X") or got.get("x")
            y = got.get("y", "")
            z = got.get("z", "")
            if t is None or y is None or z is None:
                continue
            params = _relation_params(kind, g, shown_unit(qs[t].desc, qs[t].unit), value_in, new_param)
            if params is None:
                continue
            also = (z,) if z else ()
            relations.append(read_relation(kind, t, y, params, also))
            done = True
            break
        if done:
            continue
        for said_x, said_v in _state_matches(s):
            t = resolve(said_x)
            if t is None:
                continue
            got = value_in(said_v, shown_unit(qs[t].desc, qs[t].unit))
            if got is None:
                continue
            v, unit = got
            x = qs[t]
            if unit == shown_unit(x.desc, x.unit):
                qs[t] = replace(x, value=v)
            elif x.unit in CONVERSIONS and CONVERSIONS[x.unit][0] == unit:
                factor = CONVERSIONS[x.unit][1]
                conv = f"{t}_{unit[:3]}"
                qs[conv] = new_quantity(conv, x.role, unit, x.desc, value=v)
                qs[t] = replace(x, expr=read_node(Div(Sym(conv), Num(factor))), value=None)
            else:
                continue
            out.numbers_read += 1
            it_ref[0] = t
            done = True
            break
        if done:
            continue
        if s.startswith(("How many ", "How much ")) and s.endswith("?"):  # round 10's questions
            got = {n for d, n in descs.items() if n and question_of(d, qs[n].unit) == s}
            if len(got) == 1:
                query = got.pop()
                continue
        for said_x in _question_matches(s):
            if (t := resolve(said_x)) is not None:
                query = t
                done = True
                break
        if not done:
            out.problems.append(f"no frame reads the sentence {s!r}")
    if query is None:
        out.problems.append("no question recognised")
    else:
        out.program = Program(
            seed_id="parsed", family="word", quantities=tuple(qs.values()), relations=tuple(relations),
            query=(query,), intros=tuple(intro_list),
        )  # fmt: skip
    # ``resolve`` and ``resolve_near`` call each other through their closures' cells: a reference cycle that
    # held this call's quantities and dicts until the cyclic garbage collector ran, and made its collections
    # long (issue 19 round 17).  Emptying the cell breaks it
    resolve = None  # noqa: F841
    return out


def _relation_params(kind, g, unit, value_in, new_param) -> tuple[str, ...] | None:
    if kind in ("more_than", "less_than"):
        got = value_in(g["k"], unit)
        return None if got is None or got[1] != unit else (new_param(got[0]),)
    if kind in ("times", "percent_of"):
        got = value_in(g["k"], "")
        return None if got is None or got[1] else (new_param(got[0]),)
    if kind == "fraction_of":
        inv = {w: n for n, w in FRACTION_WORDS.items()}
        if g["f"] not in inv:
            return None
        n = new_param(Fraction(inv[g["f"]]), written=False)
        return (n,)
    if kind == "same_as":
        return ()
    if kind == "part_is":
        inv = {cap(w): n for n, w in FRACTION_WORDS.items()}
        c = value_in(g["c"], unit)
        if g["F"] not in inv or c is None or c[1] != unit:
            return None
        return (new_param(Fraction(inv[g["F"]]), written=False), new_param(c[0]))
    if kind in ("percent_is", "per_part"):
        k, c = value_in(g["k" if kind == "percent_is" else "n"], ""), value_in(g["c"], unit)
        if k is None or c is None or k[1] or c[1] != unit:
            return None
        return (new_param(k[0]), new_param(c[0]))
    if kind in ("sum_with", "sum3"):
        t = value_in(g["t"], unit)
        return None if t is None or t[1] != unit else (new_param(t[0]),)
    if kind == "ratio_with":
        a, b = value_in(g["a"], ""), value_in(g["b"], "")
        if a is None or b is None or a[1] or b[1]:
            return None
        return (new_param(a[0]), new_param(b[0]))
    if kind in ("affine", "scaled_sum"):
        a = value_in(g["a"], "")
        b, c = value_in(g["b"], unit), value_in(g["c"], unit)
        if a is None or b is None or c is None or b[1] != unit or c[1] != unit:
            return None
        return (new_param(a[0]), new_param(b[0]), new_param(c[0]))
    return None


def parse_symbolic(text: str) -> Program | None:
    lines = text.strip().splitlines()
    m = re.fullmatch(r"Solve (?:the system of linear equations )?for ([\w, ]+):", lines[0].strip())
    if not m:
        return None
    query = tuple(v.strip() for v in m.group(1).split(","))
    rels = []
    for line in lines[1:]:
        eq: Eq = parse_equation(line, implicit=True)
        rels.append(Relation("equation", eq.lhs, eq.rhs))
    qs = tuple(Quantity(v, "number") for v in query)
    return Program("parsed", "linear" if len(query) == 1 else "system", qs, tuple(rels), query)
