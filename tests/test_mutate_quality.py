"""What a person reads: the step text of real generated rows (every level), the symbolic families' rule
steps checked by ``verify_steps``, and the automatic defect checks of the quality benchmark."""

import re
from collections import Counter

import pytest

from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.solution import needed_steps
from hf_mathrules.mutate.solver import solve
from hf_mathrules.mutate.steps import rule_steps
from hf_mathrules.verify import verify, verify_steps

WORD_LEVELS = (1, 2, 3, 4, 5, 6)
PER_LEVEL = {1: 300, 2: 300, 3: 300, 4: 300, 5: 250, 6: 40}  # 1,490 word rows (6: the slowest to fill)


def _rows(engine, n):
    return engine.items_with_rows(n, seed=0, max_tries=20 * n)


@pytest.fixture(scope="module")
def word_items():
    return {lv: _rows(MutationEngine(level=lv, second_opinion="none"), PER_LEVEL[lv]) for lv in WORD_LEVELS}


def test_every_word_step_determines_the_quantity_it_names(word_items):
    """Each shown step's equation has exactly the quantity it names unknown, given the givens and the
    earlier shown steps; every shown step is needed by the answer; the machine steps are the shown ones."""
    total = 0
    for lv, items in word_items.items():
        # level 6 (out of distribution) fills slowly since distractors and qualifiers come from the seeds
        assert len(items) == PER_LEVEL[lv] or (lv == 6 and len(items) >= 25), (lv, len(items))
        for it in items:
            p = it.final
            sol = solve(p, drop=p.query)
            shown = needed_steps(sol, p.query)
            known = {st.name for st in sol.steps if st.how == "given"}
            for st in shown:
                eqs = st.block or (st.equation,)
                free = set().union(*(e.lhs.free_symbols() | e.rhs.free_symbols() for e in eqs)) - known
                names = set(st.together) if st.how == "system" else {st.name}
                if st.how == "system" and names <= known:
                    continue
                assert free == names, (it.row["prompt"], it.row["completion"])
                known |= names
            # nothing shown that the answer does not need: walking back from the query reaches every step
            need = set(p.query)
            for st in reversed(shown):
                assert st.name in need or set(st.together) & need, it.row["completion"]
                for e in st.block or (st.equation,):
                    need |= e.lhs.free_symbols() | e.rhs.free_symbols()
            assert [s.split(" = ")[0] for s in it.row["steps"]] == [st.name for st in shown]
            assert it.row["steps"][-1].split(" = ")[0] == p.query[0]
            total += 1
    assert total >= 1400


def test_word_step_lines_name_what_they_solve(word_items):
    """A solved equation names its unknown first ("Let x be the amount saved. Then ... so x = 54"), and the
    letter is the only unknown written in the equation."""
    rx = re.compile(r"^Let x be (.+?)\. Then (.+?), so x = ([\d./]+): (.+?) is ")
    seen = 0
    for items in word_items.values():
        for it in items:
            for line in it.row["completion"].splitlines():
                m = rx.match(line)
                if m:
                    seen += 1
                    assert m.group(1) == m.group(4)
                    letters = set(re.findall(r"(?<![A-Za-z])[a-z](?![A-Za-z])", m.group(2)))
                    assert letters == {"x"}, line
    assert seen > 500


def test_a_wrong_shown_step_is_caught():
    """The gate's check is the one the test above runs: a step whose equation needs a quantity not yet
    known is rejected."""
    from dataclasses import replace

    from hf_mathrules.mutate import gates

    eng = MutationEngine(level=3, second_opinion="none")
    it = next(it for it in (eng.item(0, i) for i in range(50)) if it.row and len(it.row["steps"]) >= 2)
    p = it.final
    sol = solve(p, drop=p.query)
    shown = needed_steps(sol, p.query)
    # claim the last step was made before the others: its equation names quantities not yet known
    steps = [s for s in sol.steps if s.how == "given"] + [shown[-1]] + shown[:-1]
    bad = replace(sol, steps=steps)
    assert "does not determine" in gates.determination_problem(p, bad)


@pytest.mark.parametrize("family", ["linear", "system"])
def test_symbolic_rows_show_rule_steps_that_verify_steps_accepts(family):
    rows = []
    for lv in (1, 3, 5, 6):
        eng = MutationEngine(level=lv, family=family, second_opinion="none")
        rows += [it.row for it in _rows(eng, 10)]
    for row in rows:
        assert row["steps"], row["completion"]
        res = verify_steps(row["problem"], row["steps"])
        assert res.first_bad is None, (row["problem"], row["steps"], res.verdicts)
        assert verify(row["answer"], row["steps"][-1]).equivalent, row
        lines = row["completion"].splitlines()
        assert lines[-1] == f"Answer: {row['answer']}"
        if family == "linear":
            notes = (
                "Expand the parentheses:",
                "Write each side in order:",
                "Multiply both sides by",
                "Collect the",
                "Combine",
                "Divide",
            )
            assert all(line.startswith(notes) for line in lines[0:-1:2]), row["completion"]


