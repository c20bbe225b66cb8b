"""Issue 19 item 3, round 7: what a read-back cache could give at level 3, measured before building one.

Two measurements on the real texts that the round-trip gate reads back (``gates.parse_text``), seed 1,
items 0..N-1, level 3, ``variants_per_chain`` K:

1. **Reuse.** How often a text's cache key was already seen earlier in the run (an unbounded cache, the
   texts in the order the engine reads them), for the keys a parse cache could use: the text itself; the
   text with every number masked (a parse that depends on numbers only by substitution could be reused
   for such a hit); the text with numbers and people's names masked; and, sentence by sentence, a
   masked sentence or a masked prefix of sentences seen before (what a per-sentence cache of the parse
   state could reuse).
2. **Ceiling.** Rows per CPU second with an *oracle* read-back: every text's parse recorded in a first
   pass and handed back from a dict in the timed passes, so the parse costs nothing ("parse free"), and
   the same with the recorded program already solved ("parse + read solve free"), beside the plain
   engine; the three alternate item by item in one process (``time.process_time``) and must give the
   same rows. No real cache can beat its oracle. Before each timed run the intro stories remembered per
   sentence are forgotten (the first pass read these very texts; a real run meets each text once).

    python benchmarks/mutation_round7_readback.py --items 300 --k 16
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import time
from collections import Counter


def masked(text: str, number, names_rx=None) -> str:
    out = number.sub("\x00", text)
    return names_rx.sub("\x01", out) if names_rx is not None else out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=300, help="level-3 items")
    ap.add_argument("--k", type=int, default=16, help="variants_per_chain")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    from hf_mathrules import mutate
    from hf_mathrules.mutate import frames, gates
    from hf_mathrules.mutate.seeds import NAMES

    eng = mutate.MutationEngine(level=3, second_opinion="none", variants_per_chain=a.k)
    eng.item(99, 0)  # warm: seeds loaded, patterns compiled
    plain = gates.parse_text
    recorded: dict[str, object] = {}
    order: list[str] = []

    def record(text, seeds):
        got = plain(text, seeds)
        recorded[text] = got
        order.append(text)
        return got

    gates.parse_text = record
    for i in range(a.items):
        eng.item(a.seed, i)
    gates.parse_text = plain

    # 1. reuse of each key over the texts in the engine's order
    names_rx = re.compile(r"\b(?:" + "|".join(map(re.escape, NAMES)) + r")\b")
    keys = {
        "text": lambda t: t,
        "numbers masked": lambda t: masked(t, frames.NUMBER),
        "numbers + names masked": lambda t: masked(t, frames.NUMBER, names_rx),
    }
    print(f"## level 3, K={a.k}, items 0..{a.items - 1} of seed {a.seed}: {len(order)} texts read back")
    print("| key | texts | hits (key seen before) | hit rate |")
    print("|---|---|---|---|")
    for label, key in keys.items():
        seen, hits = set(), 0
        for t in order:
            k = key(t)
            hits += k in seen
            seen.add(k)
        print(f"| {label} | {len(order)} | {hits} | {hits / len(order):.1%} |")
    for label, prefix in (("masked sentence (numbers + names)", False), ("masked prefix of sentences", True)):
        seen, hits, n = set(), 0, 0
        for t in order:
            ss = frames.split_sentences(masked(t, frames.NUMBER, names_rx))
            for j in range(len(ss)):
                k = tuple(ss[: j + 1]) if prefix else ss[j]
                hits += k in seen
                n += 1
                seen.add(k)
        print(f"| {label} | {n} sentences | {hits} | {hits / n:.1%} |")

    # 2. the ceiling: oracle read-backs beside the plain one, alternating item by item
    def parse_free(text, seeds):
        got = recorded.get(text)
        if got is None:
            return plain(text, seeds)
        p = got.program
        if p is not None:
            p = copy.copy(p)
            p.__dict__.pop("_solutions", None)  # solved again, as a new program is
        return frames.Parsed(p, got.numbers_read, got.numbers_in_text, list(got.problems))

    def all_free(text, seeds):
        got = recorded.get(text)
        return got if got is not None else plain(text, seeds)

    modes = {"plain": plain, "parse free": parse_free, "parse + read solve free": all_free}
    T, R, differ = Counter(), Counter(), 0
    names = list(modes)
    for i in range(a.items):
        rows = {}
        for m in names[i % 3 :] + names[: i % 3]:
            gates.parse_text = modes[m]
            for cache in frames._INTRO_CACHE.values():
                cache[2].clear()  # the stories of the first pass's texts: a real run meets each text once
            t0 = time.process_time()
            it = eng.item(a.seed, i)
            T[m] += time.process_time() - t0
            R[m] += len(it.rows)
            rows[m] = [json.dumps(r, sort_keys=True, default=str) for r in it.rows]
        gates.parse_text = plain
        differ += len({tuple(r) for r in rows.values()}) > 1
    print()
    print("| read-back | rows | CPU s | rows/CPU-s | vs plain |")
    print("|---|---|---|---|---|")
    base = R["plain"] / T["plain"]
    for m in names:
        speed = R[m] / T[m]
        print(f"| {m} | {R[m]} | {T[m]:.2f} | {speed:.0f} | {speed / base:.2f}x |")
    print(f"items whose rows differ between the read-backs: {differ} of {a.items}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
