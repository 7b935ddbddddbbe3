#!/usr/bin/env bash
# `make load`: analysts, API clients and editors at once against gunicorn + PostgreSQL + Redis
# + a Celery worker, for a fixed time, with locust headless; results in bench/RESULTS.md.
#
# Starts PostgreSQL and Redis on 127.0.0.1 with scripts/services.sh (on ports of its own, so it
# can run beside `make test` and `make bench`), migrates, loads the demo case and generated
# data (bench/generate.py), creates the accounts (bench/load.py prepare: create_user and
# create_api_token), starts the Makefile's GUNICORN and CELERY_WORKER, then runs
# bench/locustfile.py LOAD_REPEAT times and writes the section between `<!-- load:start -->`
# and `<!-- load:end -->` of the results file (bench/load.py report). Everything it started
# is stopped on exit, whatever happens. Exits non-zero when any request failed (5xx, an
# unexpected 4xx, a connection failure) or a run did not finish.
#
# The API's rate limit is raised for the run (API_CLIENT_RATE, still checked in Redis on every
# request): the point is to measure the app, not the throttle. DEBUG is off, as in production.
#
# Environment:
#   LOAD_DURATION    seconds per run (default 60)
#   LOAD_USERS       concurrent users (default 50), all started within the first second
#   LOAD_EDITORS     of which editors, each with an account and records of its own (default 10);
#                    the rest are analysts and API clients, two to one
#   LOAD_REPEAT      runs (default 3), reported as median and spread
#   LOAD_SCALE       bench/generate.py --scale (default 0.05)
#   LOAD_RESULTS     the results file (default bench/RESULTS.md)
#   LOAD_LOG_DIR     if set, the runs' CSV files and the server logs are copied there
#   PGPORT_TEST, REDIS_PORT_TEST, LOAD_APP_PORT  loopback ports (default 25462, 26409, 28090)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${VENV:-.venv}"
PGPORT_TEST="${PGPORT_TEST:-25462}"
REDIS_PORT_TEST="${REDIS_PORT_TEST:-26409}"
LOAD_APP_PORT="${LOAD_APP_PORT:-28090}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-30}"
LOAD_DURATION="${LOAD_DURATION:-60}"
LOAD_USERS="${LOAD_USERS:-50}"
LOAD_EDITORS="${LOAD_EDITORS:-10}"
LOAD_REPEAT="${LOAD_REPEAT:-3}"
LOAD_SCALE="${LOAD_SCALE:-0.05}"
LOAD_RESULTS="${LOAD_RESULTS:-$ROOT/bench/RESULTS.md}"
GUNICORN="${GUNICORN:-gunicorn chancery.wsgi --workers 2 --worker-class gthread --threads 4 --reuse-port}"
CELERY_WORKER="${CELERY_WORKER:-celery -A chancery worker -l info}"
export LOAD_USERS LOAD_EDITORS LOAD_DURATION

say() { printf 'load: %s\n' "$*"; }
die() { printf 'load: error: %s\n' "$*" >&2; exit 1; }

for name in LOAD_DURATION LOAD_USERS LOAD_EDITORS LOAD_REPEAT LOAD_APP_PORT; do
    [[ "${!name}" =~ ^[1-9][0-9]*$ ]] || die "$name must be a positive whole number, not '${!name}'"
done
[ "$LOAD_EDITORS" -lt "$LOAD_USERS" ] || die "LOAD_EDITORS ($LOAD_EDITORS) must be fewer than LOAD_USERS ($LOAD_USERS)"
PYTHON="$ROOT/$VENV/bin/python"
[ -x "$PYTHON" ] || die "$VENV/bin/python not found; run 'make venv' (make load does it for you)"
[ -x "$ROOT/$VENV/bin/locust" ] || die "locust is not in $VENV; run 'make venv' (it is in requirements-dev.txt)"
(exec 3<>"/dev/tcp/127.0.0.1/$LOAD_APP_PORT") 2>/dev/null \
    && die "port $LOAD_APP_PORT is already in use; stop what listens there or set LOAD_APP_PORT"

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

SERVER_PIDS=()
# Stop the app and the worker (TERM, then KILL after 20 s), then services.sh's cleanup.
load_cleanup() {
    local rc=$? pid
    set +e
    for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${SERVER_PIDS[@]}"; do
        for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; say "warning: process $pid had to be killed"; }
    done
    [ "${#SERVER_PIDS[@]}" -gt 0 ] && say "gunicorn and the Celery worker stopped"
    (exit "$rc")  # services.sh's cleanup exits with the status it finds in $?
    cleanup
}
trap load_cleanup EXIT

export PATH="$ROOT/$VENV/bin:$PATH"
export DJANGO_SETTINGS_MODULE=chancery.settings CHANCERY_ENV=development DEBUG=false
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT_TEST/chancery" REDIS_URL="redis://127.0.0.1:$REDIS_PORT_TEST/0"
export API_CLIENT_RATE="1000000/min"

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
say "$LOAD_REPEAT runs of ${LOAD_DURATION}s, $LOAD_USERS users ($LOAD_EDITORS editors), scale $LOAD_SCALE, commit $commit"
"$PYTHON" manage.py migrate -v0
say "generating data (scale $LOAD_SCALE) and loading the demo case"
"$PYTHON" bench/generate.py database --scale "$LOAD_SCALE"
"$PYTHON" manage.py load_demo -v0
export LOAD_FIXTURE="$TMP_DIR/fixture.json"
"$PYTHON" bench/load.py prepare "$LOAD_FIXTURE"

