"""The gates: a row is emitted only if every one passes.  Each returns ``None`` or a short reason.

1. ``well_formed``: names defined once, every referenced name exists, one query, descriptions distinct.
2. ``exact``: the program solves exactly; every value respects its role (positive, integral counts and
   ages), is bounded, and the answer keeps its class (integer unless decimals or fractions are asked).
3. ``unique``: the answer is *derived*: it is not stated, the solver (which never sees it) forces
   exactly one value, and it depends on at least one given (re-implementations whose "verified" answer
   was written into the program passed a vacuous check; this gate is the fix).
4. ``steps``: every solution step re-checked: its equation holds, exactly, at the values of the steps.
5. ``round_trip``: the text read back by the frames' inverses re-solves to the same answer; no formal
   tokens in the text; the answer does not appear in it; every number in it was read as one given.
6. ``dedupe``: the problem differs from its seed's instance (the row source also drops repeats and
   assigns splits by a hash of the seed instance, so no evaluation split shares a seed instance).
7. ``second_opinion`` (on a sample): z3 when installed (the SMT-LIB export: sat, and the answer is the
   only model), else SymPy solving the machine-syntax problem.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .frames import NUMBER, number_text, occasions, parse_symbolic, parse_text, qualified
from .program import DECIMAL_ROLES, ROLES, Program, evaluate, free_names
from .solution import needed_steps
from .solver import Solution, solve

GATES = ("well_formed", "exact", "unique", "steps", "round_trip", "dedupe", "second_opinion")
BOUND = 10**6
FORMAL = re.compile(r"[=*^_\\{}\[\]]|\b[a-z]\d+\b|\b(?:k|h|r|u|d|c)\d|\bNone\b")
# what a match of ``FORMAL`` needs: one of its symbols, "None", or a letter a-z right before a digit (its
# two other branches); texts without any of them are passed without running ``FORMAL``'s four branches at
# every character (~20 us a text; issue 19 round 6)
_FORMAL_SYMBOL = re.compile(r"[=*^_\\{}\[\]]")
_LETTER_DIGIT = re.compile(r"\d(?<=[a-z]\d)")


def formal_token(text: str) -> re.Match | None:
    """``FORMAL.search(text)``, with the test of what a match needs first."""
    if "None" in text or _FORMAL_SYMBOL.search(text) or _LETTER_DIGIT.search(text):
        return FORMAL.search(text)
    return None


def well_formed(p: Program) -> str | None:
    names = p.names()
    if len(set(names)) != len(names):
        return "a name is defined twice"
    if len(p.query) < 1 or any(q not in names for q in p.query):
        return "the query is not a quantity"
    known = set(names)
    for x in p.quantities:
        # ``free_names``: ``free_symbols()`` remembered per node (issue 19 round 8)
        if x.expr is not None and not free_names(x.expr) <= known:
            return f"{x.name} uses an undefined quantity"
    for r in p.relations:
        if not (free_names(r.lhs) | free_names(r.rhs)) <= known:
            return "a relation uses an undefined quantity"
    if p.family == "word":
        descs = [x.desc for x in p.quantities if x.desc and not x.inline]
        if len(set(descs)) != len(descs) and not _conversion_pairs(p):
            return "two quantities share a description"
        if len(p.query) != 1:
            return "a word problem asks one question"
    return None


def _conversion_pairs(p: Program) -> bool:
    descs = [x.desc for x in p.quantities if x.desc and not x.inline]
    dup = {d for d in descs if descs.count(d) > 1}
    return all(sum(1 for x in p.quantities if x.desc == d) == 2 for d in dup)


def answer_class_ok(p: Program, v: Fraction, answer_class: str) -> bool:
    if answer_class == "fraction" or v.denominator == 1:
        return True
    if answer_class == "decimal":
        role = p.q(p.query[0]).role if p.family == "word" else "number"
        return role in DECIMAL_ROLES and (v * 100).denominator == 1
    return False


def exact(p: Program, sol: Solution, answer_class: str = "integer") -> str | None:
    if sol.status != "ok":
        return f"does not solve ({sol.status})"
    by_name = p.by_name
    word = p.family == "word"
    for name, v in sol.values.items():
        x = by_name.get(name)
        if x is None:
            continue
        if type(v) is int:  # a whole value that passes ``value_reason``'s checks of one (issue 19 round 10)
            _i, positive, lo, hi, _h = x.check
            if not (positive and v <= 0 or v > BOUND or v < -BOUND or lo is not None and not lo <= v <= hi):
                continue
        reason = value_reason(x, v, word)
        if reason:
            return reason
    if word:
        reason = spare_unit(p, sol.values) or fixed_rate_total(p, sol.values) or price_move(p, sol.values)
        if reason:
            return reason
    for q in p.query:
        if not answer_class_ok(p, sol.values[q], answer_class):
            return f"answer {sol.values[q]} is not of class {answer_class}"
    return None


def spare_unit(p: Program, values) -> str | None:
    """A remainder of a whole unit or more ("59 empty seats" on buses of 22 seats, "22 slices left over" of
    pizzas of 12 slices: fewer buses or pizzas would do, round 7's reading), for a quantity whose seed
    says what bounds it (``below``)."""
    qs = p.quantities
    for i, below in links(p)[0]:  # the quantities with a ``below`` that the program has, in order
        x = qs[i]
        v = values.get(x.name, x.value)
        cap = values.get(below, p.q(below).value)
        if v is not None and cap is not None and v >= cap:
            return f"{x.name} = {v} is a whole {below} ({cap}) or more to spare"
    return None


def links(p: Program) -> tuple[tuple, tuple, tuple]:
    """What ``spare_unit``, ``fixed_rate_total`` and ``price_move`` look up in ``p`` before they read any
    value, by place in ``p.quantities`` and in their loops' order: (i, ``below``) for each quantity that
    has a ``below`` the program has; (i of y, s, i of x) for each computed y and each qualifier s whose
    description ``qualified(y.desc, s)`` is that of a quantity x that no definition gives (x not y); (i of
    y, s, i of x) for each price or wage y and each occasion s not at the same time whose description is
    x's.  They read the descriptions, definitions, roles, ``below`` and ``conversion``, never a value: worked
    out once per program and kept by ``Program.with_values`` (the draws of a variant: issue 19 round 10)."""
    d = p.__dict__
    got = d.get("_gate_links")
    if got is not None:
        return got
    qs, by_name = p.quantities, p.by_name
    spare = tuple((i, x.below) for i, x in enumerate(qs) if x.below and x.below in by_name)
    index: dict[str, int] = {}
    for i, x in enumerate(qs):
        if x.desc and not x.conversion:
            index[x.desc] = i  # the last of a description, as ``{x.desc: x for x in ...}``
    fixed, price = [], []
    for iy, y in enumerate(qs):
        if not y.desc or y.conversion:
            continue
        if y.expr is not None:
            for s, desc in occasions(y.desc):
                ix = index.get(desc)
                if ix is not None and qs[ix].expr is None and qs[ix] is not y:
                    fixed.append((iy, s, ix))
        if y.role == "price" or (y.role == "rate" and "wage" in y.desc):
            for s, desc in occasions(y.desc):
                ix = index.get(desc)
                if ix is not None and s not in _SAME_TIME:
                    price.append((iy, s, ix))
    got = d["_gate_links"] = (spare, tuple(fixed), tuple(price))
    return got


def _whole(x) -> bool:
    """A quantity whose values come in whole numbers: an integral role (a count, an age), or a duration drawn
    on a whole grid (hours of work, days)."""
    return ROLES.get(x.role, (False, False))[0] or (
        x.role == "time" and x.step >= 1 and x.step.denominator == 1
    )


def _reachable(coeffs: list[Fraction], target: Fraction, cap: int = 200_000) -> bool:
    """Whether ``target`` is a sum of ``coeffs[i] * n_i`` with whole ``n_i >= 1``."""
    if not coeffs:
        return target == 0
    scale = 1
    for c in [*coeffs, target]:
        scale = scale * c.denominator // math.gcd(scale, c.denominator)
    cs, t = [int(c * scale) for c in coeffs], target * scale
    if t.denominator != 1:
        return False
    t = int(t)
    g = 0
    for c in cs:
        g = math.gcd(g, abs(c))
    if g == 0:
        return t == 0
    if t % g:
        return False
    if any(c <= 0 for c in cs):  # signs mixed: the gcd is the whole condition (no bound on the n_i)
        return True
    rest = t - sum(cs)  # every n_i at least 1
    if rest < 0:
        return False
    cs, rest = [c // g for c in cs], rest // g
    if rest > cap:
        return True
    # the sums 0..rest of whole multiples of the ``cs`` as the bits of one integer: each coefficient's
    # multiples added by doubling shifts (c, 2c, 4c, ... up to ``rest``), which gives the sums that the
    # table ``seen[v] = any(v >= c and seen[v - c] for c in cs)`` marks (issue 19 round 9: that loop ran
    # in Python over every v up to ``rest``)
    reach, mask = 1, (1 << (rest + 1)) - 1
    for c in cs:
        step = c
        while step <= rest:
            reach |= (reach << step) & mask
            step <<= 1
    return bool(reach >> rest & 1)


# (a Fraction is immutable: one of each for every call)
_F0, _F1, _F2 = Fraction(0), Fraction(1), Fraction(2)


def _on_occasion(p: Program, values, by_desc: dict, s: str, free: list[str], name: str, env: dict, depth=0):
    """The value of ``name`` on occasion ``s``: a quantity said on ``s`` gives its value, a computed one is
    computed from its inputs on ``s``, a given that has occasion ``s`` is free (``env``'s value, 0 when not
    set; its name is added to ``free``), any other keeps its value."""
    q = p.by_name[name]
    kin = by_desc.get(qualified(q.desc, s)) if q.desc and depth else None
    if kin is not None and kin is not q:
        v = values.get(kin.name, kin.value)
        if v is None:
            raise LookupError(kin.name)
        return v
    if q.expr is not None and depth < 8:
        ins = {n: _on_occasion(p, values, by_desc, s, free, n, env, depth + 1) for n in free_names(q.expr)}
        return evaluate(q.expr, ins)
    if q.expr is None and s in q.qualifiers:
        if name not in free:
            free.append(name)
        return env.get(name, _F0)
    v = values.get(name, q.value)
    if v is None:
        raise LookupError(name)
    return v


def fixed_rate_total(p: Program, values) -> str | None:
    """A total on another occasion that the story's fixed rates cannot give (round 7's row 28, round 9's
    reading: "the ticket revenue the day before is 822 dollars" with adult tickets at 10 and child tickets
    at 5 dollars, prices that only change "last year": every day's revenue is a multiple of 5).  For a
    computed quantity ``y`` and a quantity ``x`` that is ``y`` on occasion ``s`` with a value only relations
    give, the inputs of ``y`` that have occasion ``s`` (their seed's qualifiers) are free on it, the others
    keep their value; when every free input comes in whole numbers and the total is linear in them, some
    whole positive values of them must give ``x``'s value."""
    fixed = links(p)[1]
    if not fixed:
        return None
    qs = p.quantities
    by_desc = {x.desc: x for x in qs if x.desc and not x.conversion}
    for iy, s, ix in fixed:  # (y, s, x) with x = by_desc[qualified(y.desc, s)]: ``links``
        y, x = qs[iy], qs[ix]
        target = values.get(x.name, x.value)
        if target is None:
            continue
        free: list[str] = []
        try:
            base = _on_occasion(p, values, by_desc, s, free, y.name, {})
            if not free or not all(_whole(p.q(n)) for n in free):
                continue
            coeffs = [_on_occasion(p, values, by_desc, s, free, y.name, {n: _F1}) - base for n in free]
            twice = _on_occasion(p, values, by_desc, s, free, y.name, dict.fromkeys(free, _F2))
            if twice != base + 2 * sum(coeffs):  # not linear in the free inputs
                continue
        except (LookupError, ValueError, ZeroDivisionError):
            continue
        if not _reachable([Fraction(c) for c in coeffs], Fraction(target) - base):
            return f"{x.name} = {target} cannot be {y.desc} {s} at the story's fixed rates"
    return None


# a price (or a wage) on another day, week, month or year than now moves by at most half up or a third
# down: "the price of fuel per liter last year" 2 dollars beside 4 now, a cup 4 -> 2 dollars, a child ticket
# 3 -> 6 (round 9's reading; rounds 7 and 8 listed the same: a novel 12 -> 6, fencing 11 -> 3 dollars)
PRICE_MOVE = Fraction(3, 2)
_SAME_TIME = ("at the second shop", "in the first round", "in the morning", "in the evening")


def price_move(p: Program, values) -> str | None:
    """A price or wage whose value on a past occasion is more than 1.5 times its value now, or less than
    two thirds of it (``PRICE_MOVE``)."""
    qs = p.quantities
    for iy, s, ix in links(p)[2]:  # (y, s, x) with x's description ``qualified(y.desc, s)``: ``links``
        y, x = qs[iy], qs[ix]
        a = values.get(y.name, y.value)
        b = values.get(x.name, x.value)
        if a is None or b is None or a <= 0 or b <= 0:
            continue
        if max(a, b) > PRICE_MOVE * min(a, b):
            return f"{x.name} = {b} beside {y.name} = {a}: a price that moves more than half in {s}"
    return None


def value_reason(x, v, word: bool = True) -> str | None:
    """Why the value ``v`` of the quantity ``x`` breaks its role, its range or the bounds (``exact``'s check
    of one value; ``v`` an ``int`` when whole, as the solver gives it), or None."""
    integral, positive, lo, hi, stated = x.check
    if positive and v <= 0:
        return f"{x.role} {x.name} is not positive"
    if type(v) is not int:
        if integral and v.denominator != 1:
            return f"{x.role} {x.name} is not a whole number"
        if v.denominator > 1000:
            return "a value has an ugly denominator"
        if word and stated and 100 % v.denominator:
            return f"{x.role} {x.name} = {v} is not a whole number of hundredths"
    if v > BOUND or v < -BOUND:
        return "a value exceeds 10^6"
    if lo is not None and not lo <= v <= hi:
        return f"{x.role} {x.name} = {v} is outside its plausible range [{x.lo}, {x.hi}]"
    return None


def unique(p: Program, linked: bool = False) -> str | None:
    """``linked``: ``unlinked(p)`` is known to be None (a copy of a program with other stated values, whose
    links and kinds are its; issue 19 round 15), so it is not asked again."""
    for q in p.query:
        if p.q(q).value is not None:
            return "the answer is stated in the problem"
    sol = solve(p, drop=p.query)
    if sol.status != "ok" or any(q not in sol.values for q in p.query):
        return f"the solver cannot derive a unique answer ({sol.status})"
    if not linked:
        reason = unlinked(p)
        if reason:
            return reason
    if states_answer(p.problem_string(), p.query):
        return "the problem string states the answer"
    return None


def unlinked(p: Program) -> str | None:
    """``unique``'s test that each answer depends on a given: it reads the program's definitions and relations
    (``dependencies``), its names and which quantities state a value, nothing else."""
    for q in p.query:
        deps = p.dependencies(q)
        if p.family == "word" and not any(
            p.q(n).kind in ("given", "observed") for n in deps if n in p.by_name
        ):
            return "the answer depends on no given"
    return None


def states_answer(problem: str, query: tuple[str, ...]) -> bool:
    """Whether a part of ``problem`` (split at "; ") whose left side (before its first " = ") is a query
    name has a number for its right side.  Such a part starts with "q = " (a name holds no " = "), and its
    right side is the rest: each part is tested for that start instead of partitioned and its left side
    formatted (issue 19 round 12; ``states_answer_plain`` is the old loop, which the tests compare)."""
    if any(" = " in q for q in query):  # (no name holds one; the plain loop if one did)
        return states_answer_plain(problem, query)
    stated = tuple(f"{q} = " for q in query)
    for part in problem.split("; "):
        if part.startswith(stated) and NUMBER.fullmatch(part.partition(" = ")[2].strip().lstrip("-")):
            return True
    return False


def states_answer_plain(problem: str, query: tuple[str, ...]) -> bool:
    """``states_answer`` as ``unique`` wrote it before issue 19 round 12."""
    stated = {f"{q} = " for q in query}
    for part in problem.split("; "):
        lhs, _, rhs = part.partition(" = ")
        if f"{lhs} = " in stated and NUMBER.fullmatch(rhs.strip().lstrip("-")):
            return True
    return False


def steps_ok(p: Program, sol: Solution) -> str | None:
    vals = sol.values
    for st in sol.steps:
        try:
            if evaluate(st.equation.lhs, vals) != evaluate(st.equation.rhs, vals):
                return f"step {st.name} = {st.value} does not satisfy its equation"
        except (KeyError, ZeroDivisionError, ValueError) as exc:
            return f"step {st.name} cannot be re-checked: {exc}"
    if not equations_hold(p, vals):
        return "an equation of the problem does not hold at the solution"
    return determination_problem(p, sol)


def equations_hold(p: Program, vals: dict) -> bool:
    """Whether every equation of ``p.equations()`` holds at ``vals``: each evaluated as ``evaluate(eq.lhs)
    != evaluate(eq.rhs)`` would, in the same order (the same errors), without building the equations'
    nodes (a stated value: ``vals[name]`` against the value; a definition: ``vals[name]`` against its
    expression; a relation: its two sides; issue 19 round 6)."""
    for x in p.quantities:
        if x.value is not None and vals[x.name] != x.value:
            return False
        if x.expr is not None and vals[x.name] != evaluate(x.expr, vals):
            return False
    for r in p.relations:
        if evaluate(r.lhs, vals) != evaluate(r.rhs, vals):
            return False
    return True


def determination_problem(p: Program, sol: Solution) -> str | None:
    """Each step the solution shows determines what it names: its equation (a system step: its block of
    equations) has, besides what the earlier shown steps and the givens know, exactly the quantity (or
    quantities) it names as unknowns, and no block has fewer equations than unknowns."""
    known = {st.name for st in sol.steps if st.how == "given"}
    for st in needed_steps(sol, p.query):
        eqs = st.block or (st.equation,)
        # ``free_names``: ``free_symbols()`` remembered per node (issue 19 round 8)
        free = set().union(*(free_names(e.lhs) | free_names(e.rhs) for e in eqs)) - known
        names = set(st.together) if st.how == "system" else {st.name}
        if st.how == "system" and names <= known:
            continue  # the rest of a block already checked
        if free != names:
            return f"the step for {st.name} does not determine it from what is known ({sorted(free)})"
        if len(eqs) < len(names):
            return f"the step for {st.name} solves {len(names)} quantities from {len(eqs)} equations"
        known |= names
    return None


def round_trip(p: Program, text: str, sol: Solution, seeds) -> str | None:
    if p.family == "word":
        formal = formal_token(text)
        if formal:
            return f"formal token in the text: {formal.group(0)!r}"
        answer = number_text(sol.values[p.query[0]])
        numbers = NUMBER.findall(text)
        if answer in numbers:
            return "the answer appears in the text"
        parsed = parse_text(text, seeds, numbers_in_text=len(numbers))
        if parsed.program is None or parsed.problems:
            return "text does not parse back: " + "; ".join(parsed.problems)
        if parsed.numbers_read != parsed.numbers_in_text:
            return f"{parsed.numbers_in_text} numbers in the text, {parsed.numbers_read} read as givens"
        back = parsed.program
    else:
        try:
            back = parse_symbolic(text)
        except SyntaxError as exc:
            return f"text does not parse back: {exc}"
        if back is None:
            return "text does not parse back"
    sol2 = solve(back, drop=back.query)
    if sol2.status != "ok" or any(q not in sol2.values for q in back.query):
        return f"text re-solves to no unique answer ({sol2.status}: {sol2.detail})"
    got = [sol2.values[q] for q in back.query]
    want = [sol.values[q] for q in p.query]
    if got != want:
        return f"text re-solves to {got}, program to {want}"
    return None


def second_opinion(p: Program, answer: dict[str, Fraction], use: str = "auto") -> str | None:
    """z3 on the SMT-LIB export when available (or asked), else SymPy on the machine-syntax problem."""
    if use in ("auto", "z3"):
        try:
            import z3  # noqa: F401
        except ImportError:
            if use == "z3":
                return "z3 is not installed (pip install 'hf-mathrules[mutate]')"
        else:
            return _z3_opinion(p, answer)
    return _sympy_opinion(p, answer)


def _z3_opinion(p: Program, answer: dict[str, Fraction]) -> str | None:
    import z3

    s = z3.Solver()
    s.set("timeout", 5000)
    body = "\n".join(
        line for line in p.to_smtlib().splitlines() if not line.startswith(("(get-value", "(set-logic"))
    )
    s.add(z3.parse_smt2_string(body))
    if s.check() != z3.sat:
        return "z3: no model"
    m = s.model()
    for q, v in answer.items():
        got = m.eval(z3.Real(q), model_completion=True)
        if Fraction(got.as_fraction()) != v:
            return f"z3: {q} = {got}, not {v}"
    s.add(z3.Or([z3.Real(q) != z3.RealVal(str(v)) for q, v in answer.items()]))
    if s.check() != z3.unsat:
        return "z3: the answer is not the only model"
    return None


def _sympy_opinion(p: Program, answer: dict[str, Fraction]) -> str | None:
    import sympy

    from ..rules.statements import parse_statement

    st = parse_statement(p.problem_string()) if "; " in p.problem_string() else None
    eqs = st.eqs if st is not None else [parse_statement(p.problem_string()).expr]
    syms = sorted(set().union(*(e.free_symbols for e in eqs)), key=str)
    sols = sympy.solve(eqs, syms, dict=True)
    positive = {sympy.Symbol(x.name) for x in p.quantities if ROLES[x.role][1]}
    ok = [s for s in sols if all(k not in positive or bool(v > 0) for k, v in s.items() if v.is_number)]
    if not ok:
        return "sympy: no solution"
    for q, v in answer.items():
        vals = {s.get(sympy.Symbol(q)) for s in ok}
        if vals != {sympy.Rational(v.numerator, v.denominator)}:
            return f"sympy: {q} in {vals}, not {v}"
    return None
