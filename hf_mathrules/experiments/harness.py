"""Experiment 7, the evaluation harness: lighteval scores a model on our test split with our checker
(``hf_mathrules/lighteval_tasks.py``), next to ``mathrules evaluate``'s own scoring of the same rows.

Why lighteval has an environment of its own: lighteval 0.13.0 (the newest release, checked 2026-12-04)
pins ``latex2sympy2_extended==1.0.6``, ``termcolor==2.3.0``, ``nltk==3.9.1`` and ``aenum==3.1.15``, where
math-verify 0.9 in our ``dev`` extras pins ``latex2sympy2_extended==1.11.0``; it also needs ``xxhash<4`` (it
hashes ``str``; xxhash 4 takes bytes only).  So it runs from ``experiments/.venv-lighteval`` (``--set
lighteval_python=PATH`` to use another).

That virtualenv sees the packages of *the interpreter running this code* (a virtualenv, conda or the base
interpreter): ``create_env`` writes a ``.pth`` file into it that adds this interpreter's site directories
(and the folder ``hf_mathrules`` is imported from) after its own, so its pins win and hf_mathrules, torch and
transformers are shared.  ``venv --system-site-packages`` would not do: inside a virtualenv it shares the
*base* interpreter's packages, where neither the project nor torch may be installed."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

from . import common

NAME = "lighteval"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ENV = REPO_ROOT / "experiments" / ".venv-lighteval"
REQUIREMENTS = ("lighteval==0.13.0", "xxhash<4")
DEFAULTS = {"rules": ["distributivity"], "level": 1, "model": None, "steps": 150, "batch_size": 32,
            "rows_per_level": 4000, "n_eval": 20, "max_new_tokens": 96, "lighteval_python": None}  # fmt: skip
MINI = {"steps": 2, "batch_size": 8, "rows_per_level": 30, "n_eval": 3, "max_new_tokens": 16}
PAPER = "The paper scores with SymPy; lighteval is Hugging Face's evaluation framework, not in the paper."


def env_python(env: Path = DEFAULT_ENV) -> Path:
    return Path(env) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


SHARED = "import hf_mathrules, torch, transformers"  # what the virtualenv takes from this interpreter
PROBE = SHARED + "; import lighteval, xxhash; assert int(xxhash.VERSION[0]) < 4"
LINK_FILE = "hf_mathrules_host.pth"


def host_site_dirs() -> list[str]:
    """The folders this interpreter imports packages from: its sys.path and site folders less the standard
    library, plus the folder holding ``hf_mathrules`` (a checkout, an editable or a wheel install)."""
    stdlib = [os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")]

    def in_stdlib(path: str) -> bool:  # the base interpreter's site-packages lives under its stdlib folder
        return any(path == s or (path.startswith(s + os.sep) and "-packages" not in path) for s in stdlib)

    out: list[str] = []
    for d in (*sys.path, *site.getsitepackages(), str(REPO_ROOT)):
        d = os.path.realpath(d) if d else ""
        if d and os.path.isdir(d) and not in_stdlib(d) and d not in out:
            out.append(d)
    return out


def link_host(env: Path) -> Path:
    """Writes (again) the ``.pth`` file that appends this interpreter's site folders to ``env``'s path;
    ``site.addsitedir`` also runs their own ``.pth`` files (editable installs)."""
    python = env_python(env)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # a .pth line that starts with "import" is executed (in a scope a comprehension cannot see: use map)
    line = "import site; list(map(site.addsitedir, " + repr(host_site_dirs()) + "))\n"
    target = Path(purelib) / LINK_FILE
    tmp = target.with_suffix(".tmp")
    tmp.write_text(line)
    os.replace(tmp, target)
    return target


def _probe(python: Path, code: str, env: Path) -> subprocess.CompletedProcess:
    # run from the virtualenv's folder: from the repository, `-c` would import hf_mathrules from the cwd
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=str(env))


def create_env(env: Path = DEFAULT_ENV) -> Path:
    """The lighteval virtualenv, created and installed from PyPI when missing, and linked to this
    interpreter's packages every call (the caller's environment may have changed); its python."""
    env = Path(env).resolve()
    python = env_python(env)
    if not python.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    link_host(env)
    shared = _probe(python, SHARED, env)
    if shared.returncode:  # never let pip resolve torch itself: it would pull GBs of CUDA packages
        tail = (shared.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"lighteval's virtualenv {env} does not see this environment's packages: {tail}")
    if _probe(python, PROBE, env).returncode:  # pip sees torch & co. through the link: not reinstalled
        subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    probe = _probe(python, PROBE, env)
    if probe.returncode:
        tail = (probe.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"lighteval's virtualenv {env} cannot import what it needs: {tail}")
    return python


def run_lighteval(python: Path, model: Path, rules: list[str], data: Path, out: Path, max_new_tokens: int):
    """``python -m hf_mathrules.lighteval_tasks accelerate "model_name=MODEL" "custom|mathrules:R|0" ...``
    (lighteval's command line, built-in tasks not loaded); returns the results JSON and the seconds."""
    tasks = ",".join(f"custom|mathrules:{r}|0" for r in rules)
    env = {**os.environ, "MATHRULES_LIGHTEVAL_DATA": str(data), "HF_HUB_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1", "MATHRULES_LIGHTEVAL_MAX_NEW_TOKENS": str(max_new_tokens)}  # fmt: skip
    cmd = [str(python), "-m", "hf_mathrules.lighteval_tasks", "accelerate", f"model_name={model}", tasks,
           "--custom-tasks", str(REPO_ROOT / "hf_mathrules" / "lighteval_tasks.py"), "--output-dir", str(out)]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(out.parent))
    seconds = time.perf_counter() - t0
    (out.parent / "lighteval.log").write_text(proc.stdout + "\n" + proc.stderr)
    if proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"lighteval failed (exit {proc.returncode}):\n{tail}")
    found = sorted(out.rglob("results_*.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise RuntimeError(f"lighteval wrote no results under {out}")
    return json.loads(found[-1].read_text()), seconds, " ".join(cmd)


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    from ..lighteval_tasks import write_task_data

    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    x = opts.extra
    python = Path(x["lighteval_python"]) if x["lighteval_python"] else create_env()
    rules, level = x["rules"], x["level"]
    trained = None
    if x["model"]:
        model_dir = Path(x["model"])
    else:
        model_dir, trained = common.train_model(opts, "model", [f"{r}:{level}" for r in rules])
    data = opts.output_dir / "data"
    ours = {}
    model, tok = common.load_trained(opts, model_dir)
    for rule in rules:
        cell_rows = common.rows(rule, level, opts.n_eval, seed=opts.seed)
        write_task_data(data, rule, cell_rows)
        completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], opts)
        ours[rule] = common.public(common.score(cell_rows, completions))
    del model
    out = (opts.output_dir / "lighteval").resolve()
    results, seconds, command = run_lighteval(python, model_dir.resolve(), rules, data.resolve(), out,
                                              opts.max_new_tokens)  # fmt: skip
    body, cells = [], []
    for rule in rules:
        key = next(k for k in results["results"] if f"mathrules:{rule}" in k)
        theirs = results["results"][key]
        cells.append({"rule": rule, "level": level, "ours": ours[rule], "lighteval": theirs})
        body.append([rule, level, ours[rule]["n"], common.pct(ours[rule]["accuracy"]),
                     common.pct(theirs["verified_accuracy"]), common.pct(theirs["wrong_form"]),
                     common.pct(theirs["no_answer"])])  # fmt: skip
    table = common.markdown_table(
        ["rule", "level", "n", "mathrules evaluate", "lighteval (our checker)", "lighteval: wrong form",
         "lighteval: no answer"],
        body,
    )  # fmt: skip
    table += f"\nlighteval run: {seconds:.0f} s.\n"
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    xs = range(len(cells))
    ax.bar(
        [i - 0.2 for i in xs], [100 * c["ours"]["accuracy"] for c in cells], 0.4, label="mathrules evaluate"
    )
    ax.bar([i + 0.2 for i in xs], [100 * c["lighteval"]["verified_accuracy"] for c in cells], 0.4,
           label="lighteval task")  # fmt: skip
    ax.set_xticks(list(xs), [c["rule"] for c in cells])
    ax.set_ylabel("verified accuracy (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Same rows, same checker: our runner vs lighteval")
    ax.legend(fontsize=8)
    common.save_figure(fig, opts.output_dir / "lighteval.png")
    summary = {"training": trained, "model": str(model_dir), "cells": cells, "lighteval_seconds": round(seconds, 1),
               "lighteval_command": command}  # fmt: skip
    return common.write_outputs(opts, NAME, summary, table, t0)
