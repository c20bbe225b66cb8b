"""Seed schemas: small declarative JSON files, loaded and checked before any generation.

A seed is a grade-school word problem written as a schema (see ``seeds/*.json``)::

    {"id": "pens_notebook", "topic": "unit price",
     "intro": "{A} is buying school supplies.",            # context sentence, no numbers; unique
     "givens": [{"name": "n", "role": "count", "unit": "pens", "range": [2, 12],
                 "frame": "{A} buys {v} pens.", "desc": "the number of pens {A} buys"}, ...],
     "derived": [{"name": "t", "expr": "n*p + b", "role": "money", "unit": "dollars",
                  "desc": "the total {A} spends", "question": "How much does {A} spend in all?"}],
     "query": "t"}

``{A}``, ``{B}`` are people (names drawn per item); ``{v}`` is a given's value.  Grammar and plausibility
are declared, not guessed (a quantity may also name a ``short`` noun phrase, "the peanut price" for "the
price of peanuts per kilogram", that later mentions use once it was said in full; a remainder may name
the quantity it stays ``below``): every quantity names its head ``noun`` and its grammatical ``number``
(``singular``; ``plural`` only for a counted noun that is its unit, written "the number of ..." by the
generic frames), a ``range`` of plausible values (givens: drawn from it; derived: the gates reject a
value outside it), and the ``qualifiers`` ("last week", "at the second shop") that make sense for it in
this story (none: no new quantity of its kind is made up).  ``distractors`` are the story's own numbers
that do not matter (``{"desc", "role", "unit", "range", "frame", "noun", "number"}``).  A ``frame`` or a
``question`` may also be a list of alternative wordings: each instance draws one, the read-back knows all.
``load_seeds`` raises ``SeedError`` naming the file, the field and the problem: JSON that does not parse, a missing or
mistyped field, a quantity without a plausible range, head noun or grammatical number, a
qualifier outside the vocabulary, an unknown role, an expression that does not parse or names an undefined quantity, a
cycle, a frame without ``{v}`` (or with a slot other than ``{v}`` and the people), a number in an intro or a description, a duplicate intro, or a seed
whose answer is not derivable (no draw of its givens lets the solver derive one admissible value).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from .program import ROLES, Program, Quantity
from .syntax import parse_expr

SEED_DIR = Path(__file__).resolve().parent / "seeds"
PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")
PEOPLE = ("A", "B", "C")
NAMES = (
    "Ana", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam",
    "Mia", "Noor", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yusuf",
    "Zoe", "Aiko", "Bruno", "Carmen", "Diego", "Elif",
)  # fmt: skip
DIGIT = re.compile(r"\d")
# qualifiers a seed may allow for a quantity: a new quantity of the same kind is "<description> <qualifier>"
QUALIFIERS = (
    "last week", "two weeks ago", "at the second shop", "on Monday", "on Tuesday", "last year",
    "in the first round", "in the morning", "in the evening", "the day before", "last month",
)  # fmt: skip


class SeedError(ValueError):
    """A seed file is malformed; the message names the file, the field and the problem."""


@dataclass(frozen=True)
class Seed:
    id: str
    topic: str
    source: str  # file path, or rule:<name> for converted rule problems
    intro: str
    givens: tuple[dict, ...]
    derived: tuple[dict, ...]
    query: str
    distractors: tuple[dict, ...] = ()

    def people(self) -> list[str]:
        return list(self._compiled[0])

    @cached_property
    def answer_kind(self) -> tuple[str, str]:
        """(role, unit) of the quantity the seed asks for."""
        q = next(x for x in (*self.givens, *self.derived) if x["name"] == self.query)
        return q["role"], q.get("unit", "")

    @cached_property
    def _compiled(self) -> tuple[tuple[str, ...], tuple, tuple]:
        """What every instance shares, worked out once: the people, each given's grid (lo, hi, step,
        points) and each derived quantity's parsed expression (trees are immutable: shared safely)."""
        text = json.dumps([self.intro, self.givens, self.derived])
        people = tuple(sorted({p for p in PLACEHOLDER.findall(text) if p in PEOPLE}))
        grids = []
        for g in self.givens:
            lo, hi = Fraction(str(g["range"][0])), Fraction(str(g["range"][1]))
            step = Fraction(str(g.get("step", 1)))
            grids.append((lo, hi, step, int((hi - lo) / step)))
        return people, tuple(grids), tuple(parse_expr(d["expr"]) for d in self.derived)

    def instantiate(self, rng: random.Random) -> Program:
        """A program with the givens drawn from their ranges and people named."""
        people, grids, exprs = self._compiled
        who = dict(zip(people, rng.sample(NAMES, len(people))))
        fill = _filler(who)
        qs = []
        for g, (lo, hi, step, n) in zip(self.givens, grids):
            qs.append(
                Quantity(
                    name=g["name"], role=g["role"], unit=g.get("unit", ""), desc=fill(generic_desc(g)),
                    value=lo + step * rng.randint(0, n), lo=lo, hi=hi, step=step,
                    frame=fill(_one(g["frame"], rng)), question=fill(_one(g.get("question"), rng)),
                    qualifiers=tuple(g.get("qualifiers", ())), short=fill(g.get("short", "")),
                    event=fill(g.get("event", "")),
                )
            )  # fmt: skip
        for d, expr in zip(self.derived, exprs):
            qs.append(
                Quantity(
                    name=d["name"], role=d["role"], unit=d.get("unit", ""), desc=fill(generic_desc(d)),
                    expr=expr, question=fill(_one(d.get("question"), rng)),
                    lo=Fraction(str(d["range"][0])), hi=Fraction(str(d["range"][1])),
                    qualifiers=tuple(d.get("qualifiers", ())), below=d.get("below", ""),
                    short=fill(d.get("short", "")),
                )
            )  # fmt: skip
        distract = tuple(
            {**x, "desc": fill(x["desc"]), "frame": fill(_one(x["frame"], rng))} for x in self.distractors
        )
        return Program(
            seed_id=self.id, family="word", quantities=tuple(qs), relations=(), query=(self.query,),
            intros=(fill(self.intro),), meta={"people": who, "distractors": distract},
        )  # fmt: skip


