#!/usr/bin/env bash
# Set up and start the demo: the Idlib M4 example on the embedded SQLite
# database, served on http://127.0.0.1:8000 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
mkdir -p var
export TRUCELINE_DATABASE_URL="${TRUCELINE_DATABASE_URL:-sqlite:///var/demo.db}"
exec .venv/bin/truceline demo "$@"
