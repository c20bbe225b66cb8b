"""Issue 19 item 3, round 9: how many of the variants' draws are built, solved and then refused by the exact
gate (what the screen, ``engine._screen`` / ``_unpinned`` through ``solver.refuter``, did not refuse first),
by the kind of reason; level 3, items 0..N-1 of seed 1.  Runs on whichever ``hf_mathrules`` is imported
(``PYTHONPATH`` on a ``git archive`` of another commit measures that commit).

    python benchmarks/mutation_round9_refusals.py --items 300 --k 16
"""

from __future__ import annotations

import argparse
import collections
import re
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    from hf_mathrules.mutate import MutationEngine, engine, gates

    counts: collections.Counter = collections.Counter()
    inside = [0]  # 1 while ``variants`` draws (``finish`` sets it back to 0 for its own gates)
    exact, variants, finish = gates.exact, engine.MutationEngine.variants, engine.MutationEngine.finish

    def counted_exact(p, sol, answer_class="integer"):
        reason = exact(p, sol, answer_class)
        if inside[0]:
            kind = re.sub(r"[-0-9/.]+", "#", reason) if reason else "passed"
            counts[re.sub(r"^\w+ \w+ = # |^\w+ \w+ |^\w+ = # ", "", kind)[:60]] += 1
        return reason

    def counted_variants(self, *args, **kw):
        inside[0] = 1
        try:
            return variants(self, *args, **kw)
        finally:
            inside[0] = 0

    def uncounted_finish(self, *args, **kw):
        was, inside[0] = inside[0], 0
        try:
            return finish(self, *args, **kw)
        finally:
            inside[0] = was

    gates.exact = counted_exact
    engine.MutationEngine.variants = counted_variants
    engine.MutationEngine.finish = uncounted_finish
    eng = MutationEngine(level=3, second_opinion="none", variants_per_chain=a.k)
    rows = sum(len(eng.item(a.seed, i).rows) for i in range(a.items))
    refused = sum(v for k, v in counts.items() if k != "passed")
    print(f"level 3, K = {a.k}, items 0..{a.items - 1} of seed {a.seed}: {rows} rows; draws solved and gated: "
          f"{sum(counts.values())}, passed {counts['passed']}, refused {refused}")  # fmt: skip
    for kind, n in counts.most_common():
        if kind != "passed":
            print(f"  {n:5d}  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
