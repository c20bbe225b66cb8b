"""Form checks: equivalence accepts the question as its own answer, so a rule's target form is checked
on the prediction's tree (as written, before SymPy reorders anything).  Every form is decided here, on
the tree, so the fast path and the SymPy worker always reach the same form verdict.

What each form means (the one definition; the rules' generators and ``validate.py`` use it too):

``expanded``
    a sum of monomials with like terms collected (the result of distributivity).
``factored``
    the reverse of distributivity: a product in which no sum factor has a common factor left in its
    terms (no common number, no common variable), with at least as many non-constant factors as the
    reference.  ``4(y - 2)`` is factored, ``4y - 8`` and ``2(2y - 4)`` are not; ``8a^2 s(2s^2 - s - 3)``
    is (the common factor is out; splitting ``2s^2 - s - 3`` further is allowed, not required unless the
    reference does it: against ``(x - 1)(x + 1)``, ``x^2 - 1`` is not factored).
``solved``
    assignments or plain values, none depending on a variable the reference solves for, no arithmetic
    left between numbers.
``simplified``
    no larger than the reference, fractions in lowest terms, like terms collected.
``ordered``
    the reference's terms in the reference's order (decided with the values: needs a comparer).
``rref``
    a matrix in reduced row echelon form (else ``solved``).  ``system``/``roots`` mean ``solved``.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

from .fastpath import NotFast, to_rf
from .kinds import is_assignment, is_equation
from .limits import Limits
from .tree import walk
from .views import last_value, value_trees

FORMS = ("expanded", "factored", "solved", "simplified", "ordered", "system", "roots", "rref")
FORM_ALIASES = {"system": "solved", "roots": "solved"}


def _strip_neg(t):
    while t[0] == "neg":
        t = t[1]
    return t


def _contains_add(t) -> bool:
    stack = [t]
    while stack:
        n = stack.pop()
        if not n:
            continue
        if not isinstance(n[0], str):
            stack.extend(n)
            continue
        if n[0] in ("add", "pm"):
            return True
        if n[0] == "func":
            continue  # sqrt(x + 1) is one atom of a monomial
        stack.extend(x for x in n[1:] if isinstance(x, tuple))
    return False


def _terms(t) -> list:
    t = _strip_neg(t)
    return [_strip_neg(x) for x in t[1]] if t[0] == "add" else [t]


def monomial_key(term) -> tuple | None:
    """Sorted (name, exponent) of a monomial term as written, or None when it is not one."""
    powers: dict[str, int] = {}
    stack = [_strip_neg(term)]
    while stack:
        n = _strip_neg(stack.pop())
        tag = n[0]
        if tag == "mul":
            stack.extend(n[1])
        elif tag == "num" or tag == "div" and n[1][0] == "num" and n[2][0] == "num":
            continue
        elif tag == "sym":
            powers[n[1]] = powers.get(n[1], 0) + 1
        elif tag == "pow" and n[1][0] == "sym" and n[2][0] == "num" and n[2][1].isdigit():
            powers[n[1][1]] = powers.get(n[1][1], 0) + int(n[2][1])
        elif tag in ("const", "func", "fact", "pow"):
            powers[repr(n)] = powers.get(repr(n), 0) + 1
        else:
            return None
    return tuple(sorted(powers.items()))


def _like_terms_collected(t) -> bool:
    keys = [monomial_key(x) for x in _terms(t)]
    known = [k for k in keys if k is not None]
    return len(set(known)) == len(known)


def is_expanded(t) -> tuple[bool, str]:
    t = last_value(t)
    for term in _terms(t):
        if _contains_add(term):
            return False, "a term still contains a sum (not expanded)"
    if not _like_terms_collected(t):
        return False, "like terms are not collected"
    return True, ""


def _lowest_terms(t) -> bool:
    for n in walk(t):
        if (
            n[0] == "div"
            and n[1][0] == "num"
            and n[2][0] == "num"
            and n[1][1].isdigit()
            and n[2][1].isdigit()
        ):
            a, b = int(n[1][1]), int(n[2][1])
            if b == 1 or gcd(a, b) != 1:
                return False
    return True


def _square_inside_root(t) -> bool:
    """``\\sqrt{8}``: an integer under a square root that still has a square factor (8 = 4 * 2)."""
    for n in walk(t):
        if n[0] == "func" and n[1] == "sqrt" and n[2][0][0] == "num" and n[2][0][1].isdigit():
            v = int(n[2][0][1])
            if v < 10**12 and any(v % (k * k) == 0 for k in range(2, min(int(v**0.5), 10**6) + 1)):
                return True
    return False


def size(t) -> int:
    return sum(1 for _ in walk(t))


def is_simplified(gold, pred, limits: Limits | None = None) -> tuple[bool, str]:
    p = last_value(pred)
    if not _lowest_terms(p):
        return False, "a fraction is not in lowest terms"
    if _square_inside_root(p):
        return False, "a square factor is left under a root"
    for n in walk(p):
        if n[0] == "div":
            shared = _shared_by_fraction(n, limits or Limits())
            if shared:
                return False, f"a fraction is not in lowest terms: {shared}"
    if not _like_terms_collected(p):
        return False, "like terms are not collected"
    if size(p) > size(last_value(gold)) + 2:
        return False, f"larger than the reference ({size(p)} vs {size(last_value(gold))} nodes)"
    return True, ""


def is_solved(gold, pred) -> tuple[bool, str]:
    """Assignments or plain values, none depending on a variable the reference solves for."""
    unknowns = set()
    g_items = gold[2] if gold[0] == "seq" else (gold,)
    for it in g_items:
        if is_assignment(it):
            unknowns.add(it[2][0][1])
    items = pred[2] if pred[0] == "seq" else (pred,)
    for it in items:
        if is_equation(it) and not is_assignment(it):
            return False, "an equation that is not solved for a variable"
        if it[0] == "rel" and not is_equation(it):
            return False, "not an assignment"
        vt = value_trees(it)
        if vt is None:
            continue
        for v in vt[1]:
            if _mentions_any(v, unknowns):
                return False, "the value still contains an unknown"
            if _pending_arithmetic(v):
                return False, "the value still has arithmetic to do"
    return True, ""


def _is_number(t) -> bool:
    return t[0] == "num" or t[0] == "neg" and t[1][0] == "num"


def _pending_arithmetic(t) -> bool:
    """``32 + 3``, ``2*5``: numbers still to be combined."""
    for n in walk(t):
        if n[0] in ("add", "mul") and len(n[1]) >= 2 and all(_is_number(c) for c in n[1]):
            return True
    return False


def _mentions_any(t, names: set) -> bool:
    return any(n[0] == "sym" and n[1] in names for n in walk(t))


def factor_trees(t) -> list:
    """Factors of a product as written (powers give their base)."""
    t = _strip_neg(last_value(t))
    out, stack = [], [t]
    while stack:
        n = _strip_neg(stack.pop())
        if n[0] == "mul":
            stack.extend(n[1])
        elif n[0] == "pow":
            stack.append(n[1])
        elif n[0] == "div":
            stack.extend([n[1], n[2]])
        else:
            out.append(n)
    return out


def _nonconstant_factors(t) -> int:
    """How many non-constant factors a product has as written (``x^2 (x + 1)`` has 3)."""
    tag = t[0]
    if tag == "neg":
        return _nonconstant_factors(t[1])
    if tag == "mul":
        return sum(_nonconstant_factors(f) for f in t[1])
    if tag == "div":
        return _nonconstant_factors(t[1]) + _nonconstant_factors(t[2])
    if tag == "pow" and t[2][0] == "num" and t[2][1].isdigit():
        return int(t[2][1]) * _nonconstant_factors(t[1]) if int(t[2][1]) <= 64 else 1
    return 1 if any(n[0] == "sym" for n in walk(t)) else 0


def _opaque(t):
    """``t`` with every non-rational part (``sqrt(2)``, ``pi``, ``sin x``) replaced by one opaque name, so
    that ``4y - 4 sqrt(2)`` still shows its common factor 4."""
    tag = t[0]
    if tag in ("num", "sym"):
        return t
    if tag in ("add", "mul"):
        return (tag, tuple(_opaque(x) for x in t[1]))
    if tag in ("div", "neg"):
        return (tag, *(_opaque(x) for x in t[1:]))
    if tag == "pow" and t[2][0] == "num" and t[2][1].isdigit():
        return ("pow", _opaque(t[1]), t[2])
    return ("sym", f"<{t!r}>")


def _poly(t, limits: Limits):
    """``t`` as a polynomial with rational coefficients (monomial -> Fraction), or None."""
    try:
        num, den = to_rf(_opaque(t), limits)
    except NotFast:
        return None
    if len(den) != 1 or () not in den:
        return None
    return {m: c / den[()] for m, c in num.items()}


def _content(poly: dict) -> tuple[Fraction, set]:
    """The number and the variables every term of ``poly`` shares."""
    coeffs = list(poly.values())
    number = Fraction(gcd(*(c.numerator for c in coeffs)), lcm(*(c.denominator for c in coeffs)))
    shared = set.intersection(*({v for v, e in mono if e > 0} for mono in poly))
    return number, shared


def _common_factor(t, limits: Limits) -> str | None:
    """The factor all terms of the sum ``t`` still share (a number other than 1, or a variable), or None.
    A sum that is not a polynomial with rational coefficients has no factor we can name: None."""
    poly = _poly(t, limits)
    if not poly or len(poly) < 2:
        return None
    number, shared = _content(poly)
    if number != 1:
        return f"the common factor {number}"
    if shared:
        return f"the common variable {min(shared)}"
    return None


def _shared_by_fraction(t, limits: Limits) -> str | None:
    """A number or variable that divides both the numerator and the denominator of ``t`` (a div)."""
    num, den = _poly(t[1], limits), _poly(t[2], limits)
    if not num or not den:
        return None
    (a, va), (b, vb) = _content(num), _content(den)
    if all(c.denominator == 1 for c in (*num.values(), *den.values())):
        g = gcd(a.numerator, b.numerator)
        if g != 1:
            return f"numerator and denominator share the factor {g}"
    if va & vb:
        return f"numerator and denominator share the variable {min(va & vb)}"
    return None


def is_factored(gold, pred, limits: Limits | None = None) -> tuple[bool, str]:
    limits = limits or Limits()
    p, g = last_value(pred), last_value(gold)
    for f in factor_trees(p):
        if f[0] == "add":
            common = _common_factor(f, limits)
            if common:
                return False, f"the terms of a sum still have {common} (not factored)"
    have, want = _nonconstant_factors(p), _nonconstant_factors(g)
    if have < want:
        return False, f"{have} non-constant factor(s), the reference has {want} (not factored)"
    return True, ""


def check_form_sympy(form: str, gold, pred, comparer) -> tuple[bool, str]:
    """Form checks that compare values with SymPy (ordered, rref); the rest are pure tree checks."""
    import sympy

    if form == "ordered":
        g_terms, p_terms = _terms(last_value(gold)), _terms(last_value(pred))
        g_full, p_full = list(_signed_terms(last_value(gold))), list(_signed_terms(last_value(pred)))
        if len(g_terms) != len(p_terms):
            return False, "a different number of terms"
        for gt, pt in zip(g_full, p_full):
            if not comparer.cmp_expression(gt, pt)[0]:
                return False, "terms are in a different order"
        return True, ""
    if form == "rref":
        if pred[0] != "matrix":
            return check_form(gold, pred, "solved")
        m = sympy.Matrix([[comparer.b(x) for x in row] for row in pred[1]])
        return (m.rref()[0] == m, "" if m.rref()[0] == m else "not in reduced row echelon form")
    raise ValueError(form)


def _signed_terms(t):
    if t[0] == "add":
        yield from t[1]
    else:
        yield t


TREE_FORMS = ("expanded", "factored", "solved", "simplified")


def form_error(form: str, gold: str, pred: str, limits: Limits | None = None) -> str | None:
    """Why ``pred`` (text) is not in ``form`` against the reference ``gold`` (text), or None: the checker's
    definition of a tree form, for callers that hold strings (a rule validating its own rows)."""
    from .parser import parse, symbols_of

    limits = limits or Limits()
    g = parse(gold, limits)
    ok, why = check_form(g, parse(pred, limits, symbols=symbols_of(g)), form)
    return None if ok else why


def check_form(gold, pred, form: str) -> tuple[bool, str]:
    form = FORM_ALIASES.get(form, form)
    if form == "expanded":
        return is_expanded(pred)
    if form == "solved":
        return is_solved(gold, pred)
    if form == "simplified":
        return is_simplified(gold, pred)
    if form == "factored":
        return is_factored(gold, pred)
    raise ValueError(f"form {form!r} needs SymPy")
