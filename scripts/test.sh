#!/usr/bin/env bash
# Run the whole test suite (installs what it needs first). Extra arguments go to pytest.
# The web, security, fault and query-count tests run a second time on PostgreSQL when a server answers on
# 127.0.0.1:5432 (or XXGK_TEST_PG_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
workers=${XXGK_TEST_WORKERS:-auto}
# The job-queue tests need Redis on 127.0.0.1:6379 (start it when it is installed but not running).
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 \
   && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  sleep 1
fi
echo "== all tests (SQLite)"
.venv/bin/python -m pytest -n "$workers" -q -m "not own_playwright" "$@"
# Tests that start their own Playwright session cannot share a process with the browser tests' session-wide one.
echo "== tests with their own browser session (SQLite)"
XXGK_OWN_PLAYWRIGHT=1 .venv/bin/python -m pytest -q -p no:randomly -m own_playwright tests/security "$@"
pg_url=${XXGK_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 \
   && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  sleep 2
fi
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "== web, security, fault and query-count tests (PostgreSQL)"
  DATABASE_URL=$pg_url .venv/bin/python -m pytest -n "$workers" -q -m "not own_playwright" \
    tests/web tests/security tests/faults tests/perf "$@"
elif [ -n "${CI:-}" ]; then
  echo "xxgk test: no PostgreSQL server on 127.0.0.1:5432; CI requires it" >&2
  exit 1
else
  echo "== PostgreSQL not running on 127.0.0.1:5432: web tests ran on SQLite only"
fi
