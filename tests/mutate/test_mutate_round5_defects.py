"""Issue 21, round 5: what the held-out reading of seed 7373 (benchmarks/reading/heldout_7373_r5.md) found,
each class with a rule in the generator and an automatic check (``hf_mathrules.mutate.defects``) that fires
on the text found and on nothing the generator now writes.

- a conversion to a four-digit number in a smaller unit ("the price of an adult ticket is 1100 cents");
- a computed quantity on an occasion where nothing it is computed from differs ("the number of tiles
  needed last week" for one patio);
- two inputs of a fixed total on one occasion ("the driving time on Tuesday" 4 hours and "the driving
  speed on Tuesday" 40 km/h while the coast is 500 kilometers away);
- a referent only its own (unsaid) story sentence introduces ("We are told that the gift is 1300 cents",
  "the age difference is 40 years" with no mother in the text);
- an amount that piles up over time on a month or a year ("the total pay last month" beside a week's);
- (in the regenerated rows) money nobody shares split into parts, and "13.8 dollars".
"""

import random
from fractions import Fraction

import pytest

from hf_mathrules.expr.nodes import Div, Num, Sym
from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.defects import (
    fixed_totals_restated,
    large_conversions,
    money_split_into_parts,
    money_with_one_decimal,
    occasions_that_cannot_differ,
    round3_defects,
    unintroduced_referents,
)
from hf_mathrules.mutate.operators import _suffix, fixed_total_overstated, occasion_can_differ
from hf_mathrules.mutate.program import Quantity, replace
from hf_mathrules.mutate.seeds import SEED_DIR, load_seeds

SEEDS = {s.id: s for s in load_seeds()}


def _program(seed_id):
    return SEEDS[seed_id].instantiate(random.Random(0))


def _retitle(p, name, desc):
    return p.with_quantity(replace(p.q(name), desc=desc))


def test_a_conversion_to_four_digits_is_found():
    p = _program("ticket_revenue")
    g = p.q("p")
    cents = Quantity("u9", g.role, "cents", g.desc, value=Fraction(1100), conversion=True)
    bad = p.with_quantity(replace(g, value=None, expr=Div(Sym("u9"), Num(100)))).with_quantity(cents)
    assert large_conversions(bad) == ["the price of an adult ticket is 1100 cents"]
    assert "small unit for a large value" in round3_defects({"prompt": "", "completion": ""}, bad)
    # round 6: money in cents stays below a dollar ("900 cents" for a ticket is found too); other units
    # below four digits
    assert large_conversions(bad.with_quantity(replace(cents, value=Fraction(900)))) != []
    ok = bad.with_quantity(replace(cents, value=Fraction(90)))
    assert large_conversions(ok) == []


def test_an_occasion_of_a_quantity_nothing_of_which_differs_is_found_and_not_made():
    p = _program("patio_tiles")  # n = l*w*t; the sides and tiles per square meter have no occasion
    n = p.q("n")
    assert "last week" in n.qualifiers and not occasion_can_differ(p, n, "last week")
    rng = random.Random(1)
    assert all(_suffix(p, n, rng) is None for _ in range(20))
    r = Quantity("r1", n.role, n.unit, "the number of tiles needed last week")
    assert occasions_that_cannot_differ(p.with_quantity(r)) == ["the number of tiles needed last week"]
    # the stall's takings on another occasion may differ: the comics sold have one
    b = _program("bookshop_sales")
    t = b.q("t")
    can = [s for s in ("last week", "last month", "last year") if occasion_can_differ(b, t, s)]
    assert can, t
    r2 = Quantity("r2", t.role, t.unit, f"{t.desc} {can[0]}")
    assert occasions_that_cannot_differ(b.with_quantity(r2)) == []


