"""Each part of the package imports with only its own extras (pyproject.toml): a subprocess in which every
other extra's modules are missing imports every module of ``hf_mathrules``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import hf_mathrules

PACKAGE = Path(hf_mathrules.__file__).parent

# import names of the optional dependencies, by extra (the core needs only sympy and tqdm)
EXTRAS = {
    "hub": {"datasets", "pyarrow", "huggingface_hub", "yaml"},
    "train": {
        "torch",
        "transformers",
        "trl",
        "peft",
        "accelerate",
        "tokenizers",
        "bitsandbytes",
        "matplotlib",
    },
    "other": {"gradio", "gradio_client", "evaluate", "z3", "datatrove", "math_verify", "psutil", "lighteval"},
}
# the modules that need an extra at import time, and which; every other module needs none (data.generation
# too: the rule digests, tests/rules/test_row_digests.py, read rows through it with the core alone)
DATA_MODULES = ("builder", "card", "config", "distributed", "export", "loading", "publishing")
NEEDS = {
    **{f"hf_mathrules.data.{m}": "hub" for m in (*DATA_MODULES, "streaming")},
    "hf_mathrules.train.callbacks": "train",
    "hf_mathrules.train.optimizers": "train",
}

_PROBE = """
import importlib, json, sys
# None in sys.modules: ``import x`` raises ModuleNotFoundError and ``importlib.util.find_spec(x)`` is None,
# as when x is not installed (libraries that probe for an optional x then go without it)
for name in json.loads(sys.argv[1]):
    sys.modules[name] = None
failed = {}
for module in json.loads(sys.argv[2]):
    try:
        importlib.import_module(module)
    except Exception as exc:
        failed[module] = f"{type(exc).__name__}: {exc}"
from hf_mathrules.cli import build_parser
build_parser()
print(json.dumps(failed))
"""


def _modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] != "__main__":
            out.append(".".join(parts))
    return out


def _failures(allowed: set[str], modules: list[str]) -> dict[str, str]:
    blocked = set().union(*EXTRAS.values()) - allowed
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(sorted(blocked)), json.dumps(modules)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PACKAGE.parent,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_every_module_imports_without_the_extras_it_does_not_need():
    # the core (expr, verify, rules, mutate, ...), evaluation, the commands and the CLI parser with no
    # extra at all; ``hf_mathrules.data`` itself too (its names load on first use)
    failed = _failures(set(), _modules())
    assert set(failed) == set(NEEDS), failed


def test_the_data_layer_imports_with_the_hub_extra_alone():
    hub_only = [m for m, extra in NEEDS.items() if extra == "hub"]
    assert _failures(EXTRAS["hub"], [*hub_only, "hf_mathrules.rules", "hf_mathrules.verify"]) == {}


def test_the_modules_that_need_an_extra_exist():
    assert set(NEEDS) <= set(_modules())
