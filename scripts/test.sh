#!/usr/bin/env bash
# `make test`: the whole suite twice against throwaway services.
#
#   pass 1: PostgreSQL + Redis (what production runs)
#   pass 2: SQLite + Redis     (what `make run` on a laptop runs)
#
# The two passes run at the same time when the machine has two cores or more: each is mostly
# one busy Python process, and they share nothing (each pass has a Redis server of its own; the
# fault tests start their own PostgreSQL, Redis and workers). Pass 1 prints as it goes, pass 2's
# output follows once both are done.
#
# PostgreSQL and Redis are started here, on 127.0.0.1 and non-default ports, in a temporary
# directory that is removed on exit, whatever happens. As root, missing system packages are
# installed with apt-get and PostgreSQL runs as the `postgres` user (it refuses root).
#
# Environment:
#   PYTEST_ARGS             extra pytest arguments, shell-quoted (make test PYTEST_ARGS='-k "a or b"')
#   PGPORT_TEST             PostgreSQL port (default 25432)
#   REDIS_PORT_TEST         Redis port of pass 1 (default 26379)
#   SQLITE_REDIS_PORT_TEST  Redis port of pass 2 (default: REDIS_PORT_TEST + 1)
#   PARALLEL_PASSES         1: both passes at once, 0: one after the other (default: 1 with 2+ cores)
#   Arguments given to this script are passed to pytest too.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${VENV:-.venv}"
PGPORT_TEST="${PGPORT_TEST:-25432}"
REDIS_PORT_TEST="${REDIS_PORT_TEST:-26379}"
SQLITE_REDIS_PORT_TEST="${SQLITE_REDIS_PORT_TEST:-$((REDIS_PORT_TEST + 1))}"
PARALLEL_PASSES="${PARALLEL_PASSES:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-30}"

say() { printf 'test.sh: %s\n' "$*"; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

[ -x "$VENV/bin/pytest" ] || die "$VENV/bin/pytest not found; run 'make venv' (make test does it for you)"

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"
start_redis "$SQLITE_REDIS_PORT_TEST"

# --- the two passes --------------------------------------------------------------------------
extra=()
if [ -n "${PYTEST_ARGS:-}" ]; then
    # Split like a shell would (quotes respected), without evaluating anything.
    mapfile -d '' -t extra < <(printf '%s' "$PYTEST_ARGS" | xargs -r printf '%s\0')
fi
extra+=("$@")

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-chancery.settings}"

names=("pass 1 (PostgreSQL + Redis)" "pass 2 (SQLite + Redis)")
database_urls=("postgres://postgres@127.0.0.1:$PGPORT_TEST/chancery" "sqlite:///$TMP_DIR/chancery.sqlite3")
redis_urls=("redis://127.0.0.1:$REDIS_PORT_TEST/0" "redis://127.0.0.1:$SQLITE_REDIS_PORT_TEST/0")
pids=()
unshown_log=""  # pass 2's output, while it is not on the terminal yet

# Starts pass $1 in the background. It runs in a session of its own, so a Ctrl-C reaches it
# once, from stop_passes, and it is not ignored as background jobs' SIGINT otherwise is:
# pytest then tears its fixtures down (gunicorn, workers, private servers) before exiting.
start_pass() {
    local i="$1"
    say "=== ${names[$i]}: DATABASE_URL=${database_urls[$i]} REDIS_URL=${redis_urls[$i]} ==="
    setsid env --default-signal=INT CHANCERY_ENV=development DATABASE_URL="${database_urls[$i]}" REDIS_URL="${redis_urls[$i]}" \
        "$VENV/bin/pytest" "${extra[@]}" &
    pids[i]=$!
}

# On the way out (an error, Ctrl-C, a TERM from CI): interrupt the passes still running, give
# them time to tear down, then stop the services.
stop_passes() {
    local rc=$? pid
    set +e
    for pid in "${pids[@]}"; do
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || continue
        kill -INT "$pid"
        for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid"
    done
    [ -n "$unshown_log" ] && cat "$unshown_log"
    (exit "$rc")  # services.sh's cleanup exits with the status it finds in $?
    cleanup
}
trap stop_passes EXIT

results=()
status=0
# Waits for pass $1 and records how it went.
finish_pass() {
    local i="$1" rc=0
    wait "${pids[$i]}" || rc=$?
    pids[i]=""  # reaped: its pid may be reused
    case "$rc" in
        0) results+=("PASSED  ${names[$i]}") ;;
        5) results+=("FAILED  ${names[$i]}: no tests collected (pytest exit 5)"); status=1 ;;
        *) results+=("FAILED  ${names[$i]}: pytest exit $rc"); status=1 ;;
    esac
}

if [ "$PARALLEL_PASSES" = 1 ]; then
    say "both passes at once; ${names[1]}'s output follows ${names[0]}'s"
    start_pass 0
    unshown_log="$TMP_DIR/pass-2.log"
    start_pass 1 >"$unshown_log" 2>&1
    finish_pass 0
    finish_pass 1
    cat "$unshown_log"
    unshown_log=""
else
    for i in 0 1; do
        start_pass "$i"
        finish_pass "$i"
    done
fi

echo
for line in "${results[@]}"; do say "$line"; done
if [ "$status" -eq 0 ]; then
    say "all passes passed"
else
    say "some passes FAILED"
fi
exit "$status"