def test_two_inputs_of_a_fixed_total_on_one_occasion_are_found_and_not_made():
    p = _program("car_trip")  # d = s*h, the distance to the coast has no other occasion
    s, h = p.q("s"), p.q("h")
    time_tue = Quantity("h1", h.role, h.unit, "the driving time on Tuesday", value=Fraction(4))
    one = p.with_quantity(time_tue)
    assert fixed_totals_restated(one) == []
    speed_tue = Quantity("h2", s.role, s.unit, "the driving speed on Tuesday", value=Fraction(40))
    both = one.with_quantity(speed_tue)
    assert sorted(fixed_totals_restated(both)) == [
        "the driving speed on Tuesday",
        "the driving time on Tuesday",
    ]
    used = {x.desc for x in one.quantities}
    assert fixed_total_overstated(one, "s", "on Tuesday", used)
    assert not fixed_total_overstated(one, "s", "on Monday", used)
    rng = random.Random(2)
    # round 6: no weekday at all on a part of the one drive to the coast ("the driving time on Tuesday is
    # 4 hours" at the stated speed gives another distance: round 6's reading, row 7)
    assert {_suffix(one, s, rng) for _ in range(40)} == {None}


def test_a_bare_referent_of_an_unsaid_sentence_is_found():
    p = _retitle(_program("bike_savings_goal"), "g", "the gift")
    p = p.with_quantity(replace(p.q("g"), frame="{A} gets {v} dollars as a gift."))
    said = "Bruno wants to buy a new bike. We are told that the gift is 1300 cents. How many?"
    assert unintroduced_referents(said, p) == ["the gift"]
    told = "Bruno wants to buy a new bike. Bruno gets 13 dollars as a gift. The gift is less than x."
    assert unintroduced_referents(told, p) == []
    w = _retitle(_program("weekly_savings"), "x", "the price of the game")
    w = w.with_quantity(replace(w.q("x"), frame="Then {A} spends {v} dollars on a game."))
    text = "Rosa saves part of a paper-round income. We are told that the price of the game last week is 21."
    assert unintroduced_referents(text, w) == ["the price of the game"]


def test_a_month_or_a_year_of_an_amount_that_piles_up_is_found_and_not_made():
    """ "the total pay last month is 736 dollars" beside a week's 720; a price keeps "last year"."""
    from hf_mathrules.mutate.defects import incompatible_qualifiers
    from hf_mathrules.mutate.operators import compatible

    p = _program("overtime_pay")
    pay = p.q("p")
    assert "last month" in pay.qualifiers and not compatible(pay.desc, "last month")
    assert compatible(pay.desc, "last week") and compatible(p.q("w").desc, "last year")
    month = Quantity("h9", pay.role, pay.unit, "the total pay last month", value=Fraction(736))
    assert incompatible_qualifiers(p.with_quantity(month)) == ["the total pay last month"]
    week = Quantity("h9", pay.role, pay.unit, "the total pay last week", value=Fraction(736))
    assert incompatible_qualifiers(p.with_quantity(week)) == []
    rng = random.Random(3)
    made = {_suffix(p, pay, rng) for _ in range(30)}
    assert made and not any(d.endswith(("last month", "last year")) for d in made), made
    a = _program("apples_left")
    got = {_suffix(a, a.q("s"), rng) for _ in range(40)}
    assert got and not any(d.endswith("last month") for d in got), got


def test_money_split_into_parts_and_money_with_one_decimal_are_found():
    from hf_mathrules.mutate.frames import value_text, with_unit

    said = "Yusuf wants a bike. Split into 2 equal parts, the amount saved so far gives 25 dollars per part."
    assert money_split_into_parts(said) == [
        "Split into 2 equal parts, the amount saved so far gives 25 dollars per part"
    ]
    assert money_split_into_parts(
        "Shared equally over 5 parts, the gift last year comes to 8 dollars per part."
    )
    assert not money_split_into_parts(
        "Split into 4 equal parts, the length of the rope gives 3 meters per part."
    )
    assert money_with_one_decimal("The money Tara got as a gift last week is 13.8 dollars.") == [
        "13.8 dollars"
    ]
    assert money_with_one_decimal("It is 13.80 dollars, 2.5 cups and 8.25 dollars.") == []
    assert with_unit(Fraction(69, 5), "dollars") == "13.80 dollars"
    assert with_unit(Fraction(3, 2), "dollars per hour") == "1.50 dollars per hour"
    assert value_text(Fraction(5, 2), "cups") == "2.5" and with_unit(Fraction(1), "dollars") == "1 dollar"


