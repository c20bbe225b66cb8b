"""Mutation engine: each operator's validity claim, each gate with a case it must reject, determinism
per seed, and the text round trip."""

import random
from dataclasses import replace
from fractions import Fraction

import pytest

from hf_mathrules.mutate import MutateConfig, MutationEngine, gates
from hf_mathrules.mutate.frames import informalize, parse_text
from hf_mathrules.mutate.mcmc import project
from hf_mathrules.mutate.operators import OPERATORS
from hf_mathrules.mutate.seeds import load_seeds
from hf_mathrules.mutate.solver import solve
from hf_mathrules.mutate.symbolic import seed_program
from hf_mathrules.rules.base import ConfigError

SEEDS = load_seeds()
ENGINE = MutationEngine(level=3)


def instances(n=60, seed=0):
    rng = random.Random(seed)
    return [SEEDS[i % len(SEEDS)].instantiate(rng) for i in range(n)], rng


def answer(p):
    sol = solve(p, drop=p.query)
    assert sol.status == "ok", sol.detail
    return [sol.values[q] for q in p.query]


# operators that keep every value: the answer before equals the answer after
VALUE_KEEPING = (
    "insert_step",
    "implicit",
    "unit_convert",
    "distractor",
    "rename",
    "fold",
    "drop_distractor",
    "inline",
)


@pytest.mark.parametrize("name", VALUE_KEEPING)
def test_value_keeping_operators_keep_the_answer(name):
    # 90 instances: since round 6 money is not converted to cents, unit_convert (and inline, which undoes
    # it) applies to fewer stories (8 of 60)
    progs, rng = instances(90)
    applied = 0
    for p in progs:
        # give fold / inline / drop_distractor something to undo
        for prep in ("insert_step", "unit_convert", "distractor"):
            out = OPERATORS[prep].fn(p, rng, ENGINE)
            if out is not None and name in ("fold", "inline", "drop_distractor"):
                p = out[0]
        before = answer(p)
        out = OPERATORS[name].fn(p, rng, ENGINE)
        if out is None:
            continue
        applied += 1
        q, touched = out
        assert touched == ()
        assert gates.well_formed(q) is None
        assert answer(q) == before, (name, q.problem_string())
    assert applied >= 10, f"{name} applied only {applied} times"


def test_invert_asks_the_old_given_and_derives_its_value():
    progs, rng = instances()
    n = 0
    for p in progs:
        sol = solve(p)
        out = OPERATORS["invert"].fn(p, rng, ENGINE)
        if out is None:
            continue
        q, _ = out
        (g,) = q.query
        assert q.q(g).value is None and p.q(g).value is not None
        assert answer(q) == [sol.values[g]]
        assert gates.unique(q) is None
        n += 1
    assert n >= 20


@pytest.mark.parametrize("name", ["perturb", "extend_query", "compose"])
def test_value_changing_operators_are_valid_after_projection(name):
    # compose applies to few pairs of stories (a shared word, a fitting range): more instances for it
    progs, rng = instances(400 if name == "compose" else 60)
    n = 0
    for p in progs:
        out = OPERATORS[name].fn(p, rng, ENGINE)
        if out is None:
            continue
        q, touched = out
        got = project(q, touched, rng, "integer")
        if got is None:
            continue  # no feasible point: the chain stays put
        q, sol = got
        assert gates.exact(q, sol) is None and gates.unique(q) is None
        n += 1
    assert n >= 2  # compose links only quantities the two stories share a word for, in range


def test_extend_query_and_drop_extension_are_inverse():
    progs, rng = instances(40)
    n = skipped = 0
    for p in progs:
        out = OPERATORS["extend_query"].fn(p, rng, ENGINE)
        if out is None:  # no qualifier for its answer (no new quantity is made up), or no relation
            # keeps the new answer whole and inside the answer's plausible range
            skipped += bool(p.q(p.query[0]).qualifiers)
            continue
        back, _ = OPERATORS["drop_extension"].fn(out[0], rng, ENGINE)
        assert back.query == p.query and answer(back) == answer(p)
        assert p.q(p.query[0]).lo <= answer(out[0])[0] <= p.q(p.query[0]).hi  # drawn inside its range
        n += 1
    assert n >= 10 and skipped <= n


