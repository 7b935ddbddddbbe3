#!/usr/bin/env bash
# `make bench` and `make bench-quick`: every benchmark, against throwaway services, into
# bench/RESULTS.md (bench/RESULTS-quick.md for --quick).
#
#   bench/run.sh           full scale: 2,000,000 generated trade flows, the 10x Comtrade file
#   bench/run.sh --quick   scale 0.05 and shorter runs: a few minutes, to see that it all works
#
# Starts PostgreSQL and Redis on 127.0.0.1 with scripts/services.sh (ports apart from
# `make test`'s, so both can run at once), migrates, starts a Celery worker on them (the
# Makefile's CELERY_WORKER), and then:
#   1. bench/bench_imports.py   the importers on the real files (and a generated 10x Comtrade
#                               file), each run into an empty database; baselines: lxml, psql \copy
#   2. bench/generate.py        deterministic data through COPY (trade flows, people, visits,
#                               agreements, sources and citations)
#   3. bench/bench_api.py       gunicorn (the app) vs bench/bare_app.py, and CSV export vs psql
#   4. bench/bench_overrides.py each override of library internals the project keeps vs its
#                               revert (bench/overrides/*.patch on a copy of the tree): the flows
#                               page as-is, reverted and bare side by side, and the generated
#                               Comtrade import (10x; 2x with --quick) both ways; gain >= 10 %?
#   5. bench/bench_timelines.py rebuild: the full timeline rebuild, on a database of its own
#   6. bench/bench_timelines.py pages: the busiest pair's page and timeline API over gunicorn,
#                               and an edit's refresh through the worker, on the generated data
#   7. bench/bench_intake.py    news intake: a 1,000-word report read into proposals against
#                               20,000 generated people (vs spaCy's tokenizer alone), the
#                               names matcher's build time and memory
#   8. bench/report.py          writes the results file
# Only when BENCH_STEPS names it:
#   partitions (after the api step): bench/bench_partitions.py  the API's reads on the flows
#                               table and on a copy partitioned by year (issue 20: partition
#                               only if it helps); with BENCH_SCALE=5 BENCH_GOODS=3, 12.5M flows
#   tenmillion (after the dots step, about 15 minutes): bench/bench_ten_million.py  a 10,000,000-row generated Comtrade file (generate.py
#                               --monthly) in one import_trade, vs psql \copy; peak RSS < 200 MB?
# Everything it started is stopped on exit, whatever happens. A failed step is reported and
# the others still run; the exit status is then non-zero.
#
# Environment:
#   BENCH_SCALE      data scale (default 1.0, or 0.05 with --quick)
#   BENCH_GOODS      HS chapters' flows under each pair's (generate.py --goods; default 0):
#                    BENCH_SCALE=5 BENCH_GOODS=3 is 12,462,500 flows
#   BENCH_REPEAT     repetitions per benchmark (default 3, never fewer)
#   BENCH_RESULTS    where the results go (default bench/RESULTS.md, or bench/RESULTS-quick.md
#                    with --quick, so a quick run never replaces the full run's figures)
#   BENCH_DURATION   seconds per load-generator run (default 5, or 2 with --quick)
#   BENCH_STEPS      comma-separated step names to run (default: all but tenmillion and partitions), e.g. "data generation,api,overrides"
#   BENCH_TEN_MILLION_ROWS, BENCH_TEN_MILLION_REPEAT  the tenmillion step's rows (default 10000000)
#                    and repetitions (default 1)
#   BENCH_TIMELINES_SCALE  `bench_timelines.py rebuild`'s --scale (default 0.25, or BENCH_SCALE with --quick)
#   PGPORT_TEST, REDIS_PORT_TEST, BENCH_APP_PORT, BENCH_BARE_PORT, BENCH_LAYERS_PORT,
#   BENCH_LAYERS_BARE_DJANGO_PORT
#                    loopback ports (default 25442, 26389, 28080, 28081, 28082, 28083)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${VENV:-.venv}"
PGPORT_TEST="${PGPORT_TEST:-25442}"
REDIS_PORT_TEST="${REDIS_PORT_TEST:-26389}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-30}"

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

