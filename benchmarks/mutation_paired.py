"""Paired comparison in one process: the base commit's mcmc.py (loaded beside this tree's; every other
module is the same file in both trees) and this tree's run_chain, alternating item by item."""

import importlib.util
import sys
import time
from collections import Counter

import hf_mathrules.mutate.engine as E
from hf_mathrules.mutate import mcmc as new

spec = importlib.util.spec_from_file_location("hf_mathrules.mutate.mcmc_base", sys.argv[1])
base = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = base
spec.loader.exec_module(base)
from hf_mathrules.mutate import MutationEngine  # noqa: E402

for lv, n in [(1, 800), (3, 600), (5, 300)]:
    eng = MutationEngine(level=lv, second_opinion="none")
    eng.item(99, 0)
    T = {"base": 0.0, "new": 0.0}
    R = Counter()
    rej = {"base": Counter(), "new": Counter()}
    for i in range(n):
        for name, mod in (("base", base), ("new", new)) if i % 2 == 0 else (("new", new), ("base", base)):
            E.run_chain = mod.run_chain
            t = time.process_time()
            it = eng.item(1, i)
            T[name] += time.process_time() - t
            R[name] += it.row is not None
            if it.row is None:
                rej[name][it.rejected] += 1
    print(
        f"level {lv}: {n} items each; "
        + "; ".join(
            f"{k}: {R[k]} rows, {R[k] / T[k]:.0f} rows/CPU-s, {1000 * T[k] / n:.2f} ms/item, rejected {dict(rej[k])}"
            for k in T
        )
        + f"; ratio {R['new'] / T['new'] / (R['base'] / T['base']):.2f}x",
        flush=True,
    )
