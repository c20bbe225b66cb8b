"""The formal problem: a typed program over our expression tree.

A ``Program`` is a list of quantities and a list of relations with one query:

- a **given** quantity has a value (stated in the text);
- a **derived** quantity has a defining expression over other quantities (the structure a seed's
  wording implies: "the total she spends" is ``n*p + b``), and is not stated;
- an **observed** quantity has both: its definition *and* a stated value, so it constrains the
  quantities it is defined from (what inverting a problem produces);
- an **unknown** has neither: only relations determine it;
- a **relation** is an implicit equation between quantities, written as a sentence ("X is 3 more than
  Y"), or, in the symbolic families, any linear equation.

Each quantity carries a role (count, price, money, rate, percent, time, ...), a unit, a noun phrase
(``desc``) used by the sentence frames, and the range its value is drawn from.  Roles carry the
constraints the gates check (integral counts, positive amounts).  Exports: the machine-syntax problem
(equations joined by ``; ``, what SymPy and our checker re-solve), SymPy equations, SMT-LIB (the paper's
language) and a structure signature (the operation-labelled graph with constants abstracted) for
de-duplication and diversity.
"""

from __future__ import annotations

import hashlib
from dataclasses import MISSING, dataclass, field, fields
from fractions import Fraction

from ..expr.nodes import Add, Div, Eq, Expr, Mul, Neg, Num, Pow, Sym
from ..expr.render import machine

# role -> (integral, positive); every other constraint (bounds) is in the config
ROLES: dict[str, tuple[bool, bool]] = {
    "count": (True, True),
    "age": (True, True),
    "price": (False, True),
    "money": (False, True),
    "rate": (False, True),
    "speed": (False, True),
    "percent": (False, True),
    "time": (False, True),
    "length": (False, True),
    "area": (False, True),
    "volume": (False, True),
    "weight": (False, True),
    "factor": (False, True),  # a multiplier or divisor written as a word or a small number
    "number": (False, False),  # symbolic families: any rational
}
# roles whose answers may be money-like decimals (two places) when the config allows decimals
DECIMAL_ROLES = frozenset({"price", "money", "rate", "speed", "time", "length", "area", "volume", "weight"})


@dataclass(frozen=True)
class Quantity:
    name: str
    role: str
    unit: str = ""
    desc: str = ""
    value: Fraction | None = None  # given / observed
    expr: Expr | None = None  # derived / observed
    lo: Fraction | None = None  # range the value is drawn from (givens)
    hi: Fraction | None = None
    step: Fraction = Fraction(1)  # grid of drawn values (0.25 for quarter-dollar prices)
    frame: str | None = None  # the seed's sentence stating it, with ``{v}`` for the value
    question: str | None = None  # the seed's question asking for it
    distractor: bool = False
    inline: bool = False  # stated inside a relation sentence, not on its own
    conversion: bool = False  # another quantity stated in a smaller unit (same description)
    qualifiers: tuple[str, ...] = ()  # "last week", ...: what a new quantity of its kind may be called
    # a remainder that stays below one unit's worth ("the number of empty seats" below "the seats on one
    # bus": a whole bus to spare is not what a school hires, round 7): the quantity whose value bounds it
    below: str = ""
    # the seed's short noun phrase for it ("the peanut price" for "the price of peanuts per kilogram"): what
    # a mention says once the description was said in full (round 7: a long phrase repeated in a problem)
    short: str = ""
    # the seed's value-free sentence telling that its event happens ("From the station, Vera walks to the
    # house."): said when the given's own sentence is not (round 9's reading: a walk only relations named)
    event: str = ""

    def __post_init__(self) -> None:
        if self.value is not None and type(self.value) is not Fraction:
            object.__setattr__(self, "value", Fraction(self.value))

    @property
    def check(self) -> tuple:
        """(integral, positive, low, high, hundredths) for the gates' value checks, worked out once per
        quantity (bounds as ``int`` when whole: comparing an ``int`` with a ``Fraction`` is slow)."""
        got = self.__dict__.get("_check")
        if got is None:
            integral, positive = ROLES[self.role]
            lo, hi = self.lo, self.hi
            if lo is not None and hi is not None:
                lo = lo.numerator if lo.denominator == 1 else lo
                hi = hi.numerator if hi.denominator == 1 else hi
            else:
                lo = hi = None
            got = self.__dict__["_check"] = (integral, positive, lo, hi, not self.inline)
        return got

    @property
    def kind(self) -> str:
        if self.expr is None:
            return "given" if self.value is not None else "unknown"
        return "observed" if self.value is not None else "derived"


