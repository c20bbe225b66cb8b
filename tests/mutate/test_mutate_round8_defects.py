"""Issue 21, round 8: what the held-out reading of seed 5297 (benchmarks/reading/heldout_5297_r8.md) found,
each class with a general rule in the generator and an automatic check (``hf_mathrules.mutate.defects``,
``round8_defects``) that fires on the reading's text and on none of the rows the generator now writes
(round 7's ~1,100 rows of seed 0 and ~360 of seed 11):

- a distractor about a thing only a given's own sentence sets up, with that sentence not in the text ("The
  notebook has 94 pages." where no notebook is bought): the engine leaves such a distractor out;
- a statement that opens with "The day before," (the day before what?): that occasion is never fronted;
- "The other painter" in a text that never named a first one (the seed frame is gone);
- a gerund as a subject ("The selling lasts 4 days."; the seed frame is gone).

And, for repetition (style, counted apart): a generic opener ("We know that") said twice in a problem, and
two sentences in a row opening with the same occasion.
"""

import random
import re
from fractions import Fraction

from hf_mathrules.mutate.defects import (
    gerund_subjects,
    repeated_openers,
    round3_defects,
    round8_defects,
    round8_style,
    same_fronted_occasion_twice,
    the_day_before_fronted,
    the_other_before_the_first,
    thing_never_set_up,
    unset_distractors,
)
from hf_mathrules.mutate.frames import STATE, fronted, informalize, parse_text
from hf_mathrules.mutate.program import Quantity, replace
from hf_mathrules.mutate.seeds import load_seeds, variants
from hf_mathrules.mutate.solver import solve

SEEDS = {s.id: s for s in load_seeds()}


def _program(seed_id, k=0):
    return SEEDS[seed_id].instantiate(random.Random(k))


# -- the reading's texts are found ---------------------------------------------------------------------
def test_the_reading_s_texts_are_found():
    painters = (
        "Two painters work on a school. The other painter manages 2 walls a day. Both painters work side by"
        " side for 2 days. Last week, the number of walls the first painter painted daily was 2. How many?"
    )
    assert the_other_before_the_first(painters) == ["The other painter manages 2 walls a day."]
    assert not the_other_before_the_first(
        "Two painters work. The first painter paints 3 walls a day. The other painter manages 2 walls a day."
    )
    assert the_day_before_fronted("Diego runs a lemonade stand. The day before, the profit was 157 dollars.")
    assert not the_day_before_fronted("We know that the profit the day before is 157 dollars.")
    assert gerund_subjects("A toy shop keeps track of its stock of kites. The selling lasts 4 days.") == [
        "selling"
    ]
    assert not gerund_subjects("The evening lasts 2 hours. The shop is open for 4 days.")
    assert repeated_openers("A. We know that x is 1. We know that y is 2. We are told that z is 3.") == [
        "We know that"
    ]
    assert same_fronted_occasion_twice(
        "A. Two weeks ago, the number of comics sold was 34. Two weeks ago, the number of novels sold was 16."
    )
    assert not same_fronted_occasion_twice("A. Two weeks ago, X was 34. Last week, Y was 16.")


def _notebook_hidden():
    """pens_notebook with the notebook's price asked (its sentence not said) and the pages distractor;
    without the seed's event sentence ("Carmen needs pens and a notebook.", round 9), which would set the
    notebook up (round 9's test checks that it does)."""
    p = _program("pens_notebook")
    d = SEEDS["pens_notebook"].distractors[0]
    assert d["frame"].startswith("The notebook has")
    pages = Quantity(
        "d9", d["role"], d["unit"], d["desc"], value=Fraction(94), frame=d["frame"], distractor=True
    )
    b = p.q("b")
    return replace(p.with_quantity(replace(b, value=None, event="")).with_quantity(pages), query=("b",))


def test_a_distractor_about_a_thing_never_set_up_is_found():
    p = _notebook_hidden()
    text = informalize(p)
    assert "The notebook has 94 pages." in text and not re.search(r"\ban? notebook\b", text)
    assert unset_distractors(text, p) == ["d9"]
    assert thing_never_set_up(text, p)
    # with the notebook bought in the text, the distractor is fine
    q = p.with_quantity(replace(p.q("b"), value=Fraction(7)))
    q = replace(q, query=("t",))
    assert "a notebook" in informalize(q)
    assert not unset_distractors(informalize(q), q)


# -- the rules ---------------------------------------------------------------------------------------
def test_no_seed_frame_says_the_other_or_a_gerund_subject():
    bad = []
    for s in load_seeds():
        for g in (*s.givens, *s.distractors):
            for f in variants(g["frame"]):
                if re.match(r"The other\b", f) or gerund_subjects(f):
                    bad.append((s.id, f))
    assert not bad, bad


def test_the_day_before_never_opens_a_statement():
    assert fronted("the profit the day before", "the profit the day before") is None
    assert fronted("the profit last week", "the profit last week") == ("last week", "the profit")


def test_a_generic_opener_is_said_once_per_problem():
    """Whatever the hashed picks, a problem with many statements says each generic opener at most once."""
    openers = {f.split(" {", 1)[0] for f in STATE[1:]}
    assert len(openers) == len(STATE) - 1
    for it_seed in ("bookshop_sales", "ticket_revenue", "apples_left"):
        for k in range(20):
            p = _program(it_seed, k)
            text = informalize(p)
            assert not repeated_openers(text), text


def test_no_round8_defect_in_generated_rows(round7_rows, round8_rows):
    rows = [*round7_rows, *round8_rows]
    assert len(rows) >= 1300
    found = {}
    for it in rows:
        for name in sorted(round8_defects(it.row, it.final) | round3_defects(it.row, it.final)):
            found.setdefault(name, []).append(it.row["prompt"])
    assert not found, {k: (len(v), v[:2]) for k, v in found.items()}


def test_no_repeated_opener_nor_the_same_occasion_twice_in_a_row(round7_rows, round8_rows):
    bad = [(it.row["prompt"], round8_style(it.row, it.final)) for it in (*round7_rows, *round8_rows)]
    bad = [b for b in bad if b[1]]
    assert not bad, (len(bad), bad[:3])


def test_the_same_near_form_for_two_quantities_reads_back(round7_rows, round8_rows):
    """ "the number two weeks ago" said for two quantities of one text (each right after its kin in the
    same sentence) reads back to the program: every such row passed the round-trip gate, and its answer is
    the one the text gives when solved again."""
    seeds = load_seeds()
    seen = 0
    for it in (*round7_rows, *round8_rows):
        text = it.row["prompt"]
        forms = re.findall(
            r"\bthe (?:number|price|cost) (?:two weeks ago|last week|last month|last year)\b", text
        )
        if not any(forms.count(f) > 1 for f in forms):
            continue
        seen += 1
        parsed = parse_text(text, seeds)
        assert parsed.program is not None, (text, parsed.problems)
        sol = solve(parsed.program)
        (q,) = parsed.program.query
        (q0,) = it.final.query
        assert sol.values[q] == solve(it.final).values[q0], text
    assert seen >= 20
