"""Mutation operators.  Each takes a program and a random generator and returns ``(program, touched)``
(the given quantities whose values it drew, for the projection to repair) or ``None`` when it does not
apply.  Each docstring says how the operator keeps the problem valid; the gates re-check every claim.

Word problems: complication (``perturb``, ``insert_step``, ``extend_query``, ``compose``, ``invert``,
``implicit``, ``unit_convert``, ``distractor``), simplification (``fold``, ``drop_distractor``,
``drop_extension``, ``inline``) and the surface-only ``rename``.  Symbolic families (linear equations and
systems from our rules): ``perturb_solution``, ``substitute``, ``wrap``, ``add_unknown`` and their
inverses ``unwrap``, ``drop_unknown``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from ..expr.nodes import Add, Div, Expr, Mul, Neg, Num, Sym
from ..expr.rewrite import substitute
from .frames import (
    COMBINED,
    CONVERSIONS,
    FRACTION_WORDS,
    IMPLICIT_SHAPES,
    SUFFIXES,
    qualified,
    qualifier_of,
    relation_equation,
)
from .program import ROLES, Program, Quantity, Relation, evaluate, replace
from .seeds import NAMES
from .solver import solve


@dataclass(frozen=True)
class Operator:
    name: str
    kind: str  # complicate | simplify | surface
    family: str  # word | symbolic
    fn: Callable


OPERATORS: dict[str, Operator] = {}


def operator(name: str, kind: str, family: str = "word"):
    def deco(fn):
        OPERATORS[name] = Operator(name, kind, family, fn)
        return fn

    return deco


def _values(p: Program) -> dict[str, Fraction] | None:
    sol = solve(p)
    return sol.values if sol.status == "ok" else None


def _stated(p: Program, rng: random.Random, *, frame_only: bool = False) -> list[Quantity]:
    inline = {x for r in p.relations for x in r.params}
    return [
        x for x in p.quantities
        if x.kind == "given" and not x.distractor and not x.conversion and x.name not in inline and (x.frame or not frame_only)
    ]  # fmt: skip


def _suffix(p: Program, q: Quantity, rng: random.Random) -> str | None:
    """A new quantity of q's kind: q's description with one of the qualifiers its seed allows for it
    (none declared: no new quantity is made up)."""
    used = {x.desc for x in p.quantities}
    base = q.desc
    kin = _formula_kin(p, q.name)
    free = [
        s for s in q.qualifiers
        if qualified(base, s) not in used and not any(base.endswith(t) for t in SUFFIXES) and compatible(base, s)
        and not any(qualified(p.q(y).desc, s) in used for y in kin)
        and occasion_can_differ(p, q, s) and not fixed_total_overstated(p, q.name, s, used)
        and not day_without_its_total(p, q.name, s)
    ]  # fmt: skip
    return qualified(base, rng.choice(free)) if free else None


WEEKDAYS = frozenset({"on Monday", "on Tuesday"})


def day_without_its_total(p: Program, name: str, qualifier: str) -> bool:
    """A weekday on a part of a trip or a filling whose total has no such day: "Wen drives at 75 kilometers
    per hour ... The driving time on Tuesday is 4 hours" beside the one distance to the coast, "the time the
    hose runs on Monday" beside the one tank (round 6's reading): the day names another trip, which the
    story's total does not cover.  A part of a total that may have that day ("the walking minutes on
    Monday" of "the travel time on Monday") may."""
    if qualifier not in WEEKDAYS:
        return False
    return any(
        qualifier not in d.qualifiers
        for d in p.quantities
        if d.expr is not None
        and not d.conversion
        and not COMBINED.match(d.desc)
        and name in _inputs(p, d.name)
    )


def _inputs(p: Program, name: str) -> set[str]:
    """Every quantity ``name`` is computed from, through the definitions (not the relations)."""
    from .program import free_names

    defs = {x.name: x.expr for x in p.quantities if x.expr is not None}
    out: set[str] = set()
    todo = [name]
    while todo:
        e = defs.get(todo.pop())
        for y in free_names(e) if e is not None else ():
            if y not in out:
                out.add(y)
                todo.append(y)
    return {y for y in out if y in p.by_name}


def occasion_can_differ(p: Program, q: Quantity, qualifier: str) -> bool:
    """A quantity computed from others is another amount on another occasion only if something it is
    computed from may be: "the number of tiles needed last week" for one patio whose sides and tiles per
    square meter have no other occasion (round 5's reading) is the same number, said as if it were not.
    A given (or an asked given) keeps the qualifiers its seed declares."""
    if q.expr is None or q.conversion:
        return True
    return any(qualifier in p.q(y).qualifiers for y in _inputs(p, q.name))


# a total that has no other occasion: a fixed dimension or the distance to a place ("the distance to the
# coast"); its seed declares no qualifier for it
FIXED = re.compile(r"\bdistance to\b")


def fixed_total_overstated(p: Program, name: str, qualifier: str, used: set[str]) -> bool:
    """A second input of a fixed total on the same occasion: "the driving time on Tuesday" (4 hours) and
    "the driving speed on Tuesday" (40 km/h) while the coast is 500 kilometers away (round 5's reading):
    together they give another distance to the same coast.  One of them alone is a story."""
    for d in p.quantities:
        if d.expr is None or d.qualifiers or not (FIXED.search(d.desc) or DIMENSION.search(d.desc)):
            continue
        ins = _inputs(p, d.name)
        if name in ins and any(qualified(p.q(y).desc, qualifier) in used for y in ins - {name}):
            return True
    return False


def _formula_kin(p: Program, name: str) -> set[str]:
    """The quantities ``name`` is computed from and those computed from it (through the definitions, not
    the relations).  A qualifier one of them already has would make a second story the formula does not
    hold in: "the travel time on Tuesday" beside "the walking minutes on Tuesday" while the ride "lasts
    exactly 2 hours" (round 4's reading); two inputs with one qualifier ("sold last week", "picked last
    week") are not kin and stay allowed."""
    from .program import free_names

    defs = {x.name: free_names(x.expr) for x in p.quantities if x.expr is not None}
    kin: set[str] = set()
    todo = [name]
    while todo:  # what it is computed from
        for y in defs.get(todo.pop(), ()):
            if y not in kin:
                kin.add(y)
                todo.append(y)
    todo = [name]
    while todo:  # what is computed from it
        n = todo.pop()
        for d, names in defs.items():
            if n in names and d not in kin:
                kin.add(d)
                todo.append(d)
    kin.discard(name)
    return {y for y in kin if y in p.by_name}


# a description tied to a period ("saved each week", "the pay for the week") takes no time qualifier
# ("the amount saved each week last week"); "daily" and "per session" may ("the pages read daily last week")
PERIODIC = re.compile(
    r"\b(?:each|every|per|this|for the|a) (?:week|day|year|month|hour)\b|\b(?:weekly|yearly|monthly|now|today)\b"
    r"|\bso far\b|\b(?:old|new)\b"  # "the amount saved so far last year", "the old ticket price last year"
    r"|\bin all\b"  # "the number of cupcakes in all last week" (round 6's reading)
)
TIME_QUALIFIERS = frozenset(
    {"last week", "two weeks ago", "on Monday", "on Tuesday", "last year", "in the morning", "in the evening",
     "the day before", "last month"}
)  # fmt: skip


