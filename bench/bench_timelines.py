"""Timeline benchmarks: a full rebuild, the refresh after one edit, and pair timeline pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:55433/chancery_tl_bench \\
        .venv/bin/python bench/bench_timelines.py --scale 1.0 [--rebuilds 3] [--write-results]

PostgreSQL only (the data goes in through COPY). The database named in DATABASE_URL is
created (or emptied, with --fresh) and migrated; then `200,000 × scale` visits with their
status histories are generated: three status changes each (announced, confirmed,
completed), 5 % of them between Russia and Tajikistan (the busiest pair), the rest spread
over 60 countries. What is measured, each as the median of the repetitions:

* full rebuild: the timeline emptied, then `refresh_timelines --full`'s work done in this
  process (planning and every batch), in seconds and entries per second; and a second
  reconciliation pass over the rebuilt timeline, which finds nothing to repair;
* incremental refresh: one visit edited (its place), then the refresh task's body for the
  units that edit queues, in milliseconds (p50 and p95 over many edits);
* pair page: the busiest pair's timeline, 50 entries, read with the selector the pages and
  the API use and turned into the dicts a serializer would make, first page and a page 90 %
  of the way through (p50 and p95 over many reads), with the deep/first ratio.

--write-results puts the numbers in bench/RESULTS.md between the Timelines markers.
"""

import argparse
import datetime
import io
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")

START_MARK = "<!-- timelines:start -->"
END_MARK = "<!-- timelines:end -->"
BUSY_PAIR = ("RUS", "TJK")
STATUS_PATH = [("", "announced", -40), ("announced", "confirmed", -10), ("confirmed", "completed", 1)]


