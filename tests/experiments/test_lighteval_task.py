"""The lighteval task module scores a tiny model with our checker, through lighteval's own command line
in its own virtualenv (lighteval 0.13's pins conflict with math-verify in our dev extras).  Slow (about
a minute and a half on 2 busy cores, most of it lighteval's start); skipped with the reason when the
virtualenv is missing and cannot be made offline."""

from __future__ import annotations

import json
import subprocess

import pytest

from hf_mathrules.cli import main
from hf_mathrules.experiments.harness import DEFAULT_ENV, create_env


def _lighteval_python():
    """lighteval's virtualenv, made (pip, from the package index) when missing and linked to *this*
    interpreter's packages every time: a virtualenv left by another environment is relinked, not trusted."""
    try:
        return create_env()
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"lighteval's virtualenv {DEFAULT_ENV} could not be installed (pip failed: {exc}); "
                    "run: python -c 'from hf_mathrules.experiments.harness import create_env; create_env()'")  # fmt: skip


def test_task_module_imports_without_lighteval(monkeypatch, tmp_path):
    import importlib.util

    import hf_mathrules.lighteval_tasks as t

    if importlib.util.find_spec("lighteval") is None:
        assert t.TASKS_TABLE == []  # the module imports in our environment, tasks only under lighteval
    monkeypatch.delenv(t.DATA_ENV, raising=False)
    assert t.dataset_path("distributivity") == "hf_mathrules/distributivity"
    monkeypatch.setenv(t.DATA_ENV, str(tmp_path))
    assert t.dataset_path("distributivity") == str(tmp_path / "distributivity")
    from hf_mathrules.rules import make_rule

    path = t.write_task_data(
        tmp_path, "distributivity", make_rule("distributivity").generate(3, split="test")
    )
    assert path.name == "test-00000-of-00001.parquet" and path.stat().st_size > 0


@pytest.mark.slow
def test_lighteval_scores_the_tiny_model_with_our_checker(tmp_path):
    python = _lighteval_python()
    argv = ["experiment", "lighteval", "--mini", "--cpu-threads", "1", "--output-dir", str(tmp_path),
            "--set", f"lighteval_python={python}"]  # fmt: skip
    assert main(argv) == 0
    results = json.loads((tmp_path / "lighteval" / "results.json").read_text())
    cell = results["cells"][0]
    assert cell["rule"] == "distributivity"
    # the same rows, the same checker, greedy decoding: lighteval agrees with mathrules evaluate
    assert cell["lighteval"]["verified_accuracy"] == pytest.approx(cell["ours"]["accuracy"])
    assert {"verified_accuracy", "wrong_form", "no_answer"} <= set(cell["lighteval"])
    assert "custom|mathrules:distributivity|0" in results["lighteval_command"]


def test_lighteval_env_links_this_interpreters_packages():
    """The folders the lighteval virtualenv is linked to hold this interpreter's hf_mathrules and its
    dependencies (a virtualenv's own site-packages, not only the base interpreter's)."""
    from pathlib import Path

    import sympy

    import hf_mathrules
    from hf_mathrules.experiments.harness import host_site_dirs

    dirs = {Path(d) for d in host_site_dirs()}
    assert Path(hf_mathrules.__file__).resolve().parents[1] in dirs
    assert Path(sympy.__file__).resolve().parents[1] in dirs
    assert not any((d / "os.py").is_file() for d in dirs)  # the standard library stays the venv's own
