"""Ten million Comtrade figures in one `manage.py import_trade`, beside psql `\\copy` of the same file.

Started by bench/run.sh as the step "tenmillion", which runs only when BENCH_STEPS names it
(about 15 minutes: it is not part of a plain `make bench`):

    BENCH_STEPS=tenmillion BENCH_RESULTS=bench/RESULTS-10m.md make bench

bench/generate.py writes the file (`comtrade-csv --monthly --rows N`: each row of the real
Comtrade file as an annual figure and as 12 monthly ones, year after year up to 2021; 37
years for 10,000,000 rows) into BENCH_WORK_DIR; it is deleted afterwards. The import runs as
bench_imports.comtrade() runs one: the whole command, Django's start-up included, into an
empty database cloned from the migrated template, its peak RSS from wait4(); the baseline is
bench_imports.psql_copy() of the same file into a staging table of text columns.

Target: peak RSS < 200 MB at 10M rows (met if the largest peak is under it); judged only when
the file has at least 10,000,000 rows.

Environment:
    BENCH_TEN_MILLION_ROWS    data rows in the file (default 10000000; smaller to check the step)
    BENCH_TEN_MILLION_REPEAT  repetitions (default 1; more are interleaved with the \\copy)
"""

import os
import subprocess
from pathlib import Path

from bench_imports import (
    MB,
    REAL_ROWS,
    ROOT,
    admin_sql,
    beside_copy,
    database_count,
    fresh_database,
    manage,
    psql_copy,
    rows_read,
)
from common import VENV_PYTHON, Result, Target, env_int, interleaved, median, record

TEN_MILLION = 10_000_000
ROWS = env_int("BENCH_TEN_MILLION_ROWS", TEN_MILLION)
REPEAT = max(1, env_int("BENCH_TEN_MILLION_REPEAT", 1))
PEAK_TARGET_MB = 200


def generated_monthly_comtrade(rows: int) -> Path:
    """A Comtrade API CSV of `rows` distinct figures (generate.py --monthly --rows), in the work directory."""
    path = Path(os.environ.get("BENCH_WORK_DIR", "/tmp")) / f"comtrade_api_monthly_{rows}.csv"
    generate = [VENV_PYTHON, str(ROOT / "bench" / "generate.py"), "comtrade-csv", "--monthly", "--rows", str(rows)]
    subprocess.run([*generate, str(path)], check=True)
    return path


def ten_million(path: Path, rows_asked: int) -> Result:
    """Import `path` once per repetition into an empty database, and \\copy it into a staging table."""
    runs, copies, stored = [], [], []  # (seconds, peak bytes, rows read), seconds, flows in the database
    summaries = []  # the importer's summary: read, created, ...; then what it skipped, and why

    def run_import():
        database = fresh_database()
        seconds, peak, output = manage(database, "import_trade", path)
        runs.append((seconds, peak, rows_read(output)))
        stored.append(database_count(database, "SELECT count(*) FROM trade_tradeflow"))
        lines = output.splitlines()
        first = next(i for i, line in enumerate(lines) if ": read " in line)
        tail = [line.strip() for line in lines[first + 1 :] if line.startswith("  ")][:5]
        summaries.append("; ".join([lines[first].strip(), *tail]))
        print(f"bench_ten_million: {summaries[-1]}", flush=True)
        print(
            f"bench_ten_million: import_trade {seconds:.1f}s, {peak / MB:.0f} MB peak, {stored[-1]:,} flows", flush=True
        )

    def run_copy():
        copies.append(psql_copy(fresh_database(), path))
        print(f"bench_ten_million: psql \\copy {copies[-1]:.1f}s", flush=True)

    for rep in range(REPEAT):
        if REPEAT > 1:
            interleaved([run_import, run_copy], rep)
        else:
            run_import()
            run_copy()
    rows = runs[0][2]
    seconds = [s for s, _, _ in runs]
    peaks = [p / MB for _, p, _ in runs]
    years = -(-rows_asked // (REAL_ROWS * 13))
    result = beside_copy(
        runs,
        copies,
        name=f"import_trade: generated Comtrade API CSV, annual + monthly, {rows:,} rows",
        note=(
            f"rows from bench/generate.py comtrade-csv --monthly --rows {rows_asked}: each row of the real file "
            f"as an annual figure and as 12 monthly ones, {years} year{'s' if years != 1 else ''} up to 2021; "
            f"imported once per repetition ({REPEAT}) by the whole command (Django start-up included) into an "
            f"empty database; {summaries[0]}; trade flows stored: {', '.join(f'{n:,}' for n in stored)}; "
            "peak RSS is the import_trade process's own (wait4), not PostgreSQL's"
        ),
    )
    met = max(peaks) < PEAK_TARGET_MB if rows_asked >= TEN_MILLION else None
    result.targets.append(
        Target(
            f"peak RSS < {PEAK_TARGET_MB} MB at 10M rows",
            met,
            f"max {max(peaks):.0f} MB; median {median(seconds):.0f} s (\\copy {median(copies):.0f} s)",
        )
    )
    return record(result)


def main() -> None:
    path = generated_monthly_comtrade(ROWS)
    try:
        ten_million(path, ROWS)
    finally:
        path.unlink(missing_ok=True)
        try:  # ten million rows of disk: drop them now rather than with the cluster
            admin_sql('DROP DATABASE IF EXISTS "bench_import" WITH (FORCE)')
        except Exception as exc:
            print(f"bench_ten_million: could not drop bench_import: {exc}")


if __name__ == "__main__":
    main()