# an amount that piles up over time (sales, a harvest, pay, hours worked, takings): "last month" and "last
# year" make it that whole period's total, which a value drawn from the same range as one occasion's
# contradicts ("the total pay last month is 736 dollars" beside a week's 720, "the profit last year is
# 40 dollars" beside one afternoon's 80, "the number of comics sold last month is 21" beside one market
# day's 35, "the cost of supplies last month is 6 dollars" beside one afternoon's 18: round 5's reading);
# "last week" / "two weeks ago" read as that occasion a week or two ago
FLOW = re.compile(
    r"\b(?:sold|sells|picks|picked|gives away|gave away|given away|collected|takes|took|taken|revenue|profit"
    r"|pay|earned|hours|harvest|used|spilled|lost|supplies"
    r"|made|baked|delivered|paints|painted|fills|filled)\b"  # batches, cookies, kites, walls, boxes: round 6
)
LONG_PERIODS = frozenset({"last month", "last year"})


def compatible(desc: str, qualifier: str) -> bool:
    # a rate of a flow ("the kites sold daily", "the walls the first painter paints daily") does not pile up
    if qualifier in LONG_PERIODS and FLOW.search(desc) and not RATE_WORDS.search(desc):
        return False
    return not (qualifier in TIME_QUALIFIERS and PERIODIC.search(desc))


def _param(p: Program, value: Fraction) -> Quantity:
    return Quantity(p.fresh_name("k"), "factor", "", "", value=Fraction(value), inline=True)


def _relate(
    p: Program, kind: str, target: str, source: str, params: list[Quantity], also: tuple[str, ...] = ()
) -> Program:
    for k in params:
        p = p.with_quantity(k)
    names = tuple(k.name for k in params)
    lhs, rhs = relation_equation(kind, target, source, names, also)
    return replace(p, relations=(*p.relations, Relation(kind, lhs, rhs, target, source, names, also)))


# -- complication -------------------------------------------------------------------------------------
@operator("perturb", "complicate")
def perturb(p: Program, rng: random.Random, ctx) -> tuple[Program, tuple[str, ...]] | None:
    """Redraw one given from its range.  Validity: every other quantity is recomputed from the givens;
    the projection redraws (or moves to the nearest feasible point) if a role constraint breaks."""
    cands = [x for x in _stated(p, rng) if x.lo is not None]
    if not cands:
        return None
    x = rng.choice(cands)
    n = int((x.hi - x.lo) / x.step)
    return p.with_quantity(replace(x, value=x.lo + x.step * rng.randint(0, n))), (x.name,)


@operator("insert_step", "complicate")
def insert_step(p: Program, rng: random.Random, ctx):
    """A stated given g becomes the target of a relation from a new given h ("g is k more than h",
    "k times", "a third of", "k% of").  h and k are chosen from g's value so that g, hence every other
    quantity, keeps its value; the relation is linear in g, so g is still forced."""
    cands = _stated(p, rng)
    if not cands:
        return None
    g = rng.choice(cands)
    desc = _suffix(p, g, rng)
    if desc is None:
        return None
    v = g.value
    integral = ROLES[g.role][0]
    # the relations whose new given h is one the story may state (positive, whole or whole hundredths,
    # inside g's plausible range and on its grid), drawn among those: a blind draw of k mostly put h
    # outside the range, and nothing repairs h afterwards
    opts = [("more_than", Fraction(k), v - k) for k in range(1, min(int(v), 20))]
    opts += [("less_than", Fraction(k), v + k) for k in range(1, 13)]
    opts += [("times", Fraction(k), v / k) for k in (2, 3, 4, 5)]
    opts += [("fraction_of", Fraction(k), v * k) for k in FRACTION_WORDS]
    opts += [("percent_of", Fraction(k), v * 100 / k) for k in (10, 20, 25, 50, 75, 150, 200)]
    opts = [o for o in opts if _fits(o[2], integral) and _in_range(g, o[2]) and not _repeats(p, g, o[0])]
    if not opts:
        return None
    kinds = sorted({o[0] for o in opts})
    kind = rng.choice(kinds)  # each relation as likely as before, then a number that fits
    _, k, h = rng.choice([o for o in opts if o[0] == kind])
    hq = Quantity(p.fresh_name("h"), g.role, g.unit, desc, value=h, lo=g.lo, hi=g.hi, step=g.step)
    q = p.with_quantity(replace(g, value=None)).with_quantity(hq)
    return _relate(q, kind, g.name, hq.name, [_param(q, k)]), ()


@operator("extend_query", "complicate")
def extend_query(p: Program, rng: random.Random, ctx):
    """The question moves one step further: a new unknown r related to the old answer q ("r is k more
    than q", "k times", "k% of", ...) is asked instead.  r is forced once q is; the projection keeps r
    inside its role (integral, positive)."""
    (qn,) = p.query
    q = p.q(qn)
    desc = _suffix(p, q, rng)
    if desc is None:
        return None
    vals = _values(p)
    if vals is None or qn not in vals:
        return None
    v, integral = Fraction(vals[qn]), ROLES[q.role][0]
    # the new answer r inside q's plausible range and whole (or whole hundredths): a blind draw of k put
    # it outside mostly ("5 times" an amount near the top of its range), and k is not projected
    opts = [("more_than", k, v + k) for k in range(1, 21)] + [("less_than", k, v - k) for k in range(1, 21)]
    opts += [("times", k, v * k) for k in range(2, 6)]
    opts += [("fraction_of", k, v / k) for k in FRACTION_WORDS]
    opts += [("percent_of", k, v * k / 100) for k in (10, 20, 25, 50, 75, 150)]
    whole = integral or getattr(getattr(ctx, "config", None), "answer_class", "integer") == "integer"
    opts = [
        o for o in opts
        if _fits(o[2], whole) and (q.lo is None or q.lo <= o[2] <= q.hi) and not _repeats(p, q, o[0])
    ]  # fmt: skip
    if not opts:
        return None
    kind = rng.choice(sorted({o[0] for o in opts}))
    _, k, _ = rng.choice([o for o in opts if o[0] == kind])
    r = Quantity(p.fresh_name("r"), q.role, q.unit, desc, lo=q.lo, hi=q.hi)
    out = p.with_quantity(replace(q, question=None)).with_quantity(r)
    kq = _param(out, Fraction(k))
    out = _relate(out, kind, r.name, qn, [kq])
    return replace(out, query=(r.name,)), (kq.name,)


_STOP = frozenset(
    {"the", "of", "a", "an", "number", "amount", "in", "on", "at", "per", "each", "one", "to", "is"}
)


