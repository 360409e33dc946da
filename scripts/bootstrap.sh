#!/usr/bin/env bash
# Installs everything Customer Dossier needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (Python venv, git, ssh-keygen for signed approvals, Pango for PDF volumes, a
# CJK font, poppler-utils for reading PDFs back, Ghostscript for making attached PDFs PDF/A), then a virtual environment in .venv with the
# dependencies exactly as pinned (with hashes) in requirements.lock, and the package itself.
# It checks the versions it relies on (Python >= 3.11, git >= 2.34) and says what it did.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-venv python3-pip git openssh-client libpango-1.0-0 libpangoft2-1.0-0
              libharfbuzz-subset0 fonts-noto-cjk poppler-utils ghostscript)

say() { echo "bootstrap: $*" >&2; }
die() { say "$*"; exit 1; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_updated=""
apt_install() {
    [ -n "$apt_updated" ] || { $sudo apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing_packages() {
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

if command -v apt-get >/dev/null 2>&1; then
    mapfile -t missing < <(missing_packages "${APT_PACKAGES[@]}")
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing system packages: ${missing[*]}"
        apt_install "${missing[@]}"
    fi
else
    say "no apt-get here: install by hand ${APT_PACKAGES[*]} (or their equivalents)"
fi

# version_at_least FOUND WANTED: true when dotted version FOUND >= WANTED.
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

git_version=$(git --version | awk '{print $3}')
version_at_least "$git_version" 2.34 \
    || die "git $git_version is too old: signed approvals need git >= 2.34 (ssh signatures); upgrade git"

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
PYTHON="${PYTHON:-python3}"
if ! python_ok "$PYTHON"; then
    # Ubuntu 22.04 ships 3.10 as python3 and 3.11 as python3.11 (universe).
    if ! python_ok python3.11 && command -v apt-get >/dev/null 2>&1; then
        say "$($PYTHON --version 2>&1) is too old (3.11 or newer is needed): installing python3.11"
        apt_install python3.11 python3.11-venv || true
    fi
    python_ok python3.11 || die "Python 3.11 or newer is needed; install it and run again with PYTHON=/path/to/python3.11"
    PYTHON=python3.11
fi

if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)
if [ ! -e "$stamp" ]; then
    say "installing the pinned dependencies of requirements.lock into .venv"
    # (this machine's pip configuration may name local indexes that do not exist: not our concern)
    pip_quiet() { .venv/bin/python -m pip install --quiet "$@" 2> >(grep -v "is ignored" >&2); }
    pip_quiet --require-hashes -r requirements.lock
    pip_quiet --no-deps -e .
    say "done: .venv/bin/dossier is ready (or: source .venv/bin/activate)"
    rm -f .venv/.installed-* && touch "$stamp"
fi
# The package is installed editable, so pip compiled none of its modules; where
# PYTHONDONTWRITEBYTECODE is set (as on many CI machines) Python would compile them again on
# every command, about 50 ms of each hook and check. compileall writes only what is stale.
.venv/bin/python -m compileall -q tool/dossier >/dev/null

# The tests validate the sample with two tools nobody on the project wrote: check-jsonschema (in
# requirements.lock) and ajv, from npm, pinned by the package-lock.json that `dossier init` gives
# every archive's CI too, installed in .cache/standard-tools. The age CLI encrypts test values
# the way someone without dossier would.
if command -v apt-get >/dev/null 2>&1; then
    { command -v node >/dev/null && command -v npm >/dev/null; } || { say "installing nodejs and npm"; apt_install nodejs npm; }
    command -v age >/dev/null || { say "installing age"; apt_install age; }
fi
tools=.cache/standard-tools
npm_stamp=$tools/.installed-$(cat tool/dossier/defaults/standard-tools/package*.json | sha256sum | cut -c1-16)
if [ ! -e "$npm_stamp" ]; then
    say "installing ajv (pinned by tool/dossier/defaults/standard-tools/package-lock.json) into $tools"
    rm -rf "$tools" && mkdir -p "$tools"
    cp tool/dossier/defaults/standard-tools/package.json tool/dossier/defaults/standard-tools/package-lock.json "$tools/"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$npm_stamp"
fi

# The sample's fictional private keys: ssh-keygen signs (dossier approve) only with a key no one
# else can read, and git checks files out readable by all.
find samples/identities -type f ! -name '*.pub' ! -name '*.md' -exec chmod 600 {} +
