"""Timeline benchmarks: the full rebuild on a database of its own, then pages and refreshes on
the generated data, over HTTP and through a real Celery worker.

    bench_timelines.py rebuild --fresh --scale 0.25 [--rebuilds 3]     DATABASE_URL: its own database
    bench_timelines.py pages [--edits 30]                                DATABASE_URL: bench/generate.py's

Both record their results for bench/report.py (BENCH_RESULTS_JSON), section "Timelines".
PostgreSQL only.

`rebuild` creates (or with --fresh recreates) and migrates the database, generates
`200,000 × scale` visits with three status changes each (5 % between Russia and Tajikistan,
the rest over 60 countries; no trade, whose million yearly entries at scale 1 would swamp
the visits), then per repetition empties the timeline and does `refresh_timelines --full`'s
work in this process: entries per second. Then a reconciliation over the rebuilt timeline,
which finds nothing to repair, beside the rebuild's time.

`pages` needs bench/run.sh's services: the app under gunicorn is started here (bench_api.py's
command and production settings), and a Celery worker must already consume REDIS_URL. It
first materialises the busiest pair's timeline (RUS-TJK: `refresh_timelines --pair`'s work,
in this process), then measures:

* the pair page (HTML, logged in as BENCH_USER with a session cookie made here) and
  `GET /api/v1/timeline/?pair=RUS-TJK` (BENCH_API_TOKEN), page 1 vs a page 90 % of the way
  through: wrk's p50/p95 on loopback, 1 connection; queries per request counted in this
  process (Django's test client under CaptureQueriesContext, same settings);
* the incremental refresh after one edit of a RUS-TJK visit (its place, which is in its
  entry's title): the task body run here (`refresh_timeline_units`, after an edit that sends
  no signal) and the whole path through the queue (save → signal → Redis → the worker →
  the new title readable), edit by edit, interleaved.
"""

import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

from common import QUICK, REPEAT, ROOT, SCALE, Result, Target, env_int, median, record

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")

SECTION = "Timelines"
BUSY_PAIR = ("RUS", "TJK")
STATUS_PATH = [("", "announced", -40), ("announced", "confirmed", -10), ("confirmed", "completed", 1)]
QUEUE_TIMEOUT = 60.0  # seconds an edit may take to show through the worker before we give up


# --- rebuild: a database of its own -----------------------------------------------------------
def ensure_database(fresh: bool) -> None:
    """Create the benchmark database if it is missing (or drop and create it with --fresh)."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench_timelines.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        exists = cursor.fetchone() is not None
        if exists and fresh:
            cursor.execute(f'DROP DATABASE "{config["NAME"]}"')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def generate_visits(scale: float, seed: int = 20170228) -> tuple[int, int]:
    """Visits with status histories through COPY; returns (visits, status changes)."""
    from django.db import connection
    from generate import copy_rows, move_sequence

    from directory.models import Country, Person
    from visits.models import Visit, VisitStatusChange

    rng = random.Random(seed)
    visit_count = int(200_000 * scale)
    person_count = max(100, int(2_000 * scale))
    codes = [c for c in Country.objects.current().order_by("pk").values_list("pk", flat=True) if c not in BUSY_PAIR]
    countries = [*BUSY_PAIR, *rng.sample(codes, 58)]
    people, visits, changes = [], [], []
    for n in range(1, person_count + 1):
        people.append(f"{n}\tPerson {n}\t{rng.choice(countries)}\n")
    change_id = 0
    for visit_id in range(1, visit_count + 1):
        pool = BUSY_PAIR if rng.random() < 0.05 else countries
        visitor_country, host = rng.sample(pool, 2)
        start = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(34 * 365))
        end = start + datetime.timedelta(days=rng.randrange(3))
        visits.append(
            f"{visit_id}\t{rng.randrange(1, person_count + 1)}\t{visitor_country}\t{host}\t{start}\t{end}\t"
            f"{rng.choice(['official', 'working', 'state'])}\t{rng.choice(['head', 'minister'])}\tcompleted\tGenerated visit {visit_id}.\n"
        )
        for before, after, offset in STATUS_PATH:
            change_id += 1
            changes.append(
                f"{change_id}\t{visit_id}\t{before}\t{after}\t{start + datetime.timedelta(days=offset)}\t2024-01-01T00:00:00+00:00\n"
            )
    with connection.cursor() as cursor:
        copy_rows(cursor, Person, ["id", "name", "country_id"], people)
        copy_rows(
            cursor,
            Visit,
            [
                "id",
                "visitor_id",
                "visitor_country_id",
                "host_country_id",
                "start_date",
                "end_date",
                "kind",
                "level",
                "status",
                "summary",
            ],
            visits,
        )
        copy_rows(
            cursor,
            VisitStatusChange,
            ["id", "visit_id", "from_status", "to_status", "changed_on", "recorded_at"],
            changes,
        )
        for model in (Person, Visit, VisitStatusChange):
            move_sequence(cursor, model)
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return visit_count, change_id


def empty_timeline() -> None:
    from django.db import connection

    from timelines.models import RefreshBatch, RefreshRun, TimelineEntry, TimelineRepair

    tables = [
        TimelineEntry.persons.through,
        TimelineEntry.topics.through,
        TimelineEntry,
        TimelineRepair,
        RefreshBatch,
        RefreshRun,
    ]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(model._meta.db_table for model in tables))


def reconcile(pair: tuple[str, str] | None = None):
    """`refresh_timelines --full` (or `--pair`)'s work in this process; returns the finished run."""
    from timelines.models import RefreshRun
    from timelines.reconcile import pending_batches, plan_run, run_batches

    run = plan_run(trigger="bench", pair=pair)
    run_batches(pending_batches(run))
    return RefreshRun.objects.get(pk=run.pk)


