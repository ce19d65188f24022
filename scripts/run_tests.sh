#!/usr/bin/env bash
# Start every service the suite needs (and install the browser tests' Chromium and npm
# packages where missing), run the whole suite against them, always stop them.
# With CASEBOOK_REQUIRE_SERVICES=1 (CI) a service that cannot start fails the run; otherwise
# the suite runs without it and the service tests skip (locally, e.g. without root).
set -uo pipefail
PY=${PY:-.venv/bin/python}
optional=(--optional)
[ "${CASEBOOK_REQUIRE_SERVICES:-0}" = "1" ] && optional=()

cleanup() { "$PY" scripts/services.py down >/dev/null 2>&1 || true; }
trap cleanup EXIT

if ! "$PY" scripts/services.py up "${optional[@]}"; then
  echo "run_tests: services did not start; see above" >&2
  exit 1
fi
if ! "$PY" scripts/browser_tools.py "${optional[@]}"; then
  echo "run_tests: the browser tests' tools could not be installed; see above" >&2
  exit 1
fi
if [ -f .services/env ]; then
  set -a; . .services/env; set +a
fi
if [ -z "${DATABASE_URL:-}" ]; then
  echo "run_tests: NOTICE: no PostgreSQL; this run uses SQLite" >&2
fi
"$PY" -m pytest -q "$@"