def generic_desc(q: dict) -> str:
    """The description the generic frames use: a plural one ("the cups sold") as "the number of cups
    sold", so that "is", "exceeds", "What is ...?" agree with it."""
    if q.get("number") == "plural":
        return "the number of " + q["desc"][4:]
    return q["desc"]


def variants(wording: str | list[str] | None) -> tuple[str, ...]:
    """A frame or question written once (a string) or several ways (a list of strings)."""
    if wording is None:
        return ()
    return (wording,) if isinstance(wording, str) else tuple(wording)


def _one(wording: str | list[str] | None, rng: random.Random) -> str | None:
    """The wording an instance uses: the only one, or one drawn from the alternatives."""
    if wording is None or isinstance(wording, str):
        return wording  # no draw: a seed written once keeps its instances' random stream
    return wording[0] if len(wording) == 1 else rng.choice(wording)


def _wordings(obj: dict, key: str, source: str, where: str, required: bool) -> list[str]:
    """``obj[key]`` as a list of wordings: a string, or a non-empty list of strings."""
    if key not in obj:
        if required:
            raise _fail(source, f"{where}{key}", "missing")
        return []
    v = obj[key]
    if isinstance(v, str):
        return [v]
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        raise _fail(source, f"{where}{key}", f"must be a string or a non-empty list of strings, got {v!r}")
    if len(set(v)) != len(v):
        raise _fail(source, f"{where}{key}", "lists the same wording twice")
    return v


def _filler(who: dict[str, str]):
    def fill(s: str | None) -> str | None:
        if s is None:
            return None
        return PLACEHOLDER.sub(lambda m: who.get(m.group(1), m.group(0)), s)

    return fill


def _fail(source: str, field: str, problem: str) -> SeedError:
    return SeedError(f"{source}: field {field!r}: {problem}")


def _need(obj: dict, key: str, typ: type | tuple, source: str, where: str) -> object:
    if key not in obj:
        raise _fail(source, f"{where}{key}", "missing")
    v = obj[key]
    if not isinstance(v, typ) or isinstance(v, bool):
        name = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
        raise _fail(source, f"{where}{key}", f"must be a {name}, got {type(v).__name__}")
    return v


