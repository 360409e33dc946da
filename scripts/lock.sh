#!/usr/bin/env bash
# Refreshes requirements.lock from the ranges in pyproject.toml (every dependency, with hashes),
# using pip-tools' pip-compile in a throw-away environment. Run it after changing a range in
# pyproject.toml (existing pins are kept; `bash scripts/lock.sh --upgrade` moves every package to
# its newest release within range), then run the test suite: tests/test_lock.py fails while the
# two disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools"
"$tools/bin/python" -m pip install --quiet 'pip-tools>=7.4,<8'
"$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
    --no-emit-index-url --no-emit-find-links "$@" -o requirements.lock pyproject.toml
echo "requirements.lock refreshed; now run: bash scripts/test.sh"
