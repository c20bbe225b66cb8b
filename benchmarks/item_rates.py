"""``Rule.item`` rates of the 1M-row build benchmark's rules, in items per CPU-second of this process
(``time.process_time``: other work on the machine does not count), best of 3 after 500 warm-up items.
Run it once per code tree to compare commits side by side:

    for code in /tmp/wt-old19 .; do PYTHONPATH=$code nice -n 19 python benchmarks/item_rates.py 3000; done

Other rules and levels after the count: ``python benchmarks/item_rates.py 1000 linear_system:1 gaussian_elimination:3``.
"""

from __future__ import annotations

import json
import sys
import time

from hf_mathrules.rules import ConfigError, make_rule

CONFIGS = [
    ("distributivity", 2),
    ("factorization", 2),
    ("commutativity", 2),
    ("simplification", 2),
    ("distributivity", 3),
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    try:
        configs = [(a.split(":")[0], int(a.split(":")[1])) for a in sys.argv[2:]] or CONFIGS
        for name, level in configs:
            make_rule(name, level=level)
    except (IndexError, ValueError, ConfigError) as exc:  # ValueError: "x" as a level
        sys.exit(f"item_rates.py: give RULE:LEVEL after the count (e.g. linear_system:1): {exc}")
    out = {}
    for name, level in configs:
        rule = make_rule(name, level=level)
        for i in range(500):
            rule.item(1, i)
        best = 0.0
        for _ in range(3):
            t = time.process_time()
            for i in range(n):
                rule.item(0, i)
            best = max(best, n / (time.process_time() - t))
        out[f"{name} L{level}"] = round(best)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
