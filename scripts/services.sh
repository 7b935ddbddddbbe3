# Sourced by scripts/test.sh and bench/run.sh: installs what is missing (as root, with
# apt-get), then starts a throwaway PostgreSQL and Redis on 127.0.0.1 in a temporary
# directory that is removed on exit, whatever happens.
#
# Expects: ROOT, VENV, PGPORT_TEST, REDIS_PORT_TEST, STARTUP_TIMEOUT, and say/die functions.
# Sets: TMP_DIR, PG_BIN; leaves database "chancery" created; installs an EXIT trap.
# Defines start_redis PORT, to start another Redis (stopped by the same trap).
# --- system packages -------------------------------------------------------------------------
find_pg_bin() {
    local initdb
    # Highest installed major version wins.
    initdb="$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$initdb" ] && dirname "$initdb"
}

missing=()
find_pg_bin >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # the fetcher's TLS test makes its certificate

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        die "missing system packages: ${missing[*]}. Install them (sudo apt-get install -y postgresql redis-server chromium openssl) or run make test as root."
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing system packages (${missing[*]}) and no apt-get to install them"
    say "installing missing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update
    apt-get -o DPkg::Lock::Timeout=600 install -y postgresql redis-server chromium openssl
fi

PG_BIN="$(find_pg_bin)" || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin after installing"

# PostgreSQL will not run as root: as root, run its commands as `postgres`.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run PostgreSQL as"
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
    PG_OWNER=postgres
else
    as_pg() { "$@"; }
    PG_OWNER="$(id -un)"
fi

# --- throwaway services ----------------------------------------------------------------------
TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/chancery-test.XXXXXX")"
chmod 755 "$TMP_DIR"   # the postgres user must be able to reach its data dir inside
PG_DIR="$TMP_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/sock"
PG_STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ "$PG_STARTED" -eq 1 ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$STARTUP_TIMEOUT" stop >/dev/null \
            && say "PostgreSQL stopped" \
            || say "warning: PostgreSQL did not stop cleanly (see $PG_DIR/postgresql.log)"
    fi
    local pid_file pid
    for pid_file in "$TMP_DIR"/redis-*.pid; do
        [ -s "$pid_file" ] || continue
        pid="$(cat "$pid_file")"
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null
            say "warning: Redis had to be killed"
        else
            say "Redis stopped"
        fi
    done
    rm -rf "$TMP_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() {
    # bash's /dev/tcp: succeeds when something accepts connections on the port.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
port_in_use "$PGPORT_TEST" && die "port $PGPORT_TEST is already in use (a leftover test PostgreSQL?); stop it or set PGPORT_TEST"

# Redis on PORT, its pid, log and (unsaved) data in TMP_DIR; returns once it answers.
start_redis() {
    local port="$1" deadline
    port_in_use "$port" && die "port $port is already in use (a leftover test Redis?); stop it or choose another port"
    say "starting Redis on 127.0.0.1:$port"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
        --daemonize yes --pidfile "$TMP_DIR/redis-$port.pid" --logfile "$TMP_DIR/redis-$port.log" --dir "$TMP_DIR" \
        || die "redis-server did not start"
    deadline=$((SECONDS + STARTUP_TIMEOUT))
    until [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; do
        [ "$SECONDS" -lt "$deadline" ] || { cat "$TMP_DIR/redis-$port.log" >&2 2>/dev/null; die "Redis did not answer on 127.0.0.1:$port within ${STARTUP_TIMEOUT}s"; }
        sleep 0.2
    done
}

say "starting PostgreSQL ($PG_BIN) on 127.0.0.1:$PGPORT_TEST in $PG_DIR"
mkdir -p "$PG_DIR" "$PG_SOCK"
chown -R "$PG_OWNER" "$PG_DIR"
chmod 700 "$PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
    >"$TMP_DIR/initdb.log" 2>&1 || { cat "$TMP_DIR/initdb.log" >&2; die "initdb failed"; }
PG_STARTED=1
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgresql.log" -w -t "$STARTUP_TIMEOUT" \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT_TEST -k $PG_SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_DIR/postgresql.log" >&2 2>/dev/null; die "PostgreSQL did not start"; }

deadline=$((SECONDS + STARTUP_TIMEOUT))
until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT_TEST" -U postgres; do
    [ "$SECONDS" -lt "$deadline" ] || { cat "$PG_DIR/postgresql.log" >&2 2>/dev/null; die "PostgreSQL did not answer on 127.0.0.1:$PGPORT_TEST within ${STARTUP_TIMEOUT}s"; }
    sleep 0.2
done
start_redis "$REDIS_PORT_TEST"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT_TEST" -U postgres chancery
say "PostgreSQL and Redis are up"