@pytest.fixture(scope="module")
def story_rows():
    """Rows of the three stories whose descriptions leaned on their own sentence, levels 1-5."""
    out = {}
    for sid in ("mother_age", "bike_savings_goal", "weekly_savings", "loan_total", "pens_notebook"):
        rows = []
        for lv in (1, 3, 5):
            eng = MutationEngine(level=lv, second_opinion="none", seeds=str(SEED_DIR / f"{sid}.json"))
            rows += [it for it in (eng.item(5, i) for i in range(40)) if it.row is not None]
        out[sid] = rows
    return out


def test_rows_name_who_and_what_their_quantities_are_about(story_rows):
    """Every mother_age row names the mother; no row of these stories has a bare referent; none of these
    stories' rows has any round-3/4/5 defect."""
    assert all(len(v) >= 20 for v in story_rows.values()), {k: len(v) for k, v in story_rows.items()}
    for it in story_rows["mother_age"]:
        assert "mother" in it.row["prompt"], it.row["prompt"]
    for items in story_rows.values():
        for it in items:
            assert unintroduced_referents(it.row["prompt"], it.final) == [], it.row["prompt"]
            assert round3_defects(it.row, it.final) == set(), it.row["prompt"]
    texts = " ".join(it.row["prompt"] for it in story_rows["bike_savings_goal"])
    assert " gets as a gift" in texts or " got as a gift" in texts


def test_no_round5_defect_in_generated_word_rows():
    """Levels 4-6 (where occasions and conversions pile up), rows as the engine emits them."""
    found = {}
    for lv, n in ((4, 60), (5, 40), (6, 15)):
        eng = MutationEngine(level=lv, second_opinion="none")
        for it in eng.items_with_rows(n, seed=55, max_tries=40 * n):
            p = it.final
            for name, hits in (
                ("large conversion", large_conversions(p)),
                ("occasion", occasions_that_cannot_differ(p)),
                ("fixed total", fixed_totals_restated(p)),
                ("referent", unintroduced_referents(it.row["prompt"], p)),
                ("money split", money_split_into_parts(it.row["prompt"])),
                ("one decimal", money_with_one_decimal(it.row["prompt"] + " " + it.row["completion"])),
            ):
                if hits:
                    found.setdefault(name, []).append(it.row["prompt"])
    assert not found, {k: (len(v), v[:2]) for k, v in found.items()}


def test_an_occasion_of_a_point_of_a_span_is_that_span_s():
    """ "in stock at the end the week before" (read at 0477576, shop_stock at level 4) is found, and the
    frames write "at the end of the week before" instead; the row reads back (the gates passed)."""
    from hf_mathrules.mutate.defects import point_without_its_span
    from hf_mathrules.mutate.frames import qualified, qualifier_of

    found = "The number of kites in stock at the end the week before falls short of it by 1."
    assert point_without_its_span(found) == ["at the end the"]
    assert point_without_its_span("the kites in stock at the end of last week") == []
    # round 6: "the week before" is "two weeks ago"
    for q in ("last week", "two weeks ago", "last month", "on Monday"):
        desc = qualified("the kites in stock at the end", q)
        assert point_without_its_span(desc) == [] and " at the end of " in desc
        assert qualifier_of("the kites in stock at the end", desc) == q
    eng = MutationEngine(level=4, second_opinion="none", seeds=str(SEED_DIR / "shop_stock.json"))
    rows = [it.row for it in (eng.item(11, i) for i in range(60)) if it.row is not None]
    texts = [r["prompt"] + " " + r["completion"] for r in rows]
    assert any(" at the end of " in t for t in texts), "no occasion on the stock at the end in 60 items"
    assert not [t for t in texts if point_without_its_span(t)]
