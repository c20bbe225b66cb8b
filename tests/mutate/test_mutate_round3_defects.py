"""Issue 21, round 3: the defects a reader still found in mutated rows, each with an automatic check
(``hf_mathrules.mutate.defects``) that fires on the bad text and finds none in a few hundred generated
rows at every level; every generated row has passed the engine's gates (solved, read back, re-solved)."""

from fractions import Fraction

import pytest

from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.defects import (
    contrived_relations,
    decimals_as_fractions,
    expand_without_parentheses,
    markers_with_nothing_before,
    max_depth,
    parts_of_rates,
    present_verbs_with_past_qualifier,
    rates_summed,
    repeated_fractions,
    round3_defects,
)
from hf_mathrules.mutate.solver import solve

WORD = {1: 200, 2: 200, 3: 200, 4: 200, 5: 150, 6: 40}  # level 6 fills slowly (its stories run out)
SYMBOLIC = {1: 100, 3: 100, 5: 60, 6: 30}


def _rows(engine, n, seed=21):
    return engine.items_with_rows(n, seed=seed, max_tries=25 * n)


@pytest.fixture(scope="module")
def word_items():
    return {lv: _rows(MutationEngine(level=lv, second_opinion="none"), n) for lv, n in WORD.items()}


@pytest.fixture(scope="module")
def symbolic_items():
    return {
        (fam, lv): _rows(MutationEngine(level=lv, family=fam, second_opinion="none"), n)
        for fam in ("linear", "system")
        for lv, n in SYMBOLIC.items()
    }


def test_checks_fire_on_what_the_readings_found():
    assert contrived_relations("Multiplying the number of buses by 3 and adding 9 gives 21.")
    assert contrived_relations(
        "If the driving speed is increased by 11 and the result is multiplied by 4, the total is 2."
    )
    assert contrived_relations("Adding 2 to the number of buses and multiplying the sum by 3 gives 15.")
    assert not contrived_relations("Adding 2 to the number of buses gives the number of cars.")
    assert parts_of_rates("Half of the length of the loan is 3 years.")
    assert parts_of_rates("Ana reads. A third of the number of days spent reading comes to 3.")
    assert parts_of_rates("20% of the driving speed on Monday is 10 kilometers per hour.")
    assert parts_of_rates("Half of the normal wage is 10 dollars per hour.")
    assert parts_of_rates("Split into 2 equal parts, the chairs in a row gives 4 per part.")
    assert parts_of_rates(
        "Shared equally over 3 parts, the first side of the bed comes to 4 meters per part."
    )
    assert parts_of_rates("Ana fences. A third of the side of the playground comes to 9 meters.")
    assert not parts_of_rates("Split into 4 equal parts, the length of the rope gives 3 meters per part.")
    assert not parts_of_rates("Ben drives. A quarter of the length of the trip is 50 kilometers.")
    assert not parts_of_rates("A quarter of the number of apples Noor sells is 3.")
    assert repeated_fractions(
        "X is 50% of the number of tickets sold. 50% of the number of tickets sold is 27."
    )
    assert not repeated_fractions("X is 50% of the number of tickets sold. Half of the number of pens is 27.")
    assert not parts_of_rates("Half of the age of Tara is 3 years.")
    assert rates_summed(
        "The flour for one batch and the flour for one batch the week before add up to 7 cups."
    )
    assert rates_summed("Together, the price of a cup and the price of a cup last year come to 7 dollars.")
    assert rates_summed("What is the total of the cookies per batch and the cookies per batch last week?")
    assert not rates_summed("The number of buses and the number of buses the week before add up to 6.")
    intro = "A toy shop keeps track of its stock of kites."
    assert markers_with_nothing_before(f"{intro} A supplier then delivers 11 kites. How many?", (intro,))
    assert markers_with_nothing_before(f"{intro} Then 76 people sit down. How many?", (intro,))
    assert markers_with_nothing_before(f"{intro} We know that x is 4. Later, 6 people take a seat.", (intro,))
    assert markers_with_nothing_before(f"{intro} Each of them checks out 2 books.", (intro,))
    assert markers_with_nothing_before(f"{intro} Another 2 cupcakes wait on a tray.", (intro,))
    assert markers_with_nothing_before(f"{intro} Walking to the house takes another 15 minutes.", (intro,))
    assert not markers_with_nothing_before(
        f"{intro} The shop starts the week with 40 kites. Then a delivery brings 11 kites.", (intro,)
    )
    assert decimals_as_fractions("Then 2x = 5(38/5), so x = 19.", [Fraction(38, 5)])
    assert decimals_as_fractions("The difference = 687/20 - 567/20 = 6.", [Fraction(687, 20)])
    assert not decimals_as_fractions("The size = 15/2 = 7.5 liters.", [Fraction(15, 2)])
    assert not decimals_as_fractions("Then 2x = 5 × 7.6, so x = 19.", [Fraction(38, 5)])
    assert not decimals_as_fractions("The width = 3600/100 = 36 meters.", [Fraction(36)])
    assert expand_without_parentheses("5R = 235", "Expand the parentheses:\n5R = 235\nR = 47")
    assert not expand_without_parentheses("4(u + 3) = 16", "Expand the parentheses:\n4u + 12 = 16")
    assert expand_without_parentheses(
        "z + 3f = 7\n5q + 5f = 35", "Expand and collect each equation:\n3f + z = 7"
    )
    assert expand_without_parentheses(
        "4(u + 3) = 16", "Expand the parentheses:\n4u + 12 = 16\nExpand the parentheses:\n4u = 4"
    )
    assert max_depth("3(1/(2(3(4(v + 9) + 30) + 9))) = 1/18") == 5