@operator("compose", "complicate")
def compose(p: Program, rng: random.Random, ctx):
    """Another seed's problem feeds this one: a given g with the same role and unit as the other
    problem's answer q2 becomes "the same as" q2.  g takes q2's value, so the program stays consistent;
    the other problem's givens are touched, and the projection redraws them until every role holds."""
    if len(p.intros) >= 3 or not ctx.seeds:
        return None
    k = len(p.intros) + 1
    stated = {(x.role, x.unit) for x in _stated(p, rng)}
    # only seeds whose answer can feed a stated given (instantiating one is most of this operator's cost)
    fits = [sd for sd in ctx.seeds if sd.answer_kind in stated and sd.id != p.seed_id]
    if not fits:
        return None
    for _ in range(4):
        seed = rng.choice(fits)
        other = seed.instantiate(rng)
        q2 = other.q(other.query[0])
        # the same thing in both stories: the two descriptions share a content word ("the money Ana has
        # left" / "the money still missing"), never "the cups sold is the same as the flour used"
        words = set(q2.desc.split()) - _STOP
        cands = [
            x for x in _stated(p, rng)
            if x.role == q2.role and x.unit == q2.unit and words & (set(x.desc.split()) - _STOP)
        ]  # fmt: skip
        used_people = set(p.meta.get("people", {}).values())
        if not cands or used_people & set(other.meta["people"].values()):
            continue
        # a linked quantity whose value the other story can produce exactly (one of its givens re-solved)
        # needs no repair; else one drawn at random, and the projection redraws the other story's givens
        matched = None
        for g in rng.sample(cands, len(cands)):
            matched = _matched(other, q2, g.value, rng)
            if matched is not None:
                break
        touched = matched is None
        if touched:
            g = rng.choice(cands)
        other = matched or other
        pre = f"c{k}_"
        ren = {x.name: Sym(pre + x.name) for x in other.quantities}
        out = p.with_quantity(replace(g, value=None))
        for x in other.quantities:
            out = out.with_quantity(
                replace(
                    x,
                    name=pre + x.name,
                    expr=None if x.expr is None else substitute(x.expr, ren),
                    question=None,
                    below=pre + x.below if x.below else "",
                )
            )
        out = replace(
            out,
            intros=(*p.intros, *other.intros),
            meta={
                **p.meta,
                "distractors": (*p.meta.get("distractors", ()), *other.meta.get("distractors", ())),
                "people": {
                    **p.meta.get("people", {}),
                    **{f"{pre}{a}": b for a, b in other.meta["people"].items()},
                },
            },
        )
        out = _relate(out, "same_as", g.name, pre + q2.name, [])
        if not touched:  # g keeps its value: nothing for the projection to repair in this problem
            return out, ()
        return out, tuple(pre + x.name for x in other.quantities if x.kind == "given")
    return None


def _matched(other: Program, q2: Quantity, target: Fraction, rng: random.Random) -> Program | None:
    """``other`` with one of its givens re-solved so that its answer q2 is exactly ``target`` (the value
    of the quantity it will feed), when that given lands on its grid inside its range; else None.  The
    solver does the work: q2 is stated as ``target`` and the given left unknown."""
    asked = other.with_quantity(replace(q2, value=target))
    deps = other.dependencies(q2.name)
    givens = [x for x in other.quantities if x.kind == "given" and x.name in deps and x.lo is not None]
    for x in rng.sample(givens, len(givens)):
        sol = solve(replace(asked.with_quantity(replace(x, value=None)), query=(x.name,)))
        v = sol.values.get(x.name) if sol.status == "ok" else None
        if v is None or not x.lo <= v <= x.hi or ((v - x.lo) / x.step).denominator != 1:
            continue
        return other.with_quantity(replace(x, value=Fraction(v)))
    return None


def _roots(p: Program, desc: str) -> set[str]:
    """``desc`` and the descriptions of the program it qualifies ("... filled last week" -> "... fills")."""
    return {desc} | {x.desc for x in p.quantities if x.desc and qualifier_of(x.desc, desc)}


@operator("ask_combined", "complicate")
def ask_combined(p: Program, rng: random.Random, ctx):
    """The question asks for the total of the answer q and another amount y of the story in the same unit
    ("the total of the money Ana spends and the money Ana spends last week"), or for the difference
    between them, the larger first: a new derived quantity, one more step, and no noun the story does not
    have.  Values are unchanged; the difference is positive by construction (the roles are re-checked)."""
    (qn,) = p.query
    q = p.q(qn)
    if q.role not in EXTENSIVE or intensive(q) or COMBINED.match(q.desc):
        return None
    vals = _values(p)
    if vals is None:
        return None
    others = [
        x for x in p.quantities
        if x.name != qn and x.role == q.role and x.unit == q.unit and x.desc and not x.inline
        and not x.distractor and not x.conversion and x.name in vals and not COMBINED.match(x.desc)
        and not intensive(x)
    ]  # fmt: skip

    if not others:
        return None
    # the same kind of thing on two occasions ("the money Ana spends" and "... last week"): a total of a
    # whole and its part, or of two unrelated things of one unit ("the empty chairs and the chairs in a
    # row"), reads as nonsense
    roots = _roots(p, q.desc)
    others = [x for x in others if roots & _roots(p, x.desc)]
    if not others:
        return None
    y = rng.choice(others)
    a, b = (q, y) if vals[qn] >= vals[y.name] else (y, q)
    # a stock on two occasions has a difference, not a total; and never "the total of the total pay"
    if level(q) or level(y) or q.desc.startswith("the total ") or y.desc.startswith("the total "):
        if vals[a.name] == vals[b.name]:
            return None
        desc, expr = f"the difference between {a.desc} and {b.desc}", Add((Sym(a.name), Neg(Sym(b.name))))
    elif rng.random() < 0.5 or vals[a.name] == vals[b.name]:
        desc, expr = f"the total of {q.desc} and {y.desc}", Add((Sym(qn), Sym(y.name)))
    else:
        desc, expr = f"the difference between {a.desc} and {b.desc}", Add((Sym(a.name), Neg(Sym(b.name))))
    if desc in {x.desc for x in p.quantities}:
        return None
    r = Quantity(p.fresh_name("r"), q.role, q.unit, desc, expr=expr)
    out = p.with_quantity(replace(q, question=None)).with_quantity(r)
    return replace(out, query=(r.name,)), ()


@operator("invert", "complicate")
def invert(p: Program, rng: random.Random, ctx):
    """A given g the answer depends on and the answer q swap roles: q's value is stated, g is asked.
    The values are those of a consistent program, so a solution exists; the uniqueness gate checks
    that g is forced (e.g. not squared away)."""
    (qn,) = p.query
    q = p.q(qn)
    deps = p.dependencies(qn)
    vals = _values(p)
    if vals is None or q.kind not in ("derived", "unknown"):
        return None
    cands = [x for x in _stated(p, rng) if x.name in deps and x.name != qn]
    if not cands:
        return None
    g = rng.choice(cands)
    out = p.with_quantity(replace(q, value=vals[qn], question=None))
    out = out.with_quantity(replace(g, value=None, question=None))
    return replace(out, query=(g.name,)), ()


