#!/usr/bin/env bash
# One command on a fresh Debian/Ubuntu machine: install everything, then run the main
# job on the embedded sample archive (validate it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/dossier --archive archive validate
