#!/usr/bin/env bash
# Set up and run every check: ruff, mypy --strict, and the whole pytest suite
# on SQLite and on a throwaway PostgreSQL 15 + PostGIS cluster, Chromium
# end-to-end tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

pg_bin=/usr/lib/postgresql/15/bin
pg_dir="$(mktemp -d /tmp/truceline-pg.XXXXXX)"
pg_port="${TRUCELINE_TEST_PG_PORT:-54329}"
chown postgres:postgres "$pg_dir"
stop_pg() { su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D '$pg_dir/data' -m fast stop" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
echo "==> PostgreSQL 15 (throwaway cluster in $pg_dir, port $pg_port)"
su postgres -s /bin/sh -c "$pg_bin/initdb -D '$pg_dir/data' -A trust -U postgres --no-sync -E UTF8" >/dev/null
su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D '$pg_dir/data' -l '$pg_dir/log' -w \
    -o \"-p $pg_port -k $pg_dir -c listen_addresses='' -c fsync=off\" start" >/dev/null
export TRUCELINE_TEST_POSTGRES_URL="postgresql://postgres@/postgres?host=$pg_dir&port=$pg_port"

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy --strict"
.venv/bin/mypy
echo "==> pytest"
# A worker per core (at most 4: each may run a server and Chromium), the tests of one file
# together on one worker (some share a module fixture). TRUCELINE_TEST_WORKERS overrides.
workers="${TRUCELINE_TEST_WORKERS:-$(nproc)}"
[ "$workers" -gt 4 ] && workers=4
.venv/bin/pytest -n "$workers" --dist loadfile "$@"