@pytest.mark.parametrize("family", ["linear", "system"])
def test_symbolic_operators_keep_a_unique_solution(family):
    rng = random.Random(3)
    n = 0
    for _ in range(40):
        p = seed_program(family, rng, 2)
        if p is None:
            continue
        for name in ("wrap", "substitute", "perturb_solution", "add_unknown", "unwrap", "drop_unknown"):
            before = solve(p).values
            out = OPERATORS[name].fn(p, rng, ENGINE)
            if out is None:
                continue
            q = out[0]
            sol = solve(q, drop=q.query)
            assert sol.status == "ok", (name, q.problem_string())
            if name in ("wrap", "unwrap"):  # the solution set is unchanged
                assert {k: sol.values[k] for k in q.query} == {k: before[k] for k in q.query}
            p = q
            n += 1
    assert n >= 40


# -- gates: each rejects what it must -----------------------------------------------------------------
def test_gate_well_formed_rejects_a_duplicate_name():
    p = SEEDS[0].instantiate(random.Random(1))
    bad = replace(p, quantities=(*p.quantities, p.quantities[0]))
    assert "twice" in gates.well_formed(bad)


def test_gate_exact_rejects_a_fractional_count():
    seed = next(s for s in SEEDS if s.id == "cookie_batches")
    p = seed.instantiate(random.Random(0))
    p = p.with_quantity(replace(p.q("b"), value=Fraction(2))).with_quantity(
        replace(p.q("c"), value=Fraction(13))
    )
    p = p.with_quantity(replace(p.q("k"), value=Fraction(5)))
    assert "whole number" in gates.exact(p, solve(p))


def test_gate_exact_rejects_an_implausible_value():
    """A derived value outside the range its seed declares (a mother of 135 years) is rejected."""
    seed = next(s for s in SEEDS if s.id == "mother_age")
    p = seed.instantiate(random.Random(0))
    p = p.with_quantity(replace(p.q("a"), value=Fraction(14))).with_quantity(
        replace(p.q("k"), value=Fraction(5))
    )
    assert gates.exact(p, solve(p)) is None  # 70: the top of the declared range [18, 70]
    p = p.with_quantity(replace(p.q("m"), hi=Fraction(60)))
    assert "m = 70 is outside its plausible range" in gates.exact(p, solve(p))


def test_gate_unique_rejects_a_stated_or_underivable_answer():
    p = SEEDS[0].instantiate(random.Random(1))
    (q,) = p.query
    stated = p.with_quantity(replace(p.q(q), value=solve(p).values[q]))  # the vacuous case
    assert "stated" in gates.unique(stated)
    g = next(x for x in p.quantities if x.kind == "given")
    missing = p.with_quantity(replace(g, value=None))  # a given dropped: nothing forces the answer
    assert "cannot derive" in gates.unique(missing)


def test_gate_unique_rejects_two_admissible_roots():
    from hf_mathrules.expr.nodes import Num, Pow, Sym
    from hf_mathrules.mutate.program import Program, Quantity, Relation

    p = Program(
        "t",
        "linear",
        (Quantity("x", "number"),),
        (Relation("equation", Pow(Sym("x"), Num(2)), Num(9)),),
        ("x",),
    )
    assert gates.unique(p) is not None


def test_gate_steps_rejects_a_wrong_step():
    p = SEEDS[0].instantiate(random.Random(1))
    sol = solve(p)
    sol.values[sol.steps[-1].name] += 1
    assert gates.steps_ok(p, sol) is not None


def test_gate_round_trip_rejects_leaks_tokens_and_stray_numbers():
    p = next(s for s in SEEDS if s.id == "pens_notebook").instantiate(random.Random(2))
    sol = solve(p, drop=p.query)
    text = informalize(p)
    assert gates.round_trip(p, text, sol, SEEDS) is None
    assert "formal token" in gates.round_trip(p, text.replace("pens.", "pens (n = 4)."), sol, SEEDS)
    ans = str(sol.values[p.query[0]])
    assert "answer appears" in gates.round_trip(p, text + f" The shop opened {ans} days ago.", sol, SEEDS)
    assert gates.round_trip(p, text.replace("?", "? It rained for 7 hours."), sol, SEEDS) is not None


def test_gate_second_opinion_rejects_a_wrong_answer():
    p = SEEDS[0].instantiate(random.Random(1))
    (q,) = p.query
    v = solve(p).values[q]
    assert gates.second_opinion(p, {q: Fraction(v)}, "sympy") is None
    assert gates.second_opinion(p, {q: Fraction(v) + 1}, "sympy") is not None


def test_z3_second_opinion_when_installed():
    pytest.importorskip("z3")
    p = SEEDS[0].instantiate(random.Random(1))
    (q,) = p.query
    v = Fraction(solve(p).values[q])
    assert gates.second_opinion(p, {q: v}, "z3") is None
    assert gates.second_opinion(p, {q: v + 1}, "z3") is not None


