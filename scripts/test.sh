#!/usr/bin/env bash
# The whole test suite: set up with the dev extras, lint and format-check with ruff, run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
export HF_HUB_OFFLINE=1 HF_EVALUATE_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
"${PYTHON:-python3}" -m ruff check .
"${PYTHON:-python3}" -m ruff format --check .
# both cores (pytest-xdist); arguments go to pytest, e.g. `bash scripts/test.sh tests/verify -k forms`
"${PYTHON:-python3}" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
