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
status=$?
# The search contract also runs on SQLite's FTS5 index (the embedded default) when the main
# run used PostgreSQL: only the backend-parametrised search modules, their sqlite cases.
if [ -n "${DATABASE_URL:-}" ] && [ $# -eq 0 ]; then
  echo "run_tests: the search backend contract on SQLite"
  env -u DATABASE_URL "$PY" -m pytest -q -k sqlite \
    tests/search/test_site_search.py tests/search/test_site_quality.py \
    tests/search/test_relevance.py || status=1
fi
exit $status
