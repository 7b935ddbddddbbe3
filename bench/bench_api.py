"""API benchmarks: the app under gunicorn against a bare WSGI app and psql, side by side.

Started by bench/run.sh with the bench database filled by bench/generate.py. Starts, at the
same time and with the same gunicorn settings (the Makefile's GUNICORN: 2 gthread workers of 4 threads, each on its own SO_REUSEPORT socket),

- the app (chancery.wsgi) with production settings (DEBUG off, Redis cache for the rate
  limiter, persistent database connections), and
- bench/bare_app.py, which runs the same SQL with psycopg2 and orjson and nothing else;

checks that both give the same JSON, then measures with wrk (one thread, a Lua reporter for
p95/p99), each repetition running the app and its baseline back to back, alternating which
goes first:

1. a 100-row flows page filtered by reporter, and a pair series: requests/s and
   p50/p95/p99 at 1 and 16 connections, app vs bare app (target: flows page >= 50 %);
   then the same page served by Django one layer at a time (bench/layers/), each beside the
   bare app at 16 connections: where the gap to the bare app comes from;
2. deep pagination: page 1 vs a deep page of the flows list through the cursor, all flows
   and one reporter's, app only (target: deep page p50 <= 1.5x page 1's);
3. CSV export of every export flow (1,000,000 at scale 1): rows/s read by a client and the
   serving worker's peak RSS, vs psql `\\copy (the view's query) to stdout` (target: >= 50 %
   of psql's rate, under 150 MB).

Environment: DATABASE_URL, REDIS_URL, BENCH_API_TOKEN (an analyst's token), BENCH_APP_PORT,
BENCH_BARE_PORT, BENCH_LAYERS_PORT, BENCH_LAYERS_BARE_DJANGO_PORT, BENCH_DURATION (seconds per wrk run), BENCH_WARMUP, PG_BIN (psql's folder).
"""

import base64
import http.client
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from common import (
    QUICK,
    REPEAT,
    ROOT,
    VENV_PYTHON,
    Result,
    Target,
    answers,
    children,
    env_float,
    env_int,
    median,
    proc_status_kb,
    record,
    reset_peak_rss,
    wait_for_port,
)

APP_PORT = env_int("BENCH_APP_PORT", 28080)
BARE_PORT = env_int("BENCH_BARE_PORT", 28081)
DURATION = env_float("BENCH_DURATION", 3.0 if QUICK else 8.0)
WARMUP = env_float("BENCH_WARMUP", 1.0 if QUICK else 2.0)
TOKEN = os.environ["BENCH_API_TOKEN"]
DATABASE_URL = os.environ["DATABASE_URL"]
PSQL = str(Path(os.environ.get("PG_BIN", "/usr/bin")) / "psql")
GUNICORN = shlex.split(os.environ.get("GUNICORN") or "gunicorn chancery.wsgi --workers 2")
VENV_BIN = Path(VENV_PYTHON).parent
SECTION = "API"
HEADERS = {"Authorization": f"Token {TOKEN}", "Accept": "application/json"}
MB = 1024 * 1024


# --- servers --------------------------------------------------------------------------------
def gunicorn_command(app_module: str, port: int, *extra: str) -> list[str]:
    """The Makefile's gunicorn command with the app module swapped, bound to loopback.

    --no-control-socket: gunicorn 27 gives every instance the same control socket, and two
    instances run here at once.
    """
    command = [str(VENV_BIN / GUNICORN[0]) if (VENV_BIN / GUNICORN[0]).exists() else GUNICORN[0]]
    command += [app_module if arg == "chancery.wsgi" else arg for arg in GUNICORN[1:]]
    return command + ["--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning", *extra]


def app_environment(secret_key: str) -> dict[str, str]:
    """The app's production settings on loopback; a process that shares `secret_key` can make
    session cookies the app accepts (bench_timelines.py does, for the pages)."""
    return dict(
        CHANCERY_ENV="production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        # The limiter still runs (a Redis round trip per request, as in production); only the
        # budget is raised so the load generator is not answered 429.
        API_CLIENT_RATE="1000000/s",
        LOG_LEVEL="WARNING",
    )


