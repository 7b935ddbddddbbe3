"""Would partitioning the flows table by year help the API's reads? Measured, not assumed.

Issue 20: "partition the flows table by year on PostgreSQL if the benchmarks show it helps the
series and list queries at that size". After bench/generate.py has filled the bench database,
this copies trade_tradeflow into a table partitioned by year (one partition a year), with
the same indexes (the unique ones with year added, as PostgreSQL requires of a partitioned
table: so the copy cannot promise what the real table does, that an id or an external key is
unique across years), ANALYZEs both, and runs the app's own SQL for each read against both,
interleaved, the order alternating:

- the flows page by reporter, first and a deep page (keyset on id: bench/bare_app.flows_query,
  which bench_api checks is the app's SQL);
- a page of every flow, deep;
- the pair series TJK-RUS (bare_app.SERIES_FLOWS_SQL, the app's), all years and from 2020 on;
- a page of one year's flows (`?year=2020`), the case partitioning is made for.

Each sample is the median of ROUNDS executions (psycopg2, rows fetched). The figure is the
partitioned table's time over the plain one's: under 0.9 on the series and list reads would
be the case for partitioning. The copy is dropped at the end.

    DATABASE_URL=postgres://... python bench/bench_partitions.py
"""

import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_app  # noqa: E402
from common import REPEAT, Result, Target, env_int, interleaved, median, record  # noqa: E402

ROUNDS = env_int("BENCH_PARTITION_ROUNDS", 15)
PLAIN, PARTITIONED = "trade_tradeflow", "bench_tradeflow_by_year"
HELPS = 0.9  # the partitioned time over the plain one under which partitioning would pay

INDEXES = [
    "(reporter_id, partner_id, year, flow, commodity_code, dataset) WHERE month IS NULL",
    "(reporter_id, partner_id, year, month, flow, commodity_code, dataset) WHERE month IS NOT NULL",
    "(dataset, external_key, year) WHERE NOT external_key = ''",
    "(source_id)",
    "(reporter_id, partner_id, year)",
    "(partner_id, year)",
    "(year, id)",
    "(reporter_id, id)",
    "(partner_id, id)",
]


def build_partitioned(cursor) -> tuple[int, int, float]:
    """The copy, its partitions and indexes; returns (rows, partitions, seconds)."""
    started = time.perf_counter()
    cursor.execute(f"DROP TABLE IF EXISTS {PARTITIONED}")
    cursor.execute(f"CREATE TABLE {PARTITIONED} (LIKE {PLAIN} INCLUDING DEFAULTS) PARTITION BY RANGE (year)")
    cursor.execute(f"SELECT min(year), max(year) FROM {PLAIN}")
    first, last = cursor.fetchone()
    for year in range(first, last + 1):
        cursor.execute(
            f"CREATE TABLE {PARTITIONED}_{year} PARTITION OF {PARTITIONED} FOR VALUES FROM ({year}) TO ({year + 1})"
        )
    cursor.execute(f"INSERT INTO {PARTITIONED} SELECT * FROM {PLAIN}")
    rows = cursor.rowcount
    cursor.execute(f"ALTER TABLE {PARTITIONED} ADD PRIMARY KEY (id, year)")
    for number, columns in enumerate(INDEXES):
        cursor.execute(f"CREATE INDEX {PARTITIONED}_{number} ON {PARTITIONED} {columns}")
    cursor.execute(f"ANALYZE {PARTITIONED}")
    cursor.execute(f"ANALYZE {PLAIN}")
    return rows, last - first + 1, time.perf_counter() - started


def reads(cursor) -> dict[str, tuple[str, list]]:
    """The reads, as (SQL, parameters) on the plain table."""
    cursor.execute(f"SELECT id FROM {PLAIN} WHERE reporter_id = 'RUS' ORDER BY id OFFSET 20000 LIMIT 1")
    deep_rus = cursor.fetchone()
    cursor.execute(f"SELECT id FROM {PLAIN} ORDER BY id OFFSET (SELECT count(*) * 9 / 10 FROM {PLAIN}) LIMIT 1")
    (deep_all,) = cursor.fetchone()
    page = {"reporter": "RUS", "page_size": "100"}
    found = {
        "flows page, reporter=RUS, page 1": bare_app.flows_query(page)[:2],
        "flows page, every flow, 90 % deep": (
            f'{bare_app.FLOW_SELECT} WHERE "{PLAIN}"."id" > %s ORDER BY 1 ASC LIMIT %s',
            [deep_all, 101],
        ),
        "pair series TJK-RUS, every year": (bare_app.SERIES_FLOWS_SQL, ["TOTAL", "TJK", "RUS", "TJK", "RUS"]),
        "pair series TJK-RUS, from 2020": (
            bare_app.SERIES_FLOWS_SQL.replace(" GROUP BY", ' AND "trade_tradeflow"."year" >= 2020 GROUP BY'),
            ["TOTAL", "TJK", "RUS", "TJK", "RUS"],
        ),
        "flows page, year=2020, page 1": (
            f'{bare_app.FLOW_SELECT} WHERE "{PLAIN}"."year" = %s ORDER BY 1 ASC LIMIT %s',
            [2020, 101],
        ),
    }
    if deep_rus:
        found["flows page, reporter=RUS, 20,000 rows deep"] = (
            f'{bare_app.FLOW_SELECT} WHERE ("{PLAIN}"."reporter_id" = %s AND "{PLAIN}"."id" > %s) '
            "ORDER BY 1 ASC LIMIT %s",
            ["RUS", deep_rus[0], 101],
        )
    return found


def timed(cursor, sql: str, params: list) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def time_into(samples: list[float], cursor, sql: str, params: list) -> None:
    samples.append(timed(cursor, sql, params))


def main() -> None:
    connection = psycopg2.connect(os.environ["DATABASE_URL"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            rows, partitions, seconds = build_partitioned(cursor)
            print(f"bench_partitions: {rows:,} flows copied into {partitions} partitions in {seconds:.0f}s", flush=True)
            queries = reads(cursor)
            for name, (sql, params) in queries.items():
                partitioned_sql = sql.replace(f'"{PLAIN}"', PARTITIONED)
                assert partitioned_sql != sql, name
                cursor.execute(sql, params)
                plain_rows = sorted(cursor.fetchall())
                cursor.execute(partitioned_sql, params)
                assert sorted(cursor.fetchall()) == plain_rows, f"{name}: the two tables answer differently"
                samples, baseline = [], []
                for rep in range(REPEAT):
                    interleaved(
                        [
                            partial(time_into, samples, cursor, partitioned_sql, params),
                            partial(time_into, baseline, cursor, sql, params),
                        ],
                        rep,
                    )
                result = Result(
                    section="Partitioning by year",
                    name=f"{name} ({rows:,} flows, {partitions} yearly partitions)",
                    metric="ms per query",
                    samples=samples,
                    higher_is_better=False,
                    baseline_name="the same SQL on trade_tradeflow as it is (not partitioned)",
                    baseline_samples=baseline,
                    note=f"median of {ROUNDS} executions per repetition, rows fetched; {len(plain_rows)} rows",
                )
                ratio = median(result.ratios)
                if not name.startswith("flows page, year="):  # partitioning's own case, shown, not judged
                    result.targets.append(
                        Target(
                            f"partitioned / plain < {HELPS} (partitioning would help)", ratio < HELPS, f"{ratio:.2f}x"
                        )
                    )
                record(result)
                print(f"bench_partitions: {name}: {median(samples):.2f} ms vs {median(baseline):.2f} ms", flush=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {PARTITIONED}")
        connection.close()


if __name__ == "__main__":
    main()
