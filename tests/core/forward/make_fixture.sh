#!/usr/bin/env bash
# Makes the databases tests/core/test_migrate_forward.py migrates: a database of an earlier
# commit, with the demo, an import, users, an API token and an idempotency key in it, as a
# SQLite file and as a PostgreSQL dump, and what that commit's API answered from it.
#
#   tests/core/forward/make_fixture.sh COMMIT PGPORT
#
# COMMIT is checked out from this repository into a temporary folder and run with this
# checkout's .venv; PGPORT is a running PostgreSQL (as from scripts/services.sh) where a
# database "forward" may be created. Writes tests/core/forward/files/. Reads nothing outside
# the repository: the data are the demo and tests/trade/files.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT="$PWD"
COMMIT="$1"
PGPORT="$2"
OUT="$ROOT/tests/core/forward/files"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
git clone -q "$ROOT" "$WORK/src"
git -C "$WORK/src" checkout -q "$COMMIT"
mkdir -p "$WORK/src/tests/core/forward"
cp "$ROOT/tests/core/forward/snapshot.py" "$WORK/src/tests/core/forward/snapshot.py"
mkdir -p "$OUT"

fill() {  # fill DATABASE_URL (commands run from the checkout of COMMIT, so its modules are the ones imported)
    export DATABASE_URL="$1" CHANCERY_ENV=development
    local py="$ROOT/.venv/bin/python" manage="manage.py"
    cd "$WORK/src"
    {
    "$py" "$manage" migrate --no-input -v 0
    "$py" "$manage" load_demo
    "$py" "$manage" import_trade tests/trade/files/comtrade_bulk_russia_2021.csv
    echo "forward-password-1" | "$py" "$manage" create_user forward-analyst --role analyst --password-stdin
    echo "forward-password-2" | "$py" "$manage" create_user forward-editor --role editor --password-stdin
    "$py" "$manage" create_api_token forward-analyst --name "forward test"
    "$py" "$manage" shell -c "
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
client = APIClient(HTTP_HOST='localhost')
client.force_authenticate(get_user_model().objects.get(username='forward-editor'))
body = {'visitor_country': 'TJK', 'host_country': 'RUS', 'start_date': '2017-03-15', 'start_precision': 'month',
        'kind': 'working', 'level': 'minister', 'status': 'announced', 'summary': 'A working visit, made before the layout moved.'}
response = client.post('/api/v1/visits/', body, format='json', HTTP_IDEMPOTENCY_KEY='forward-key-1')
assert response.status_code == 201, response.content[:500]
"
    "$py" "$manage" refresh_timelines --full --no-progress
    } >&2  # what the commands say goes to the terminal; only the snapshot goes to stdout
    "$py" tests/core/forward/snapshot.py
}

fill "sqlite:///$WORK/forward.sqlite3" > "$OUT/answer-sqlite.json"
gzip -9 -c "$WORK/forward.sqlite3" > "$OUT/forward.sqlite3.gz"

PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -q)
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS forward" -c "CREATE DATABASE forward"
fill "postgres://postgres@127.0.0.1:$PGPORT/forward" > "$OUT/answer-postgresql.json"
pg_dump -h 127.0.0.1 -p "$PGPORT" -U postgres --no-owner --no-privileges forward | gzip -9 > "$OUT/forward.postgresql.sql.gz"
"${PSQL[@]}" -c "DROP DATABASE forward"
echo "make_fixture: $OUT made at $(git -C "$WORK/src" rev-parse --short HEAD)"
ls -la "$OUT"
