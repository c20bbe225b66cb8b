"""Issue 19 item 3, round 8: where a level-3 item's time goes (one process, this tree).

A sampling profile: ``signal.setitimer(ITIMER_PROF)`` asks for a sample every 0.3 ms of CPU time (the
kernel delivers ~1 per 4 ms here), and each sample counts every function on the stack once (inclusive
share) and the function at the top (self share); plus the collector's share of the CPU time
(``gc.callbacks``), which the sampler does not see as a function.

    python benchmarks/mutation_round8_profile.py --items 600 --k 16
"""

from __future__ import annotations

import argparse
import collections
import gc
import signal
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=600)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=45)
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this tree, not the venv's checkout
    from hf_mathrules import mutate

    print(f"tree: {Path(mutate.__file__).parent}")

    eng = mutate.MutationEngine(level=3, second_opinion="none", variants_per_chain=a.k)
    eng.item(99, 0)  # warm: seeds loaded, patterns compiled
    incl, selfc, total = collections.Counter(), collections.Counter(), [0]

    def sample(_sig, frame):
        total[0] += 1
        seen, f, top = set(), frame, True
        while f is not None:
            key = f"{f.f_code.co_filename.rsplit('/', 1)[-1]}:{f.f_code.co_name}"
            if top:
                selfc[key] += 1
                top = False
            if key not in seen:
                incl[key] += 1
                seen.add(key)
            f = f.f_back

    spent, started = [0.0], [0.0]

    def collected(phase, _info):
        if phase == "start":
            started[0] = time.process_time()
        else:
            spent[0] += time.process_time() - started[0]

    gc.callbacks.append(collected)
    signal.signal(signal.SIGPROF, sample)
    signal.setitimer(signal.ITIMER_PROF, 0.0003, 0.0003)
    t0, rows = time.process_time(), 0
    for i in range(a.items):
        rows += len(eng.item(a.seed, i).rows)
    cpu = time.process_time() - t0
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    gc.callbacks.remove(collected)
    n = total[0]
    print(f"level 3, K = {a.k}, items 0..{a.items - 1} of seed {a.seed}: {rows} rows, {cpu:.2f} CPU s, "
          f"{rows / cpu:.0f} rows/CPU-s (sampler on), {n} samples, the collector {100 * spent[0] / cpu:.1f}% of the CPU time")  # fmt: skip
    print("inclusive:")
    for k, v in incl.most_common(a.top):
        print(f"  {100 * v / n:5.1f}% {k}")
    print("self:")
    for k, v in selfc.most_common(a.top // 2):
        print(f"  {100 * v / n:5.1f}% {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