# roles of quantities that add up (a total of two amounts, a part of one): not prices, rates or percents
EXTENSIVE = frozenset({"count", "money", "time", "length", "area", "volume", "weight", "age"})
# what "split into n equal parts" fits: a thing cut or poured (a rope, juice, flour), not money nobody in
# the story shares ("Split into 2 equal parts, the amount saved so far gives 25 dollars per part", round 5;
# "Shared equally over 5 parts, the gift last year comes to 8 dollars per part", round 4)
SHAREABLE = frozenset({"volume", "weight", "length"})
RATE_WORDS = re.compile(r"\b(?:per|each|every|daily|weekly|yearly|a day|a week)\b")
# an amount of one item ("the flour for one batch", "the chairs in a row", "the size of a glass"), a
# price ("the price of the game") or an average: a rate in all but name, which neither adds up over occasions nor has a natural part
PER_ITEM = re.compile(
    r"\b(?:in|on|for|of) (?:one|a|an) (?!total\b)[a-z]+|\b(?:average|price|wage|rate|speed)\b"
)
# a fixed dimension of a thing, not an amount to share out ("the first side of the bed split into 3 parts")
DIMENSION = re.compile(
    r"\b(?:side|width|perimeter|area|height)\b"
    r"|\blength of the (?:field|bedroom|patio|pool|room|garden|playground|wall)\b"
)
INTENSIVE_ROLES = frozenset({"price", "rate", "speed", "percent", "factor"})
TIME_UNITS = frozenset({"seconds", "minutes", "hours", "days", "weeks", "months", "years"})


# an amount at a point in time (a stock, what someone owns or has left): compared across occasions, never
# added up over them ("The starting stock and the starting stock the week before add up to 198 kites",
# "the total of the starting stock last month and the starting stock": round 6's reading)
# "club members": a membership is a level too ("the total of the number of club members last week and the
# number of club members is 7", round 7's reading)
LEVEL = re.compile(r"\b(?:stock|owns|owned|has|had|left|starts with|started with|ends up with|members)\b")


def level(q: Quantity) -> bool:
    return bool(LEVEL.search(q.desc))


def intensive(q: Quantity) -> bool:
    """A price, rate, speed, share or per-item amount: compared or scaled, never summed over occasions
    ("the flour for one batch plus the flour for one batch the week before") nor split into parts."""
    return q.role in INTENSIVE_ROLES or bool(RATE_WORDS.search(q.desc) or PER_ITEM.search(q.desc))


def duration(q: Quantity) -> bool:
    """A span of time ("the length of the loan", "the days spent reading"): no "half of" or "20% of" it
    is something a story says."""
    return q.unit in TIME_UNITS and "age" not in q.desc.split()


RATIOS = ((2, 3), (3, 2), (3, 4), (4, 3), (2, 5), (5, 2), (3, 5), (5, 3))  # no 1: "2x = 1 × 10", "1x"


# (value, integral, lo, hi) -> the ratios of ``RATIOS`` that ``_shape``'s "ratio_with" may draw for a
# quantity of that value, role and range: a pure function of the four, remembered (issue 19 round 12: its
# Fraction products were ~1% of an item at level 3); bounded
_RATIO_FITS: dict[tuple, list] = {}


def _ratio_fits(v: Fraction, integral: bool, lo, hi) -> list[tuple[int, int]]:
    """``[(a, b) for (a, b) in RATIOS if v b / a fits the role and lies in [lo, hi]]`` (a new list)."""
    key = (v, integral, lo, hi)
    got = _RATIO_FITS.get(key)
    if got is None:
        got = [
            (a, b) for a, b in RATIOS if _fits(v * b / a, integral) and (lo is None or lo <= v * b / a <= hi)
        ]
        if len(_RATIO_FITS) >= 1 << 14:
            _RATIO_FITS.clear()
        _RATIO_FITS[key] = got
    return list(got)


# ``_fits`` and ``_in_range`` compare whole numbers (numerators and denominators, cross-multiplied as
# ``Fraction``'s comparisons do) instead of Fractions: ``v * 100`` and ``(v - lo) / step`` made no Fraction,
# and no comparison of a Fraction with an ``int`` asks ``numbers.Rational`` through the ABC machinery
# (issue 19 round 14).  False: the Fraction arithmetic (the tests compare the two)
WHOLE_COMPARE = True
_RATIONAL = (int, Fraction)


def _in_range(x: Quantity, v: Fraction) -> bool:
    """v inside x's declared plausible range (no range: any) and on its grid."""
    if x.lo is None:
        return True
    lo, hi, step = x.lo, x.hi, x.step
    if WHOLE_COMPARE and type(v) in _RATIONAL and type(lo) in _RATIONAL and type(hi) in _RATIONAL:
        vn, vd, ln, ld = v.numerator, v.denominator, lo.numerator, lo.denominator
        if ln * vd > vn * ld or vn * hi.denominator > hi.numerator * vd:
            return False
        if type(step) not in _RATIONAL:
            return not step or ((v - lo) / step).denominator == 1
        # (v - lo) / step = (vn ld - ln vd) sd / (vd ld sn), whole when the denominator divides it
        return not step or (vn * ld - ln * vd) * step.denominator % (vd * ld * step.numerator) == 0
    if not x.lo <= v <= x.hi:
        return False
    return not x.step or ((v - x.lo) / x.step).denominator == 1


def _fits(v: Fraction, integral: bool) -> bool:
    """A value a problem may state: whole for integral roles, whole hundredths otherwise, positive."""
    if WHOLE_COMPARE and type(v) in _RATIONAL:  # (v * 100) is whole when the denominator divides 100
        return v.numerator > 0 and (v.denominator == 1 if integral else not 100 % v.denominator)
    return v > 0 and (v.denominator == 1 if integral else (v * 100).denominator == 1)


def _shape_params(kind: str, g: Quantity, rng: random.Random) -> list[Fraction] | None:
    """The numbers of an implicit relation of shape ``kind`` that g (of value v) satisfies."""
    v = g.value
    if kind == "affine":
        a, b = rng.randint(2, 5), rng.randint(1, 20)
        return [Fraction(a), Fraction(b), a * v + b]
    if kind == "scaled_sum":
        a, b = rng.randint(2, 4), rng.randint(1, 12)
        return [Fraction(a), Fraction(b), a * (v + b)]
    if kind == "part_is":
        ks = [k for k in FRACTION_WORDS if v / k >= 2 and (v / k).denominator == 1]
        return None if not ks else [Fraction(k := rng.choice(ks)), v / k]
    if kind == "percent_is":
        ps = [k for k in (10, 20, 25, 50, 75) if v * k / 100 >= 2 and (v * k / 100).denominator == 1]
        return None if not ps else [Fraction(k := rng.choice(ps)), v * k / 100]
    if kind == "per_part":
        ns = [n for n in range(2, 7) if v / n >= 2 and (v / n).denominator == 1]
        return None if not ns else [Fraction(n := rng.choice(ns)), v / n]
    return None


