"""Projected Metropolis sampling over programs, with difficulty control.

One chain: start from a seed instance; propose an operator (complications more often while the
difficulty is below the target, simplifications above it); *project* the constants it touched back onto
the valid set (redraw them from their ranges a few times, then move to the nearest feasible grid point:
an exact search outward in L1 distance, our solver deciding feasibility); accept with the Metropolis
rule on the target

    pi(x) = valid(x) * exp(-beta * |difficulty(x) - target|) * exp(gamma * unseen(x))

where ``unseen`` is 1 when x's structure signature is neither a seed's nor one the chain has visited
(items stay pure functions of (config, seed, index), so "seen" is per chain).  Every proposal is logged
per operator: applicable, projected, accepted.  The chain stops at the target (within tolerance) after
at least ``min_ops`` accepted operators, or after ``max_proposals``; the result reports how close it got.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import product

from .operators import OPERATORS, Operator
from .program import Program, replace
from .solution import measures
from .solver import solve

# requested difficulty (score of ``solution.measures``) per family and level; 6 is out of distribution
TARGETS = {
    "word": {1: 2, 2: 3.5, 3: 5, 4: 6.5, 5: 8, 6: 9.5},  # 6: above level 5's window (8 +- 0.75)
    "linear": {1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 8},
    "system": {1: 3.5, 2: 4.5, 3: 5.5, 4: 7, 5: 8.5, 6: 11},
}
TOLERANCE = 0.75
# operators proposed only until one of them is accepted: a rename draws every name afresh (only the last
# one reaches the row) and a redraw of one given is another draw from the range the seed instance already
# drew from; proposing them again costs a projection and a step each and adds nothing the row keeps
ONCE = frozenset({"rename", "perturb"})


@dataclass
class ChainLog:
    proposed: Counter = field(default_factory=Counter)
    applicable: Counter = field(default_factory=Counter)
    projected: Counter = field(default_factory=Counter)  # valid after projection
    accepted: Counter = field(default_factory=Counter)
    chain: list[tuple[str, Program]] = field(default_factory=list)  # accepted (operator, state)
    score: float = 0.0
    target: float = 0.0


def feasible(p: Program, answer_class: str):
    """The program's solution when every value respects its role and class, else None."""
    from .gates import exact

    sol = solve(p)
    return sol if exact(p, sol, answer_class) is None else None


def project(
    p: Program,
    touched: tuple[str, ...],
    rng: random.Random,
    answer_class: str,
    redraws: int = 6,
    radius: int = 4,
) -> tuple[Program, object] | None:
    """``(p, solution)`` if feasible; else redraw the touched givens; else the nearest feasible grid
    point (searched outward in L1 distance); ``None`` when neither finds one."""
    sol = feasible(p, answer_class)
    if sol is not None:
        return p, sol
    cands = [p.q(n) for n in touched if n in p.by_name and p.q(n).lo is not None and p.q(n).value is not None]
    if not cands:
        return None
    if len(cands) >= 2:  # a composed story not matched exactly: the wide grid search rarely repairs it
        radius = min(radius, 1)
    for _ in range(redraws):
        q = p
        for x in cands:
            n = int((x.hi - x.lo) / x.step)
            q = q.with_quantity(replace(x, value=x.lo + x.step * rng.randint(0, n)))
        sol = feasible(q, answer_class)
        if sol is not None:
            return q, sol
    cands = cands[:2]
    offsets = sorted(
        product(range(-radius, radius + 1), repeat=len(cands)), key=lambda o: (sum(map(abs, o)), o)
    )
    for off in offsets[1:]:
        q = p
        for x, d in zip(cands, off):
            v = x.value + d * x.step
            if not x.lo <= v <= x.hi:
                break
            q = q.with_quantity(replace(x, value=v))
        else:
            sol = feasible(q, answer_class)
            if sol is not None:
                return q, sol
    return None


def shows_answer(p: Program, sol) -> bool:
    """A word problem whose answer equals one of its stated numbers: the round-trip gate rejects its text
    ("the answer appears in the text"), so a chain neither stops at nor keeps as its best such a state."""
    if p.family != "word" or sol.status != "ok":
        return False
    q = p.query[0]
    a = sol.values.get(q)
    return a is not None and any(x.value == a for x in p.quantities if x.value is not None and x.name != q)


def difficulty(p: Program, sol=None) -> float | None:
    sol = sol if sol is not None else solve(p)
    return measures(p, sol)["score"] if sol.status == "ok" else None


