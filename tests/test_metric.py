"""The evaluate metric loads by path in a fresh process (offline) and scores the rule engine's rows."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, evaluate
from hf_mathrules.rules import make_rule
m = evaluate.load("metrics/sympy_equivalence")
rows = make_rule("distributivity", level=2).generate(10, seed=4)
gold = [r["answer"] for r in rows]
out = {
    "answers": m.compute(predictions=[r["completion"] for r in rows], references=gold, form="expanded"),
    "problems": m.compute(predictions=[r["problem"] for r in rows], references=gold, form="expanded"),
    "lists": m.compute(predictions=["2x + 4 = 0", "nonsense("], references=[["x = -2"], ["1", "2"]]),
    "payload": m.compute(predictions=["__import__('os').system('echo hi')"], references=["2"]),
}
print(json.dumps({k: {"accuracy": v["accuracy"], "counts": v["counts"]} for k, v in out.items()}))
"""


def test_metric_loads_offline_in_a_fresh_process():
    env = {**os.environ, "HF_EVALUATE_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["answers"]["accuracy"] == 1.0
    assert out["problems"]["accuracy"] == 0.0 and out["problems"]["counts"]["wrong_form"] == 10
    assert out["lists"]["accuracy"] == 0.5 and out["lists"]["counts"]["parse_error"] == 1
    assert out["payload"]["counts"]["parse_error"] == 1


def test_metric_card_and_space_files():
    folder = ROOT / "metrics" / "sympy_equivalence"
    card = (folder / "README.md").read_text()
    for section in (
        "## Metric Description",
        "## How to Use",
        "### Inputs",
        "### Output Values",
        "## Limitations",
    ):
        assert section in card
    assert "hf-mathrules" in (folder / "requirements.txt").read_text()
    src = (folder / "sympy_equivalence.py").read_text()
    assert all(not line.startswith("import ") or "," not in line for line in src.splitlines())
    app = (folder / "app.py").read_text()
    assert "gr.inputs" not in app and 'api_name="check"' in app