MODE=full
case "${1:-}" in
    --quick) MODE=quick ;;
    "") ;;
    *) die "unknown argument $1 (only --quick)" ;;
esac
if [ "$MODE" = quick ]; then
    export BENCH_QUICK=1 BENCH_SCALE="${BENCH_SCALE:-0.05}" BENCH_DURATION="${BENCH_DURATION:-2}" BENCH_WARMUP="${BENCH_WARMUP:-1}"
else
    export BENCH_QUICK=0 BENCH_SCALE="${BENCH_SCALE:-1.0}" BENCH_DURATION="${BENCH_DURATION:-5}" BENCH_WARMUP="${BENCH_WARMUP:-2}"
fi
# bench_timelines.py rebuilds 200,000 x scale visits' timeline three times; at today's
# ~2,500 entries/s scale 1 alone would take over 20 minutes, so the full run uses 0.25.
BENCH_TIMELINES_SCALE="${BENCH_TIMELINES_SCALE:-$([ "$MODE" = quick ] && echo "$BENCH_SCALE" || echo 0.25)}"
export BENCH_REPEAT="${BENCH_REPEAT:-3}"
export BENCH_GOODS="${BENCH_GOODS:-0}"
export BENCH_APP_PORT="${BENCH_APP_PORT:-28080}" BENCH_BARE_PORT="${BENCH_BARE_PORT:-28081}"
export BENCH_LAYERS_PORT="${BENCH_LAYERS_PORT:-28082}" BENCH_LAYERS_BARE_DJANGO_PORT="${BENCH_LAYERS_BARE_DJANGO_PORT:-28083}"
BENCH_RESULTS="${BENCH_RESULTS:-$ROOT/bench/$([ "$MODE" = quick ] && echo RESULTS-quick.md || echo RESULTS.md)}"
PYTHON="$ROOT/$VENV/bin/python"
[ -x "$PYTHON" ] || die "$VENV/bin/python not found; run 'make venv' (make bench does it for you)"

# wrk is the load generator; install it like scripts/services.sh installs its packages.
if ! command -v wrk >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || die "wrk is missing: install it (sudo apt-get install -y wrk) or run make bench as root"
    say "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y wrk
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$BENCH_APP_PORT" "$BENCH_BARE_PORT" "$BENCH_LAYERS_PORT" "$BENCH_LAYERS_BARE_DJANGO_PORT"; do
    port_free "$port" || die "port $port is already in use; stop what listens there or set the BENCH_*_PORT variables"
done

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