def start_servers(log_dir: Path, *, secret_key: str | None = None, bare: bool = True) -> dict[str, subprocess.Popen]:
    """The app (and, with `bare`, the bare app) under gunicorn, once they answer."""
    app_env = dict(os.environ, **app_environment(secret_key or secrets.token_urlsafe(50)))
    specs = {"app": (APP_PORT, gunicorn_command("chancery.wsgi", APP_PORT), app_env)}
    if bare:
        bare_command = gunicorn_command("bare_app:application", BARE_PORT, "--chdir", str(ROOT / "bench"))
        specs["bare"] = (BARE_PORT, bare_command, dict(os.environ, BARE_DATABASE_URL=DATABASE_URL))
    return launch(specs, log_dir)


def launch(specs: dict[str, tuple[int, list[str], dict]], log_dir: Path) -> dict[str, subprocess.Popen]:
    """{name: (port, command, environment)} started, each logging to gunicorn-NAME.log, once
    every one answers on its port; their pids noted for bench/run.sh.

    A port something already answers on is refused: with --reuse-port (the Makefile's
    GUNICORN) a second gunicorn would share it with the first rather than fail to bind, and
    the measurements would mix the two."""
    if busy := [f"{name} (127.0.0.1:{port})" for name, (port, _, _) in specs.items() if answers(port)]:
        raise SystemExit(f"bench_api: something already answers on the port of {', '.join(busy)}; stop it first")
    servers = {
        name: subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=open(log_dir / f"gunicorn-{name}.log", "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name, (port, command, env) in specs.items()
    }
    note_pids(log_dir, servers.values())
    for name, (port, _, _) in specs.items():
        try:
            wait_for_port(port, 60)
        except RuntimeError:
            stop_servers(servers, log_dir)
            raise SystemExit(f"bench_api: the {name} server did not start; see {log_dir}/gunicorn-{name}.log") from None
    return servers


def stop_servers(servers: dict[str, subprocess.Popen], log_dir: Path) -> None:
    for process in servers.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in servers.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    pids = log_dir / "servers.pids"
    stopped = {str(process.pid) for process in servers.values()}
    left = [pid for pid in (pids.read_text().split() if pids.exists() else []) if pid not in stopped]
    if left:
        pids.write_text("".join(f"{pid}\n" for pid in left))
    else:
        pids.unlink(missing_ok=True)


def note_pids(log_dir: Path, processes) -> None:
    """For bench/run.sh, which stops the servers if this process dies without doing so."""
    with open(log_dir / "servers.pids", "a") as handle:
        handle.write("".join(f"{process.pid}\n" for process in processes))


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def get_json(port: int, path: str) -> dict:
    status, body = get(port, path)
    if status != 200:
        raise SystemExit(f"bench_api: GET {path} on port {port} answered {status}: {body[:500]!r}")
    return json.loads(body)


def check_same_answers(paths: list[str]) -> None:
    """The baseline must do the same work: same rows, same values, same next cursor."""
    for path in paths:
        app, bare = get_json(APP_PORT, path), get_json(BARE_PORT, path)
        if "next" in app:
            for answer in (app, bare):
                answer["next"] = answer["next"] and answer["next"].split("?", 1)[1]
        if app != bare:
            raise SystemExit(
                f"bench_api: the app and the bare app answer {path} differently; fix bench/bare_app.py first"
            )
        print(f"bench_api: app and bare app give the same answer for {path}", flush=True)


# --- load generation ----------------------------------------------------------------------------
def wrk(
    port: int, path: str, connections: int, duration: float, headers: dict | None = None, *, warm_up: bool = False
) -> dict:
    """One wrk run; any error or non-2xx answer stops the benchmark, and so does a run that got
    no answer at all, unless it only warms the server up. `headers`: HEADERS by default."""
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
        *[arg for name, value in (headers or HEADERS).items() for arg in ("-H", f"{name}: {value}")],
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"bench_api: wrk printed no result:\n{output}")
    stats = json.loads(line.split(" ", 1)[1])
    if not stats["requests"] and not warm_up:
        raise SystemExit(
            f"bench_api: no answer from {path} on port {port} within a {duration:g}s run; raise BENCH_DURATION"
        )
    errors = sum(stats[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    if errors:
        raise SystemExit(f"bench_api: {errors} errors or non-2xx answers from {path} on port {port}: {stats}")
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


SQL_DIFFERENCES: dict[str, str] = {}
QUERY_COUNTS: dict[str, tuple[int, int]] = {}  # path: (the app's queries, those the bare app also sends)


def compare(
    name: str,
    app_path: str,
    bare_path: str,
    connections: int,
    *,
    target_ratio: float | None = None,
    app_port: int = APP_PORT,
    section: str = SECTION,
    repeat: int = REPEAT,
) -> Result:
    """Throughput and latency of the app (or what listens on `app_port`) vs the bare app,
    interleaved repetition by repetition."""
    for port, path in ((app_port, app_path), (BARE_PORT, bare_path)):
        wrk(port, path, connections, WARMUP, warm_up=True)
    app_runs, bare_runs = [], []
    for rep in range(repeat):
        order = [("app", app_port, app_path), ("bare", BARE_PORT, bare_path)]
        for label, port, path in order if rep % 2 == 0 else order[::-1]:
            (app_runs if label == "app" else bare_runs).append(wrk(port, path, connections, DURATION))
    result = Result(
        section=section,
        name=f"{name}, {connections} connection{'s' if connections > 1 else ''}",
        metric="requests/s",
        samples=[r["rps"] for r in app_runs],
        baseline_name="bare WSGI app",
        baseline_samples=[r["rps"] for r in bare_runs],
        extra={f"p{p} ms": [r[f"p{p}_us"] / 1000 for r in app_runs] for p in (50, 95, 99)},
        baseline_extra={f"p{p} ms": [r[f"p{p}_us"] / 1000 for r in bare_runs] for p in (50, 95, 99)},
        note=f"GET {app_path}; wrk -t1 -c{connections}, {DURATION:g}s per run",
    )
    if app_path in QUERY_COUNTS:
        total, data = QUERY_COUNTS[app_path]
        result.note += f"; the app sends {total} queries per request, the bare app {data}"
    if app_path in SQL_DIFFERENCES:
        result.note += (
            "; WARNING: the bare app's SQL differs from the app's (see the bench log): update bench/bare_app.py"
        )
    if target_ratio is not None:
        ratio = median(result.ratios)
        result.targets.append(
            Target(f">= {target_ratio:.0%} of the bare app's requests/s", ratio >= target_ratio, f"{ratio:.0%}")
        )
    return record(result)


def warm_workers(port: int, paths: list[str], headers: dict | None = None, rounds: int = 4) -> None:
    """Each path `rounds` times from 4 threads at once, without a time limit: every gunicorn
    worker's first request (imports, templates) can take seconds on a busy machine, longer
    than a short load-generator run."""
    with ThreadPoolExecutor(4) as pool:
        for path, (status, body) in zip(
            paths * rounds, pool.map(lambda path: get(port, path, headers), paths * rounds), strict=False
        ):
            if status != 200:
                raise SystemExit(f"bench_api: GET {path} on port {port} answered {status}: {body[:300]!r}")


def first_vs_deep(
    section: str, name: str, first_path: str, deep_path: str, deep_label: str, headers: dict | None = None
) -> Result:
    """The first page vs a deep page of one list, app only, 1 connection, interleaved repetition
    by repetition; p50 latency (lower is better), with p95 and requests/s beside it. Not recorded:
    the caller adds its targets."""
    warm_workers(APP_PORT, [first_path, deep_path], headers)
    wrk(APP_PORT, first_path, 1, WARMUP, headers, warm_up=True)
    wrk(APP_PORT, deep_path, 1, WARMUP, headers, warm_up=True)
    first_runs, deep_runs = [], []
    for rep in range(REPEAT):
        order = [(first_runs, first_path), (deep_runs, deep_path)]
        for runs, path in order if rep % 2 == 0 else order[::-1]:
            runs.append(wrk(APP_PORT, path, 1, DURATION, headers))
    return Result(
        section=section,
        name=f"{name}: {deep_label} vs page 1",
        metric=f"p50 ms ({deep_label})",
        higher_is_better=False,
        samples=[r["p50_us"] / 1000 for r in deep_runs],
        baseline_name="page 1",
        baseline_samples=[r["p50_us"] / 1000 for r in first_runs],
        extra={"requests/s": [r["rps"] for r in deep_runs], "p95 ms": [r["p95_us"] / 1000 for r in deep_runs]},
        baseline_extra={
            "requests/s": [r["rps"] for r in first_runs],
            "p95 ms": [r["p95_us"] / 1000 for r in first_runs],
        },
        note=f"GET {deep_path} vs {first_path}; wrk -t1 -c1, {DURATION:g}s per run",
    )


def deep_page_target(result: Result) -> Target:
    ratio = median(result.ratios)
    return Target("deep page p50 <= 1.5x page 1's", ratio <= 1.5, f"{ratio:.2f}x")


def deep_pagination(name: str, first_path: str, deep_path: str, page: int) -> Result:
    result = first_vs_deep(SECTION, f"deep pagination, {name}", first_path, deep_path, f"page {page:,}")
    result.note += f" (the cursor of page {page:,})"
    result.targets.append(deep_page_target(result))
    return record(result)


# --- data the benchmarks need -------------------------------------------------------------------
def django_queries() -> dict:
    """From the app's own code: the CSV view's SQL, row counts and the deep cursors."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict

    from core.api.csv import csv_rows
    from trade.api import FLOW_CSV_COLUMNS, TradeFlowFilter, flows_for_csv
    from trade.models import TradeFlow

    # What the view does for ?flow=export&format=csv, up to the SQL it hands to COPY (the
    # spreadsheet-safe text cells included, so both sides pay for them).
    queryset = flows_for_csv(TradeFlowFilter(QueryDict("flow=export"), TradeFlow.objects.all()).qs.order_by("id"))
    rows = csv_rows(queryset, FLOW_CSV_COLUMNS)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        csv_sql = cursor.mogrify(sql, params).decode()
        cursor.execute("SELECT count(*) FROM trade_tradeflow")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM trade_tradeflow WHERE reporter_id = 'RUS'")
        rus = cursor.fetchone()[0]
    export_rows = queryset.count()
    deep = {}
    for label, where, count in (("all", "", total), ("RUS", "WHERE reporter_id = 'RUS'", rus)):
        pages = count // 100
        # Page 5,000 of all flows at scale 1 (2,000,000 rows); on smaller data, 90 % of the way in.
        page = min(5000, max(2, int(pages * 0.9))) if label == "all" else max(2, int(pages * 0.9))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM trade_tradeflow {where} ORDER BY id OFFSET %s LIMIT 1", [(page - 1) * 100 - 1]
            )
            last_id = cursor.fetchone()[0]
        cursor_value = base64.urlsafe_b64encode(
            json.dumps({"o": ["id"], "v": [last_id]}, separators=(",", ":")).encode()
        ).decode()
        deep[label] = (page, cursor_value)
    connection.close()
    return {
        "csv_sql": csv_sql,
        "export_rows": export_rows,
        "total": total,
        "deep": deep,
        "header": list(FLOW_CSV_COLUMNS),
    }


def _normal(sql: str) -> str:
    return " ".join(re.sub(r"[()]", " ", sql).split())


def sql_differences(paths: list[str]) -> dict[str, str]:
    """For each path, how the bare app's SQL differs from the app's (none when they agree);
    also notes in QUERY_COUNTS how many queries the app sends in all for it.

    The app's queries are caught as it answers the path in this process (Django's test
    client, the analyst's token); the bare app's are built by its own functions.
    """
    import bare_app
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {TOKEN}", HTTP_ACCEPT="application/json", HTTP_HOST="127.0.0.1")
    differences = {}
    with connection.cursor() as cursor:
        for path in paths:
            client.get(path)  # first: what a process reads once (country codes, caches)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(
                    f"bench_api: {path} answered {response.status_code} in process: {response.content[:300]!r}"
                )
            app = [q["sql"] for q in captured.captured_queries if '"trade_trade' in q["sql"]]
            QUERY_COUNTS[path] = (len(captured.captured_queries), len(app))
            query = dict(parse_qsl(urlsplit(path).query))
            if path.startswith("/api/v1/trade/series/"):
                a, b = query["a"], query["b"]
                bare = [
                    cursor.mogrify(bare_app.SERIES_FLOWS_SQL, ["TOTAL", a, b, a, b]).decode(),
                    cursor.mogrify(bare_app.SERIES_CLAIMS_SQL, [b, a, a, b]).decode(),
                ]
            else:
                sql, args, _ = bare_app.flows_query(query)
                bare = [cursor.mogrify(sql, args).decode()]
            if [_normal(q) for q in app] != [_normal(q) for q in bare]:
                differences[path] = "app: " + " | ".join(app) + "\nbare app: " + " | ".join(bare)
    connection.close()
    return differences


# --- CSV export -----------------------------------------------------------------------------------
def read_all(stream) -> tuple[int, str]:
    """Read to the end: (bytes read, "" or why the stream was cut off)."""
    size = 0
    try:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
    except http.client.IncompleteRead as exc:
        return size + len(exc.partial), "the response ended before its last chunk"
    except OSError as exc:
        return size, f"{type(exc).__name__}: {exc}"
    return size, ""


def peak_rss_kb(pid: int) -> int | None:
    try:
        return proc_status_kb(pid, "VmHWM")
    except FileNotFoundError:  # the worker is gone (killed by the arbiter, say)
        return None


def app_csv(path: str, master_pid: int) -> dict:
    """One CSV download: seconds, bytes, the busiest worker's peak RSS, and an error if it was cut off."""
    workers = children(master_pid)  # again each time: a worker killed meanwhile has been replaced
    for pid in workers:
        if not reset_peak_rss(pid):
            raise SystemExit(
                "bench_api: cannot reset the workers' peak RSS (/proc/PID/clear_refs); run as root or as the workers' owner"
            )
    connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Token {TOKEN}"})
    response = connection.getresponse()
    if response.status != 200:
        raise SystemExit(f"bench_api: CSV export answered {response.status}: {response.read(500)!r}")
    size, error = read_all(response)
    seconds = time.perf_counter() - started
    connection.close()
    peaks = [kb for kb in map(peak_rss_kb, workers) if kb is not None]
    return {
        "seconds": seconds,
        "bytes": size,
        "peak": max(peaks) * 1024 if peaks and not error else None,
        "error": error,
    }


def psql_csv(sql: str) -> dict:
    started = time.perf_counter()
    process = subprocess.Popen(
        [PSQL, DATABASE_URL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", f"\\copy ({sql}) to stdout with (format csv)"],
        stdout=subprocess.PIPE,
    )
    size, error = read_all(process.stdout)
    if process.wait() != 0 or error:
        raise SystemExit(f"bench_api: psql \\copy failed {error}")
    return {"seconds": time.perf_counter() - started, "bytes": size}


def csv_export(queries: dict, master_pid: int, log_dir: Path) -> Result:
    path = "/api/v1/trade/flows/?flow=export&format=csv"
    rows = queries["export_rows"]
    header_bytes = len(",".join(queries["header"])) + 1
    app_csv(path, master_pid)  # warm: connections, caches, the table's pages
    app_runs, psql_runs = [], []
    for rep in range(REPEAT):
        steps = [("app", lambda: app_csv(path, master_pid)), ("psql", lambda: psql_csv(queries["csv_sql"]))]
        for label, step in steps if rep % 2 == 0 else steps[::-1]:
            (app_runs if label == "app" else psql_runs).append(step())
    expected = psql_runs[0]["bytes"] + header_bytes
    for run in app_runs:
        if not run["error"] and run["bytes"] != expected:
            raise SystemExit(
                f"bench_api: the app's CSV has {run['bytes']} bytes, psql's {expected - header_bytes} (+ a {header_bytes}-byte header expected)"
            )
    cut_off = [run for run in app_runs if run["error"]]
    peaks = [run["peak"] / MB for run in app_runs if run["peak"] is not None]
    result = Result(
        section=SECTION,
        name=f"CSV export of {rows:,} flows",
        metric="rows/s",
        # A download cut off counts with the rows it delivered (in proportion to its bytes).
        samples=[rows * run["bytes"] / expected / run["seconds"] for run in app_runs],
        baseline_name="psql \\copy (same query) to stdout",
        baseline_samples=[rows / run["seconds"] for run in psql_runs],
        extra={"worker peak RSS MB": peaks, "seconds": [run["seconds"] for run in app_runs]},
        note=f"GET {path}, read by a client to the end; peak = VmHWM of the gunicorn workers, reset before each download",
    )
    ratio = median(result.ratios)
    # The rate and memory targets are for a million rows; fewer (bench-quick) are shown, not judged.
    at_scale = rows >= 1_000_000
    result.targets.append(
        Target(">= 50 % of psql's rows/s (1,000,000 rows)", ratio >= 0.5 if at_scale else None, f"{ratio:.0%}")
    )
    result.targets.append(
        Target(
            "worker peak RSS < 150 MB (1,000,000 rows)",
            (bool(peaks) and max(peaks) < 150) if at_scale else None,
            f"max {max(peaks):.0f} MB" if peaks else "no complete download",
        )
    )
    if cut_off:
        timeouts = (log_dir / "gunicorn-app.log").read_text(errors="replace").count("WORKER TIMEOUT")
        cause = f"; the app's log shows {timeouts} WORKER TIMEOUT" if timeouts else ""
        detail = f"{len(cut_off)} of {len(app_runs)} downloads cut off after {max(r['seconds'] for r in cut_off):.0f} s ({cut_off[0]['error']}{cause})"
        result.note += f"; {detail}"
    result.targets.append(
        Target(
            "every download complete",
            not cut_off,
            f"{len(cut_off)} of {len(app_runs)} cut off" if cut_off else "all complete",
        )
    )
    return record(result)


LAYERS_SECTION = "API: where a flows page's time goes"
LAYERS_PORTS = (env_int("BENCH_LAYERS_PORT", 28082), env_int("BENCH_LAYERS_BARE_DJANGO_PORT", 28083))


def layers(flows_path: str, log_dir: Path) -> None:
    """The bare app's work served by Django, one layer at a time (bench/layers/layers_urls.py),
    each beside the bare app at 16 connections, where throughput is what each request costs
    the two workers: which part of the gap to the bare app each layer makes."""
    query = flows_path.split("?", 1)[1]
    environment = dict(
        os.environ,
        **app_environment(secrets.token_urlsafe(50)),
        DJANGO_SETTINGS_MODULE="layers_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench"), str(ROOT / "bench" / "layers")]),
    )
    servers = launch(
        {
            name: (port, gunicorn_command("chancery.wsgi", port), dict(environment, LAYERS_MIDDLEWARE=middleware))
            for name, port, middleware in (
                ("layers", LAYERS_PORTS[0], "app"),
                ("layers-bare-django", LAYERS_PORTS[1], "none"),
            )
        },
        log_dir,
    )
    try:
        steps = [
            ("Django view, no middleware", LAYERS_PORTS[1], f"/layers/django/?{query}"),
            ("+ the app's middleware", LAYERS_PORTS[0], f"/layers/django/?{query}"),
            ("+ DRF (APIView, no authentication)", LAYERS_PORTS[0], f"/layers/drf/?{query}"),
            ("+ token authentication, role permission, rate limit", LAYERS_PORTS[0], f"/layers/drf-auth/?{query}"),
            ("the app's endpoint (+ filter form, keyset paginator, negotiation)", APP_PORT, flows_path),
        ]
        for name, port, path in steps:
            warm_workers(port, [path])
            compare(name, path, flows_path, 16, app_port=port, section=LAYERS_SECTION)
    finally:
        stop_servers(servers, log_dir)


