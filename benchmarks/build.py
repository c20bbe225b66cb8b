"""Dataset build benchmark: each config built to parquet with num_proc 1 and 2 (wall time, CPU time,
rows/s, the builder's overhead over the generators' own time, peak memory of the whole process tree,
parquet size), the datatrove pipeline's rows/s, and streaming throughput with its memory over time.

    python benchmarks/build.py --rows 1000000 --datatrove-rows 200000   # the targets: 1M rows < 40 s with 2
                                                                        # processes, >= 1.7x, < 1 GB
    python benchmarks/build.py --rows 50000 --stream-rows 20000 --datatrove-rows 20000   # a quick run

Configs: ``mix`` (distributivity + factorization + commutativity + simplification, level 2) and
``distributivity`` (alone, level 3).  Each build runs in a fresh subprocess with its own empty datasets
cache (temporary, removed afterwards); peak memory is the largest sum of RSS over that subprocess and its
workers, sampled every 0.1 s; CPU time is user + system of the subprocess and every worker it waited for.
With num_proc 1 the subprocess also times every ``Rule.item`` call: overhead = (build time - time inside
``Rule.item``) / time inside ``Rule.item`` (the generators' own time includes the draws whose problem
falls in another split's bucket: a split keeps 80% of draws at best).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

BUILD_CODE = """
import json, sys, time
from pathlib import Path
from hf_mathrules.data import build_to_cache, load
from hf_mathrules.data.export import write_parquet_shards
from hf_mathrules.rules import base
a = json.loads(sys.argv[1])
inside = [0.0, 0, 0]  # seconds inside Rule.item, calls, nesting depth
if a["time_items"]:
    def timed(orig):
        def item(self, *args):
            inside[2] += 1
            t = time.perf_counter()
            try:
                return orig(self, *args)
            finally:
                inside[2] -= 1
                if not inside[2]:
                    inside[0] += time.perf_counter() - t
                    inside[1] += 1
        return item
    for cls in {base.Rule, *base.REGISTRY.values()}:
        for name in ("item", "_row"):  # _row: what item calls, and what a split's draws call directly
            if name in vars(cls):
                setattr(cls, name, timed(vars(cls)[name]))
t0 = time.perf_counter()
build_to_cache(a["name"], num_proc=a["num_proc"], cache_dir=a["cache"], **a["params"])
t1 = time.perf_counter()
ds = load(a["name"], cache_dir=a["cache"], **a["params"])
write_parquet_shards(ds, Path(a["out"]))
t2 = time.perf_counter()
print(json.dumps({"generate_s": t1 - t0, "parquet_s": t2 - t1, "rows": sum(len(d) for d in ds.values()),
                  "item_s": inside[0], "items": inside[1]}))
"""

DATATROVE_CODE = """
import json, sys, time
from hf_mathrules.data.distributed import build_distributed
if __name__ == "__main__":
    a = json.loads(sys.argv[1])
    t0 = time.perf_counter()
    build_distributed(a["name"], a["out"], executor="local", tasks=a["tasks"], workers=a["workers"], **a["params"])
    print(json.dumps({"seconds": time.perf_counter() - t0}))
