"""Issue 21, round 12: a question must not refer to something never set up, and a hidden gap keeps its
direction (the held-out reading of seed 3817, row 17: "The sum of their ages then is 38 years. ... Half of
the age gap between Rosa and Grace comes to 2 years. What do we get for the number of years ahead?" --
"then" and "the number of years ahead" had nothing before them, the seed's sentence for the years being
dropped because its value was asked, and with the gap hidden no sentence said Grace is the older).

The fix is general: a seed given every one of whose sentences says an order or a time ahead that its
description does not ("older", "born ... before", "from now", "will be", "ahead") must carry an ``event``
(a value-free sentence said whenever its own is not; round 9's mechanism), which the seed loader checks;
``ages_sum``'s gap and years ahead have one.
"""

import json
import re

import pytest

from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.defects import round9_defects
from hf_mathrules.mutate.frames import split_sentences
from hf_mathrules.mutate.seeds import SEED_DIR, SeedError, load_seed_file, load_seeds

AGES = str(SEED_DIR / "ages_sum.json")
_OLDER = re.compile(r"\b(?:older|born \d+ years before)\b")
_AHEAD = re.compile(r"\b(?:from now|will be in \d+ years|ahead by)\b")
_REFERS_AHEAD = re.compile(r"\b(?:then|at that time|at that point|years ahead)\b")


@pytest.fixture(scope="module")
def ages_rows():
    out = []
    for lv in (1, 2, 3, 4, 5, 6):
        eng = MutationEngine(level=lv, seeds=AGES, second_opinion="none")
        out += eng.items_with_rows(40 if lv < 5 else 20, seed=12, max_tries=4000)
    return out


def test_seed_loader_wants_an_event_for_an_order_or_a_time_ahead(tmp_path):
    raw = json.loads((SEED_DIR / "ages_sum.json").read_text())
    for g in raw["givens"]:
        if g["name"] in ("d", "y"):
            assert g.get("event"), g["name"]
    for name in ("d", "y"):
        bad = json.loads(json.dumps(raw))
        for g in bad["givens"]:
            if g["name"] == name:
                del g["event"]
        f = tmp_path / f"no_event_{name}.json"
        f.write_text(json.dumps(bad))
        with pytest.raises(SeedError, match="event"):
            load_seed_file(f)
    load_seeds()  # every builtin seed passes the rule


def test_every_ages_row_sets_up_what_it_refers_to(ages_rows):
    assert len(ages_rows) >= 150
    hidden_gap = hidden_years = 0
    for it in ages_rows:
        p, text = it.final, it.row["prompt"]
        ss = split_sentences(text)
        d = p.q("d") if "d" in p.by_name else None
        y = p.q("y") if "y" in p.by_name else None
        # which sibling is the older is told in every row, the gap stated, hidden or asked
        assert _OLDER.search(text), text
        # its own sentence not said (its value asked, hidden, only a relation's or said generically)
        hidden_gap += d is not None and (d.value is None or d.frame.replace("{v}", str(d.value)) not in text)
        # "then", "at that time", "the number of years ahead": said only after a sentence that looks ahead
        for i, s in enumerate(ss):
            if _REFERS_AHEAD.search(s):
                assert any(_AHEAD.search(t) for t in ss[:i]), text
        hidden_years += y is not None and (
            y.value is None or y.frame.replace("{v}", str(y.value)) not in text
        )
        assert "event never told" not in round9_defects(it.row, p), text
    # the kind of row 17 is common, not a corner: many rows hide the gap or the years
    assert hidden_gap >= 20 and hidden_years >= 20, (hidden_gap, hidden_years)


def test_no_row_leaves_an_event_untold(round7_rows, round8_rows):
    for it in (*round7_rows, *round8_rows):
        assert "event never told" not in round9_defects(it.row, it.final), it.row["prompt"]