@dataclass(frozen=True)
class Relation:
    """An implicit equation ``lhs = rhs``.  ``kind`` names its sentence frame; ``target``/``source`` are
    the quantities it relates and ``params`` the given quantities written inline as its numbers."""

    kind: str  # more_than | less_than | times | fraction_of | percent_of | same_as | equation, or an
    # implicit shape: affine | scaled_sum | part_is | percent_is | per_part | sum_with | sum3 | ratio_with
    lhs: Expr
    rhs: Expr
    target: str = ""
    source: str = ""
    params: tuple[str, ...] = ()
    also: tuple[str, ...] = ()  # further stated quantities it relates (``sum3``: the third term)


# a program's ``by_name`` worked out on its first use and kept in its ``__dict__`` (as ``cached_property`` does,
# without its lock: the program is immutable, so two threads that both work it out get equal dicts; the lock
# and the lookups around it were ~1% of a level-3 item, ``by_name`` being asked once of every new program;
# issue 19 round 13).  False: worked out on every use (the tests compare the two)
KEEP_BY_NAME = True


class _kept:
    """A non-data descriptor: ``func(instance)`` worked out on the first use and kept in the instance's
    ``__dict__`` under the function's name, where later lookups find it before the descriptor."""

    def __init__(self, func) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        val = self.func(instance)
        if KEEP_BY_NAME:
            instance.__dict__[self.name] = val
        return val


