"""Form checks: equivalence accepts the question as its own answer, so a rule's target form is checked
on the prediction's tree (as written, before SymPy reorders anything).

``expanded``: a sum of monomials with like terms collected.  ``factored``: a product of irreducible
factors.  ``solved``: assignments / values free of the unknowns.  ``simplified``: no larger than the
reference, fractions in lowest terms, like terms collected.  ``ordered``: the reference's terms in the
reference's order.  ``system``/``roots`` map to solved; ``rref`` checks a matrix is in reduced row
echelon form (else solved).
"""

from __future__ import annotations

from math import gcd

from .compare import last_value, value_trees
from .kinds import is_assignment, is_equation
from .parser import walk

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


def size(t) -> int:
    return sum(1 for _ in walk(t))


def is_simplified(gold, pred) -> tuple[bool, str]:
    p = last_value(pred)
    if not _lowest_terms(p):
        return False, "a fraction is not in lowest terms"
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


def check_form_sympy(form: str, gold, pred, comparer) -> tuple[bool, str]:
    """Form checks that need SymPy (factored, ordered, rref); the rest are pure tree checks."""
    import sympy

    if form == "factored":
        for f in factor_trees(pred):
            e = comparer.b(f)
            if not e.free_symbols:
                continue
            try:
                coeff, facs = sympy.factor_list(e)
            except sympy.PolynomialError:
                continue
            if len(facs) != 1 or facs[0][1] != 1 or abs(coeff) != 1 and f[0] == "add":
                return False, f"factor {sympy.sstr(e)} is not irreducible"
        return True, ""
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


TREE_FORMS = ("expanded", "solved", "simplified")


def check_form(gold, pred, form: str) -> tuple[bool, str]:
    form = FORM_ALIASES.get(form, form)
    if form == "expanded":
        return is_expanded(pred)
    if form == "solved":
        return is_solved(gold, pred)
    if form == "simplified":
        return is_simplified(gold, pred)
    raise ValueError(f"form {form!r} needs SymPy")
