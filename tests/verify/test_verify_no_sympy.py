"""SymPy stays out of the caller: it runs only in the checker's worker processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Records who imports sympy: the innermost frame outside the import machinery is the importer, and it
# must not be our package or our metric (a library such as torch importing it is not ours to change).
_PROBE = r"""
import json, sys, traceback

offenders = []

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "sympy":
            frames = [f for f in traceback.extract_stack()[:-1] if not f.filename.startswith("<")]
            importer = frames[-1].filename if frames else ""
            if "/hf_mathrules/" in importer or "/metrics/" in importer:
                offenders.append(f"{importer}:{frames[-1].lineno}")
        return None

sys.meta_path.insert(0, Watch())
exec(sys.argv[1])
print(json.dumps({"loaded": "sympy" in sys.modules, "offenders": offenders}))
"""


def _probe(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"HF_EVALUATE_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_verify_and_rewards_import_and_decide_without_sympy():
    code = (
        "import hf_mathrules.verify, hf_mathrules.rewards\n"
        "from hf_mathrules.verify import verify\n"
        "from hf_mathrules.rewards import math_reward\n"
        "assert verify('4(y - 2)', '4y - 8', form='factored').reason == 'wrong_form'\n"
        "assert verify('x + 1', '1 + x').equivalent\n"
        "assert verify('x = 1 or x = -3', 'x^2 + 2x - 3 = 0').equivalent\n"  # decided in a worker
        "assert math_reward(completions=['Answer: 3x + 3'], answer=['3*x + 3'], rule=['distributivity']) == [1.0]\n"
    )
    got = _probe(code)
    assert got == {"loaded": False, "offenders": []}


def test_metric_module_imports_no_sympy_itself():
    """``import evaluate`` loads transformers -> torch -> sympy when those are installed; our metric
    module and the checker it calls must not be the importer."""
    code = (
        "import importlib.util\n"
        "spec = importlib.util.spec_from_file_location("
        "'sympy_equivalence', 'metrics/sympy_equivalence/sympy_equivalence.py')\n"
        "m = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(m)\n"
        "r = m.SympyEquivalence().compute(predictions=['2x+4=0'], references=['x = -2'])\n"
        "assert r['accuracy'] == 1.0, r\n"
    )
    got = _probe(code)
    assert got["offenders"] == []
