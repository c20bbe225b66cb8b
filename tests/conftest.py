"""Test environment: never reach the Hub; caches in temporary folders."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# shared test helpers (hub_server.py) live here, next to this file: importable from every test folder
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# every cache in a folder of this run, never the user's ~/.cache: no test may pass because an earlier run
# left a dataset, a model or an evaluate module there (pytest-xdist workers inherit the master's folder)
_OWN_CACHE = "MATHRULES_TEST_CACHE" not in os.environ
if _OWN_CACHE:
    os.environ["MATHRULES_TEST_CACHE"] = tempfile.mkdtemp(prefix="mathrules-tests-cache-")
_cache = Path(os.environ["MATHRULES_TEST_CACHE"])
os.environ["HF_HOME"] = str(_cache / "hf_home")
os.environ["HF_DATASETS_CACHE"] = str(_cache / "hf_home" / "datasets")
os.environ["HF_EVALUATE_CACHE"] = str(_cache / "hf_home" / "evaluate")
os.environ["HF_MODULES_CACHE"] = str(_cache / "hf_home" / "modules")
os.environ["MPLCONFIGDIR"] = str(_cache / "matplotlib")


def pytest_unconfigure(config):
    if _OWN_CACHE and not hasattr(config, "workerinput"):  # the run that made the folder removes it
        shutil.rmtree(_cache, ignore_errors=True)