@dataclass(frozen=True)
class Program:
    seed_id: str
    family: str  # word | linear | system
    quantities: tuple[Quantity, ...]
    relations: tuple[Relation, ...]
    query: tuple[str, ...]
    intros: tuple[str, ...] = ()  # context sentences (one per seed composed in), no numbers
    variant: int = 0  # picks the surface variant of every generic sentence frame
    history: tuple[str, ...] = ()  # operators applied, in order
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    # -- access -----------------------------------------------------------------------------------------
    @_kept
    def by_name(self) -> dict[str, Quantity]:
        """Each quantity by its name (the first of a name); built once per program: the solver and the
        gates look names up in every step."""
        out: dict[str, Quantity] = {}
        for x in self.quantities:
            out.setdefault(x.name, x)
        return out

    def q(self, name: str) -> Quantity:
        return self.by_name[name]

    def names(self) -> list[str]:
        return [x.name for x in self.quantities]

    def with_quantity(self, qty: Quantity) -> Program:
        """Replace the quantity of the same name (or append a new one)."""
        qs = list(self.quantities)
        for i, x in enumerate(qs):
            if x.name == qty.name:
                qs[i] = qty
                return replace(self, quantities=tuple(qs))
        return replace(self, quantities=(*qs, qty))

    def with_values(self, values: dict[str, Fraction]) -> Program:
        """The same program with the stated values of ``values`` changed (each name stated already): what
        does not read a value (the structure signature, the dependency links, what the exact gate's
        occasion checks look up: ``gates.links``) is carried over."""
        qs = tuple(_with_value(x, values[x.name]) if x.name in values else x for x in self.quantities)
        out = replace(self, quantities=qs)
        for key in ("_signature", "_links", "_gate_links"):
            if key in self.__dict__:
                out.__dict__[key] = self.__dict__[key]
        return out

    def without(self, *names: str) -> Program:
        return replace(self, quantities=tuple(x for x in self.quantities if x.name not in names))

    def fresh_name(self, stem: str = "m") -> str:
        used = set(self.names())
        i = 1
        while f"{stem}{i}" in used:
            i += 1
        return f"{stem}{i}"

    def equations(self) -> list[Eq]:
        """Every constraint: stated values, definitions and relations (the query is never stated)."""
        out: list[Eq] = []
        for x in self.quantities:
            if x.value is not None:
                out.append(Eq(Sym(x.name), Num(x.value)))
            if x.expr is not None:
                out.append(Eq(Sym(x.name), x.expr))
        out.extend(Eq(r.lhs, r.rhs) for r in self.relations)
        return out

    def dependencies(self, name: str) -> set[str]:
        """The quantities connected to ``name`` through any definition or relation (what its value can
        depend on).  The links are worked out once per program, each expression's names once per node."""
        links = self.__dict__.get("_links")
        if links is None:
            links = {n: set() for n in self.names()}

            def link(syms: frozenset[str]) -> None:
                for s in syms:
                    links.setdefault(s, set()).update(syms)

            for x in self.quantities:
                if x.expr is not None:
                    link(free_names(x.expr) | {x.name})
            for r in self.relations:
                link(free_names(r.lhs) | free_names(r.rhs))
            self.__dict__["_links"] = links
        seen, stack = set(), [name]
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(links.get(n, ()))
        return seen

    # -- exports ----------------------------------------------------------------------------------------
    def problem_string(self) -> str:
        """Machine syntax, equations joined by ``; `` (what SymPy and the checker re-solve); worked out once
        per program (the gates, the row and the dedupe check each ask for it)."""
        got = self.__dict__.get("_problem")
        if got is None:
            # ``equations()`` rendered, without building their nodes: a stated value's equation renders as
            # its name and ``format_value`` of it (``Num`` keeps a whole value as ``int``; issue 19 round 11)
            parts = []
            for x in self.quantities:
                if x.value is not None:
                    parts.append(f"{x.name} = {format_value(x.value)}")
                if x.expr is not None:
                    parts.append(f"{x.name} = {machine(x.expr)}")
            parts.extend([f"{machine(r.lhs)} = {machine(r.rhs)}" for r in self.relations])
            got = self.__dict__["_problem"] = "; ".join(parts)
        return got

    def problem_string_plain(self) -> str:
        """``problem_string`` as rendered from ``equations()`` (the tests compare the two)."""
        return "; ".join(f"{machine(e.lhs)} = {machine(e.rhs)}" for e in self.equations())

    def to_sympy(self) -> list:
        from ..expr.sympy_bridge import to_sympy

        return [to_sympy(e) for e in self.equations()]

    def to_smtlib(self) -> str:
        """SMT-LIB 2 over the reals: declarations, one assertion per equation, role constraints."""
        lines = ["(set-logic QF_NRA)"]
        for x in self.quantities:
            lines.append(f"(declare-const {x.name} Real)")
        for x in self.quantities:
            integral, positive = ROLES[x.role]
            if positive:
                lines.append(f"(assert (> {x.name} 0))")
            if integral:
                lines.append(f"(assert (= {x.name} (to_real (to_int {x.name}))))")
        for e in self.equations():
            lines.append(f"(assert (= {smt(e.lhs)} {smt(e.rhs)}))")
        lines.append(f"(get-value ({' '.join(self.query)}))")
        return "\n".join(lines)

    def signature(self) -> str:
        """Structure hash: each query expanded through definitions and relations, constants abstracted
        to their roles, commutative operands sorted, names forgotten (computed once per program)."""
        sig = self.__dict__.get("_signature")
        if sig is None:
            sig = self.__dict__["_signature"] = hashlib.blake2b(
                self.structure().encode(), digest_size=8
            ).hexdigest()
        return sig

    def same_formal_problem_as(self, other: Program) -> Program:
        """Take over ``other``'s solutions, signature, problem string and dependency links, worked out
        already: for a copy that differs from it only in what none of them reads (history, people's names,
        sentence variants; not a quantity's name, value or definition, nor a relation).  Returns self."""
        for key in ("_solutions", "_signature", "_problem", "_links"):
            if key in other.__dict__:
                self.__dict__[key] = other.__dict__[key]
        return self

    def structure(self) -> str:
        memo: dict[str, str] = {}
        parts = [_structure_of_quantity(self, memo, n, 0) for n in self.query]
        n_distract = sum(1 for x in self.quantities if x.distractor)
        return self.family + "|" + "|".join(parts) + f"|d{n_distract}"


