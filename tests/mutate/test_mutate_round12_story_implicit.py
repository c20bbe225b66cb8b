"""Issue 21, round 12: repetition in implicit one-quantity relations and percentages between occasions
(round 11 left 2.84% of a problem's word 4-grams repeating an earlier one, gsm_symbolic 1.92%; "Half of the
number of novels sold last week comes to 23." was the largest repeated shape left).

An implicit relation of one quantity (a part, a percentage, equal parts) whose target is a given with its
own seed sentence for a count or a time (or a sum of money), or that given on a past occasion, is said in
that sentence with "some" for the number: "Last week, the stall sold some novels, and half of that number is
23.", "Aiko borrows some money, and 20% of that is 580 dollars."; a percentage between two occasions is a
comparison like round 11's: "The stall sells 25% fewer novels than last week.", "Fuel costs 50% more per
liter than last year.".  ``parse_text`` reads both back; every such row reads back to its answer.
"""

import re
import statistics

from hf_mathrules.mutate.defects import round3_defects, round9_defects
from hf_mathrules.mutate.frames import (
    informalize,
    parse_text,
    split_sentences,
    story_implicit,
    story_relation,
    unstory_implicit,
    unstory_relation,
    unstory_relations,
)
from hf_mathrules.mutate.seeds import load_seeds
from hf_mathrules.mutate.solver import solve

_TOK = re.compile(r"[A-Za-z']+|[0-9]+(?:[.,][0-9]+)*")


def repeated_4grams(text: str) -> float:
    """``benchmarks/mutation.py``'s measure (numbers as one token)."""
    toks = ["<num>" if w[0].isdigit() else w.lower() for w in _TOK.findall(text)]
    grams = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
    return sum(1 for i, g in enumerate(grams) if g in grams[:i]) / max(len(grams), 1)


def _answer(p):
    return solve(p).values.get(p.query[0])


def _said(rows, fn):
    out = []
    for it in rows:
        p, text = it.final, it.row["prompt"]
        said = [(r, s[0]) for r in p.relations if (s := fn(p, r)) is not None and s[0] in text]
        if said:
            out.append((it, said))
    return out


def test_unstory_implicit_reads_each_shape():
    cases = {
        "Last week, the stall sold some novels, and half of that number is 23.": (
            "Last week, the stall sold 1 novels.", "part_is", "half", "23",
        ),
        "Dev scores some points on the first test, and 50% of that number is 36.": (
            "Dev scores 1 points on the first test.", "percent_is", "50", "36",
        ),
        "Mia bakes some batches, and that number split into 3 equal parts gives 4 per part.": (
            "Mia bakes 1 batches.", "per_part", "3", "4",
        ),
        "Aiko borrows some money, and 20% of that is 580 dollars.": ("Aiko borrows 1 dollars.", "percent_is", "20", "580"),
        "Hiro's savings jar holds some money, and a tenth of that is 11.50 dollars.": (
            "Hiro's savings jar holds 1 dollars.", "part_is", "a tenth", "11.50",
        ),
    }  # fmt: skip
    for s, want in cases.items():
        assert unstory_implicit(s) == want, s
    for s in (
        "Half of the number of novels sold last week comes to 23.",
        "Aiko borrows some money, and 20% of that number is 580.",  # money said as a number
        "The stall sells some novels, and half of that is 23 dollars.",  # a count said as money
        "Some friends sell some novels, and half of that number is 23.",  # two "some"
        "The stall sells novels, and half of that number is 23.",
    ):
        assert unstory_implicit(s) is None, s


def test_unstory_relation_reads_percentages():
    assert unstory_relation("The stall sells 25% fewer novels than last week.") == (
        "The stall sells 1 novels.", "percent_of", "75", "last week",
    )  # fmt: skip
    assert unstory_relation("A kilogram of almonds costs 25% less than last year.") == (
        "A kilogram of almonds costs 1 dollars.", "percent_of", "75", "last year",
    )  # fmt: skip
    # "more" stands for a count or a sum of money: both sentences are tried
    got = unstory_relations("Fuel costs 50% more per liter than last year.")
    assert got == (
        ("Fuel costs 1 per liter.", "Fuel costs 1 dollars per liter."),
        "percent_of",
        "150",
        "last year",
    )
    assert unstory_relation("The stall sells 25% fewer novels as last week.") is None


def test_story_implicit_in_generated_rows(round7_rows):
    seeds = load_seeds()
    rows = _said(round7_rows, story_implicit)
    kinds = {r.kind for _, said in rows for r, _ in said}
    assert len(rows) >= 60, len(rows)
    assert kinds == {"part_is", "percent_is"} or kinds == {"part_is", "percent_is", "per_part"}, kinds
    money = sum(" some money, " in s for _, said in rows for _, s in said)
    assert money >= 8, money
    for it, said in rows:
        p, text = it.final, it.row["prompt"]
        assert informalize(p) == text
        assert not round3_defects(it.row, p) and not round9_defects(it.row, p), text
        back = parse_text(text, seeds).program
        assert back is not None and _answer(back) == _answer(p), text
        for r, s in said:
            got = unstory_implicit(s)
            assert got is not None and got[1] == r.kind, s
            assert [x for x in back.relations if x.kind == r.kind and not x.source], s
            # the story sentence says its given once, with "some" where its number stood
            assert s.count(" some ") == 1 and not re.search(r"\d+ (?:more|fewer|less)\b", s), s


def test_story_percentages_in_generated_rows(round7_rows, round8_rows):
    seeds = load_seeds()
    rows = [
        (it, [(r, s) for r, s in said if r.kind == "percent_of"])
        for it, said in _said((*round7_rows, *round8_rows), story_relation)
    ]
    rows = [(it, said) for it, said in rows if said]
    assert len(rows) >= 30, len(rows)
    for it, said in rows:
        p, text = it.final, it.row["prompt"]
        back = parse_text(text, seeds).program
        assert back is not None and _answer(back) == _answer(p), text
        for r, s in said:
            k = p.q(r.params[0]).value
            assert 0 < k < 200 and k != 100, s
            _, kind, kk, _ = unstory_relation(s)
            assert kind == "percent_of" and int(kk) == k, s
            assert "100% more" not in s and not re.search(r"\d+% (?:more|less) (?:as|for) ", s), s


def test_repetition_bound_on_seed_11(round8_rows):
    rate = statistics.mean(repeated_4grams(it.row["prompt"]) for it in round8_rows)
    assert rate < 2.35 / 100, rate  # 2.28% here


def test_story_sentences_split_as_one(round7_rows):
    for _it, said in _said(round7_rows, story_implicit):
        for _, s in said:
            assert split_sentences(s) == [s], s