def parse_seed(data: object, source: str) -> Seed:
    """Check one seed's structure (everything but derivability) and build it."""
    if not isinstance(data, dict):
        raise _fail(source, "(top level)", f"must be an object, got {type(data).__name__}")
    sid = _need(data, "id", str, source, "")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
        raise _fail(source, "id", f"must be lowercase letters, digits and _, got {sid!r}")
    intro = _need(data, "intro", str, source, "")
    if DIGIT.search(intro):
        raise _fail(source, "intro", "must not contain numbers (every number in a text is a given)")
    givens = _need(data, "givens", list, source, "")
    derived = data.get("derived", [])
    if not isinstance(derived, list):
        raise _fail(source, "derived", f"must be a list, got {type(derived).__name__}")
    if not givens:
        raise _fail(source, "givens", "needs at least one given")
    names: list[str] = []
    for i, g in enumerate(givens):
        w = f"givens[{i}]."
        if not isinstance(g, dict):
            raise _fail(source, f"givens[{i}]", "must be an object")
        names.append(_name(g, source, w, names))
        _role(g, source, w)
        _range(g, source, w, "the range its value is drawn from")
        step = g.get("step", 1)
        if not isinstance(step, (int, float)) or isinstance(step, bool) or step <= 0:
            raise _fail(source, f"{w}step", f"must be a positive number, got {step!r}")
        for frame in _wordings(g, "frame", source, w, required=True):
            if frame.count("{v}") != 1:
                raise _fail(source, f"{w}frame", f"must contain {{v}} exactly once: {frame!r}")
            other = sorted({p for p in PLACEHOLDER.findall(frame) if p != "v" and p not in PEOPLE})
            if other:
                raise _fail(
                    source,
                    f"{w}frame",
                    f"unknown slot {{{other[0]}}}: use {{v}} and the people {{A}}, {{B}}, {{C}}",
                )
            if DIGIT.search(frame.replace("{v}", "")):
                raise _fail(source, f"{w}frame", "must not contain numbers other than {v}")
        _desc(g, source, w)
        _grammar(g, source, w)
        _event(g, source, w)
        _needs_event(g, source, w)
    for i, d in enumerate(derived):
        w = f"derived[{i}]."
        if not isinstance(d, dict):
            raise _fail(source, f"derived[{i}]", "must be an object")
        names.append(_name(d, source, w, names))
        _role(d, source, w)
        _desc(d, source, w)
        _grammar(d, source, w)
        _range(d, source, w, "a plausible range of its values (the gates reject a value outside it)")
        for question in _wordings(d, "question", source, w, required=False):
            if DIGIT.search(question):
                raise _fail(source, f"{w}question", f"must not contain numbers: {question!r}")
            other = sorted({p for p in PLACEHOLDER.findall(question) if p not in PEOPLE})
            if other:
                raise _fail(
                    source,
                    f"{w}question",
                    f"unknown slot {{{other[0]}}}: only the people {{A}}, {{B}}, {{C}}",
                )
        expr = _need(d, "expr", str, source, w)
        try:
            tree = parse_expr(expr)
        except SyntaxError as exc:
            raise _fail(source, f"{w}expr", f"does not parse: {exc}") from None
        undefined = sorted(tree.free_symbols() - set(names[: len(givens) + i]))
        if undefined:
            raise _fail(source, f"{w}expr", f"uses {', '.join(undefined)} before it is defined (or never)")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise _fail(source, "name", f"defined twice: {', '.join(dup)}")
    query = _need(data, "query", str, source, "")
    if query not in names[len(givens) :]:
        raise _fail(source, "query", f"must name a derived quantity, got {query!r}")
    if not any(d["name"] == query and d.get("question") for d in derived):
        raise _fail(source, "query", f"the derived quantity {query!r} needs a 'question'")
    topic = data.get("topic", "")
    distractors = data.get("distractors", [])
    if not isinstance(distractors, list):
        raise _fail(source, "distractors", f"must be a list, got {type(distractors).__name__}")
    for i, x in enumerate(distractors):
        w = f"distractors[{i}]."
        if not isinstance(x, dict):
            raise _fail(source, f"distractors[{i}]", "must be an object")
        _role(x, source, w)
        _desc(x, source, w)
        _grammar(x, source, w)
        _range(x, source, w, "the range its value is drawn from")
        for frame in _wordings(x, "frame", source, w, required=True):
            if frame.count("{v}") != 1 or DIGIT.search(frame.replace("{v}", "")):
                raise _fail(
                    source, f"{w}frame", f"must contain {{v}} exactly once and no other number: {frame!r}"
                )
        if x["desc"] in {q["desc"] for q in (*givens, *derived)}:
            raise _fail(source, f"{w}desc", "is the description of a quantity of the problem")
    return Seed(sid, str(topic), source, intro, tuple(givens), tuple(derived), query, tuple(distractors))


