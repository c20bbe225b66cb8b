"""Expression tree with overloaded Python operators.

Nodes never simplify on construction: ``x + 0`` stays ``x + 0`` until a rule rewrites it.  That is the
point of the tree (rules paper, appendix B): every rewrite is an explicit step that a rule chooses, so the
order of terms and whether numbers are evaluated stay under control.  The few helpers that *do* build
simplified trees (``add``/``mul`` flattening, ``Num`` normalisation of Fractions) say so in their names.
"""

from __future__ import annotations

from fractions import Fraction

Number = int | Fraction


class Expr:
    """Base of every node.  Immutable, hashable, comparable by structure."""

    __slots__ = ()
    prec = 100  # binding strength used by the renderers (higher binds tighter)

    # -- operator overloading: builds trees, never simplifies ------------------------------------
    def __add__(self, other: ExprLike) -> Add:
        return Add((self, as_expr(other)))

    def __radd__(self, other: ExprLike) -> Add:
        return Add((as_expr(other), self))

    def __sub__(self, other: ExprLike) -> Add:
        return Add((self, Neg(as_expr(other))))

    def __rsub__(self, other: ExprLike) -> Add:
        return Add((as_expr(other), Neg(self)))

    def __mul__(self, other: ExprLike) -> Mul:
        return Mul((self, as_expr(other)))

    def __rmul__(self, other: ExprLike) -> Mul:
        return Mul((as_expr(other), self))

    def __truediv__(self, other: ExprLike) -> Div:
        return Div(self, as_expr(other))

    def __rtruediv__(self, other: ExprLike) -> Div:
        return Div(as_expr(other), self)

    def __pow__(self, other: ExprLike) -> Pow:
        return Pow(self, as_expr(other))

    def __neg__(self) -> Neg:
        return Neg(self)

    def eq(self, other: ExprLike) -> Eq:
        """``lhs.eq(rhs)`` builds an equation (``==`` keeps its structural meaning)."""
        return Eq(self, as_expr(other))

    # -- structure ----------------------------------------------------------------------------------
    def children(self) -> tuple[Expr, ...]:
        return ()

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        # same type implies both are Expr; identity first (nodes are immutable)
        return other is self or (type(self) is type(other) and self._key() == other._key())

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def free_symbols(self) -> set[str]:
        out: set[str] = set()
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, Sym):
                out.add(node.name)
            else:
                stack.extend(node.children())
        return out

    def __str__(self) -> str:
        from .render import machine

        return machine(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Num(Expr):
    """An exact rational number."""

    __slots__ = ("value",)
    prec = 100

    def __init__(self, value: Number) -> None:
        # integers stay ``int`` (ints have .numerator/.denominator too); Fraction arithmetic is 10x slower
        t = type(value)
        if t is not int:
            if t is not Fraction:  # a Fraction is immutable: kept as is, not copied
                value = Fraction(value)
            if value.denominator == 1:
                value = int(value)
        self.value = value

    def _key(self) -> tuple:
        return (self.value,)

    @property
    def is_integer(self) -> bool:
        return self.value.denominator == 1


class Sym(Expr):
    """A variable, named by any identifier (single letters, words from a tokenizer vocabulary, R1...)."""

    __slots__ = ("name",)
    prec = 100

    def __init__(self, name: str) -> None:
        self.name = name

    def _key(self) -> tuple:
        return (self.name,)


class Add(Expr):
    """A sum; the order of ``terms`` is the order in which it is written."""

    __slots__ = ("terms", "_m", "_t")
    prec = 10

    def __init__(self, terms: tuple[Expr, ...]) -> None:
        self.terms = tuple(terms)
        self._m = self._t = None

    def children(self) -> tuple[Expr, ...]:
        return self.terms

    def _key(self) -> tuple:
        return self.terms


class Mul(Expr):
    """A product; the order of ``factors`` is the order in which it is written."""

    __slots__ = ("factors", "_m", "_t")
    prec = 20

    def __init__(self, factors: tuple[Expr, ...]) -> None:
        self.factors = tuple(factors)
        self._m = self._t = None

    def children(self) -> tuple[Expr, ...]:
        return self.factors

    def _key(self) -> tuple:
        return self.factors


class Div(Expr):
    __slots__ = ("num", "den", "_m", "_t")
    prec = 20

    def __init__(self, num: Expr, den: Expr) -> None:
        self.num = num
        self.den = den
        self._m = self._t = None

    def children(self) -> tuple[Expr, ...]:
        return (self.num, self.den)

    def _key(self) -> tuple:
        return (self.num, self.den)


class Neg(Expr):
    __slots__ = ("arg", "_m", "_t")
    prec = 15

    def __init__(self, arg: Expr) -> None:
        self.arg = arg
        self._m = self._t = None

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def _key(self) -> tuple:
        return (self.arg,)


class Pow(Expr):
    __slots__ = ("base", "exp", "_m", "_t")
    prec = 30

    def __init__(self, base: Expr, exp: Expr) -> None:
        self.base = base
        self.exp = exp
        self._m = self._t = None

    def children(self) -> tuple[Expr, ...]:
        return (self.base, self.exp)

    def _key(self) -> tuple:
        return (self.base, self.exp)


class Sqrt(Expr):
    """Principal square root (quadratic formula, irrational roots)."""

    __slots__ = ("arg",)
    prec = 100

    def __init__(self, arg: Expr) -> None:
        self.arg = arg

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def _key(self) -> tuple:
        return (self.arg,)


class ImagUnit(Expr):
    """The imaginary unit ``I`` (complex roots of quadratics)."""

    __slots__ = ()
    prec = 100

    def _key(self) -> tuple:
        return ()


class Eq(Expr):
    """An equation ``lhs = rhs``."""

    __slots__ = ("lhs", "rhs")
    prec = 0

    def __init__(self, lhs: Expr, rhs: Expr) -> None:
        self.lhs = lhs
        self.rhs = rhs

    def children(self) -> tuple[Expr, ...]:
        return (self.lhs, self.rhs)

    def _key(self) -> tuple:
        return (self.lhs, self.rhs)


ExprLike = Expr | int | Fraction | str
I = ImagUnit()  # noqa: E741 - the conventional name


def as_expr(value: ExprLike) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool):
        raise TypeError("booleans are not expressions")
    if isinstance(value, (int, Fraction)):
        return Num(value)
    if isinstance(value, str):
        return Sym(value)
    raise TypeError(f"cannot make an expression from {type(value).__name__}")