def analyse_timeline() -> None:
    from django.db import connection

    from timelines.models import TimelineEntry

    with connection.cursor() as cursor:
        for model in (TimelineEntry, TimelineEntry.persons.through, TimelineEntry.topics.through):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def bench_rebuild(args) -> None:
    ensure_database(args.fresh)
    import django

    django.setup()
    from django.core.management import call_command

    from timelines.models import TimelineEntry
    from visits.models import Visit

    call_command("migrate", verbosity=0)
    if not Visit.objects.exists():
        started = time.perf_counter()
        visit_count, change_count = generate_visits(args.scale)
        print(
            f"bench_timelines: generated {visit_count:,} visits, {change_count:,} status changes in {time.perf_counter() - started:.0f}s",
            flush=True,
        )
    visit_count = Visit.objects.count()

    rebuilds, entries = [], 0
    for n in range(args.rebuilds):
        empty_timeline()
        started = time.perf_counter()
        run = reconcile()
        rebuilds.append(time.perf_counter() - started)
        entries = TimelineEntry.objects.count()
        print(
            f"bench_timelines: rebuild {n + 1}: {rebuilds[-1]:.1f}s, {run.entries_created:,} entries, {run.units_total:,} units",
            flush=True,
        )
    analyse_timeline()
    passes = []
    for _ in range(args.rebuilds):
        started = time.perf_counter()
        run = reconcile()
        passes.append(time.perf_counter() - started)
        if run.repairs_total:
            raise SystemExit(
                f"bench_timelines: the reconciliation after a rebuild repaired {run.repairs_total} entries; the rebuild is wrong"
            )

    data = f"{visit_count:,} generated visits with 3 status changes each (`bench_timelines.py rebuild --scale {args.scale:g}`), in a database of their own"
    record(
        Result(
            section=SECTION,
            name=f"full rebuild: empty timeline → {entries:,} entries",
            metric="entries/s",
            samples=[entries / seconds for seconds in rebuilds],
            extra={"seconds": rebuilds},
            note=f"{data}; `refresh_timelines --full`'s work in one process (planning and every batch)",
        )
    )
    record(
        Result(
            section=SECTION,
            name="reconciliation over the rebuilt timeline (nothing to repair)",
            metric="seconds",
            higher_is_better=False,
            samples=passes,
            baseline_name="full rebuild of the same timeline",
            baseline_samples=rebuilds,
            note=f"{data}; what the nightly reconciliation costs when the timeline is right",
        )
    )


