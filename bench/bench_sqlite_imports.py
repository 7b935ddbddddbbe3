"""import_trade on SQLite (the embedded default): the set-based writer vs the ORM row path.

Run from bench/bench_imports.py's main() (bench/run.sh step "imports"), or alone:

    python bench/bench_sqlite_imports.py [FILE]   # default: the generated FACTOR x Comtrade file

On SQLite, importers with `upsert_in_sql = True` (trade.importers.TradeImporter and its
formats) write each batch through imports/upsert_sqlite.py; with it off, the runner writes
them through the ORM and django-simple-history (imports/runner.py `_write_with_orm`), as the
project did before. Each repetition imports the same file twice, interleaved, each time into
a fresh copy of a SQLite file migrated once beforehand (the migration is not timed):

- `manage.py import_trade FILE`, as a user runs it;
- `python bench/bench_sqlite_imports.py orm-import FILE`: django.setup(), `upsert_in_sql`
  switched off on TradeImporter, every class in trade.importers.FORMATS and
  DotsWorkbookImporter, then call_command("import_trade", FILE).

Both are timed from start to exit in their own process (Django's start-up included), with
their peak RSS, by bench_imports.manage()'s means and environment. As for the PostgreSQL
imports, the timeline refreshes an import enqueues go to BENCH_IMPORT_REDIS_URL (run.sh's,
no worker takes them; emptied between runs) when it is set, so what is compared is the import
itself; without it they run in the importing process (Celery eager), equally on both sides.
Target: the writer at least 3x the ORM path's rows/s (median of the per-repetition ratios).
"""

import os
import shutil
import sys
from pathlib import Path

from bench_imports import COMTRADE, FACTOR, MB, ROOT, SECTION, generated_comtrade, import_env, rows_read
from common import REPEAT, VENV_PYTHON, Result, Target, interleaved, median, record, run_and_measure

WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp")) / "bench-sqlite-imports"
FLOOR = 3.0  # the writer's rows/s over the ORM path's
ORM_BASELINE = "the ORM row path (upsert_in_sql off), same file, same SQLite"


def orm_import(paths: list[str]) -> None:
    """import_trade with every trade importer's upsert_in_sql off: the ORM and simple_history write each batch."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from trade import importers

    for importer_class in (importers.TradeImporter, *importers.FORMATS, importers.DotsWorkbookImporter):
        importer_class.upsert_in_sql = False
    call_command("import_trade", "--no-progress", *paths)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"  # an absolute path: sqlite:////tmp/...


def flush_queue() -> None:
    """Empty the worker-less Redis the refreshes go to, as bench_imports.fresh_database() does."""
    redis = os.environ.get("BENCH_IMPORT_REDIS_URL")
    if redis:
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()


def stored_rows(database: Path) -> tuple[int, int]:
    """(trade flows, their audit-history rows) in the SQLite file."""
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("trade_tradeflow", "trade_historicaltradeflow")
        )
    finally:
        connection.close()


def fresh_copy(template: Path, name: str) -> Path:
    database = WORK / f"{name}.sqlite3"
    for leftover in WORK.glob(f"{name}.sqlite3*"):  # the file and any -wal / -journal beside it
        leftover.unlink()
    shutil.copy(template, database)
    flush_queue()
    return database


def refreshes() -> str:
    """Where the runs' timeline refreshes went: what their times include."""
    if os.environ.get("BENCH_IMPORT_REDIS_URL"):
        return "timeline refreshes queued to a Redis no worker reads (not timed)"
    if os.environ.get("REDIS_URL"):
        return "timeline refreshes queued to REDIS_URL"
    return "timeline refreshes run in the importing process (Celery eager), on both sides"


def sqlite_comtrade(path: Path, label: str) -> Result:
    """Import `path` into fresh SQLite files, the writer and the ORM path interleaved."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    template = WORK / "template.sqlite3"
    run_and_measure([VENV_PYTHON, "manage.py", "migrate", "-v0"], env=import_env(sqlite_url(template)))
    writer, orm = [], []  # (seconds, peak bytes, rows read, summary line)
    counts: dict[str, set[tuple[int, int]]] = {}  # per path: (flows, audit-history rows) stored

    def measure(runs: list, name: str, command: list[str]) -> None:
        database = fresh_copy(template, name)
        seconds, peak, output = run_and_measure(command, env=import_env(sqlite_url(database)))
        summary = next(line for line in output.splitlines() if ": read " in line).strip()
        runs.append((seconds, peak, rows_read(output), summary))
        stored = stored_rows(database)
        counts.setdefault(name, set()).add(stored)
        print(f"bench_sqlite_imports: {name}: {seconds:.1f}s, {peak / MB:.0f} MB peak; {summary}; {stored}", flush=True)
        database.unlink()

    def run_writer():
        measure(writer, "writer", [VENV_PYTHON, "manage.py", "import_trade", "--no-progress", str(path)])

    def run_orm():
        measure(orm, "orm", [VENV_PYTHON, str(Path(__file__)), "orm-import", str(path)])

    for rep in range(REPEAT):
        interleaved([run_writer, run_orm], rep)
    # Both paths must have done the same work, or the comparison means nothing.
    summaries = {summary.split(": ", 1)[1] for *_, summary in writer + orm}
    if len(summaries) != 1:
        raise RuntimeError(f"bench_sqlite_imports: the two paths' summaries differ: {sorted(summaries)}")
    if len(counts["writer"]) != 1 or len(counts["orm"]) != 1:
        raise RuntimeError(f"bench_sqlite_imports: a path stored different rows in different repetitions: {counts}")
    (flows, history), (orm_flows, orm_history) = counts["writer"].pop(), counts["orm"].pop()
    if flows != orm_flows:
        raise RuntimeError(f"bench_sqlite_imports: the writer stored {flows:,} flows, the ORM path {orm_flows:,}")
    rows = writer[0][2]
    result = Result(
        section=SECTION,
        name=f"import_trade on SQLite, set-based writer: {label} ({rows:,} rows)",
        metric="rows/s",
        samples=[r / s for s, _, r, _ in writer],
        baseline_name=ORM_BASELINE,
        baseline_samples=[r / s for s, _, r, _ in orm],
        extra={"seconds": [s for s, *_ in writer], "peak RSS MB": [p / MB for _, p, *_ in writer]},
        baseline_extra={"seconds": [s for s, *_ in orm], "peak RSS MB": [p / MB for _, p, *_ in orm]},
        note=(
            "whole command (Django start-up included) into a fresh copy of a migrated SQLite file; "
            + refreshes()
            + f"; both: {writer[0][3]}; audit-history rows written: writer {history:,}, ORM path {orm_history:,}"
        ),
    )
    ratio = median(result.ratios)
    result.targets.append(Target(f">= {FLOOR:g}x the ORM path's rows/s", ratio >= FLOOR, f"{ratio:.2f}x"))
    shutil.rmtree(WORK, ignore_errors=True)
    return record(result)


def run() -> None:
    """The benchmark as bench_imports.main() runs it: the generated FACTOR x file, else the real one."""
    if FACTOR:
        sqlite_comtrade(generated_comtrade(FACTOR), f"generated Comtrade API CSV, {FACTOR}x the real one")
    else:
        sqlite_comtrade(COMTRADE, COMTRADE.name)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "orm-import":
        orm_import(sys.argv[2:])
    elif len(sys.argv) > 1:
        path = Path(sys.argv[1]).resolve()
        sqlite_comtrade(path, path.name)
    else:
        run()


if __name__ == "__main__":
    main()