def _sibling(p: Program, g: Quantity, rng: random.Random, value: Fraction | None = None) -> Quantity | None:
    """A new stated quantity of g's kind (a qualifier its seed allows), drawn from g's range."""
    desc = _suffix(p, g, rng)
    if desc is None or g.lo is None:
        return None
    if value is None:
        value = g.lo + g.step * rng.randint(0, int((g.hi - g.lo) / g.step))
    return Quantity(p.fresh_name("h"), g.role, g.unit, desc, value=value, lo=g.lo, hi=g.hi, step=g.step)


def _shape(out: Program, g: Quantity, kind: str, rng: random.Random):
    """(program with any new stated quantities, source, also, numbers) of one implicit shape, or None."""
    source, also = "", ()
    if kind in ("sum_with", "sum3"):
        h = _sibling(out, g, rng)
        if h is None:
            return None
        out = out.with_quantity(h)
        total = g.value + h.value
        source = h.name
        if kind == "sum3":
            i = _sibling(out, g, rng)
            if i is None:
                return None
            out = out.with_quantity(i)
            total += i.value
            also = (i.name,)
        return out, source, also, [total]
    if kind == "ratio_with":
        fits = _ratio_fits(g.value, ROLES[g.role][0], g.lo, g.hi)
        if not fits:
            return None
        a, b = rng.choice(fits)
        h = _sibling(out, g, rng, g.value * b / a)
        if h is None:
            return None
        return out.with_quantity(h), h.name, (), [Fraction(a), Fraction(b)]
    nums = _shape_params(kind, g, rng)
    return None if nums is None else (out, "", (), nums)


COMPARISONS = ("more_than", "less_than", "times", "fraction_of")


def _repeats(p: Program, g: Quantity, kind: str) -> bool:
    """g already takes part in a relation of the same family ("X is half of g"): "half of g is 43" would
    say the same fraction of g twice ("X is 50% of Y. 50% of Y comes to 27.")."""
    # one part-of relation per quantity, whatever its words: "X is 50% of Y. Half of Y comes to 11." says
    # the same fraction twice as surely as "50% of Y" twice (round 4's reading)
    same = ("fraction_of", "part_is", "percent_of", "percent_is")
    return kind in same and any(r.kind in same and g.name in (r.source, r.target) for r in p.relations)


def _compare(base: Program, g: Quantity, rng: random.Random):
    """g compared with itself on another occasion, that one stated: "The price of a cup last year is 1
    dollar more than the price of a cup. The price of a cup last year is 4 dollars." (a new stated
    sibling h = g + k, g - k, k*g or g/k, in g's range and on its grid): the story's own kind of sentence,
    fit for prices, rates and spans of time alike; solved for g.  (program, relation) or None."""
    desc = _suffix(base, g, rng)
    if desc is None or g.lo is None:
        return None
    v, integral = g.value, ROLES[g.role][0]
    opts = []
    for j in range(1, 11):
        k = g.step * j
        opts += [("more_than", k, v + k), ("less_than", k, v - k)]
    opts += [("times", Fraction(k), v * k) for k in (2, 3)]
    opts += [("fraction_of", Fraction(k), v / k) for k in (2, 3, 4)]
    opts = [
        (kind, k, h) for kind, k, h in opts
        if g.lo <= h <= g.hi and _fits(h, integral) and ((h - g.lo) / g.step).denominator == 1
    ]  # fmt: skip
    if not opts:
        return None
    kind, k, h = rng.choice(opts)
    hq = Quantity(base.fresh_name("h"), g.role, g.unit, desc, value=h, lo=g.lo, hi=g.hi, step=g.step)
    out = base.with_quantity(hq)
    kq = _param(out, k)
    return _relate(out, kind, hq.name, g.name, [kq])


@operator("implicit", "complicate")
def implicit(p: Program, rng: random.Random, ctx):
    """A stated given g is replaced by an implicit relation that forces it, of one of several shapes
    (``frames.IMPLICIT_SHAPES``): a*g + b = c, a*(g + b) = c, "a third of g is c", "k% of g is c", "g split
    into n parts gives c per part", "g and h add up to t", "g, h and i add up to t", "the ratio of g to h is
    a to b", "h is k more than g" (``compare``; h, i: new stated quantities of g's kind).  The numbers are computed from g's value, so g keeps
    it; each shape is linear in g with a non-zero coefficient, so g is forced."""
    cands = [x for x in _stated(p, rng) if x.role not in ("percent", "factor")]
    if not cands:
        return None
    g = rng.choice(cands)
    # a total of an amount, not of a rate ("the tiles per square meter and ... add up to"); a part or a
    # percent of an amount, not of a rate, a span of time ("half of the length of the loan") or a fixed
    # dimension ("a third of the side of the playground"); no
    # contrived arithmetic ("multiplying x by 3 and adding 9 gives 21": weight 0): a price or a rate
    # with no natural shape gets no implicit relation
    rate, span = intensive(g), duration(g) or bool(DIMENSION.search(g.desc))  # "a third of the side"
    amount = g.role in EXTENSIVE and not rate and not level(g)
    shapes = [
        k for k in IMPLICIT_SHAPES
        if IMPLICIT_SHAPES[k] > 0
        and (amount or k not in ("sum_with", "sum3", "per_part"))
        and not ((rate or span) and k in ("part_is", "percent_is", "per_part"))
        and (k != "per_part" or g.role in SHAREABLE)  # "the length of the loan split into 2 parts"
    ]  # fmt: skip
    weights = [IMPLICIT_SHAPES[k] for k in shapes]
    base = p.with_quantity(replace(g, value=None))
    while shapes:  # the shapes in a weighted random order, until one fits g's value and story
        j = rng.choices(range(len(shapes)), weights)[0]
        kind = shapes.pop(j)
        weights.pop(j)
        if kind in ("part_is", "percent_is") and _repeats(p, g, kind):
            continue
        if kind == "compare":
            out = _compare(base, g, rng)
            if out is not None:
                return out, ()
            continue
        got = _shape(base, g, kind, rng)
        if got is not None:
            break
    else:
        return None
    out, source, also, nums = got
    params = []
    for v in nums:
        k = _param(out, v)
        out = out.with_quantity(k)
        params.append(k)
    return _relate(out, kind, g.name, source, params, also), ()


LARGE = 1000  # a converted value is below this: "240 minutes", "700 centimeters", never "1100 cents"
# money in cents only below a dollar: "300 cents" for a pen, "900 cents" for a ticket are not how a price
# is said (round 6's reading: 7 of 50 rows)
LARGE_IN = {"cents": 100}


def large_for(unit: str) -> int:
    """The smallest value of ``unit`` that a conversion into it may not reach."""
    return LARGE_IN.get(unit, LARGE)