# --- pages: the generated data, gunicorn and the worker ----------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def session_client(username: str):
    """A test client logged in as `username`, and the session cookie (name, value) it holds."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client, (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)


def count_queries(client, path: str) -> int:
    """Queries the app sends for `path`, the second time (the first fills per-process caches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(
            f"bench_timelines: {path} answered {response.status_code} in process: {response.content[:300]!r}"
        )
    return len(captured.captured_queries)


def deep_cursor(fraction: float) -> tuple[str, int]:
    """The cursor after which the busiest pair's page `fraction` of the way through starts, and the pair's entry count."""
    from timelines import selectors
    from timelines.models import TimelineEntry

    entries = TimelineEntry.objects.for_pair(*BUSY_PAIR).order_by("date", "id")
    total = entries.count()
    if total < 200:
        raise SystemExit(f"bench_timelines: the busiest pair has only {total} timeline entries; generate more data")
    return selectors.encode_cursor(entries[int(total * fraction)]), total


def measure_pages(username: str, token: str, log_dir: Path, secret_key: str) -> None:
    from bench_api import deep_page_target, first_vs_deep, start_servers, stop_servers
    from django.db import connection
    from django.test import Client

    cursor, total = deep_cursor(0.9)
    pair = "-".join(BUSY_PAIR)
    client, (cookie_name, cookie_value) = session_client(username)
    html_headers = {"Cookie": f"{cookie_name}={cookie_value}", "Accept": "text/html"}
    api_headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    api_client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    lists = [
        ("pair page (HTML)", f"/pairs/{pair}/", f"/pairs/{pair}/?after={cursor}", client, html_headers),
        (
            "timeline API",
            f"/api/v1/timeline/?pair={pair}",
            f"/api/v1/timeline/?pair={pair}&cursor={cursor}",
            api_client,
            api_headers,
        ),
    ]
    queries = {
        path: count_queries(web_client, path) for _, first, deep, web_client, _ in lists for path in (first, deep)
    }
    connection.close()  # not held open through the load runs
    servers = start_servers(log_dir, secret_key=secret_key, bare=False)
    try:
        for name, first, deep, _, headers in lists:
            result = first_vs_deep(SECTION, f"busiest pair {pair}, {name}", first, deep, "page at 90 %", headers)
            result.note += (
                f"; {total:,} entries in the pair's timeline, 50 a page; queries per request (counted in process, "
                f"CaptureQueriesContext): {queries[first]} page 1, {queries[deep]} deep"
            )
            # The targets are for the full data's busiest pair; smaller data (bench-quick) is shown, not judged.
            for label, runs in (("page 1", result.baseline_extra["p95 ms"]), ("deep page", result.extra["p95 ms"])):
                p95 = median(runs)
                result.targets.append(
                    Target(f"{label} p95 < 100 ms", p95 < 100 if SCALE >= 1 else None, f"{p95:.1f} ms")
                )
            deep_target = deep_page_target(result)
            if SCALE < 1:
                deep_target.met = None
            result.targets.append(deep_target)
            record(result)
    finally:
        stop_servers(servers, log_dir)


def busy_pair_visit_ids() -> list[int]:
    from visits.models import Visit

    return list(Visit.objects.for_pair(*BUSY_PAIR).order_by("pk").values_list("pk", flat=True))


def edit_through_queue(visit_id: int, place: str) -> float:
    """Milliseconds from an editor's save to the worker's refreshed entry being readable."""
    from timelines.models import TimelineEntry
    from visits.models import Visit

    visit = Visit.objects.get(pk=visit_id)
    visit.locale = place
    started = time.perf_counter()
    visit.save()  # post_save → refresh_after_commit → one task on Redis
    deadline = started + QUEUE_TIMEOUT
    while not TimelineEntry.objects.filter(key=f"visit:{visit_id}", title__contains=place).exists():
        if time.perf_counter() > deadline:
            raise SystemExit(
                f"bench_timelines: visit {visit_id}'s entry did not change within {QUEUE_TIMEOUT:.0f}s of the edit: "
                "is a Celery worker consuming REDIS_URL (bench/run.sh starts one)?"
            )
        time.sleep(0.002)
    return (time.perf_counter() - started) * 1000


def edit_then_task_body(visit_id: int, place: str) -> float:
    """Milliseconds of the refresh task's body, run here, for the same units as an edit queues."""
    from django.db.models import F

    from timelines.receivers import units_of
    from timelines.tasks import refresh_timeline_units
    from visits.models import Visit

    # update() sends no signal: nothing is queued, and the body below does the refresh alone.
    Visit.objects.filter(pk=visit_id).update(locale=place, version=F("version") + 1)
    units = sorted(units_of([Visit.objects.get(pk=visit_id)]))
    started = time.perf_counter()
    refresh_timeline_units.apply(args=[units], throw=True)
    return (time.perf_counter() - started) * 1000


def measure_refresh(edits: int) -> None:
    rng = random.Random(20170227)
    # New places on every run: a title left by an earlier run on the same data must not count.
    run_tag = secrets.token_hex(4)
    visit_ids = busy_pair_visit_ids()
    edit_through_queue(visit_ids[0], f"Warm-up place {run_tag}")  # the worker's first task opens its connections
    queued_rounds, body_rounds = [], []
    for rep in range(REPEAT):
        queued, body = [], []
        for n in range(edits):
            place = f"Edited place {run_tag}-{rep}-{n}"
            steps = [(queued, edit_through_queue), (body, edit_then_task_body)]
            for times, step in steps if n % 2 == 0 else steps[::-1]:
                times.append(step(rng.choice(visit_ids), place + ("q" if step is edit_through_queue else "b")))
        queued_rounds.append(queued)
        body_rounds.append(body)
    body_p95 = [percentile(times, 0.95) for times in body_rounds]
    edited = f"{edits} edits of random {'-'.join(BUSY_PAIR)} visits (their place) per repetition"
    body_result = Result(
        section=SECTION,
        name="incremental refresh after one edit: task body",
        metric="p95 ms",
        higher_is_better=False,
        samples=body_p95,
        extra={"p50 ms": [statistics.median(times) for times in body_rounds]},
        note=f"{edited}; `refresh_timeline_units` run in this process (`.apply()`) after an edit that queues nothing",
    )
    body_result.targets.append(Target("task time p95 < 200 ms", median(body_p95) < 200, f"{median(body_p95):.1f} ms"))
    record(body_result)
    record(
        Result(
            section=SECTION,
            name="incremental refresh after one edit: through the queue and the worker",
            metric="p95 ms",
            higher_is_better=False,
            samples=[percentile(times, 0.95) for times in queued_rounds],
            baseline_name="task body (above)",
            baseline_samples=body_p95,
            extra={"p50 ms": [statistics.median(times) for times in queued_rounds]},
            baseline_extra={"p50 ms": [statistics.median(times) for times in body_rounds]},
            note=f"{edited}, interleaved with the above; from `visit.save()` (signal, enqueue on Redis) to the worker's new entry title being readable, polled every 2 ms",
        )
    )


def collect_static() -> None:
    """Production pages name their static files through the collected manifest: collect them.

    Hashed names only: the app's storage also compresses every file, which takes minutes on a
    busy machine and changes nothing in the pages (wrk fetches no assets).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    hashed_only = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    started = time.perf_counter()
    with override_settings(STORAGES=hashed_only):
        call_command("collectstatic", interactive=False, verbosity=0)
    print(f"bench_timelines: static files collected in {time.perf_counter() - started:.0f}s", flush=True)


def bench_pages(args) -> None:
    from bench_api import app_environment

    log_dir = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))
    work_dir = Path(os.environ.get("BENCH_WORK_DIR", "/tmp"))
    # This process runs with the app's settings and secret key, so the session cookie it makes
    # is one the app accepts and the queries it counts are the ones the app sends.
    secret_key = secrets.token_urlsafe(50)
    os.environ.update(app_environment(secret_key), STATIC_ROOT=str(work_dir / "static"))
    import django

    django.setup()
    from timelines.models import TimelineEntry

    collect_static()

    started = time.perf_counter()
    run = reconcile(BUSY_PAIR)
    seconds = time.perf_counter() - started
    analyse_timeline()
    print(
        f"bench_timelines: materialised {'-'.join(BUSY_PAIR)}: {run.units_total:,} units, {run.entries_created:,} entries in {seconds:.1f}s "
        f"({run.entries_created / seconds:,.0f} entries/s); {TimelineEntry.objects.count():,} entries stored",
        flush=True,
    )
    measure_pages(args.user, os.environ["BENCH_API_TOKEN"], log_dir, secret_key)
    measure_refresh(args.edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    rebuild = modes.add_parser("rebuild", help="full rebuild on a database of its own (DATABASE_URL)")
    rebuild.add_argument("--scale", type=float, default=0.25, help="1.0 = 200,000 visits")
    rebuild.add_argument(
        "--rebuilds", type=int, default=REPEAT, help="full rebuilds, and reconciliations after them (at least 3)"
    )
    rebuild.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    pages = modes.add_parser(
        "pages", help="pages, API and refreshes on bench/generate.py's data, with gunicorn and the worker"
    )
    pages.add_argument(
        "--edits", type=int, default=env_int("BENCH_TIMELINE_EDITS", 10 if QUICK else 30), help="edits per repetition"
    )
    pages.add_argument(
        "--user", default=os.environ.get("BENCH_USER", "bench-analyst"), help="the user the pages are read as"
    )
    args = parser.parse_args()
    if args.mode == "rebuild":
        args.rebuilds = max(3, args.rebuilds)
        bench_rebuild(args)
    else:
        bench_pages(args)


if __name__ == "__main__":
    main()