say "starting the Celery worker and gunicorn on 127.0.0.1:$LOAD_APP_PORT"
# shellcheck disable=SC2086  # the commands are word lists, as in the Makefile
$CELERY_WORKER >"$TMP_DIR/celery.log" 2>&1 &
SERVER_PIDS+=($!)
# shellcheck disable=SC2086
$GUNICORN --bind "127.0.0.1:$LOAD_APP_PORT" --no-control-socket >"$TMP_DIR/gunicorn.log" 2>&1 &
SERVER_PIDS+=($!)
deadline=$((SECONDS + STARTUP_TIMEOUT))
until curl -fsS -o /dev/null "http://127.0.0.1:$LOAD_APP_PORT/health/" 2>/dev/null; do
    kill -0 "${SERVER_PIDS[1]}" 2>/dev/null || { cat "$TMP_DIR/gunicorn.log" >&2; die "gunicorn exited"; }
    [ "$SECONDS" -lt "$deadline" ] || { cat "$TMP_DIR/gunicorn.log" >&2; die "gunicorn did not answer within ${STARTUP_TIMEOUT}s"; }
    sleep 0.5
done
kill -0 "${SERVER_PIDS[0]}" 2>/dev/null || { cat "$TMP_DIR/celery.log" >&2; die "the Celery worker exited"; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run_dirs=()
for run in $(seq 1 "$LOAD_REPEAT"); do
    run_dir="$TMP_DIR/run-$run"
    mkdir -p "$run_dir"
    run_dirs+=("$run_dir")
    say "=== run $run of $LOAD_REPEAT: $LOAD_USERS users for ${LOAD_DURATION}s ==="
    # The locustfile ends the run LOAD_DURATION seconds after the last login (--run-time is only
    # a safety net). locust exits 1 when a request failed: the report counts those, so go on.
    LOAD_EXTRA_OUT="$run_dir/extra.json" locust -f bench/locustfile.py --headless \
        --host "http://127.0.0.1:$LOAD_APP_PORT" --users "$LOAD_USERS" --spawn-rate "$LOAD_USERS" \
        --run-time "$((LOAD_DURATION + 600))s" --stop-timeout 5 --csv "$run_dir/locust" --only-summary \
        --loglevel WARNING 2>&1 | tee "$run_dir/locust.log" | tail -n 40 || true
done

counts="$("$PG_BIN/psql" "postgres://postgres@127.0.0.1:$PGPORT_TEST/chancery" -X -At -F ' ' -c \
    "SELECT (SELECT count(*) FROM trade_tradeflow), (SELECT count(*) FROM visits_visit), (SELECT count(*) FROM agreements_agreement)")"
read -r flow_count visit_count agreement_count <<<"$counts"
analysts=$(( (LOAD_USERS - LOAD_EDITORS) * 2 / 3 ))
clients=$(( LOAD_USERS - LOAD_EDITORS - analysts ))
rc=0
"$PYTHON" bench/load.py report "${run_dirs[@]}" --results "$LOAD_RESULTS" \
    --meta "Command=\`make load\` (LOAD_DURATION=$LOAD_DURATION, LOAD_USERS=$LOAD_USERS, LOAD_REPEAT=$LOAD_REPEAT, LOAD_SCALE=$LOAD_SCALE)" \
    --meta "Commit=$commit" \
    --meta "Users=$LOAD_USERS at once, all started in the first second: $analysts analysts (pages; think time 1–3 s), $clients API clients (token reads; 0.5–1.5 s), $LOAD_EDITORS editors (API and page-form writes; 2–5 s)" \
    --meta "Duration=${LOAD_DURATION}s per run" \
    --meta "Machine load=load average (1, 5, 15 min) $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after: other work shares the cores" \
    --meta "Data=scale $LOAD_SCALE (bench/generate.py) + the demo case; at the end $flow_count trade flows, $visit_count visits, $agreement_count agreements" \
    --meta "Stack=\`$GUNICORN\` (DEBUG off, CHANCERY_ENV=development), \`$CELERY_WORKER\`, $("$PG_BIN/postgres" --version), Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-), locust $(locust --version 2>/dev/null | cut -d' ' -f2), all on this machine" \
    --meta "Rate limit=API_CLIENT_RATE=$API_CLIENT_RATE for the run (default 1200/min per token), so the throttle, still checked in Redis, never answers 429" \
    || rc=$?

# Errors the requests' answers may not show: a traceback in the app or the worker (a timeline
# refresh that failed), a deadlock PostgreSQL broke.
for log in "$TMP_DIR/gunicorn.log" "$TMP_DIR/celery.log"; do
    if grep -q "Traceback" "$log"; then
        say "errors in $(basename "$log"), from the first traceback:"
        sed -n '/Traceback/,$p' "$log" | head -n 80 >&2
        rc=1
    fi
done
if grep -q "deadlock detected" "$PG_DIR/postgresql.log"; then
    say "PostgreSQL detected deadlocks:"
    grep -A6 "deadlock detected" "$PG_DIR/postgresql.log" | head -n 40 >&2
    rc=1
fi
if [ -n "${LOAD_LOG_DIR:-}" ]; then
    mkdir -p "$LOAD_LOG_DIR"
    cp -r "${run_dirs[@]}" "$TMP_DIR/gunicorn.log" "$TMP_DIR/celery.log" "$PG_DIR/postgresql.log" "$LOAD_LOG_DIR/"
    say "runs and logs copied to $LOAD_LOG_DIR"
fi
[ "$rc" -eq 0 ] && say "zero errors; results in ${LOAD_RESULTS#"$ROOT"/}" || say "FAILED: errors during the load; see above and ${LOAD_RESULTS#"$ROOT"/}"
exit "$rc"