def test_broken_rule_step_is_caught_by_verify_steps():
    eng = MutationEngine(level=3, family="system", second_opinion="none")
    row = _rows(eng, 1)[0].row
    broken = list(row["steps"])
    broken[1] = broken[1].replace(" = ", " = 1 + ", 1)
    assert verify_steps(row["problem"], broken).first_bad == 1


def test_rule_steps_of_a_rational_linear_equation():
    """An unknown in a denominator: both sides multiplied by it, then the usual collect / divide."""
    from hf_mathrules.mutate.program import Program, Quantity, Relation
    from hf_mathrules.mutate.syntax import parse_equation

    eq = parse_equation("1/(3*v + 47) + 4*(v + 8) = 1/50 + 4*(v + 8)")
    p = Program("t", "linear", (Quantity("v", "number"),), (Relation("equation", eq.lhs, eq.rhs),), ("v",))
    lines, steps = rule_steps(p)
    assert lines[0] == "Multiply both sides by (3v + 47):"
    assert steps[-1] == "v = 1"
    assert verify_steps(p.problem_string(), steps).first_bad is None


def test_levels_are_independent_draws_spread_over_every_seed(word_items):
    """The same index at two levels is not the same chain continued, and every seed of the library is used."""
    from hf_mathrules.mutate.seeds import load_seeds

    for lo, hi in ((1, 2), (3, 4), (4, 5)):
        pairs = list(zip(word_items[lo][:100], word_items[hi][:100]))
        nested = sum(1 for a, b in pairs if a.start.problem_string() == b.start.problem_string())
        assert nested <= 10, (lo, hi, nested)
    seeds = {it.start.seed_id for items in word_items.values() for it in items}
    assert seeds == {s.id for s in load_seeds()}


def _sentences(text):
    return {s for s in re.split(r"(?<=[.?!])\s+", text) if s}


def test_rows_of_one_key_are_not_nested_across_levels_nor_concentrated_on_few_seeds(word_items):
    """Issue 21 item 3: the row of (seed, index) at level L+1 is not the row of level L plus clauses (no
    row keeps all of the lower level's sentences but one), and the rows of every level come from many
    seeds (before: 48 rows from 12 of the 45 seeds)."""
    import json

    from hf_mathrules.mutate.seeds import load_seeds

    n_seeds = len(load_seeds())
    by_key = {
        lv: {json.loads(it.row["meta"])["index"]: it for it in items} for lv, items in word_items.items()
    }
    pairs = nested = 0
    for lo in range(1, 6):
        for idx, a in by_key[lo].items():
            b = by_key[lo + 1].get(idx)
            if b is None:
                continue
            pairs += 1
            sa, sb = _sentences(a.row["prompt"]), _sentences(b.row["prompt"])
            nested += a.start.seed_id == b.start.seed_id or len(sa - sb) <= 1
    assert pairs >= 100 and nested == 0, (pairs, nested)
    # at least 80% of the seeds among 300 rows at levels 1-4, half among 250 at level 5, and the 40
    # level-6 rows (the slowest to fill) from at least 16 seeds, none giving more than 6 of them (before
    # round 4: 14 seeds, one of them 9 rows)
    # round 6 (issue 21): 0.75 at level 4: the drive to the coast and the two-leg ride lost their weekdays
    # (a part of one trip on another day contradicts the one distance) and money is no longer stated in
    # cents; 36 of 48 seeds reach level 4 (39 before)
    floor = {1: 0.8, 2: 0.8, 3: 0.8, 4: 0.75, 5: 0.5}
    for lv, items in word_items.items():
        seeds = Counter(it.start.seed_id for it in items)
        if lv in floor:
            assert len(seeds) >= floor[lv] * n_seeds, (lv, len(seeds))
            # no seed gives more than 22 of the 250 level-5 rows (before round 4: one gave 26; round 6: 21,
            # from fewer seeds at level 5 after the weekday and cents rules)
            assert lv != 5 or max(seeds.values()) <= 22, (lv, seeds.most_common(3))
        else:
            # round 6: 13 seeds, one of them 7 rows (17 and 5 at ec33d78): the weekday, cents and stock rules
            # leave fewer stories room for level 6 (benchmarks/RESULTS.md, issue 21 round 6)
            assert len(seeds) >= 13 and max(seeds.values()) <= 7, (lv, seeds)


def test_no_qualifier_or_unit_the_story_does_not_have(word_items):
    """A qualifier appears only on a quantity whose seed allows it; no description names a unit other than
    the one its value is stated in ("the walking minutes is 1200 seconds")."""
    from hf_mathrules.mutate.frames import COMBINED, qualified
    from hf_mathrules.mutate.seeds import QUALIFIERS

    for items in word_items.values():
        for it in items:
            for x in it.final.quantities:
                if COMBINED.match(x.desc):
                    continue  # "the total of A and B": A and B are quantities of the row, checked themselves
                q = next((t for t in QUALIFIERS if x.desc.endswith(" " + t)), None)
                if q is not None:
                    assert any(
                        q in y.qualifiers and qualified(y.desc, q) == x.desc for y in it.final.quantities
                    ), (
                        x.desc,
                        it.row["prompt"],
                    )
                if x.conversion:
                    assert not re.search(r"\b(minutes|hours|days|weeks|seconds|cents|dollars)\b", x.desc), (
                        x.desc
                    )