# ``Program.structure``'s two halves, module functions rather than nested ones that call each other: nested,
# each call made a reference cycle (the closures' cells hold each other and the program) that only the cyclic
# garbage collector frees, and that kept every solved program alive until it ran (issue 19 round 17)
def _structure_of_node(p: Program, memo: dict[str, str], e: Expr, depth: int) -> str:
    if isinstance(e, Sym):
        return _structure_of_quantity(p, memo, e.name, depth)
    if isinstance(e, Num):
        return "k"
    if isinstance(e, Add):
        return "add(" + ",".join(sorted(_structure_of_node(p, memo, t, depth) for t in e.terms)) + ")"
    if isinstance(e, Mul):
        return "mul(" + ",".join(sorted(_structure_of_node(p, memo, t, depth) for t in e.factors)) + ")"
    if isinstance(e, Neg):
        return "neg(" + _structure_of_node(p, memo, e.arg, depth) + ")"
    if isinstance(e, Div):
        return f"div({_structure_of_node(p, memo, e.num, depth)},{_structure_of_node(p, memo, e.den, depth)})"
    if isinstance(e, Pow):
        return (
            f"pow({_structure_of_node(p, memo, e.base, depth)},{_structure_of_node(p, memo, e.exp, depth)})"
        )
    return type(e).__name__


def _structure_of_quantity(p: Program, memo: dict[str, str], name: str, depth: int) -> str:
    if name in memo:
        return memo[name]
    x = p.q(name)
    if depth > 40:
        return x.role
    if x.kind == "given":
        out = x.role
    elif x.kind == "derived":
        out = _structure_of_node(p, memo, x.expr, depth + 1)
    elif x.kind == "observed":
        out = f"obs[{x.role}]({_structure_of_node(p, memo, x.expr, depth + 1)})"
    else:
        memo[name] = f"u[{x.role}]"
        rels = [r for r in p.relations if name in (r.lhs.free_symbols() | r.rhs.free_symbols())]
        sides = (
            f"{r.kind}:{_structure_of_node(p, memo, r.lhs, depth + 1)}={_structure_of_node(p, memo, r.rhs, depth + 1)}"
            for r in rels
        )
        out = "solve[" + ";".join(sorted(sides)) + "]"
    memo[name] = out
    return out


_FREE: dict[int, frozenset[str]] = {}
# the nodes of ``_FREE``'s ids, kept so that an id cannot be reused, apart from the entries: a tuple holding
# a node stays tracked by the collector and was walked by every full collection (issue 19 round 18)
_FREE_NODES: dict[int, Expr] = {}
# a name's ``free_names`` (the frozenset of it alone) made once per name, not once per call (issue 19 round 14:
# ~40% of the calls are on a ``Sym``; a frozenset is immutable).  False: a new one each call (the tests compare
# the two).  Bounded
SYM_NAMES = True
_SYM_FREE: dict[str, frozenset[str]] = {}


def free_names(e: Expr) -> frozenset[str]:
    """``e.free_symbols()``, remembered per node: a chain's programs share their quantities' trees, and
    each is read many times.  The node is kept (``_FREE_NODES``) so that its ``id`` cannot be reused."""
    if type(e) is Sym:
        if SYM_NAMES:
            got = _SYM_FREE.get(e.name)
            if got is None:
                if len(_SYM_FREE) >= 1 << 14:
                    _SYM_FREE.clear()
                got = _SYM_FREE[e.name] = frozenset((e.name,))
            return got
        return frozenset((e.name,))
    hit = _FREE.get(id(e))
    if hit is not None:  # its id is a node kept in ``_FREE_NODES``: ``e`` itself
        return hit
    if len(_FREE) > 100_000:
        _FREE.clear()
        _FREE_NODES.clear()
    out = frozenset(e.free_symbols())
    _FREE_NODES[id(e)] = e
    _FREE[id(e)] = out
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}
_QUANTITY_DEFAULTS: dict[str, object] = {}


