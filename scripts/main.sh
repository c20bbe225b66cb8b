#!/usr/bin/env bash
# The main job on the embedded default (no download): set up, then run `mathrules demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
exec "${PYTHON:-python3}" -m hf_mathrules.cli demo "$@"