def symbols(names: str | list[str]) -> tuple[Sym, ...]:
    """``x, y = symbols("x y")``."""
    parts = names.split() if isinstance(names, str) else list(names)
    return tuple(Sym(n) for n in parts)


# -- builders that flatten (a deliberate, named simplification) -------------------------------------
_NOT_SUMS = frozenset({Num, Sym, Mul, Div, Neg, Pow, Sqrt, ImagUnit, Eq})


def add(*terms: ExprLike) -> Expr:
    """A flat sum: nested sums are spliced in, a single term is returned as is."""
    flat: list[Expr] = []
    for t in terms:
        if type(t) in _NOT_SUMS:  # the common case, by exact type: no as_expr round trip
            flat.append(t)
            continue
        e = as_expr(t)
        if isinstance(e, Add):
            flat.extend(e.terms)
        else:
            flat.append(e)
    if not flat:
        return Num(0)
    return flat[0] if len(flat) == 1 else Add(tuple(flat))


def mul(*factors: ExprLike) -> Expr:
    """A flat product: nested products are spliced in, a single factor is returned as is."""
    flat: list[Expr] = []
    for f in factors:
        e = as_expr(f)
        if isinstance(e, Mul):
            flat.extend(e.factors)
        else:
            flat.append(e)
    if not flat:
        return Num(1)
    return flat[0] if len(flat) == 1 else Mul(tuple(flat))


def term(coeff: Number, *factors: Expr) -> Expr:
    """``coeff * f1 * f2 ...`` written the textbook way: a coefficient of 1 is dropped, -1 becomes a
    negation, a negative coefficient is pulled out as ``Neg`` so renderers write ``- 3x``."""
    c = coeff if type(coeff) is int else Fraction(coeff)
    if not factors:
        return Num(c) if c >= 0 else Neg(Num(-c))
    body: Expr = factors[0] if len(factors) == 1 else Mul(tuple(factors))
    mag = abs(c)
    if mag != 1:  # mul(Num(mag), body) without the as_expr round trip
        body = Mul((Num(mag), *body.factors)) if isinstance(body, Mul) else Mul((Num(mag), body))
    if c == 0:
        return Num(0)
    return Neg(body) if c < 0 else body


def number(value: Number) -> Expr:
    """A signed number as a tree: negatives become ``Neg(Num)`` so the sign renders as subtraction."""
    return Neg(Num(-value)) if value < 0 else Num(value)
