"""Dataset build benchmark: a mixture built to parquet with num_proc 1 and 2 (rows/s, peak memory of the
whole process tree, parquet size), and streaming throughput with its memory over time.

    python benchmarks/build.py --rows 1000000            # the target: 1M rows < 60 s with 2 processes, < 2 GB
    python benchmarks/build.py --rows 50000 --stream-rows 20000   # a quick run

Each build runs in a fresh subprocess with its own empty datasets cache (temporary, removed afterwards);
peak memory is the largest sum of RSS over that subprocess and its workers, sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

DEFAULT_RULES = ("distributivity", "factorization", "commutativity", "simplification")

BUILD_CODE = """
import json, sys, time
from pathlib import Path
from hf_mathrules.data import build_to_cache, load
from hf_mathrules.data.export import write_parquet_shards
a = json.loads(sys.argv[1])
t0 = time.perf_counter()
build_to_cache(a["name"], num_proc=a["num_proc"], cache_dir=a["cache"], **a["params"])
t1 = time.perf_counter()
ds = load(a["name"], cache_dir=a["cache"], **a["params"])
write_parquet_shards(ds, Path(a["out"]))
t2 = time.perf_counter()
print(json.dumps({"generate_s": t1 - t0, "parquet_s": t2 - t1, "rows": sum(len(d) for d in ds.values())}))
"""

STREAM_CODE = """
import json, sys, time, resource
from hf_mathrules.data.streaming import stream
a = json.loads(sys.argv[1])
ds = stream(a["name"], "train", **a["params"])
marks, t0 = [], time.perf_counter()
for i, _ in enumerate(ds, 1):
    if i % a["every"] == 0:
        marks.append((i, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    if i >= a["rows"]:
        break
print(json.dumps({"seconds": time.perf_counter() - t0, "marks": marks}))
"""


def run_measured(code: str, arg: dict) -> tuple[dict, float]:
    """Run ``code`` in a subprocess; return its JSON result and the peak RSS (MiB) of its process tree."""
    proc = subprocess.Popen([sys.executable, "-c", code, json.dumps(arg)], stdout=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
                peak = max(peak, rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    done.set()
    t.join()
    if proc.returncode:
        raise SystemExit(f"benchmark subprocess failed with exit code {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), peak


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="train rows of the mixture")
    p.add_argument("--rules", nargs="+", default=list(DEFAULT_RULES), help="mixture rules (equal weights)")
    p.add_argument("--levels", type=int, nargs="+", default=[2], help="levels")
    p.add_argument("--num-proc", type=int, nargs="+", default=[1, 2], help="process counts to compare")
    p.add_argument("--stream-rows", type=int, default=100_000, help="rows read from the stream (0: skip)")
    p.add_argument("--json", default=None, help="also write the figures here")
    args = p.parse_args()

    from hf_mathrules.rules import rule_names

    rules = [r for r in args.rules if r in rule_names()]
    missing = sorted(set(args.rules) - set(rules))
    if missing:
        print(f"not registered, left out: {', '.join(missing)}", file=sys.stderr)
    params = {
        "rules": rules,
        "n_train": args.rows,
        "n_validation": 0,
        "n_test": 0,
        "n_ood": 0,
        "levels": args.levels,
    }
    results: dict = {
        "rows": args.rows,
        "rules": rules,
        "levels": args.levels,
        "cpus": os.cpu_count(),
        "builds": [],
    }
    print(f"mixture {'+'.join(rules)}, levels {args.levels}, {args.rows:,} train rows, {os.cpu_count()} CPUs")
    for n in args.num_proc:
        with tempfile.TemporaryDirectory(prefix="mathrules-bench-") as tmp:
            arg = {
                "name": "bench_mix",
                "num_proc": n,
                "cache": f"{tmp}/cache",
                "out": f"{tmp}/out",
                "params": params,
            }
            res, peak = run_measured(BUILD_CODE, arg)
            size = sum(f.stat().st_size for f in Path(tmp, "out").rglob("*.parquet"))
        row = {
            "num_proc": n,
            "generate_s": round(res["generate_s"], 1),
            "parquet_s": round(res["parquet_s"], 1),
            "rows_per_s": round(res["rows"] / (res["generate_s"] + res["parquet_s"])),
            "peak_mib": round(peak),
            "parquet_mib": round(size / 2**20, 1),
        }
        results["builds"].append(row)
        print(
            f"num_proc={n}: generate {row['generate_s']} s + parquet {row['parquet_s']} s -> "
            f"{row['rows_per_s']:,} rows/s; peak {row['peak_mib']} MiB; parquet {row['parquet_mib']} MiB"
        )
    if args.stream_rows:
        arg = {
            "name": "bench_mix",
            "rows": args.stream_rows,
            "every": max(1, args.stream_rows // 5),
            "params": {"rules": rules, "levels": args.levels},
        }
        res, peak = run_measured(STREAM_CODE, arg)
        results["stream"] = {
            "rows": args.stream_rows,
            "rows_per_s": round(args.stream_rows / res["seconds"]),
            "peak_mib": round(peak),
            "maxrss_mib_at": [(i, round(m)) for i, _, m in res["marks"]],
        }
        print(
            f"stream: {results['stream']['rows_per_s']:,} rows/s over {args.stream_rows:,} rows; "
            f"max RSS (MiB) at rows {results['stream']['maxrss_mib_at']}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