def new_quantity(name: str, role: str, unit: str = "", desc: str = "", **changes) -> Quantity:
    """``Quantity(name, role, unit, desc, **changes)`` without the frozen dataclass's constructor (a
    ``object.__setattr__`` per field): the defaults copied, the arguments set, a value made a ``Fraction``
    as ``__post_init__`` does (issue 19 round 8: the read-back makes several per text)."""
    if not _QUANTITY_DEFAULTS:
        # every field in order (the name and role set below), as the constructor's ``__dict__`` has them
        _QUANTITY_DEFAULTS.update(
            (f.name, None if f.default is MISSING else f.default) for f in fields(Quantity)
        )
    new = object.__new__(Quantity)
    d = new.__dict__
    d.update(_QUANTITY_DEFAULTS)
    d["name"], d["role"], d["unit"], d["desc"] = name, role, unit, desc
    if changes:
        for n in changes:
            if n not in d:
                raise TypeError(f"Quantity has no field {n!r}")
        d.update(changes)
        v = d["value"]
        if v is not None and type(v) is not Fraction:
            d["value"] = Fraction(v)
    return new


# ``_with_value`` copies the quantity's fields, its ``check`` and its mention key at once from one dict kept
# on it (``_vbase``: what ``replace`` copies field by field, in the same order, and the two kept values
# ``_with_value`` puts back after it; remade when either was worked out since), then sets the value as
# ``replace`` does (issue 19 round 14: the variants' draws copy the same few quantities again and again).
# False: ``replace`` (the tests compare the two)
VALUE_BASE = True


def _with_value(x: Quantity, value) -> Quantity:
    """``replace(x, value=value)`` keeping ``x.check`` worked out (it reads the role, the range and
    ``inline``, not the value; issue 19 round 9: the gates check every value of every redrawn copy)."""
    if VALUE_BASE:
        d = x.__dict__
        check, mkey = d.get("_check"), d.get("_mkey")
        got = d.get("_vbase")
        if got is None or got[0] is not check or got[1] is not mkey:
            names = _FIELDS.get(Quantity)
            if names is None:
                names = _FIELDS[Quantity] = tuple(f.name for f in fields(Quantity))
            base = {n: d[n] for n in names}
            if check is not None:
                base["_check"] = check
            if mkey is not None:
                base["_mkey"] = mkey
            got = d["_vbase"] = (check, mkey, base)
        new = object.__new__(Quantity)
        nd = new.__dict__
        nd.update(got[2])
        nd["value"] = value if value is None or type(value) is Fraction else Fraction(value)
        return new
    new = replace(x, value=value)
    got = x.__dict__.get("_check")
    if got is not None:
        new.__dict__["_check"] = got
    got = x.__dict__.get("_mkey")  # ``frames.Mentions``' part of its key: no value in it (issue 19 round 13)
    if got is not None:
        new.__dict__["_mkey"] = got
    return new


def replace(obj, **changes):
    """``dataclasses.replace`` for the frozen ``Quantity``, ``Relation`` and ``Program``, without the
    constructor: the fields copied, the changes applied (a value made a ``Fraction``), nothing cached
    (``by_name``, solutions, signature) carried over.  A chain makes tens of thousands of these."""
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    new = object.__new__(cls)
    src, d = obj.__dict__, new.__dict__
    if len(src) == len(names):  # the fields and nothing else (nothing remembered yet): copied at once
        d.update(src)
    else:
        for n in names:
            d[n] = src[n]
    for n, v in changes.items():
        if n not in d:
            raise TypeError(f"{cls.__name__} has no field {n!r}")
        d[n] = v
    if cls is Quantity:
        v = d["value"]
        if v is not None and type(v) is not Fraction:
            d["value"] = Fraction(v)
        d.pop("_check", None)
    return new


