#!/usr/bin/env bash
# Installs hf-mathrules and what it needs, idempotently.  Usage: scripts/setup.sh [EXTRAS]  (default: all)
# torch is installed explicitly first: an unpinned torch would pull several GB of CUDA packages on a
# CPU-only machine, while torch==2.13.0 resolves to the CPU wheel available here.  pyproject keeps a range.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-all}"
PY="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
if ! "$PY" -c "import torch" >/dev/null 2>&1; then
  "$PY" -m pip install -q "torch==${TORCH_VERSION:-2.13.0}"
fi
"$PY" -m pip install -q -e ".[${extras}]"
