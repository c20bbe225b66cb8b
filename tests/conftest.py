"""Test environment: never reach the Hub; caches in temporary folders."""

import os
import sys
from pathlib import Path

# shared test helpers (hub_server.py) live here, next to this file: importable from every test folder
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