# -- determinism, round trip, rows ----------------------------------------------------------------------
def test_items_are_pure_functions_of_config_seed_index():
    a = [MutationEngine(level=3).item(7, i).row for i in range(15)]
    b = [MutationEngine(level=3).item(7, i).row for i in range(15)]
    c = [MutationEngine(level=3).item(8, i).row for i in range(15)]
    assert a == b
    ids = lambda rows: {r["id"] for r in rows if r}  # noqa: E731
    assert ids(a) and ids(a) != ids(c)


def test_round_trip_of_every_seed_and_of_mutants():
    rng = random.Random(5)
    for s in SEEDS:
        p = s.instantiate(rng)
        parsed = parse_text(informalize(p), SEEDS)
        assert parsed.program is not None and not parsed.problems, (s.id, parsed.problems)
        assert answer(parsed.program) == answer(p)
    rows = MutationEngine(level=4).generate(40, seed=1)
    assert len(rows) == 40


def test_rows_follow_the_schema_and_difficulty_grows():
    from hf_mathrules.rules.base import ROW_FIELDS

    means = []
    for level in (1, 3, 5):
        rows = MutationEngine(level=level).generate(25, seed=0, split=None)
        assert all(tuple(r) == ROW_FIELDS for r in rows)
        assert all(r["completion"].endswith("Answer: " + r["answer"]) for r in rows)
        import json

        means.append(sum(json.loads(r["meta"])["difficulty"]["steps"] for r in rows) / len(rows))
    assert means[0] < means[1] < means[2], means


def test_symbolic_family_rows_validate_with_sympy():
    import sympy

    from hf_mathrules.rules.statements import parse_statement

    rows = MutationEngine(level=4, family="system").generate(10, seed=0, split=None)
    for r in rows:
        eqs = (
            parse_statement(r["problem"]).eqs if ";" in r["problem"] else [parse_statement(r["problem"]).expr]
        )
        ans = (
            parse_statement(r["answer"]).assign if "," in r["answer"] else parse_statement(r["answer"]).assign
        )
        assert all(sympy.simplify(e.subs(ans)) == 0 for e in eqs)


def test_bad_config_fails_before_generation():
    for kwargs, needle in [
        ({"level": 7}, "level"),
        ({"operators": ("nope",)}, "unknown operator"),
        ({"family": "cubic"}, "family"),
        ({"answer_class": "ugly"}, "answer_class"),
    ]:
        with pytest.raises(ConfigError, match=needle):
            MutationEngine(MutateConfig(**kwargs))


def test_unreachable_difficulty_reports_how_close():
    eng = MutationEngine(level=6, operators=("rename", "perturb"))
    with pytest.raises(ConfigError, match="within"):
        eng.generate(5, seed=0, max_items=30)


def test_smtlib_and_signature():
    p = SEEDS[0].instantiate(random.Random(1))
    smt = p.to_smtlib()
    assert "(declare-const" in smt and "(assert (=" in smt
    q = SEEDS[0].instantiate(random.Random(2))
    assert p.signature() == q.signature()  # constants abstracted
    got = next(g for i in range(50) if (g := OPERATORS["implicit"].fn(p, random.Random(i), ENGINE)))
    assert got[0].signature() != p.signature()


def test_ask_combined_reads_back_and_needs_one_more_step():
    """A question about the total of (or the difference between) one amount of the story on two occasions
    ("... and ... last week"): the text reads back to the same answer, which is the sum (difference) of
    the two values, and the answer's value is positive; never two different things of one unit."""
    from hf_mathrules.mutate.frames import COMBINED, SUFFIXES

    progs, rng = instances(90, seed=3)
    n = 0
    for p in progs:
        assert OPERATORS["ask_combined"].fn(p, rng, ENGINE) is None  # a seed instance has no two occasions
        ext = OPERATORS["extend_query"].fn(p, rng, ENGINE)  # "... last week": the same thing, another time
        if ext is None:
            continue
        out = OPERATORS["ask_combined"].fn(ext[0], rng, ENGINE)
        if out is None:
            continue
        q, _ = out
        (r,) = q.query
        m = COMBINED.match(q.q(r).desc)
        assert m is not None
        assert any(" " + t in q.q(r).desc for t in SUFFIXES), q.q(r).desc
        parsed = parse_text(informalize(q), SEEDS)
        assert parsed.program is not None and not parsed.problems, parsed.problems
        (v,) = answer(q)
        assert answer(parsed.program) == [v] and v > 0
        a, b = sorted(q.q(r).expr.free_symbols())
        va, vb = (solve(q).values[x] for x in (a, b))
        assert v in (va + vb, abs(va - vb))
        n += 1
    assert n >= 5