@operator("unit_convert", "complicate")
def unit_convert(p: Program, rng: random.Random, ctx):
    """A stated given in hours (dollars, meters, ...) is stated in minutes (cents, centimeters, ...);
    the program converts it back with the exact factor, so every value is unchanged."""
    # not when the description names the unit itself ("the walking minutes is 1200 seconds")
    # nor when the smaller unit makes a four-digit number ("the price of the bike is 26000 cents", "the
    # trip is 200000 meters": round 4's reading; "the price of an adult ticket is 1100 cents", "the amount
    # saved so far is 9000 cents": round 5's); no story states such amounts in that unit
    cands = [
        x for x in _stated(p, rng)
        if x.unit in CONVERSIONS and not _names_a_unit(x.desc)
        and x.value * CONVERSIONS[x.unit][1] < large_for(CONVERSIONS[x.unit][0])
    ]  # fmt: skip
    if not cands:
        return None
    g = rng.choice(cands)
    small, factor = CONVERSIONS[g.unit]
    c = Quantity(
        p.fresh_name("u"), g.role, small, g.desc, value=g.value * factor, conversion=True,
        lo=None if g.lo is None else g.lo * factor,
        hi=None if g.hi is None else min(g.hi * factor, large_for(small) - 1),
    )  # fmt: skip
    out = p.with_quantity(replace(g, value=None, expr=Div(Sym(c.name), Num(factor))))
    qs = list(out.quantities)
    i = next(i for i, x in enumerate(qs) if x.name == g.name)
    qs.insert(i, c)  # stated where g was
    return replace(out, quantities=tuple(qs)), ()


_UNIT_WORDS = frozenset(w for u, (small, _) in CONVERSIONS.items() for w in (u, small))


def _names_a_unit(desc: str) -> bool:
    return any(w in _UNIT_WORDS for w in desc.split())


@operator("distractor", "complicate")
def distractor(p: Program, rng: random.Random, ctx):
    """A number of the story's own world that nothing depends on (the seed's ``distractors``: "The
    orchard has 40 trees.").  The answer is unchanged; the round-trip gate checks that its number maps to
    exactly one given."""
    used = {x.desc for x in p.quantities}
    free = [d for d in p.meta.get("distractors", ()) if d["desc"] not in used]
    if not free:
        return None
    d = rng.choice(free)
    lo, hi = Fraction(str(d["range"][0])), Fraction(str(d["range"][1]))
    x = Quantity(
        p.fresh_name("d"), d["role"], d.get("unit", ""), d["desc"], value=lo + rng.randint(0, int(hi - lo)),
        lo=lo, hi=hi, frame=d["frame"], distractor=True,
    )  # fmt: skip
    return p.with_quantity(x), ()


# -- simplification -------------------------------------------------------------------------------------
def _referenced(p: Program, name: str, skip: Relation | None = None) -> bool:
    for x in p.quantities:
        if x.expr is not None and name in x.expr.free_symbols():
            return True
    return any(r is not skip and name in (r.lhs.free_symbols() | r.rhs.free_symbols()) for r in p.relations)


@operator("fold", "simplify")
def fold(p: Program, rng: random.Random, ctx):
    """A relation whose target is not asked is folded: the target gets its (forced) value stated and
    the relation, with the givens only it used, disappears.  Every value is unchanged."""
    vals = _values(p)
    if vals is None:
        return None
    cands = [
        r
        for r in p.relations
        if r.target and r.kind != "same_as" and r.target not in p.query and p.q(r.target).kind == "unknown"
    ]
    if not cands:
        return None
    r = rng.choice(cands)
    out = replace(p, relations=tuple(x for x in p.relations if x is not r))
    out = out.with_quantity(replace(p.q(r.target), value=vals[r.target]))
    for n in (*r.params, r.source, *r.also):
        if n and not _referenced(out, n) and n not in out.query:
            out = out.without(n)
    return out, ()


@operator("drop_distractor", "simplify")
def drop_distractor(p: Program, rng: random.Random, ctx):
    """Remove a distractor: nothing depends on it."""
    cands = [x for x in p.quantities if x.distractor]
    return (p.without(rng.choice(cands).name), ()) if cands else None


@operator("drop_extension", "simplify")
def drop_extension(p: Program, rng: random.Random, ctx):
    """Undo an extended question: if the answer r is only defined by one relation from q, ask q."""
    (rn,) = p.query
    rels = [r for r in p.relations if r.target == rn and r.source]
    if len(rels) != 1 or p.q(rn).kind != "unknown" or p.q(rels[0].source).kind not in ("derived", "unknown"):
        return None
    r = rels[0]
    out = replace(p, relations=tuple(x for x in p.relations if x is not r), query=(r.source,))
    return out.without(rn, *r.params), ()


@operator("inline", "simplify")
def inline(p: Program, rng: random.Random, ctx):
    """Inline a unit conversion: the quantity is stated in its own unit again (value unchanged)."""
    conv = {x.name for x in p.quantities if x.conversion and x.kind == "given"}
    cands = [x for x in p.quantities if x.kind == "derived" and isinstance(x.expr, Div) and isinstance(x.expr.num, Sym)
             and isinstance(x.expr.den, Num) and x.expr.num.name in conv]  # fmt: skip
    if not cands:
        return None
    g = rng.choice(cands)
    c = p.q(g.expr.num.name)
    out = p.with_quantity(replace(g, expr=None, value=c.value / g.expr.den.value)).without(c.name)
    return out, ()


# -- surface ---------------------------------------------------------------------------------------------
@operator("rename", "surface")
def rename(p: Program, rng: random.Random, ctx):
    """Other people's names and other sentence variants: the formal problem is unchanged."""
    people = p.meta.get("people", {})
    if not people:
        return replace(p, variant=p.variant + 1).same_formal_problem_as(p), ()
    old = list(people.values())
    free = [n for n in NAMES if n not in old]
    new = rng.sample(free, len(old))
    table = dict(zip(old, new))
    rx = re.compile(r"\b(" + "|".join(map(re.escape, old)) + r")\b")

    def sub(s: str | None) -> str | None:
        # a text that holds none of the names as a substring has no match: left as it is without the
        # pattern's scan of every character (issue 19 round 8: speed; ``rx.sub`` leaves it equal)
        if s is None:
            return None
        for name in old:
            if name in s:
                return rx.sub(lambda m: table[m.group(1)], s)
        return s

    qs = tuple(_renamed(x, sub) for x in p.quantities)
    out = replace(
        p, quantities=qs, intros=tuple(sub(s) for s in p.intros), variant=p.variant + 1,
        meta={**p.meta, "people": {k: table[v] for k, v in people.items()},
              "distractors": tuple({**d, "desc": sub(d["desc"]), "frame": sub(d["frame"])} for d in p.meta.get("distractors", ()))},
    )  # fmt: skip
    return out.same_formal_problem_as(p), ()


