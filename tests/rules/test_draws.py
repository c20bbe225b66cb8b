"""The generators' fast paths change no row: every written-out draw consumes exactly the bits of the
standard library method it replaces, the per-item generator is seeded to the same state, and the meta JSON
is the same text (tests/rules/test_row_digests.py pins the rows themselves)."""

import json
import pickle
import random

import pytest

from hf_mathrules import draws
from hf_mathrules.rules import make_rule
from hf_mathrules.rules.base import _ItemSeeds, _seeded, item_rng, item_seed
from hf_mathrules.rules.meta_json import encode_meta, encode_values, row_meta_json
from hf_mathrules.rules.terms import coeff, monomial


def test_draws_match_the_standard_library_state_for_state():
    for seed in range(200):
        ours, std = random.Random(seed), random.Random(seed)
        for _ in range(20):
            n = std.randint(1, 40)
            assert draws.randint(ours, 1, 40) == n
            assert draws.below(ours, n) == std._randbelow(n)
            seq = list(range(n))
            assert draws.choice(ours, seq) == std.choice(seq)
            a, b = list(range(n)), list(range(n))
            draws.shuffle(ours, a)
            std.shuffle(b)
            assert a == b
            for pop in (tuple("abcdfghjkmnpqrstuvwxyz"), list(range(n)), tuple(range(60))):
                k = min(len(pop), 5, n % 7)
                assert draws.sample(ours, pop, k) == std.sample(pop, k)
        assert ours.getstate() == std.getstate()


def test_other_generators_get_the_standard_methods():
    class Counting(random.Random):
        calls = 0

        def random(self):
            Counting.calls += 1
            return super().random()

    pop = tuple("abcdefghijklmnopqrstuvwxyz")
    assert draws.sample(Counting(3), pop, 3) == Counting(3).sample(pop, 3)  # its own _randbelow
    assert Counting.calls > 0
    assert draws.shuffle(Counting(4), a := list(range(9))) is None and a == _shuffled(Counting(4), 9)
    with pytest.raises(ValueError):
        draws.randint(random.Random(0), 3, 2)


def _shuffled(rng, n):
    x = list(range(n))
    rng.shuffle(x)
    return x


def _monomial_std(rng, names, max_vars, max_power):
    k = rng.randint(1, min(max_vars, len(names)))
    chosen = sorted(rng.sample(names, k))
    return tuple((v, rng.randint(1, max_power) if max_power > 1 else 1) for v in chosen)


def test_monomial_and_coeff_draw_what_the_plain_calls_draw():
    names = list("xyzw")
    for seed in range(300):
        ours, std = random.Random(seed), random.Random(seed)
        for max_vars, max_power in ((1, 1), (2, 3), (3, 1), (4, 5)):
            assert monomial(ours, names, max_vars, max_power) == _monomial_std(
                std, names, max_vars, max_power
            )
            c = std.randint(1, 9)
            assert coeff(ours, 9) == (-c if std.random() < 0.5 else c)
        assert ours.getstate() == std.getstate()


def test_item_generators_are_seeded_as_before():
    seeds = _ItemSeeds("distributivity", 7)
    for index in (0, 1, 99, 123456):
        state = random.Random(item_seed("distributivity", 7, index)).getstate()
        assert seeds.rng(index).getstate() == state == item_rng("distributivity", 7, index).getstate()
    assert _seeded(2**64 - 1).getstate() == random.Random(2**64 - 1).getstate()
    assert pickle.loads(pickle.dumps(seeds)).rng(5).getstate() == seeds.rng(5).getstate()


def test_a_rule_pickles_after_making_rows():
    rule = make_rule("factorization", level=2)
    rows = [rule.item(3, i) for i in range(5)]
    again = pickle.loads(pickle.dumps(rule))
    assert [again.item(3, i) for i in range(5)] == rows
    assert [rule.item(4, i) for i in range(3)] == [
        make_rule("factorization", level=2).item(4, i) for i in range(3)
    ]


@pytest.mark.parametrize(
    "extra",
    [{}, {"kind": "sum"}, {"a": [1, 2], "zz": {"q": 1}, "n": 3}, {"seed": 9}, {"variables": "x", "b": None}],
)
def test_row_meta_is_the_same_json(extra):
    base = {"level": 2, "vocab": "letters", "max_coeff": 9, "orders": ["a", "b"], "zeta": None}
    enc = encode_values(base)
    for variables in (["x", "y"], [], ["apple"]):
        want = json.dumps({**base, "variables": variables, "seed": 1, "index": 2, **extra}, sort_keys=True)
        assert row_meta_json(base, enc, variables, 1, 2, extra) == want
        assert encode_meta(base, enc, {"variables": variables, "seed": 1, "index": 2, **extra}) == want


def test_monomial_strings_without_the_tree_are_the_renderers():
    from hf_mathrules.expr.nodes import Mul, Num, Pow, Sym
    from hf_mathrules.expr.render import machine_and_text
    from hf_mathrules.rules.terms import _product_strings
    from hf_mathrules.vocab import LETTERS, WORDS

    rng = random.Random(1)
    names = [*LETTERS, *list(WORDS)[:100], "x1", "Ab", "B"]
    for _ in range(20_000):
        vs = rng.sample(names, rng.randint(1, 4))
        m = tuple((v, rng.choice([1, 1, 2, 3, 12])) for v in vs)
        fs = tuple(Sym(v) if e == 1 else Pow(Sym(v), Num(e)) for v, e in m)
        assert _product_strings(m) == machine_and_text(fs[0] if len(fs) == 1 else Mul(fs)), m