def smt(e: Expr) -> str:
    if isinstance(e, Num):
        v = e.value
        s = f"{abs(v.numerator)}.0" if v.denominator == 1 else f"(/ {abs(v.numerator)}.0 {v.denominator}.0)"
        return f"(- {s})" if v < 0 else s
    if isinstance(e, Sym):
        return e.name
    if isinstance(e, Add):
        return "(+ " + " ".join(smt(t) for t in e.terms) + ")"
    if isinstance(e, Mul):
        return "(* " + " ".join(smt(t) for t in e.factors) + ")"
    if isinstance(e, Neg):
        return f"(- {smt(e.arg)})"
    if isinstance(e, Div):
        return f"(/ {smt(e.num)} {smt(e.den)})"
    if isinstance(e, Pow) and isinstance(e.exp, Num) and e.exp.is_integer and 0 < e.exp.value <= 4:
        return "(* " + " ".join([smt(e.base)] * int(e.exp.value)) + ")"
    raise ValueError(f"no SMT-LIB form for {e}")


def format_value(v: Fraction) -> str:
    """Machine syntax of a value: ``12``, ``-3``, ``7/2``."""
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


# ``evaluate`` divides two ``int`` that divide exactly by ``//`` instead of making the Fraction (False: the
# Fraction; the tests compare the two)
EXACT_DIV = True


# ``evaluate`` reads a term, factor, numerator or denominator that is a name or a number in place instead of
# calling itself on it (what that call returns: ``values[name]``, the number's value; issue 19 round 14: most
# nodes evaluated are such leaves).  False: a call per node (the tests compare the two)
EVAL_LEAVES = True


def evaluate(e: Expr, values: dict[str, Fraction]) -> Fraction:
    """Exact value of an expression (raises ``KeyError`` for an unknown name, ``ZeroDivisionError``)."""
    t = type(e)
    if t is Num:
        return e.value
    if t is Sym:
        return values[e.name]
    if t is Add:  # ``sum`` of the terms, without a generator per node (issue 19 round 10)
        out = 0
        if EVAL_LEAVES:
            for x in e.terms:
                tx = type(x)
                out += values[x.name] if tx is Sym else x.value if tx is Num else evaluate(x, values)
            return out
        for x in e.terms:
            out += evaluate(x, values)
        return out
    if t is Mul:
        out = 1
        if EVAL_LEAVES:
            for f in e.factors:
                tf = type(f)
                out *= values[f.name] if tf is Sym else f.value if tf is Num else evaluate(f, values)
            return out
        for f in e.factors:
            out *= evaluate(f, values)
        return out
    if t is Neg:
        return -evaluate(e.arg, values)
    if t is Div:
        if EVAL_LEAVES:
            n, d = e.num, e.den
            tn, td = type(n), type(d)
            n = values[n.name] if tn is Sym else n.value if tn is Num else evaluate(n, values)
            d = values[d.name] if td is Sym else d.value if td is Num else evaluate(d, values)
        else:
            n, d = evaluate(e.num, values), evaluate(e.den, values)
        if not d:
            raise ZeroDivisionError(f"division by zero in {e}")
        if type(n) is int and type(d) is int:
            if EXACT_DIV and not n % d:  # a whole quotient: the ``int`` the Fraction below comes back as
                return n // d
            q = Fraction(n, d)
        else:
            q = n / d
        return q.numerator if q.denominator == 1 else q
    if t is Pow:
        exp = evaluate(e.exp, values)
        if exp.denominator != 1 or abs(exp) > 8:
            raise ValueError(f"unsupported power {e}")
        return evaluate(e.base, values) ** int(exp)
    raise ValueError(f"cannot evaluate {type(e).__name__}")