def main() -> None:
    log_dir = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))
    queries = django_queries()
    servers = start_servers(log_dir)
    try:
        flows_path = "/api/v1/trade/flows/?reporter=RUS&page_size=100"
        series_path = "/api/v1/trade/series/?a=TJK&b=RUS"
        deep_all_page, deep_all_cursor = queries["deep"]["all"]
        deep_rus_page, deep_rus_cursor = queries["deep"]["RUS"]
        deep_paths = {
            "all": (
                "/api/v1/trade/flows/?page_size=100",
                f"/api/v1/trade/flows/?page_size=100&cursor={deep_all_cursor}",
            ),
            "RUS": (flows_path, f"{flows_path}&cursor={deep_rus_cursor}"),
        }
        check_same_answers([flows_path, series_path, deep_paths["all"][1], deep_paths["RUS"][1]])
        SQL_DIFFERENCES.update(sql_differences([flows_path, series_path, deep_paths["RUS"][1]]))
        for path, difference in SQL_DIFFERENCES.items():
            print(f"bench_api: WARNING: for {path} the bare app does not send the app's SQL:\n{difference}", flush=True)
        if not SQL_DIFFERENCES:
            print("bench_api: the bare app sends the app's SQL", flush=True)
        for connections in (1, 16):
            # Two more repetitions than elsewhere: the headline target, near its line on
            # a shared machine, where a median of five outvotes a run the machine disturbed.
            compare(
                "flows page (100 rows, reporter=RUS)",
                flows_path,
                flows_path,
                connections,
                target_ratio=0.5,
                repeat=REPEAT + 2,
            )
        for connections in (1, 16):
            compare("pair series TJK-RUS", series_path, series_path, connections)
        layers(flows_path, log_dir)
        deep_pagination("all flows", *deep_paths["all"], deep_all_page)
        deep_pagination("reporter=RUS", *deep_paths["RUS"], deep_rus_page)
        csv_export(queries, servers["app"].pid, log_dir)
    finally:
        stop_servers(servers, log_dir)


if __name__ == "__main__":
    main()
