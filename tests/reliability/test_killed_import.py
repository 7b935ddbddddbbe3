"""import_trade killed with SIGKILL in the middle of a new release leaves the last release whole; run again, it completes.

A throwaway PostgreSQL cluster (the path that reads a file in SQL, imports.staged) holds
release A of five years of the real Comtrade file. Release B, every tenth value changed, is
started as `manage.py import_trade` would be and killed while its upsert runs. Nothing of B
may be left: every figure still A's value and release, no revision. Run again, B completes:
exactly one revision per changed figure.
"""

import csv
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import psycopg2

from tests.data import COMTRADE
from tests.reliability.conftest import ROOT, app_environment, manage

YEARS = range(2017, 2022)


def release_file(path, *, changed: bool) -> int:
    """The real file once per year of YEARS; with `changed`, every tenth value plus one dollar. Returns rows changed."""
    with open(COMTRADE / "comtrade_all_exports_2021A.csv", newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    year, value = header.index("refYear"), header.index("primaryValue")
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for number, (when, row) in enumerate((when, row) for when in YEARS for row in rows):
            row = [*row]
            row[year] = str(when)
            if changed and number % 10 == 0 and row[value]:
                row[value] = str(Decimal(row[value]) + 1)
                count += 1
            writer.writerow(row)
    return count


def query(url: str, sql: str):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_release_killed_mid_file_leaves_the_last_one_whole_and_running_it_again_completes_it(
    tmp_path, throwaway_postgres, private_redis
):
    env = app_environment(database=throwaway_postgres.url, redis=private_redis.url)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    release_file(first, changed=False)
    release_file(second, changed=True)
    manage(["migrate", "-v0"], ["import_trade", str(first), "--release", "A", "--no-progress"], env=env)
    (stored,) = query(throwaway_postgres.url, "SELECT count(*) FROM trade_tradeflow")[0]
    assert stored > 100_000

    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_trade", str(second), "--release", "B", "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Kill it while the statement that writes the figures runs (not before it, not after).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and importer.poll() is None:
            writing = query(
                throwaway_postgres.url,
                """SELECT count(*) FROM pg_stat_activity WHERE state = 'active'
                AND query LIKE '%INSERT INTO "trade_tradeflow"%' AND pid <> pg_backend_pid()""",
            )[0][0]
            if writing:
                os.kill(importer.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        assert importer.wait(timeout=30) == -signal.SIGKILL, "the import ended before its upsert could be caught"
    finally:
        if importer.poll() is None:
            importer.kill()
    # The server rolls the transaction back once it finds its client gone.
    deadline = time.monotonic() + 60
    while query(
        throwaway_postgres.url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'chancery' AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'",
    )[0][0]:
        assert time.monotonic() < deadline, "the killed import's backend is still there"
        time.sleep(0.1)

    releases = query(throwaway_postgres.url, "SELECT release, count(*) FROM trade_tradeflow GROUP BY 1")
    assert releases == [("A", stored)]
    assert query(throwaway_postgres.url, "SELECT count(*) FROM trade_flowrevision") == [(0,)]
    # The killed run's record said it was running until the sweep found its process gone.
    assert query(throwaway_postgres.url, "SELECT status FROM chancery_importrun ORDER BY id") == [
        ("succeeded",),
        ("running",),
    ]
    (swept,) = manage(["stop_abandoned_imports"], env=env)
    assert "1 abandoned run(s) marked stopped." in swept
    ((status, message),) = query(throwaway_postgres.url, "SELECT status, message FROM chancery_importrun WHERE id = 2")
    assert status == "stopped"
    assert f":{importer.pid}) ended before the run finished" in message

    manage(["import_trade", str(second), "--release", "B", "--no-progress"], env=env)

    revised = query(throwaway_postgres.url, "SELECT count(*) FROM trade_flowrevision WHERE new_release = 'B'")[0][0]
    changed = query(throwaway_postgres.url, "SELECT count(*) FROM trade_tradeflow WHERE release = 'B'")[0][0]
    assert revised == changed > 10_000
    assert query(throwaway_postgres.url, "SELECT count(*) FROM trade_tradeflow")[0][0] == stored
