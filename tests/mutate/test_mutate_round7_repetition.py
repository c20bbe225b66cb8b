"""Issue 21, round 7: repetition within a problem (6.6% repeated 4-grams at f4a35cc against gsm_symbolic's
1.9%).  A seed quantity may name a ``short`` noun phrase ("the peanut price" for "the price of peanuts per
kilogram", "the gift" for "the money Farid gets as a gift") that later mentions use; "the total of A and
B" says A and B as any other mention ("the total of the number Diego kept last week and the number now");
a statement on a past occasion may open with it ("Two weeks ago, the number of apples Rosa picked was
38."); every text still reads back into its program (the round-trip gate) and rows stay the same per
(seed, index)."""

import re
import statistics

from text_scores import repeated_4grams

from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.frames import (
    COMBINED,
    PAST,
    Mentions,
    bare,
    fronted,
    informalize,
    parse_text,
    past_frame,
    short_forms,
    split_sentences,
    unfronted,
)
from hf_mathrules.mutate.seeds import load_seeds
from hf_mathrules.mutate.solver import solve

SEEDS = {s.id: s for s in load_seeds()}


def test_repeated_4grams_are_fewer(round7_rows):
    """f4a35cc: 6.6% on the --quality rows (600, seed 0); this branch 4.9% there.  The bar: 5.5% on the
    round-7 rows (levels 1-6, seed 0)."""
    got = statistics.mean(repeated_4grams(it.row["prompt"]) for it in round7_rows)
    assert got < 0.055, got


def test_a_total_of_two_occasions_says_its_terms_briefly(round7_rows):
    """A statement or relation of "the total of A and B" / "the difference between A and B" says B (and A
    once its noun was said) briefly where it can: of those whose terms have a brief form, at least 3 in 4
    are said so (the rest: "the number now" already names another quantity of the text)."""
    brief = full = 0
    for it in round7_rows:
        p, text = it.final, it.row["prompt"]
        body = " ".join(split_sentences(text)[:-1])  # the question apart
        for x in p.quantities:
            if not COMBINED.match(x.desc) or x.name in p.query:
                continue
            said = Mentions(p).combined(x.name, x.desc)
            if said is not None and said != x.desc:
                full += x.desc in body
                brief += x.desc not in body and said.split(" and ")[-1] in body
    assert brief >= 30 and full * 3 <= brief, (brief, full)


def test_seed_short_forms_are_used_after_the_full_description(round7_rows):
    """A seed's short form appears in many rows, never before its quantity was said in full or by its own
    story sentence (its first mention), and the text reads back to the same answer."""
    seeds = load_seeds()
    used = 0
    for it in round7_rows:
        p = it.final
        # a statement that opened with its occasion ("Last month, the gift was 38 dollars.") read plainly
        text = " ".join(unfronted(x) for x in split_sentences(it.row["prompt"]))
        forms = short_forms(p)
        for name, (short, base) in forms.items():
            q = p.q(name)
            # "the gift last week" is another quantity's form, not "the gift" followed by words
            longer = tuple(f.lower() for f, _ in forms.values() if f != short and f.startswith(short + " "))
            m = next(
                (m for m in re.finditer(rf"\b{re.escape(short)}\b", text, re.I)
                 if not text[m.start():].lower().startswith((base.lower(), q.desc.lower(), *longer))),
                None,
            )  # fmt: skip
            if m is None:
                continue
            used += 1
            before = text[: m.start()].lower()
            kin = [p.q(n) for n, (_, b) in forms.items() if b == base]  # its occasions, said in full
            # its story sentence, with or without its "Then", or in the past tense after its occasion
            # ("Last year, peanuts were priced at 3 dollars per kilogram.": round 9)
            heads = [
                f.split("{v}")[0].strip().lower()
                for y in kin
                if y.frame
                for f in (y.frame, bare(y.frame), past_frame(y.frame))
                if f
            ]
            # (a past story sentence is read in the prompt as written: "Last year, the price per cup was 2
            # dollars." is not unfronted)
            raw = it.row["prompt"].lower()
            raw_before = raw[: max(raw.find(m.group(0).lower()), 0)]
            framed = any(h and (h in before or h in raw_before) for h in heads)
            said = [y.desc.lower() for y in kin if y.desc.lower() in before]
            # the bare form of a description with a verb ("the gift") only after that very quantity
            bare_verb = q.desc == base and any(w in PAST for w in q.desc.split())
            assert (q.desc.lower() in before or framed) if bare_verb else (said or framed), (short, text)
    assert used >= 100, used
    for it in round7_rows[::10]:
        back = parse_text(it.row["prompt"], seeds).program
        assert back is not None
        assert solve(back).values[back.query[0]] == solve(it.final).values[it.final.query[0]]


def test_statements_on_a_past_occasion_may_open_with_it(round7_rows):
    opened = [
        s for it in round7_rows for s in split_sentences(it.row["prompt"])
        # a description's statement; not a story's own sentence in the past ("Last week, the stall sold 30
        # comics.": round 9)
        if re.match(r"^(?:Last week|Two weeks ago|The day before|Last month|Last year), the .+ was ", s)
    ]  # fmt: skip
    assert len(opened) >= 200
    for s in opened[:50]:
        plain = unfronted(s)
        assert plain != s and " is " in plain and " was " not in plain.split(" is ")[-1]
    assert fronted(
        "the number of apples Rosa picked two weeks ago", "the number Rosa picked two weeks ago"
    ) == (
        "two weeks ago",
        "the number Rosa picked",
    )
    # not the occasion of a point of a span, nor of a total's second term
    assert (
        fronted(
            "the number of kites in stock at the end of last week",
            "the number of kites in stock at the end of last week",
        )
        is None
    )
    assert (
        fronted(
            "the total of the gift and the gift last week", "the total of the gift and the gift last week"
        )
        is None
    )


def test_rows_are_the_same_per_key():
    for lv in (3, 5):
        a = MutationEngine(level=lv, second_opinion="none").items_with_rows(15, seed=11, max_tries=600)
        b = MutationEngine(level=lv, second_opinion="none").items_with_rows(15, seed=11, max_tries=600)
        assert [x.row for x in a] == [y.row for y in b]


def test_informalize_of_every_seed_reads_back():
    import random

    seeds = load_seeds()
    for s in seeds:
        p = s.instantiate(random.Random(3))
        assert parse_text(informalize(p), seeds).program is not None, s.id


def test_a_short_form_is_no_other_wording_of_its_story():
    """A seed's short form says nothing else of its story ("the loan" beside "pays the loan back" and "the
    length of the loan" would name two things): it occurs in no intro, frame, question or description of
    the seed but at the start of its own description."""
    for s in load_seeds():
        texts = [s.intro]
        for q in (*s.givens, *s.derived, *s.distractors):
            for key in ("frame", "question"):
                v = q.get(key)
                texts += [v] if isinstance(v, str) else list(v or ())
            texts.append(q["desc"])
        for q in (*s.givens, *s.derived):
            short = q.get("short")
            if not short:
                continue
            for t in texts:
                for m in re.finditer(rf"\b{re.escape(short)}\b", t, re.I):
                    # its own description ("What is the sale price of a shirt?") is not another wording
                    assert t[m.start() :].lower().startswith(q["desc"].lower()), (s.id, short, t)