def test_program_checks_fire():
    from hf_mathrules.mutate.program import Program, Quantity, Relation

    row = {"prompt": "", "completion": ""}
    q = Quantity("p", "price", "dollars", "the price of a child ticket at the second shop", value=Fraction(4))
    theatre = Program(
        "ticket_revenue", "word", (q,), (), ("p",), intros=("A theatre sells tickets for a matinee.",)
    )
    assert "qualifier foreign to the story" in round3_defects(row, theatre)
    shop = Program("pens_notebook", "word", (q,), (), ("p",), intros=("Ana is buying school supplies.",))
    assert "qualifier foreign to the story" not in round3_defects(row, shop)
    old = Quantity("o", "price", "dollars", "the old ticket price last year", value=Fraction(4))
    assert "incompatible qualifiers" in round3_defects(
        row, Program("price_increase", "word", (old,), (), ("o",))
    )
    two = Program(
        "a", "word", (q,), (Relation("same_as", None, None, "p", "c2_q"),), ("p",), intros=("A.", "B.")
    )
    assert "stories joined by an equality" in round3_defects(row, two)


def test_past_qualifier_check_reads_the_verb():
    from hf_mathrules.mutate.program import Program, Quantity

    def prog(desc):
        q = Quantity("a", "count", "boxes", desc, value=Fraction(3))
        return Program("cupcake_boxes", "word", (q,), (), ("a",))

    bad, good = prog("the boxes the bakery fills last week"), prog("the boxes the bakery filled last week")
    assert present_verbs_with_past_qualifier(bad) == ["the boxes the bakery fills last week"]
    assert present_verbs_with_past_qualifier(good) == []


def test_no_round3_defect_in_word_rows_at_any_level(word_items):
    found = {}
    for lv, items in word_items.items():
        assert len(items) >= (WORD[lv] if lv < 6 else 25), (lv, len(items))
        for it in items:
            d = round3_defects(it.row, it.final, list(solve(it.final).values.values()))
            for k in d:
                found.setdefault(k, []).append(it.row["prompt"])
    assert not found, {k: (len(v), v[:2]) for k, v in found.items()}


def test_no_round3_defect_in_symbolic_rows_at_any_level(symbolic_items):
    found = {}
    for (fam, lv), items in symbolic_items.items():
        assert items, (fam, lv)
        for it in items:
            for k in round3_defects(it.row, it.final):
                found.setdefault(k, []).append(it.row["prompt"])
    assert not found, {k: (len(v), v[:2]) for k, v in found.items()}


def test_markers_are_dropped_not_lost(word_items):
    """Seeds with pointing-back sentences are in the sample, and some keep their marker where the
    story's own sentence comes right before."""
    from hf_mathrules.mutate.frames import points_back

    marked = [it for items in word_items.values() for it in items
              if any(x.frame and points_back(x.frame) and x.value is not None for x in it.final.quantities)]  # fmt: skip
    assert len(marked) >= 20


def test_one_with_a_plural_unit_is_found_and_not_written():
    """Round 4: "exceeds the normal wage by 1 dollars per hour" (a compound unit kept plural for 1) and a
    seed's "The bedroom has 1 doors." are found; the renderer writes the head of a compound unit singular."""
    from hf_mathrules.mutate.defects import one_with_plural_unit
    from hf_mathrules.mutate.frames import with_unit

    assert one_with_plural_unit("It exceeds the normal wage by 1 dollars per hour.") == ["1 dollars"]
    assert one_with_plural_unit("The bedroom has 1 doors.") == ["1 doors"]
    assert one_with_plural_unit("It holds 21 cups, 1.5 cups, 1 glass, 1 bus and 1 of the boxes.") == []
    assert with_unit(Fraction(1), "dollars per hour") == "1 dollar per hour"
    assert with_unit(Fraction(2), "dollars per hour") == "2 dollars per hour"
    assert with_unit(Fraction(1), "people") == "1 person"
