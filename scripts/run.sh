#!/usr/bin/env bash
# `make run`: migrate, load the demo data and the real datasets in data/, then serve on
# http://127.0.0.1:8000. DATA=demo (make run DATA=demo) loads the demo alone.
#
#   no REDIS_URL       -> manage.py runserver; Celery tasks run in-process.
#   REDIS_URL set      -> collectstatic, a Celery worker and beat in the background and
#                         gunicorn in the foreground (normally with DATABASE_URL set too).
#
# The Makefile passes the server commands in (GUNICORN, CELERY_WORKER, CELERY_BEAT) so that
# they are written down once, there, and tests/test_compose.py can compare them with
# docker-compose.yml.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PATH="$PWD/$VENV/bin:$PATH"
export PATH

: "${GUNICORN:?GUNICORN is set by the Makefile; run make run}"
: "${CELERY_WORKER:?CELERY_WORKER is set by the Makefile; run make run}"
: "${CELERY_BEAT:?CELERY_BEAT is set by the Makefile; run make run}"
BIND="${BIND:-127.0.0.1:8000}"

mkdir -p var
python manage.py migrate --noinput
python manage.py load_demo
case "${DATA:-all}" in
    all) python manage.py load_datasets ;;
    demo) echo "run: DATA=demo: the demo case only (python manage.py load_datasets loads the real datasets)" ;;
    *) echo "run: DATA=${DATA}: expected all or demo" >&2; exit 2 ;;
esac
case "${CHANCERY_ENV:-development}" in
    development) python manage.py create_demo_users ;;
    *) echo "run: CHANCERY_ENV=${CHANCERY_ENV}: not creating demo users" ;;
esac

if [ -z "${REDIS_URL:-}" ]; then
    echo "run: no REDIS_URL; runserver on http://$BIND with Celery tasks run in-process"
    exec python manage.py runserver "$BIND"
fi

if [ -z "${DATABASE_URL:-}" ]; then
    echo "run: warning: REDIS_URL is set but DATABASE_URL is not; worker and web share the SQLite file in var/" >&2
fi

python manage.py collectstatic --noinput

pids=()
stop_background() {
    trap - EXIT INT TERM
    if [ "${#pids[@]}" -gt 0 ]; then
        echo "run: stopping Celery worker and beat (${pids[*]})"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck disable=SC2086  # the commands are deliberately word-split
$CELERY_WORKER &
pids+=("$!")
# shellcheck disable=SC2086
$CELERY_BEAT &
pids+=("$!")

echo "run: gunicorn on http://$BIND (worker pid ${pids[0]}, beat pid ${pids[1]})"
# shellcheck disable=SC2086
$GUNICORN -b "$BIND"