def _renamed(x, sub):
    """``x`` with ``sub`` applied to its description, frame, question, short form and event sentence
    (``_with_texts``)."""
    return _with_texts(x, sub(x.desc), sub(x.frame), sub(x.question), sub(x.short), sub(x.event))


def _with_texts(x, desc, frame, question, short, event):
    """``x`` with these description, frame, question, short form and event sentence; ``x`` itself when none
    of them changes (a quantity is immutable: a copy equal in every field is the same quantity; issue 19
    round 6: most of a program's quantities name nobody)."""
    if (
        desc == x.desc
        and frame == x.frame
        and question == x.question
        and short == x.short
        and event == x.event
    ):
        return x
    return replace(x, desc=desc, frame=frame, question=question, short=short, event=event)


# issue 19 round 15: a chain's variants (``variants_per_chain``) are each renamed (``engine.final_rename``) from
# copies of one program that differ only in stated values, so every copy holds the same texts with the same
# people: where the old names stand in each text (``rx.split``) is worked out once per chain and each variant
# only fills in its own names.  False: ``rename`` in full for every variant (the tests compare the two)
SHARED_RENAME = True


class Renamer:
    """``rename`` for the copies of ``base`` that differ from it only in stated values (``base.with_values``:
    the same quantities in the same order, with the same texts, intros and meta).  ``Renamer(base)(p, rng)``
    is ``rename(p, rng, ctx)``: the same draw of new names from ``rng``, the same texts (``rx.split`` with the
    pattern's one group gives the literal pieces and the names matched between them, which joined with each
    name looked up in the table is ``rx.sub``'s result), the same quantity objects where nothing changes."""

    __slots__ = ("people", "old", "free", "parts", "intros", "distractors")

    def __init__(self, base: Program) -> None:
        self.people = people = base.meta.get("people", {})
        self.old = old = list(people.values())
        self.free = [n for n in NAMES if n not in old]
        rx = re.compile(r"\b(" + "|".join(map(re.escape, old)) + r")\b") if old else None

        def split(s: str | None):
            # as ``rename``'s ``sub``: a text that holds none of the names is left as it is (None here)
            if s is None:
                return None
            for name in old:
                if name in s:
                    got = rx.split(s)
                    return tuple(got) if len(got) > 1 else None
            return None

        parts = []
        for i, x in enumerate(base.quantities):
            texts = (split(x.desc), split(x.frame), split(x.question), split(x.short), split(x.event))
            if any(t is not None for t in texts):
                parts.append((i, texts))
        self.parts = tuple(parts)
        self.intros = tuple(split(s) for s in base.intros)
        self.distractors = tuple(
            (split(d["desc"]), split(d["frame"])) for d in base.meta.get("distractors", ())
        )

    def __call__(self, p: Program, rng: random.Random):
        if not self.people:
            return rename(p, rng, None)
        new = rng.sample(self.free, len(self.old))
        table = dict(zip(self.old, new))

        def fill(got, s):
            if got is None:
                return s
            out = list(got)
            out[1::2] = [table[n] for n in got[1::2]]
            return "".join(out)

        qs = list(p.quantities)
        for i, (d, f, q, sh, e) in self.parts:
            x = qs[i]
            qs[i] = _with_texts(
                x, fill(d, x.desc), fill(f, x.frame), fill(q, x.question), fill(sh, x.short), fill(e, x.event)
            )
        out = replace(
            p, quantities=tuple(qs), intros=tuple(fill(g, s) for g, s in zip(self.intros, p.intros)),
            variant=p.variant + 1,
            meta={**p.meta, "people": {k: table[v] for k, v in self.people.items()},
                  "distractors": tuple({**d, "desc": fill(g[0], d["desc"]), "frame": fill(g[1], d["frame"])}
                                       for g, d in zip(self.distractors, p.meta.get("distractors", ())))},
        )  # fmt: skip
        return out.same_formal_problem_as(p), ()


# -- symbolic families -------------------------------------------------------------------------------------
def _fold_constant(e: Expr, delta: Fraction) -> Expr:
    """``e + delta`` with the constant folded into a trailing number when there is one."""
    if not delta:
        return e
    if isinstance(e, Num):
        return _signed(e.value + delta)
    if isinstance(e, Neg) and isinstance(e.arg, Num):  # "-6" moved by 2 is "-4", not "-6 + 2"
        return _signed(-e.arg.value + delta)
    if isinstance(e, Add):
        last = e.terms[-1]
        c = (
            last.value
            if isinstance(last, Num)
            else (-last.arg.value if isinstance(last, Neg) and isinstance(last.arg, Num) else None)
        )
        if c is not None:
            rest = e.terms[:-1]
            total = c + delta
            return Add((*rest, _signed(total))) if total else (rest[0] if len(rest) == 1 else Add(rest))
        return Add((*e.terms, _signed(delta)))
    return Add((e, _signed(delta)))


def _coef(c: int, x: str) -> Expr:
    return Sym(x) if c == 1 else Mul((Num(c), Sym(x)))


def _signed(v: Fraction) -> Expr:
    return Neg(Num(-v)) if v < 0 else Num(v)


def _sym_solution(p: Program) -> dict[str, Fraction] | None:
    return _values(p)


def _tidy(e: Expr) -> Expr:
    """Sums flattened and their numbers added up ("u + 1 + 9 + 6" -> "u + 16"): what a substitution into
    an earlier substitution leaves, written once.  The value of every side is unchanged."""
    if isinstance(e, Add):
        terms: list[Expr] = []
        const = Fraction(0)
        for t in e.terms:
            t = _tidy(t)
            for u in t.terms if isinstance(t, Add) else (t,):
                if isinstance(u, Num):
                    const += u.value
                elif isinstance(u, Neg) and isinstance(u.arg, Num):
                    const -= u.arg.value
                else:
                    terms.append(u)
        if const or not terms:
            terms.append(_signed(const))
        return terms[0] if len(terms) == 1 else Add(tuple(terms))
    if isinstance(e, Mul):
        # numbers multiplied out and a product inside a product flattened: "3(4(v + 1))" is "12(v + 1)"
        k, rest = Fraction(1), []
        for f in e.factors:
            f = _tidy(f)
            if isinstance(f, Neg):  # "3(-(5v + 12))" is "-3(5v + 12)"
                k, f = -k, f.arg
            for g in f.factors if isinstance(f, Mul) else (f,):
                if isinstance(g, Num):
                    k *= g.value
                else:
                    rest.append(g)
        if not rest:
            return _signed(k)
        if k == 0:
            return Num(Fraction(0))
        body = rest[0] if len(rest) == 1 else Mul(tuple(rest))
        if k == 1:
            return body
        if k == -1:
            return Neg(body)
        return Neg(Mul((Num(-k), *rest))) if k < 0 else Mul((Num(k), *rest))
    if isinstance(e, Neg):
        return Neg(_tidy(e.arg))
    if isinstance(e, Div):
        return Div(_tidy(e.num), _tidy(e.den))
    return e


MAX_DEPTH = 3  # parentheses inside parentheses a reader follows: "2(1/(5(3(3(...)))))" is not an exercise


