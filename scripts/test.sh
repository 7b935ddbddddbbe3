#!/usr/bin/env bash
# `make test`: the whole suite twice against throwaway services.
#
#   pass 1: PostgreSQL + Redis (what production runs)
#   pass 2: SQLite + Redis     (what `make run` on a laptop runs)
#
# PostgreSQL and Redis are started here, on 127.0.0.1 and non-default ports, in a temporary
# directory that is removed on exit, whatever happens. As root, missing system packages are
# installed with apt-get and PostgreSQL runs as the `postgres` user (it refuses root).
#
# Environment:
#   PYTEST_ARGS      extra pytest arguments, shell-quoted (make test PYTEST_ARGS='-k "a or b"')
#   PGPORT_TEST      PostgreSQL port (default 55432)
#   REDIS_PORT_TEST  Redis port (default 56379)
#   Arguments given to this script are passed to pytest too.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${VENV:-.venv}"
PGPORT_TEST="${PGPORT_TEST:-55432}"
REDIS_PORT_TEST="${REDIS_PORT_TEST:-56379}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-30}"

say() { printf 'test.sh: %s\n' "$*"; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

[ -x "$VENV/bin/pytest" ] || die "$VENV/bin/pytest not found; run 'make venv' (make test does it for you)"

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

# --- the two passes --------------------------------------------------------------------------
extra=()
if [ -n "${PYTEST_ARGS:-}" ]; then
    # Split like a shell would (quotes respected), without evaluating anything.
    mapfile -d '' -t extra < <(printf '%s' "$PYTEST_ARGS" | xargs -r printf '%s\0')
fi
extra+=("$@")

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-chancery.settings}"

run_pass() {
    local name="$1" database_url="$2" redis_url="$3" rc=0
    say "=== $name: DATABASE_URL=$database_url REDIS_URL=$redis_url ==="
    env CHANCERY_ENV=development DATABASE_URL="$database_url" REDIS_URL="$redis_url" \
        "$VENV/bin/pytest" "${extra[@]}" || rc=$?
    case "$rc" in
        0) results+=("PASSED  $name") ;;
        5) results+=("FAILED  $name: no tests collected (pytest exit 5)") ;;
        *) results+=("FAILED  $name: pytest exit $rc") ;;
    esac
    return "$rc"
}

results=()
status=0
run_pass "pass 1 (PostgreSQL + Redis)" \
    "postgres://postgres@127.0.0.1:$PGPORT_TEST/chancery" "redis://127.0.0.1:$REDIS_PORT_TEST/0" || status=1
run_pass "pass 2 (SQLite + Redis)" \
    "sqlite:///$TMP_DIR/chancery.sqlite3" "redis://127.0.0.1:$REDIS_PORT_TEST/1" || status=1

echo
for line in "${results[@]}"; do say "$line"; done
if [ "$status" -eq 0 ]; then
    say "all passes passed"
else
    say "some passes FAILED"
fi
exit "$status"
