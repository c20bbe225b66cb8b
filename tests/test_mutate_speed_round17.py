"""Issue 19 item 3, round 17: what the engine leaves for the cyclic garbage collector.

- Making items leaves no cyclic garbage: ``parse_text``'s ``resolve``/``resolve_near`` and ``Program.structure``'s
  two halves no longer call each other through closure cells (each call was a cycle holding its quantities and
  dicts until a collection ran);
- the sentence caches keep strings and dicts of strings, not ``re.Match`` objects (each tracked, and walked by
  every full collection while it stays in the cache); what they hold against every frame's pattern is checked
  in ``test_mutate_speed_round11``.

The rows are compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base fb764f2`` (identical at K = 1 and 16); not here: a test cannot
assume the repository's history.
"""

import gc

from mutation_rows import make_items, tracked

from hf_mathrules.mutate import MutationEngine, frames


def test_making_items_leaves_no_cyclic_garbage():
    make_items(2)  # caches and imports warmed: what stays is not garbage
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        make_items(30)
        found = gc.collect()
    finally:
        if was:
            gc.enable()
    assert found == 0, f"{found} objects in reference cycles after 90 items"


def test_the_sentence_caches_hold_nothing_the_collector_tracks():
    eng = MutationEngine(level=3, second_opinion="none", variants_per_chain=4)
    texts = [r["prompt"] for i in range(20) for r in eng.item(1, i).rows]
    got = [
        (frames._relation_matches(s), frames._state_matches(s), frames._question_matches(s))
        for t in texts
        for s in frames.split_sentences(t)
    ]
    # a tuple that holds only untracked objects is untracked by a collection: one level of nesting each
    for _ in range(4):
        gc.collect()
    assert sum(bool(rel) for rel, _, _ in got) > 20 and sum(bool(st) for _, st, _ in got) > 20
    for rel, st, q in got:
        # every entry whole (round 18: a relation's groups as pairs; a tuple holding a dict stays tracked)
        assert not tracked(rel) and not tracked(st) and not tracked(q), (rel, st, q)
