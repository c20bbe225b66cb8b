"""The expression tree: construction without simplification, machine and textbook rendering with minimal
parentheses, the SymPy bridge, distribution steps and polynomial arithmetic.

Machine strings are checked the way the rest of the project reads them: parsed back with
``hf_mathrules.validate.parse_trusted`` and compared with ``to_sympy`` of the tree they came from."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_mathrules.draws import randint, sample
from hf_mathrules.expr import (
    Add,
    Div,
    Eq,
    I,
    Mul,
    Neg,
    Num,
    Pow,
    Sqrt,
    Sym,
    add,
    as_expr,
    grlex_key,
    machine,
    mul,
    number,
    poly_to_expr,
    render,
    symbols,
    term,
    text,
    to_poly,
    to_sympy,
)
from hf_mathrules.expr.poly import mono_mul, poly_add, poly_mul, poly_scale
from hf_mathrules.expr.render import machine_and_text, machine_walk, text_walk
from hf_mathrules.expr.rewrite import (
    collect,
    distribute_once,
    expand_steps,
    is_monomial,
    simplify_monomial,
    substitute,
)
from hf_mathrules.validate import parse_trusted

x, y, z = symbols("x y z")
apple, banana = symbols("apple banana")


def same_value(tree) -> bool:
    """The machine string of ``tree`` parses back to the value SymPy gives the tree itself."""
    parsed = parse_trusted(machine(tree))
    direct = to_sympy(tree)
    return parsed == direct or sympy.simplify(parsed - direct) == 0


# -- rendering ---------------------------------------------------------------------------------------
RENDER_CASES = [
    # (tree, machine, textbook)
    (Mul((Num(3), x + y, x - 2 * y)), "3*(x + y)*(x - 2*y)", "3(x + y)(x - 2y)"),
    (x - (y - z), "x - (y - z)", "x - (y - z)"),
    (x - y - z, "x - y - z", "x - y - z"),
    (x + (y + z), "x + (y + z)", "x + (y + z)"),
    (x / (y * z), "x/(y*z)", "x/(yz)"),
    (x / y * z, "x/y*z", "x/y*z"),
    (Div(x + 1, Num(2)), "(x + 1)/2", "(x + 1)/2"),
    ((x**y) ** z, "(x**y)**z", "(x^y)^z"),
    (x ** (y**z), "x**y**z", "x^(y^z)"),
    (-(x + y), "-(x + y)", "-(x + y)"),
    (Neg(x * y), "-x*y", "-xy"),
    (apple * (banana + 1), "apple*(banana + 1)", "apple*(banana + 1)"),
    (Mul((apple, banana)), "apple*banana", "apple*banana"),
    (Mul((Num(2), apple)), "2*apple", "2*apple"),  # only single letters are juxtaposed
    (Mul((x, Num(3))), "x*3", "x*3"),  # 3 after a letter must keep its sign
    (Mul((Num(2), Num(3))), "2*3", "2*3"),  # never "23"
    (Num(-3) ** 2, "(-3)**2", "(-3)^2"),  # not -3**2 = -9
    (x ** Num(Fraction(1, 2)), "x**(1/2)", "x^(1/2)"),
    (Mul((Num(2), Pow(x, Num(2)), y)), "2*x**2*y", "2x^2y"),
    (x * (-y), "x*(-y)", "x(-y)"),
    (x - (-y), "x - (-y)", "x - (-y)"),
    (x + Num(-3), "x - 3", "x - 3"),
    (Add((Num(Fraction(-1, 2)), x)), "-1/2 + x", "-1/2 + x"),
    (Mul((Num(2), Sqrt(x), I)), "2*sqrt(x)*I", "2sqrt(x)I"),
    (x.eq(y + 1), "x = y + 1", "x = y + 1"),
]


@pytest.mark.parametrize("tree,machine_form,text_form", RENDER_CASES, ids=[c[1] for c in RENDER_CASES])
def test_rendering_uses_minimal_parentheses(tree, machine_form, text_form):
    assert machine(tree) == machine_form
    assert text(tree) == text_form
    assert render(tree, "machine") == machine_form and render(tree, "text") == text_form
    assert str(tree) == machine_form


@pytest.mark.parametrize("tree", [c[0] for c in RENDER_CASES if not isinstance(c[0], Eq)])
def test_machine_strings_parse_back_to_the_same_value(tree):
    assert same_value(tree)


def test_equation_sides_parse_back():
    eq = (x - (y - z)).eq(Num(3) * (x + 1))
    lhs, rhs = machine(eq).split(" = ")
    assert parse_trusted(lhs) == to_sympy(eq.lhs) and parse_trusted(rhs) == to_sympy(eq.rhs)
    sx, sy, sz = sympy.symbols("x y z")
    assert to_sympy(eq) == sympy.Eq(sx - sy + sz, 3 * sx + 3, evaluate=False)


def test_render_rejects_unknown_style_and_non_expressions():
    with pytest.raises(ValueError, match="unknown style"):
        render(x, "latex")
    with pytest.raises(TypeError, match="cannot render"):
        machine(None)  # type: ignore[arg-type]


# -- nodes -------------------------------------------------------------------------------------------
def test_operators_build_trees_without_simplifying():
    e = x + 0
    assert isinstance(e, Add) and e.terms == (x, Num(0))
    assert machine(x * 1) == "x*1"
    assert machine(2 - x) == "2 - x"
    assert (x + y) != (y + x)  # order is part of the structure
    assert (x + y) == Add((Sym("x"), Sym("y"))) and hash(x + y) == hash(Add((Sym("x"), Sym("y"))))
    assert Num(Fraction(4, 2)) == Num(2) and type(Num(Fraction(4, 2)).value) is int
    assert (x * (y + z)).free_symbols() == {"x", "y", "z"}


def test_flattening_builders_and_terms():
    assert add(x, y + z) == Add((x, y, z))
    assert add() == Num(0) and add(x) is x
    assert mul(2, x * y) == Mul((Num(2), x, y))
    assert mul() == Num(1)
    assert machine(term(-3, x, y)) == "-3*x*y"
    assert machine(term(1, x)) == "x" and machine(term(-1, x)) == "-x"
    assert machine(term(Fraction(2, 3), x)) == "2/3*x"
    assert term(0, x) == Num(0)
    assert machine(number(-5)) == "-5" and number(-5) == Neg(Num(5))
    with pytest.raises(TypeError, match="booleans"):
        as_expr(True)
    with pytest.raises(TypeError, match="cannot make an expression"):
        as_expr(1.5)  # type: ignore[arg-type]


# -- rewrites ----------------------------------------------------------------------------------------
def test_expand_steps_chain_ends_expanded_and_collected():
    e = Mul((Num(2), x + 1, x + 2))
    steps = expand_steps(e)
    assert [machine(s) for s in steps] == [
        "(2*x + 2)*(x + 2)",
        "2*x**2 + 4*x + 2*x + 4",
        "2*x**2 + 6*x + 4",
    ]
    prev = to_sympy(e)
    for s in steps:  # every step keeps the value and parses back from its machine string
        assert sympy.expand(parse_trusted(machine(s)) - prev) == 0
        prev = to_sympy(s)


def test_expand_steps_nested_and_cancelling():
    assert [machine(s) for s in expand_steps(Mul((x + 1, x - 1)))] == ["x**2 - x + x - 1", "x**2 - 1"]
    nested = Mul((apple, banana + Mul((Num(2) * x, y + 1))))
    steps = expand_steps(nested)
    assert machine(steps[0]) == "apple*(banana + 2*x*y + 2*x)"  # innermost product first
    assert "(" not in machine(steps[-1])
    assert sympy.expand(to_sympy(nested)) == parse_trusted(machine(steps[-1]))
    assert [machine(s) for s in expand_steps(-(x + y))] == ["-x - y"]
    assert expand_steps(x + y) == []  # nothing to do
    assert distribute_once(x * y) is None


def test_monomial_helpers_and_collect():
    assert is_monomial(Mul((Num(3), x, Pow(y, Num(2))))) and not is_monomial(x + y)
    assert machine(simplify_monomial(Mul((Num(3) * x, Neg(Mul((Num(2), x, y))))))) == "-6*x**2*y"
    assert simplify_monomial(Mul((Num(0), x))) == Num(0)
    with pytest.raises(ValueError, match="not a monomial"):
        simplify_monomial(Mul((x, y + 1)))
    assert machine(collect(y * x + x * x + 3 + x + 2 * x * y)) == "x**2 + 3*x*y + x + 3"
    assert machine(collect(x - x)) == "0"


def test_substitute_keeps_structure():
    e = substitute(x - y, {"y": 5 - 2 * x})
    assert machine(e) == "x - (5 - 2*x)"
    assert sympy.expand(parse_trusted(machine(e))) == 3 * sympy.Symbol("x") - 5


# -- polynomials -------------------------------------------------------------------------------------
def test_poly_arithmetic():
    X, Y = ((("x", 1),),), ((("y", 1),),)
    assert mono_mul((("x", 1),), (("x", 2), ("y", 1))) == (("x", 3), ("y", 1))
    assert mono_mul((), (("y", 1),)) == (("y", 1),)
    p = to_poly((x + y) ** 2)
    assert p == {(("x", 2),): 1, (("x", 1), ("y", 1)): 2, (("y", 2),): 1}
    assert poly_add({X[0]: 1, Y[0]: 2}, {X[0]: -1}) == {Y[0]: 2}  # cancelled terms disappear
    assert poly_mul({X[0]: 1, (): 1}, {X[0]: 1, (): -1}) == {(("x", 2),): 1, (): -1}
    assert poly_scale(p, 0) == {} and poly_scale({X[0]: 3}, Fraction(1, 3)) == {X[0]: 1}
    assert to_poly(Div(x + 1, Num(2))) == {X[0]: Fraction(1, 2), (): Fraction(1, 2)}
    assert to_poly(Num(0)) == {} and to_poly(Pow(x, Num(0))) == {(): 1}
    for bad in (x / y, Pow(x, y), Sqrt(x), Pow(x, Num(-1))):
        with pytest.raises(ValueError, match="not a polynomial"):
            to_poly(bad)


def test_poly_to_expr_orders():
    p = to_poly((x + y + 1) ** 2)
    assert machine(poly_to_expr(p)) == "x**2 + 2*x*y + y**2 + 2*x + 2*y + 1"
    assert machine(poly_to_expr(p, grlex_key(["y", "x"]))) == "y**2 + 2*x*y + x**2 + 2*y + 2*x + 1"
    assert machine(poly_to_expr(p, grlex_key(graded=False))) == "1 + x**2 + 2*x + 2*x*y + y**2 + 2*y"
    first = [(("y", 2),), ()]
    assert machine(poly_to_expr(p, first)).startswith("y**2 + 1 + ")
    assert poly_to_expr({}) == Num(0)
    assert machine(poly_to_expr(to_poly(Div(x, Num(-2))))) == "-1/2*x"
    # the default key equals an explicit alphabetical ranking
    monos = list(to_poly((apple + banana * x + y) ** 3))
    assert sorted(monos, key=grlex_key()) == sorted(
        monos, key=grlex_key(sorted({"apple", "banana", "x", "y"}))
    )


# -- property: every tree's machine string parses back to its value ------------------------------
NAMES = ["x", "y", "z", "apple", "b"]
leaves = st.one_of(
    st.integers(-4, 6).map(Num),
    st.fractions(min_value=-3, max_value=3, max_denominator=4).map(Num),
    st.sampled_from(NAMES).map(Sym),
)
exponents = st.one_of(
    st.integers(0, 3).map(Num), st.just(Num(Fraction(1, 2))), st.sampled_from(NAMES).map(Sym)
)
denominators = st.one_of(st.integers(1, 5).map(Num), st.sampled_from(NAMES).map(Sym))


def _extend(children):
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda ts: Add(tuple(ts))),
        st.lists(children, min_size=2, max_size=3).map(lambda fs: Mul(tuple(fs))),
        children.map(Neg),
        st.tuples(children, denominators).map(lambda nd: Div(*nd)),
        st.tuples(children, exponents).map(lambda be: Pow(*be)),
        children.map(Sqrt),
    )


trees = st.recursive(leaves, _extend, max_leaves=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_machine_rendering_round_trips_through_parse_trusted(tree):
    assert same_value(tree), machine(tree)
    assert machine_and_text(tree) == _separately(tree)
    # the textbook form is a different string only where implicit products or ^ appear
    if "**" not in machine(tree) and "*" not in machine(tree):
        assert text(tree) == machine(tree)


@pytest.mark.parametrize("tree", [c[0] for c in RENDER_CASES])
def test_machine_and_text_is_both_renderings(tree):
    assert machine_and_text(tree) == _separately(tree)


def _separately(tree):
    """The two renderers' plain walks (``machine``/``text`` answer from renderings kept on the nodes,
    which ``machine_and_text`` computes), each on a fresh copy of the tree."""
    return machine_walk(substitute(tree, {})), text_walk(substitute(tree, {}))


def test_fast_random_helpers_draw_what_the_standard_library_draws():
    """Rows are a pure function of (seed, index): the generators' faster randint/sample must consume
    exactly the bits random.Random.randint/sample consume, so outputs never change."""
    import random

    for seed in range(300):
        ours, std = random.Random(seed), random.Random(seed)
        for _ in range(30):
            lo = std.randint(-5, 5)
            hi = lo + std.randint(0, 300)
            size = std.randint(1, 30)
            k = std.randint(0, size)
            assert (lo, hi, size, k) == (
                randint(ours, -5, 5),
                lo + randint(ours, 0, 300),
                randint(ours, 1, 30),
                randint(ours, 0, size),
            )
            assert randint(ours, lo, hi) == std.randint(lo, hi)
            assert sample(ours, list(range(size)), k) == std.sample(list(range(size)), k)
            assert sample(ours, tuple("abcdefgh"), 1) == std.sample(tuple("abcdefgh"), 1)
        assert ours.getstate() == std.getstate()
    with pytest.raises(ValueError):
        randint(random.Random(0), 3, 2)


def test_fractional_coefficient_is_not_juxtaposed_in_textbook_style():
    from fractions import Fraction

    from hf_mathrules.expr import Num, Sym, text

    assert text(Num(Fraction(1, 2)) * Sym("x")) == "1/2*x"
    assert text(Num(3) * Sym("x")) == "3x"
