#!/usr/bin/env bash
# Installs everything Customer Dossier needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (Python venv, git, Pango for PDF volumes, a CJK font, poppler-utils for
# reading PDFs back), then a virtual environment in .venv with the package and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-venv python3-pip git libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
              fonts-noto-cjk poppler-utils)

missing_packages() {
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

if command -v apt-get >/dev/null 2>&1; then
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "bootstrap: installing system packages: ${missing[*]}" >&2
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -e "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[test]'
    rm -f .venv/.installed-* && touch "$stamp"
fi

# The sample's fictional private keys: ssh-keygen signs (dossier approve) only with a key no one
# else can read, and git checks files out readable by all.
find samples/identities -type f ! -name '*.pub' ! -name '*.md' -exec chmod 600 {} +