def _name(obj: dict, source: str, w: str, names: list[str]) -> str:
    n = _need(obj, "name", str, source, w)
    if n in names:
        raise _fail(source, f"{w}name", f"{n!r} is defined twice")
    if not re.fullmatch(r"[a-z][a-z0-9]{0,7}", n):
        raise _fail(source, f"{w}name", f"must be a short lowercase identifier, got {n!r}")
    return n


def _role(obj: dict, source: str, w: str) -> None:
    role = _need(obj, "role", str, source, w)
    if role not in ROLES or role == "number":
        raise _fail(
            source,
            f"{w}role",
            f"unknown role {role!r}; valid: {', '.join(r for r in ROLES if r != 'number')}",
        )


def _range(obj: dict, source: str, w: str, what: str) -> None:
    if "range" not in obj:
        raise _fail(source, f"{w}range", f"missing: declare {what} as [low, high]")
    rng = _need(obj, "range", list, source, w)
    if len(rng) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in rng):
        raise _fail(source, f"{w}range", f"must be [low, high] numbers, got {rng!r}")
    if not 0 < rng[0] <= rng[1] <= 10**6:
        raise _fail(source, f"{w}range", f"needs 0 < low <= high <= 1000000, got {rng!r}")


def _grammar(obj: dict, source: str, w: str) -> None:
    """Head noun, grammatical number and qualifiers of a quantity (what the generic frames agree with)."""
    noun = _need(obj, "noun", str, source, w)
    words = re.findall(r"[A-Za-z{}']+", obj["desc"])
    if noun not in words:
        raise _fail(source, f"{w}noun", f"{noun!r} is not a word of the description {obj['desc']!r}")
    number = _need(obj, "number", str, source, w)
    if number not in ("singular", "plural"):
        raise _fail(source, f"{w}number", f"must be 'singular' or 'plural', got {number!r}")
    unit = obj.get("unit", "")
    if number == "plural" and (not unit or unit.split()[0] != noun):
        raise _fail(
            source,
            f"{w}number",
            f"a plural description is written 'the number of ...': its noun {noun!r} must be its unit, got unit {unit!r}",
        )
    quals = obj.get("qualifiers", [])
    if not isinstance(quals, list) or not all(isinstance(q, str) for q in quals):
        raise _fail(source, f"{w}qualifiers", f"must be a list of strings, got {quals!r}")
    bad = [q for q in quals if q not in QUALIFIERS]
    if bad:
        raise _fail(source, f"{w}qualifiers", f"unknown qualifier {bad[0]!r}; valid: {', '.join(QUALIFIERS)}")
    short = obj.get("short")
    if short is not None and (
        not isinstance(short, str)
        or not short.startswith("the ")
        or short.startswith("the number ")
        or DIGIT.search(short)
        or "." in short
        or len(short.split()) >= len(obj["desc"].split())
    ):
        raise _fail(
            source,
            f"{w}short",
            "must be a singular noun phrase starting with 'the' (not 'the number'), shorter than the "
            f"description, without numbers or periods: {short!r}",
        )