def run_chain(
    start: Program,
    rng: random.Random,
    ctx,
    ops: list[Operator],
    target: float,
    *,
    max_proposals: int = 40,
    min_ops: int = 1,
    beta: float = 1.2,
    gamma: float = 1.0,
    projection: bool = True,
    novelty: bool = True,
    answer_class: str = "integer",
    seed_signatures: frozenset[str] = frozenset(),
    patience: int | None = None,
) -> tuple[Program, ChainLog]:
    log = ChainLog(target=target)
    state = start
    d = difficulty(state)
    state_valid = d is not None and feasible(state, answer_class) is not None
    state_ok = state_valid and not shows_answer(state, solve(state))  # a state the chain may end at
    d = d if d is not None else 0.0
    # structures visited: the seeds', and the accepted states' (signatures worked out only when a
    # proposal's acceptance depends on whether its structure is new; ``unvisited`` below)
    seen = set(seed_signatures)
    pending = [state]
    best, best_gap = state, abs(d - target) if state_ok and min_ops == 0 else math.inf
    complicate = [o for o in ops if o.kind == "complicate"]
    simplify = [o for o in ops if o.kind == "simplify"]
    surface = [o for o in ops if o.kind == "surface"]
    once_done = False  # an operator of ONCE accepted: the pools are filtered from then on

    def unvisited(p: Program) -> bool:
        if pending:
            seen.update(s.signature() for s in pending)
            pending.clear()
        return p.signature() not in seen

    n_acc = 0
    stale = 0  # proposals since the best state last got closer to the target
    for _ in range(max_proposals):
        if n_acc >= min_ops and state_ok and abs(d - target) <= TOLERANCE:
            break
        if patience and stale >= patience:
            break  # the chain has stalled short of the target (its story has no room left): give up early
        stale += 1
        pool_w = [
            (complicate, 3.0 if d < target else 0.5),
            (simplify, 3.0 if d > target else 0.5),
            (surface, 0.5),
        ]
        if once_done:
            pool_w = [
                ([o for o in pool if not (o.name in ONCE and log.accepted[o.name])], w) for pool, w in pool_w
            ]
        pool_w = [(pool, w) for pool, w in pool_w if pool]
        if not pool_w:
            break  # only ONCE operators were asked for, and they have been used
        pool = rng.choices([pw[0] for pw in pool_w], [pw[1] for pw in pool_w])[0]
        op = rng.choice(pool)
        log.proposed[op.name] += 1
        try:
            out = op.fn(state, rng, ctx)
        except (ZeroDivisionError, ValueError):  # e.g. a new solution puts a zero in a denominator
            out = None
        if out is None:
            continue
        log.applicable[op.name] += 1
        prop, touched = out
        if projection:
            got = project(prop, touched, rng, answer_class)
            if got is None:
                continue
            prop, sol = got
            valid = True
        else:
            sol = solve(prop)
            valid = feasible(prop, answer_class) is not None
        log.projected[op.name] += int(valid)
        d2 = difficulty(prop, sol)
        if d2 is None:
            valid, d2 = False, 0.0
        log_pi_new = (0.0 if valid else math.log(1e-3)) - beta * abs(d2 - target)
        log_pi_old = (0.0 if state_valid else math.log(1e-3)) - beta * abs(d - target)
        log_u = math.log(rng.random() + 1e-300)
        # the novelty term gamma * unseen (unseen: 0 or 1) decides only when log_u falls between the two
        # bounds; elsewhere the signature is not needed (the same decision, without working it out)
        if log_u < log_pi_new - log_pi_old or (
            novelty and gamma > 0 and log_u < log_pi_new + gamma - log_pi_old and unvisited(prop)
        ):
            state = replace(prop, history=(*prop.history, op.name)).same_formal_problem_as(prop)
            d, state_valid = d2, valid
            state_ok = valid and not shows_answer(prop, sol)
            pending.append(state)
            once_done = once_done or op.name in ONCE
            n_acc += 1
            log.accepted[op.name] += 1
            log.chain.append((op.name, state))
            if state_ok and n_acc >= min_ops and abs(d - target) < best_gap:
                best, best_gap = state, abs(d - target)
                stale = 0
    log.score = difficulty(best) or 0.0
    return best, log


# operators used only when named: ``compose`` joins two unrelated stories by an equality ("The price of
# the game equals the sale price of a shirt"), a coincidence no story states (issue 21's readings)
OPT_IN = frozenset({"compose"})


def operator_list(family: str, names: tuple[str, ...] | None, complication: bool = True) -> list[Operator]:
    fam = "word" if family == "word" else "symbolic"
    ops = [o for o in OPERATORS.values() if o.family == fam]
    if names:
        ops = [o for o in ops if o.name in names]
    else:
        ops = [o for o in ops if o.name not in OPT_IN]
    if not complication:
        ops = [o for o in ops if o.kind != "complicate"]
    return ops
