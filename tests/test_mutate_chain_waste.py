"""The chain's wasted work (issue 19 item 3, round 2): a rename or a redraw is accepted at most once per
chain, and a chain does not end at a state whose answer is one of its stated numbers (the round-trip
gate would reject its text after the whole chain)."""

import random

from hf_mathrules.mutate import MutationEngine, mcmc
from hf_mathrules.mutate.mcmc import ONCE, TOLERANCE, shows_answer
from hf_mathrules.mutate.program import replace
from hf_mathrules.mutate.seeds import load_seeds
from hf_mathrules.mutate.solver import Solution, solve


def test_shows_answer_is_a_stated_number_equal_to_the_answer():
    p = load_seeds()[0].instantiate(random.Random(3))
    sol = solve(p)
    a = sol.values[p.query[0]]
    assert shows_answer(p, sol) == any(x.value == a for x in p.quantities if x.value is not None)
    g = next(x for x in p.quantities if x.value is not None and x.name not in p.query)
    stated = p.with_quantity(replace(g, value=a))  # a stated number equal to the answer
    assert shows_answer(stated, Solution("ok", {**sol.values, g.name: a}))
    assert not shows_answer(stated, Solution("underdetermined"))


def test_once_operators_are_accepted_at_most_once_and_chains_end_where_the_gate_passes():
    eng = MutationEngine(level=3, second_opinion="none")
    target = mcmc.TARGETS["word"][3]
    rows = 0
    for i in range(25):
        it = eng.item(4, i)
        for name in ONCE:
            assert it.log.accepted[name] <= 1, (i, name, dict(it.log.accepted))
        if it.final is not None and abs(it.log.score - target) <= TOLERANCE:
            assert not shows_answer(it.final, solve(it.final)), i
        rows += it.row is not None
    assert rows >= 10


def test_symbolic_chains_are_not_limited():
    # the symbolic families have no rename or perturb: ONCE leaves their chains as they were
    eng = MutationEngine(level=3, family="linear", second_opinion="none")
    assert not {o.name for o in eng.ops} & ONCE