"""

CONFIGS = {
    "mix": {"rules": ["distributivity", "factorization", "commutativity", "simplification"], "levels": [2]},
    "distributivity": {"rules": ["distributivity"], "levels": [3]},
}

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
    """Run ``code`` in a subprocess; return its JSON result (plus ``cpu_s``, the CPU seconds of the process
    tree) and the peak RSS (MiB) of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    script = Path(tempfile.mkdtemp(prefix="mathrules-bench-code-")) / "bench_step.py"
    script.write_text(code)  # a file, not -c: datatrove's forkserver workers re-import __main__
    proc = subprocess.Popen(
        [sys.executable, str(script), json.dumps(arg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = peak_pss = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [p for p in [root, *root.children(recursive=True)] if p.is_running()]
                peak = max(peak, sum(p.memory_info().rss for p in procs) / 2**20)
                # PSS shares each page among the processes mapping it (forked workers share the parent's)
                peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in procs) / 2**20)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = json.loads(out.strip().splitlines()[-1])
    res["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    res["peak_pss_mib"] = round(peak_pss)
    return res, peak


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="train rows of each build")
    p.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS), help="what to build")
    p.add_argument("--num-proc", type=int, nargs="+", default=[1, 2], help="process counts to compare")
    p.add_argument("--stream-rows", type=int, default=100_000, help="rows read from the stream (0: skip)")
    p.add_argument("--datatrove-rows", type=int, default=0, help="train rows of the datatrove run (0: skip)")
    p.add_argument("--datatrove-tasks", type=int, default=4, help="datatrove tasks (2 workers)")
    p.add_argument("--json", default=None, help="also write the figures here")
    args = p.parse_args()

    sizes = {"n_validation": 0, "n_test": 0, "n_ood": 0}
    results: dict = {"rows": args.rows, "cpus": os.cpu_count(), "load_before": os.getloadavg(), "builds": []}
    print(f"{args.rows:,} train rows, {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    for cfg in args.configs:
        params = {**CONFIGS[cfg], "n_train": args.rows, **sizes}
        for n in args.num_proc:
            with tempfile.TemporaryDirectory(prefix="mathrules-bench-") as tmp:
                arg = {
                    "name": "bench_" + cfg,
                    "num_proc": n,
                    "cache": f"{tmp}/cache",
                    "out": f"{tmp}/out",
                    "params": params,
                    "time_items": n == 1,
                }
                load = os.getloadavg()[0]
                res, peak = run_measured(BUILD_CODE, arg)
                size = sum(f.stat().st_size for f in Path(tmp, "out").rglob("*.parquet"))
            total = res["generate_s"] + res["parquet_s"]
            row = {
                "config": cfg,
                "num_proc": n,
                "generate_s": round(res["generate_s"], 1),
                "parquet_s": round(res["parquet_s"], 1),
                "total_s": round(total, 1),
                "cpu_s": round(res["cpu_s"], 1),
                "rows_per_s": round(res["rows"] / total),
                "rows_per_cpu_s": round(res["rows"] / res["cpu_s"]),
                "peak_mib": round(peak),
                "peak_pss_mib": res["peak_pss_mib"],
                "parquet_mib": round(size / 2**20, 1),
                "load_at_start": round(load, 2),
                "load_at_end": round(os.getloadavg()[0], 2),
            }
            if res["items"]:
                row["items"] = res["items"]
                row["item_rate"] = round(res["items"] / res["item_s"])
                row["overhead_pct"] = round(100 * (res["generate_s"] - res["item_s"]) / res["item_s"], 1)
                row["overhead_with_parquet_pct"] = round(100 * (total - res["item_s"]) / res["item_s"], 1)
            results["builds"].append(row)
            print(json.dumps(row), flush=True)
    if args.datatrove_rows:
        params = {**CONFIGS["distributivity"], "n_train": args.datatrove_rows, **sizes}
        with tempfile.TemporaryDirectory(prefix="mathrules-bench-") as tmp:
            arg = {
                "name": "bench_distributivity",
                "out": f"{tmp}/out",
                "tasks": args.datatrove_tasks,
                "workers": 2,
                "params": params,
            }
            load = os.getloadavg()[0]
            res, peak = run_measured(DATATROVE_CODE, arg)
            size = sum(f.stat().st_size for f in Path(tmp, "out").rglob("*.parquet"))
        results["datatrove"] = {
            "rows": args.datatrove_rows,
            "tasks": args.datatrove_tasks,
            "workers": 2,
            "seconds": round(res["seconds"], 1),
            "cpu_s": round(res["cpu_s"], 1),
            "rows_per_s": round(args.datatrove_rows / res["seconds"]),
            "peak_mib": round(peak),
            "parquet_mib": round(size / 2**20, 1),
            "load_at_start": round(load, 2),
        }
        print("datatrove:", json.dumps(results["datatrove"]), flush=True)
    if args.stream_rows:
        arg = {
            "name": "bench_mix",
            "rows": args.stream_rows,
            "every": max(1, args.stream_rows // 5),
            "params": CONFIGS["mix"],
        }
        res, peak = run_measured(STREAM_CODE, arg)
        results["stream"] = {
            "rows": args.stream_rows,
            "rows_per_s": round(args.stream_rows / res["seconds"]),
            "peak_mib": round(peak),
            "peak_pss_mib": res["peak_pss_mib"],
            "maxrss_mib_at": [(i, round(m)) for i, _, m in res["marks"]],
        }
        print(
            f"stream: {results['stream']['rows_per_s']:,} rows/s over {args.stream_rows:,} rows; "
            f"max RSS (MiB) at rows {results['stream']['maxrss_mib_at']}"
        )
    results["load_after"] = os.getloadavg()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