def ensure_database(fresh: bool) -> None:
    """Create the benchmark database if it is missing (or drop and create it with --fresh)."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench_timelines.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None, host=config["HOST"], port=config["PORT"] or None
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


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f'COPY {table} ({", ".join(columns)}) FROM STDIN', buffer)


def generate(scale: float, seed: int = 20170228) -> tuple[int, int]:
    """Visits with status histories through COPY; returns (visits, status changes)."""
    from django.db import connection

    from directory.models import Country, Person
    from visits.models import Visit, VisitStatusChange

    rng = random.Random(seed)
    visit_count = int(200_000 * scale)
    person_count = max(100, int(2_000 * scale))
    codes = [c for c in Country.objects.current().order_by("pk").values_list("pk", flat=True) if c not in BUSY_PAIR]
    countries = [*BUSY_PAIR, *rng.sample(codes, 58)]
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).isoformat()
    with connection.cursor() as cursor:
        copy_rows(
            cursor, Person._meta.db_table,
            ["id", "created_at", "updated_at", "version", "name", "sort_name", "country_id", "summary", "external_id"],
            ((n, now, now, 1, f"Person {n}", "", rng.choice(countries), "", "") for n in range(1, person_count + 1)),
        )
        visits, changes = [], []
        change_id = 0
        for visit_id in range(1, visit_count + 1):
            if rng.random() < 0.05:
                visitor_country, host = rng.sample(BUSY_PAIR, 2)
            else:
                visitor_country, host = rng.sample(countries, 2)
            start = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(34 * 365))
            end = start + datetime.timedelta(days=rng.randrange(3))
            visits.append((
                visit_id, now, now, 1, rng.randrange(1, person_count + 1), visitor_country, host, "", start, "day", end, "day",
                rng.choice(["official", "working", "state"]), rng.choice(["head", "minister"]), "completed", f"Generated visit {visit_id}.", "", "",
            ))
            for before, after, offset in STATUS_PATH:
                change_id += 1
                changes.append((change_id, visit_id, before, after, start + datetime.timedelta(days=offset), "day", now, ""))
        copy_rows(
            cursor, Visit._meta.db_table,
            ["id", "created_at", "updated_at", "version", "visitor_id", "visitor_country_id", "host_country_id", "locale", "start_date",
             "start_precision", "end_date", "end_precision", "kind", "level", "status", "summary", "external_source", "external_id"],
            visits,
        )
        copy_rows(
            cursor, VisitStatusChange._meta.db_table,
            ["id", "visit_id", "from_status", "to_status", "changed_on", "changed_precision", "recorded_at", "note"],
            changes,
        )
        for model in (Person, Visit, VisitStatusChange):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), (SELECT max(id) FROM {model._meta.db_table}))")
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return visit_count, change_id


def empty_timeline() -> None:
    from django.db import connection

    from timelines.models import RefreshBatch, RefreshRun, TimelineEntry, TimelineRepair

    tables = [TimelineEntry.persons.through, TimelineEntry.topics.through, TimelineEntry, TimelineRepair, RefreshBatch, RefreshRun]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(model._meta.db_table for model in tables))


def reconcile_everything():
    from timelines.models import RefreshRun
    from timelines.reconcile import pending_batches, plan_run, run_batches

    run = plan_run(trigger="bench")
    run_batches(pending_batches(run))
    return RefreshRun.objects.get(pk=run.pk)


def analyse_timeline() -> None:
    from django.db import connection

    from timelines.models import TimelineEntry

    with connection.cursor() as cursor:
        for model in (TimelineEntry, TimelineEntry.persons.through, TimelineEntry.topics.through):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_incremental(edits: int, seed: int) -> list[float]:
    """Milliseconds of the refresh task's body after one edit of a visit (its place changed), per edit."""
    from timelines.receivers import units_of
    from timelines.tasks import refresh_timeline_units
    from visits.models import Visit

    rng = random.Random(seed)
    top = Visit.objects.order_by("-id").values_list("id", flat=True).first()
    times = []
    for n in range(edits):
        visit = Visit.objects.get(pk=rng.randrange(1, top + 1))
        visit.locale = f"Edited place {seed}-{n}"
        visit.save()
        units = sorted(units_of([visit]))  # what the post_save receiver queues
        started = time.perf_counter()
        refresh_timeline_units.apply(args=[units], throw=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def page_as_dicts(page) -> list[dict]:
    return [
        {
            "date": entry.date.isoformat(), "precision": entry.precision, "kind": entry.kind, "title": entry.title,
            "summary": entry.summary, "pair": [entry.country_a_id, entry.country_b_id],
            "persons": [p.name for p in entry.persons.all()], "topics": [t.title for t in entry.topics.all()],
        }
        for entry in page.entries
    ]


def bench_pages(reads: int) -> dict[str, list[float]]:
    """Milliseconds per pair page (selector + dicts), first page and one 90 % of the way through."""
    from timelines import selectors
    from timelines.models import TimelineEntry

    entries = TimelineEntry.objects.for_pair(*BUSY_PAIR).order_by("date", "id")
    total = entries.count()
    deep = entries[int(total * 0.9)]
    deep_cursor = selectors.encode_cursor(deep)
    timings = {"first": [], "deep": []}
    for _ in range(reads):
        for name, cursor in (("first", None), ("deep", deep_cursor)):
            started = time.perf_counter()
            page = selectors.pair_timeline(*BUSY_PAIR, after=cursor, limit=50)
            page_as_dicts(page)
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 200,000 visits")
    parser.add_argument("--rebuilds", type=int, default=3, help="full rebuilds to take the median of (0: measure the rest only)")
    parser.add_argument("--edits", type=int, default=40, help="edits per incremental round (3 rounds)")
    parser.add_argument("--reads", type=int, default=200, help="reads of each page per round (3 rounds)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--write-results", action="store_true", help="write the Timelines section of bench/RESULTS.md")
    args = parser.parse_args()

    ensure_database(args.fresh)
    import django

    django.setup()
    from django.core.management import call_command

    from timelines.models import TimelineEntry
    from visits.models import Visit

    call_command("migrate", verbosity=0)
    if not Visit.objects.exists():
        started = time.perf_counter()
        visit_count, change_count = generate(args.scale)
        print(f"generated {visit_count} visits, {change_count} status changes in {time.perf_counter() - started:.0f}s", flush=True)
    visit_count = Visit.objects.count()

    rebuilds, passes, entry_count = [], [], 0
    for n in range(args.rebuilds):
        empty_timeline()
        started = time.perf_counter()
        run = reconcile_everything()
        rebuilds.append(time.perf_counter() - started)
        entry_count = TimelineEntry.objects.count()
        print(f"rebuild {n + 1}: {rebuilds[-1]:.1f}s, {run.entries_created} entries, {run.units_total} units", flush=True)
    analyse_timeline()
    for n in range(args.rebuilds):
        started = time.perf_counter()
        run = reconcile_everything()
        passes.append(time.perf_counter() - started)
        print(f"reconciliation with nothing to repair {n + 1}: {passes[-1]:.1f}s, {run.repairs_total} repairs", flush=True)

    incremental_rounds = [bench_incremental(args.edits, seed=n) for n in range(3)]
    for n, times in enumerate(incremental_rounds, start=1):
        print(f"incremental round {n}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms", flush=True)
    page_rounds = [bench_pages(args.reads) for _ in range(3)]
    for n, timings in enumerate(page_rounds, start=1):
        print(
            f"pages round {n}: first p50 {statistics.median(timings['first']):.2f} / p95 {percentile(timings['first'], 0.95):.2f} ms, "
            f"deep p50 {statistics.median(timings['deep']):.2f} / p95 {percentile(timings['deep'], 0.95):.2f} ms",
            flush=True,
        )

    med = statistics.median
    pair_entries = TimelineEntry.objects.for_pair(*BUSY_PAIR).count()
    first_p50 = med([med(r["first"]) for r in page_rounds])
    first_p95 = med([percentile(r["first"], 0.95) for r in page_rounds])
    deep_p50 = med([med(r["deep"]) for r in page_rounds])
    deep_p95 = med([percentile(r["deep"], 0.95) for r in page_rounds])
    incr_p50 = med([med(r) for r in incremental_rounds])
    incr_p95 = med([percentile(r, 0.95) for r in incremental_rounds])
    entry_count = entry_count or TimelineEntry.objects.count()
    ok = lambda met: "met" if met else "NOT met"  # noqa: E731
    lines = [
        START_MARK,
        "## Timelines",
        "",
        f"Run {datetime.date.today().isoformat()} on {cpu_model()}, {os.cpu_count()} cores, PostgreSQL "
        f"(`bench/bench_timelines.py --scale {args.scale:g} --rebuilds {args.rebuilds} --edits {args.edits} --reads {args.reads}`).",
        f"Data: {visit_count:,} visits with 3 status changes each → {entry_count:,} timeline entries; the busiest pair "
        f"({'-'.join(BUSY_PAIR)}) has {pair_entries:,}. Medians of {args.rebuilds} rebuilds and of 3 rounds otherwise.",
        "",
        "| measurement | result | target |",
        "|---|---|---|",
        *(
            [
                f"| full rebuild (empty timeline → all entries, in-process, one core) | {med(rebuilds):.0f} s "
                f"({entry_count / med(rebuilds):,.0f} entries/s; runs {', '.join(f'{t:.0f}' for t in rebuilds)} s) | — |",
                f"| reconciliation over a correct timeline (nothing to repair) | {med(passes):.0f} s (runs {', '.join(f'{t:.0f}' for t in passes)} s) | — |",
            ]
            if rebuilds else []
        ),
        f"| incremental refresh after one edit (task body) | p50 {incr_p50:.1f} ms, p95 {incr_p95:.1f} ms | < 200 ms: {ok(incr_p95 < 200)} |",
        f"| busiest pair, first page of 50 | p50 {first_p50:.2f} ms, p95 {first_p95:.2f} ms | p95 < 100 ms: {ok(first_p95 < 100)} |",
        f"| busiest pair, page at 90 % depth | p50 {deep_p50:.2f} ms, p95 {deep_p95:.2f} ms | p95 < 100 ms: {ok(deep_p95 < 100)} |",
        f"| deep page / first page (p50) | {deep_p50 / first_p50:.2f}× | ≤ 1.5×: {ok(deep_p50 / first_p50 <= 1.5)} |",
        "",
        "Page time is the selector's queries plus turning the 50 entries (with persons and topics) into dicts, in",
        "process: no HTTP. The incremental refresh is the task body (`refresh_timeline_units`), without the queue.",
        END_MARK,
    ]
    section = "\n".join(lines)
    print("\n" + section)
    if args.write_results:
        path = ROOT / "bench" / "RESULTS.md"
        text = path.read_text() if path.exists() else "# Benchmark results\n"
        if START_MARK in text and END_MARK in text:
            text = text[: text.index(START_MARK)] + section + text[text.index(END_MARK) + len(END_MARK):]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        path.write_text(text)


if __name__ == "__main__":
    main()