def _event(obj: dict, source: str, w: str) -> None:
    """A given's value-free sentence that tells its event happens ("From the station, {A} walks to the
    house."), said when the given's own sentence is not (round 9: a walk no sentence told, only a relation
    about "the walking minutes"): a sentence with no number, ending in a period, slots only for people."""
    ev = obj.get("event")
    if ev is None:
        return
    if not isinstance(ev, str) or not ev.endswith(".") or ev.count(".") != 1 or DIGIT.search(ev):
        raise _fail(source, f"{w}event", f"must be one sentence ending in a period, without numbers: {ev!r}")
    other = sorted({p for p in PLACEHOLDER.findall(ev) if p not in PEOPLE})
    if other:
        raise _fail(source, f"{w}event", f"unknown slot {{{other[0]}}}: only the people {{A}}, {{B}}, {{C}}")


# round 12 of issue 21: a given every one of whose sentences says an order ("{B} is {v} years older than
# {A}.") or a point ahead in time ("They wonder how old they will be in {v} years.") sets up what its bare
# description does not: when its sentence is not said (its value asked, hidden, or only a relation's), the
# gap's direction and the "then" of the question were told by no sentence (the held-out reading of seed
# 3817, row 17); such a given needs an ``event`` that tells it without its number
_SETS_UP = re.compile(r"\b(?:older|younger|born|ahead|from now|will be)\b")


def _needs_event(obj: dict, source: str, w: str) -> None:
    frames = obj.get("frame")
    frames = [frames] if isinstance(frames, str) else list(frames or [])
    if frames and not obj.get("event") and all(_SETS_UP.search(f) for f in frames):
        raise _fail(
            source,
            f"{w}event",
            "needed: every sentence of this given says an order or a time ahead that its description "
            "does not, so a value-free sentence must tell it when its own is not said",
        )


def _desc(obj: dict, source: str, w: str) -> None:
    desc = _need(obj, "desc", str, source, w)
    if DIGIT.search(desc) or "." in desc or not desc.startswith("the "):
        raise _fail(
            source,
            f"{w}desc",
            f"must be a noun phrase starting with 'the', without numbers or periods: {desc!r}",
        )


def check_derivable(seed: Seed, draws: int = 12) -> None:
    """The seed's answer must be derivable: some draw of its givens solves to one admissible value."""
    from .solver import solve

    rng = random.Random(f"check\x1f{seed.id}")
    last = ""
    for _ in range(draws):
        prog = seed.instantiate(rng)
        sol = solve(prog, drop=prog.query)
        if sol.status == "ok":
            v = sol.values[seed.query]
            integral, positive = ROLES[prog.q(seed.query).role]
            if (not positive or v > 0) and (not integral or v.denominator == 1):
                return
            last = f"answer {v} breaks its role {prog.q(seed.query).role!r}"
        else:
            last = f"{sol.status}: {sol.detail}"
    raise _fail(seed.source, "query", f"answer not derivable in {draws} draws of the givens ({last})")


def load_seed_file(path: Path) -> Seed:
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise SeedError(
            f"{path}: does not parse as JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except OSError as exc:
        raise SeedError(f"{path}: cannot be read: {exc.strerror}") from None
    return parse_seed(data, str(path))


def load_seeds(spec: str = "builtin") -> list[Seed]:
    """``builtin`` (the package's library), a folder of ``*.json`` or one file; every seed checked."""
    if spec == "builtin":
        files = sorted(SEED_DIR.glob("*.json"))
    else:
        p = Path(spec)
        if p.is_dir():
            files = sorted(p.glob("*.json"))
            if not files:
                raise SeedError(f"{p}: no *.json seed files in this folder")
        elif p.is_file():
            files = [p]
        else:
            raise SeedError(f"{spec}: no such seed file or folder (or use 'builtin')")
    seeds = [load_seed_file(f) for f in files]
    ids, intros = {}, {}
    for s in seeds:
        if s.id in ids:
            raise _fail(s.source, "id", f"{s.id!r} is also the id of {ids[s.id]}")
        ids[s.id] = s.source
        key = PLACEHOLDER.sub("{}", s.intro)
        if key in intros:
            raise _fail(s.source, "intro", f"same as the intro of {intros[key]} (intros identify seeds)")
        intros[key] = s.source
        check_derivable(s)
    return seeds
