#!/usr/bin/env bash
# The whole test suite: set up with the dev extras, lint and format-check with ruff, run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# the browser tests drive Debian's chromium through Selenium: install it when missing (root + apt-get);
# without it they skip and say why
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji \
            || echo "could not install chromium: the browser tests will skip" >&2
    else
        echo "chromium is missing (apt-get install chromium chromium-driver): the browser tests will skip" >&2
    fi
fi
export HF_HUB_OFFLINE=1 HF_EVALUATE_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
"${PYTHON:-python3}" -m ruff check .
"${PYTHON:-python3}" -m ruff format --check .
# both cores (pytest-xdist); arguments go to pytest, e.g. `bash scripts/test.sh tests/verify -k forms`
# --dist loadfile: a module's tests stay on one worker, so a module-scoped fixture (a Space, a trained
# model) starts once
"${PYTHON:-python3}" -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