def max_depth(text: str) -> int:
    """How deep the parentheses of ``text`` go."""
    d = m = 0
    for ch in text:
        if ch == "(":
            d += 1
            m = max(m, d)
        elif ch == ")":
            d -= 1
    return m


def _depth(e: Expr) -> int:
    """How deep the parentheses of ``e`` go as a reader sees it (the textbook rendering)."""
    from ..expr.render import text as textbook

    return max_depth(textbook(e))


def _shallow(rels) -> bool:
    return all(_depth(r.lhs) <= MAX_DEPTH and _depth(r.rhs) <= MAX_DEPTH for r in rels)


@operator("perturb_solution", "complicate", "symbolic")
def perturb_solution(p: Program, rng: random.Random, ctx):
    """Move an unknown's solution to a new integer and shift each equation's constant by its residual:
    every equation holds at the new solution, the coefficients (hence uniqueness) are unchanged."""
    sol = _sym_solution(p)
    if sol is None:
        return None
    x = rng.choice(p.query)
    new = dict(sol)
    new[x] = Fraction(rng.randint(-12, 12))
    rels = []
    for r in p.relations:
        residual = evaluate(r.lhs, new) - evaluate(r.rhs, new)
        rels.append(replace(r, rhs=_tidy(_fold_constant(r.rhs, residual))))  # "46 - 41" written 5
    return replace(p, relations=tuple(rels)), ()


@operator("substitute", "complicate", "symbolic")
def substitute_unknown(p: Program, rng: random.Random, ctx):
    """An unknown x is written as u + k (or k*u) with a new unknown u, substituted into every equation;
    u is asked instead of x.  Linear stays linear and the coefficient matrix keeps full rank."""
    sol = _sym_solution(p)
    if sol is None:
        return None
    x = rng.choice(p.query)
    used = set(p.names())
    u = next((c for c in "uvwstpqrmn" if c not in used), None)
    if u is None:
        return None
    k = Fraction(rng.choice([2, 3, 4, 5]))
    if (sol[x] / k).denominator == 1 and rng.random() < 0.5:
        rep: Expr = Mul((Num(k), Sym(u)))
    else:
        k = Fraction(rng.randint(1, 9))
        rep = Add((Sym(u), Num(k)))
    rels = tuple(
        replace(r, lhs=_tidy(substitute(r.lhs, {x: rep})), rhs=_tidy(substitute(r.rhs, {x: rep})))
        for r in p.relations
    )
    if not _shallow(rels):
        return None
    qs = tuple(Quantity(u, "number") if q.name == x else q for q in p.quantities)
    return replace(p, relations=rels, quantities=qs, query=tuple(u if q == x else q for q in p.query)), ()


@operator("wrap", "complicate", "symbolic")
def wrap(p: Program, rng: random.Random, ctx):
    """Both sides of an equation are multiplied by the same k >= 2: the solution set is unchanged."""
    i = rng.randrange(len(p.relations))
    r = p.relations[i]
    k = rng.randint(2, 5)

    if any(isinstance(side, Mul) and isinstance(side.factors[0], Num) for side in (r.lhs, r.rhs)):
        return None  # no wrap around a wrap: "5(4(4(5(...)))) = 80/3"

    def times(side: Expr) -> Expr:
        if not side.free_symbols():  # a number (or a sum of numbers): multiplied out, "= 40"
            return _signed(k * evaluate(side, {}))
        return Mul((Num(k), side))

    if r.lhs.free_symbols() and r.rhs.free_symbols():
        return None  # both sides wrapped, "5(...) = 5(...)": padding that cancels at sight

    # (adding the same term to both sides was dropped: "R + 5R = 26 + 30 + 5R" is padding that cancels)
    r2 = replace(r, lhs=times(r.lhs), rhs=times(r.rhs))
    if not _shallow((r2,)):
        return None
    rels = list(p.relations)
    rels[i] = r2
    return replace(p, relations=tuple(rels)), ()


@operator("add_unknown", "complicate", "symbolic")
def add_unknown(p: Program, rng: random.Random, ctx):
    """A new unknown z defined by one new equation a*z + b*x = c (a != 0, c from the solution): the
    system gains a row and a column and keeps full rank."""
    sol = _sym_solution(p)
    if sol is None or len(p.query) >= 4 or p.family != "system":
        return None  # a linear equation stays one equation in one unknown
    used = set(p.names())
    z = next((c for c in "zwvutsrq" if c not in used), None)
    if z is None:
        return None
    x = rng.choice(p.query)
    zv = Fraction(rng.randint(-9, 9))
    a, b = rng.randint(1, 4), rng.choice([-3, -2, -1, 1, 2, 3])
    lhs = Add(
        (
            Mul((Num(a), Sym(z))) if a != 1 else Sym(z),
            _coef(abs(b), x) if b > 0 else Neg(_coef(abs(b), x)),
        )
    )
    rhs = _signed(a * zv + b * sol[x])
    return replace(
        p, quantities=(*p.quantities, Quantity(z, "number")), relations=(*p.relations, Relation("equation", lhs, rhs)),
        query=(*p.query, z), family="system",
    ), ()  # fmt: skip


@operator("unwrap", "simplify", "symbolic")
def unwrap(p: Program, rng: random.Random, ctx):
    """Divide out a common factor written on both sides: the solution set is unchanged."""
    idx = [i for i, r in enumerate(p.relations) if isinstance(r.lhs, Mul) and isinstance(r.rhs, Mul)
           and len(r.lhs.factors) == 2 and len(r.rhs.factors) == 2 and r.lhs.factors[0] == r.rhs.factors[0]
           and isinstance(r.lhs.factors[0], Num)]  # fmt: skip
    if not idx:
        return None
    i = rng.choice(idx)
    r = p.relations[i]
    rels = list(p.relations)
    rels[i] = replace(r, lhs=r.lhs.factors[1], rhs=r.rhs.factors[1])
    return replace(p, relations=tuple(rels)), ()


@operator("drop_unknown", "simplify", "symbolic")
def drop_unknown(p: Program, rng: random.Random, ctx):
    """Remove an unknown that occurs in exactly one equation, with that equation: the others still
    determine the rest (that equation was the only one fixing it)."""
    if len(p.query) < 2:
        return None
    for z in rng.sample(list(p.query), len(p.query)):
        rels = [r for r in p.relations if z in (r.lhs.free_symbols() | r.rhs.free_symbols())]
        if len(rels) == 1:
            rest = tuple(r for r in p.relations if r is not rels[0])
            qs = tuple(q for q in p.quantities if q.name != z)
            fam = "system" if len(p.query) > 2 else "linear"
            return replace(
                p, relations=rest, quantities=qs, query=tuple(q for q in p.query if q != z), family=fam
            ), ()
    return None


def operators_for(family: str) -> list[Operator]:
    fam = "word" if family == "word" else "symbolic"
    return [o for o in OPERATORS.values() if o.family == fam]
