#!/usr/bin/env bash
# One command: install what is missing, then run the whole test suite, one worker per core
# (pytest-xdist; extra arguments go to pytest, `-n 0` runs it in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest -q -n auto "$@"