def test_rows_have_no_redundant_unit_odd_qualifier_pair_or_passive_agreement(word_items):
    """The three defects the earlier checks missed, absent from real rows at every level; the checks do
    fire on the old wordings (what rows said before the fix)."""
    from hf_mathrules.mutate.defects import (
        incompatible_qualifiers,
        redundant_units,
        row_text_defects,
        verb_agreement,
    )

    n = 0
    for items in word_items.values():
        for it in items:
            assert not row_text_defects(it.row["prompt"], it.row["completion"], it.final), it.row["prompt"]
            n += 1
    assert n > 1000
    assert redundant_units("Then 5x + 2 = 22, so x = 4: the number of books each student borrows is 4 books.")
    assert redundant_units("What do we get for the number of cups sold the week before, in cups?")
    assert not redundant_units("The number of cups sold is 46. The cost of the fence = 836 dollars.")
    assert verb_agreement(
        "When the number of weeks is multiplied by 4 and 13 weeks is added, the result is 61."
    )
    assert not verb_agreement(
        "When the number of weeks is multiplied by 4 and then increased by 13 weeks, the result is 61 weeks."
    )
    import dataclasses

    p = word_items[1][0].final
    odd = dataclasses.replace(p.quantities[0], desc="the amount saved each week last week")
    assert incompatible_qualifiers(p.with_quantity(odd)) == ["the amount saved each week last week"]


def test_implicit_relations_come_in_many_shapes_each_solved_right(word_items):
    """More shapes than ``k1*x + k2 = k3``: every implicit shape occurs, none in more than 40% of rows, and
    SymPy (not our solver) solving a row of each shape from its stored problem gets the stored answer."""
    import sympy

    from hf_mathrules.mutate.frames import IMPLICIT_SHAPES
    from hf_mathrules.rules.statements import parse_statement

    rows = [it for lv in (3, 4, 5, 6) for it in word_items[lv]]
    by_kind: dict[str, list] = {}
    for it in rows:
        for k in {r.kind for r in it.final.relations}:
            by_kind.setdefault(k, []).append(it)
    # the contrived affine shapes: weight 0; "compare" writes a more_than/less_than/times/fraction_of relation
    drawn = {k for k, w in IMPLICIT_SHAPES.items() if w > 0} - {"compare"}
    assert drawn <= set(by_kind), sorted(by_kind)
    for k in drawn:
        assert len(by_kind[k]) <= 0.4 * len(rows), (k, len(by_kind[k]), len(rows))
        it = by_kind[k][0]
        eqs = [parse_statement(part).expr for part in it.row["problem"].split("; ")]
        syms = sorted(set().union(*(e.free_symbols for e in eqs)), key=str)
        sols = [s for s in sympy.solve(eqs, syms, dict=True) if all(v > 0 for v in s.values() if v.is_number)]
        (q,) = it.final.query
        assert {s[sympy.Symbol(q)] for s in sols} == {
            sympy.Rational(str(it.row["answer"].split(" = ")[1]))
        }, k


def test_no_then_or_next_with_nothing_before(word_items):
    """A seed's "Then 76 people sit down." or "Next, Ana mixes in ..." keeps its opener only right after
    another of the story's own sentences: the first sentence after the intros never starts with one, and
    every row still reads back (the round-trip gate knows both forms)."""
    from hf_mathrules.mutate.frames import OPENERS, split_sentences

    seen = 0
    for items in word_items.values():
        for it in items:
            first = split_sentences(it.row["prompt"])[len(it.final.intros)]
            assert not first.startswith(OPENERS), it.row["prompt"]
            seen += any(
                x.frame and x.frame.startswith(OPENERS) and x.value is not None for x in it.final.quantities
            )
    assert seen >= 20  # the seeds with such sentences are in the sample


def test_past_qualifiers_put_the_verb_in_the_past():
    """ "the number of boxes the bakery filled last week", never "... fills last week"; every qualified
    description of the seed library reads back to its quantity and qualifier."""
    from hf_mathrules.mutate.frames import PAST_QUALIFIERS, qualified, qualifier_of
    from hf_mathrules.mutate.seeds import generic_desc, load_seeds

    n = 0
    for s in load_seeds():
        for g in (*s.givens, *s.derived):
            desc = generic_desc(g).replace("{A}", "Ana")
            for q in g.get("qualifiers", ()):
                text = qualified(desc, q)
                assert qualifier_of(desc, text) == q, text
                if q in PAST_QUALIFIERS:
                    assert not re.search(r"\b(fills|owns|keeps|picks|sells|buys|spends|has)\b", text), text
                n += 1
    assert n > 150
    assert qualified("the number of boxes the bakery fills", "last week") == (
        "the number of boxes the bakery filled last week"
    )
    assert qualified("the driving speed", "on Monday") == "the driving speed on Monday"