# Stop the Celery worker, the web servers bench_api.py started if it could not (killed, say),
# then the services.
bench_cleanup() {
    local rc=$? pid
    set +e
    if [ -n "${WORKER_PID:-}" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
        kill -TERM "$WORKER_PID"  # warm shutdown: it finishes the task in hand, then exits
        for _ in $(seq 1 100); do kill -0 "$WORKER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$WORKER_PID" 2>/dev/null && kill -KILL "$WORKER_PID"
        wait "$WORKER_PID" 2>/dev/null
        say "Celery worker stopped"
    fi
    if [ -s "$TMP_DIR/servers.pids" ]; then
        while read -r pid; do
            # Only if that pid is still one of the gunicorns (pids get reused).
            grep -qa gunicorn "/proc/$pid/cmdline" 2>/dev/null && kill -TERM "$pid"
        done <"$TMP_DIR/servers.pids"
    fi
    (exit "$rc")  # services.sh's cleanup exits with the status it finds in $?
    cleanup
}
trap bench_cleanup EXIT

PG_URL="postgres://postgres@127.0.0.1:$PGPORT_TEST"
REDIS_BASE="redis://127.0.0.1:$REDIS_PORT_TEST"
export PG_BIN
export DJANGO_SETTINGS_MODULE=chancery.settings CHANCERY_ENV=development
export DATABASE_URL="$PG_URL/chancery" REDIS_URL="$REDIS_BASE/0"
export BENCH_RESULTS_JSON="$TMP_DIR/results.jsonl" BENCH_LOG_DIR="$TMP_DIR" BENCH_WORK_DIR="$TMP_DIR"
: >"$BENCH_RESULTS_JSON"

failed=()
skipped=()
step() {
    local name="$1"
    shift
    if [ -n "${BENCH_STEPS:-}" ] && [[ ",$BENCH_STEPS," != *",$name,"* ]]; then
        say "=== $name: not in BENCH_STEPS, skipped ==="
        skipped+=("$name")
        return 0
    fi
    say "=== $name ==="
    local started=$SECONDS
    if "$@"; then
        say "$name: done in $((SECONDS - started))s"
    else
        say "$name: FAILED (exit $?) after $((SECONDS - started))s"
        failed+=("$name")
    fi
}

# A step that runs only when BENCH_STEPS names it: too long for every `make bench`. Left out of
# a plain run silently; with BENCH_STEPS set and not naming it, listed as not run like any step.
explicit_step() {
    if [[ ",${BENCH_STEPS:-}," != *",$1,"* ]]; then
        say "=== $1: runs only when BENCH_STEPS lists it, skipped ==="
        if [ -n "${BENCH_STEPS:-}" ]; then skipped+=("$1"); fi
        return 0
    fi
    step "$@"
}

# The code measured is the work tree as it is now: note its commit, in case it moves meanwhile.
commit_at_start="$(git rev-parse --short HEAD 2>/dev/null || true)"
say "mode $MODE, scale $BENCH_SCALE, $BENCH_REPEAT repetitions, commit ${commit_at_start:-unknown}"
"$PYTHON" manage.py migrate -v0
# The migrated, empty database: the import benchmarks clone it for every run.
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT_TEST" -U postgres -T chancery bench_empty

# The worker every refresh of the generated data's timeline goes to (bench_timelines.py pages
# measures an edit through it). The Makefile's command, on the bench database and Redis.
read -r -a worker_command <<<"${CELERY_WORKER:-celery -A chancery worker -l info}"
[ -x "$ROOT/$VENV/bin/${worker_command[0]}" ] && worker_command[0]="$ROOT/$VENV/bin/${worker_command[0]}"
"${worker_command[@]}" --hostname "bench@%h" >"$TMP_DIR/celery-worker.log" 2>&1 &
WORKER_PID=$!
say "Celery worker started (pid $WORKER_PID, log in the run's temporary directory)"

step "imports" env BENCH_ADMIN_DATABASE_URL="$PG_URL/postgres" BENCH_TEMPLATE_DB=bench_empty \
    BENCH_IMPORT_REDIS_URL="$REDIS_BASE/2" "$PYTHON" bench/bench_imports.py

# The IMF DOTS workbooks under $BENCH_DATA_DIR/imf-dots (default data/) in one import_trade, vs psql \copy.
step "dots" env BENCH_ADMIN_DATABASE_URL="$PG_URL/postgres" BENCH_TEMPLATE_DB=bench_empty \
    BENCH_IMPORT_REDIS_URL="$REDIS_BASE/2" "$PYTHON" bench/bench_dots.py

# 10,000,000 generated Comtrade figures in one import_trade, vs psql \copy (BENCH_TEN_MILLION_ROWS).
explicit_step "tenmillion" env BENCH_ADMIN_DATABASE_URL="$PG_URL/postgres" BENCH_TEMPLATE_DB=bench_empty \
    BENCH_IMPORT_REDIS_URL="$REDIS_BASE/2" "$PYTHON" bench/bench_ten_million.py

# load_demo + load_datasets on SQLite (what make run does), again unchanged, and forced.
step "datasets" "$PYTHON" bench/bench_datasets.py

# News intake: a 1,000-word report against 20,000 generated people; the matcher's build.
step "intake" "$PYTHON" bench/bench_intake.py

step "data generation" "$PYTHON" bench/generate.py database --scale "$BENCH_SCALE" --goods "$BENCH_GOODS"

# An analyst and a token for the API clients (the password is random and never used).
head -c 24 /dev/urandom | base64 | "$PYTHON" manage.py create_user bench-analyst --role analyst --password-stdin >/dev/null
BENCH_API_TOKEN="$("$PYTHON" manage.py create_api_token bench-analyst --name benchmarks 2>/dev/null)"
export BENCH_API_TOKEN

step "api" "$PYTHON" bench/bench_api.py

# The generated flows copied into a table partitioned by year, the API's reads timed on both.
explicit_step "partitions" "$PYTHON" bench/bench_partitions.py

step "overrides" "$PYTHON" bench/bench_overrides.py

step "timelines: full rebuild" env DATABASE_URL="$PG_URL/chancery_timelines" REDIS_URL="$REDIS_BASE/4" \
    "$PYTHON" bench/bench_timelines.py rebuild --fresh --scale "$BENCH_TIMELINES_SCALE" --rebuilds "$BENCH_REPEAT"

if kill -0 "$WORKER_PID" 2>/dev/null; then
    step "timelines: pages and refresh" "$PYTHON" bench/bench_timelines.py pages
else
    say "the Celery worker has stopped, so the timeline pages and refresh are skipped; its log ends:"
    tail -n 30 "$TMP_DIR/celery-worker.log" >&2
    failed+=("timelines: pages and refresh")
fi

counts="$("$PG_BIN/psql" "$PG_URL/chancery" -X -At -F ' ' -c \
    "SELECT (SELECT count(*) FROM trade_tradeflow), (SELECT count(*) FROM visits_visit), (SELECT count(*) FROM directory_person),
            (SELECT count(*) FROM agreements_agreement), (SELECT count(*) FROM agreements_agreementstatuschange),
            (SELECT count(*) FROM directory_citation)")"
read -r flow_count visit_count person_count agreement_count agreement_change_count citation_count <<<"$counts"
thousands() { "$PYTHON" -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$1"; }
meta=(
    --meta "Mode=$MODE (\`make bench$([ "$MODE" = quick ] && echo -quick)\`)"
    --meta "Scale=$BENCH_SCALE, goods $BENCH_GOODS: $(thousands "$flow_count") trade flows, $(thousands "$visit_count") visits, $(thousands "$person_count") people, $(thousands "$agreement_count") agreements with $(thousands "$agreement_change_count") status changes, $(thousands "$citation_count") citations (bench/generate.py); timeline rebuild: --scale $BENCH_TIMELINES_SCALE"
    --meta "Services=PostgreSQL, Redis, \`${GUNICORN:-gunicorn chancery.wsgi --workers 2}\` and \`${CELERY_WORKER:-celery -A chancery worker -l info}\`, all on 127.0.0.1"
    --meta "Repetitions=$BENCH_REPEAT per benchmark; load-generator runs of ${BENCH_DURATION}s"
    --meta "Software=$("$PG_BIN/postgres" --version), Python $("$PYTHON" -c 'import platform; print(platform.python_version())'), $("$ROOT/$VENV/bin/gunicorn" --version), $( (wrk --version 2>&1 || true) | head -n 1 | cut -d' ' -f1-2)"
)
[ "${#failed[@]}" -gt 0 ] && meta+=(--meta "Failed steps=${failed[*]} (their figures are missing)")
[ "${#skipped[@]}" -gt 0 ] && meta+=(--meta "Steps not run=$(IFS=,; echo "${skipped[*]}") (BENCH_STEPS=$BENCH_STEPS; see the file's history for their last figures)")
"$PYTHON" bench/report.py "$BENCH_RESULTS_JSON" "$BENCH_RESULTS" "${meta[@]}" --commit-at-start "$commit_at_start"

if [ "${#failed[@]}" -gt 0 ]; then
    say "FAILED steps: ${failed[*]}"
    exit 1
fi
say "all benchmarks ran; results in ${BENCH_RESULTS#"$ROOT"/}"
