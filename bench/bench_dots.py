"""The IMF DOTS workbooks benchmark: every workbook in one `import_trade`, on PostgreSQL.

Started by bench/run.sh (step "dots"), like bench/bench_imports.py: each repetition imports
all the workbooks under $BENCH_DATA_DIR/imf-dots (default data/, whose 7 workbooks are the
shipped subset; point BENCH_DATA_DIR at a folder holding the full set of 224 to measure that)
with `manage.py import_trade` in its own process, into a fresh database cloned from the
migrated, empty template, timed from start to exit, its peak RSS taken from wait4(). The
baseline, in the same repetitions (alternating which goes first), is psql `\\copy` of the
same figures, written as CSV from the first import's table, into a staging table of text
columns. Both are measured in figures stored per second, so their ratio compares the same work.

Target: peak RSS under 200 MB, whatever the number of workbooks (the importer streams them).
The summary line gives the figures stored, the aggregates skipped and the rows rejected (every
rejection's reason is in the report CSV the import writes).

    BENCH_DATA_DIR=/path/to/data BENCH_ADMIN_DATABASE_URL=... BENCH_TEMPLATE_DB=... python bench/bench_dots.py
"""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench_imports import admin_sql, fresh_database, psql_command, psql_copy
from common import REPEAT, ROOT, VENV_PYTHON, Result, Target, interleaved, median, record, run_and_measure

SECTION = "Imports"
MB = 1024 * 1024
DATA = Path(os.environ.get("BENCH_DATA_DIR", ROOT / "data"))
WORKBOOKS = DATA / "imf-dots"
WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp"))
PEAK_TARGET_MB = 200
COLUMNS = "reporter_id, partner_id, year, flow, value_usd, valuation, estimated, external_key"


def workbooks() -> list[Path]:
    paths = sorted(WORKBOOKS.glob("*.xlsx"), key=lambda p: (len(p.stem), p.stem))
    if not paths:
        raise SystemExit(f"bench_dots: no workbooks in {WORKBOOKS} (set BENCH_DATA_DIR)")
    return paths


def import_all(database_url: str, paths: list[Path], report: Path) -> tuple[float, int, dict]:
    env = dict(os.environ, DATABASE_URL=database_url, CHANCERY_ENV="development", DEBUG="false")
    if os.environ.get("BENCH_IMPORT_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_IMPORT_REDIS_URL"]
    command = [VENV_PYTHON, "manage.py", "import_trade", "--no-progress", "--report", str(report), *map(str, paths)]
    seconds, peak, output = run_and_measure(command, env=env)
    return seconds, peak, summary(output)


def summary(output: str) -> dict:
    """Counts from import_trade's summary: read, created, ..., and each 'skipped ...: N' line."""
    counts: dict = {"skipped": {}}
    for line in output.splitlines():
        if ": read " in line:
            for part in line.split(": ", 1)[1].split(", "):
                name, number = part.rsplit(" ", 1)
                counts[name] = int(number)
        elif line.startswith("  skipped"):
            name, number = line.strip().rsplit(": ", 1)
            counts["skipped"][name] = int(number)
    if "created" not in counts:
        raise RuntimeError(f"no summary line in import_trade's output:\n{output}")
    return counts


def figures_csv(database_url: str) -> Path:
    """The figures the import stored, as CSV: what the baseline copies."""
    path = WORK / "dots_figures.csv"
    query = f"SELECT {COLUMNS} FROM trade_tradeflow WHERE dataset = 'imf-dots'"
    subprocess.run(
        psql_command(database_url, f"\\copy ({query}) TO '{path}' WITH (FORMAT csv, HEADER true)"), check=True
    )
    return path


def rejection_reasons(report: Path) -> Counter:
    """Rejections by reason, the cell left out ('sheet ..., cell F12: negative ...' -> 'negative ...')."""
    import csv

    reasons: Counter = Counter()
    with open(report, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            reasons[row["reason"].split(": ", 1)[-1]] += 1
    return reasons


def main() -> None:
    paths = workbooks()
    runs, copies = [], []  # (seconds, peak, counts), seconds
    report = WORK / "dots_rejected.csv"
    state: dict = {}

    def run_import():
        database = fresh_database()
        seconds, peak, counts = import_all(database, paths, report)
        runs.append((seconds, peak, counts))
        if "csv" not in state:
            state["csv"] = figures_csv(database)

    def run_copy():
        if "csv" not in state:  # the first repetition imports first, so this is only a guard
            run_import()
        copies.append(psql_copy(fresh_database(), state["csv"]))

    for rep in range(max(REPEAT, 3)):
        interleaved([run_import, run_copy], rep)

    counts = runs[0][2]
    figures = counts["created"]
    seconds = [s for s, _, _ in runs]
    peaks = [p / MB for _, p, _ in runs]
    skipped = counts["skipped"]
    aggregates = skipped.get("skipped: not a country (group or nes area)", 0)
    reasons = rejection_reasons(report)
    note = (
        f"{len(paths)} workbooks from {WORKBOOKS}; read {counts['read']:,} filled cells, stored {figures:,} figures, "
        f"skipped {aggregates:,} aggregate figures; other skips: "
        + (
            "; ".join(f"{name.removeprefix('skipped: ')} {n:,}" for name, n in skipped.items() if n != aggregates)
            or "none"
        )
        + f"; rejected {counts['rejected']:,}"
        + (" (" + "; ".join(f"{n:,} x {reason}" for reason, n in reasons.most_common(5)) + ")" if reasons else "")
        + "; whole command (Django start-up included) into an empty database"
    )
    result = Result(
        section=SECTION,
        name=f"import_trade: {len(paths)} IMF DOTS workbooks ({figures:,} figures)",
        metric="figures/s",
        samples=[figures / s for s in seconds],
        baseline_name="psql \\copy of the same figures as CSV into a staging table",
        baseline_samples=[figures / s for s in copies],
        extra={"seconds": seconds, "peak RSS MB": peaks, "cells read/s": [counts["read"] / s for s in seconds]},
        baseline_extra={"seconds": copies},
        targets=[Target(f"peak RSS < {PEAK_TARGET_MB} MB", max(peaks) < PEAK_TARGET_MB, f"max {max(peaks):.0f} MB")],
        note=note,
    )
    record(result)
    print(f"bench_dots: {note}; median {median(seconds):.1f} s, copy {median(copies):.2f} s", flush=True)
    try:
        admin_sql('DROP DATABASE IF EXISTS "bench_import" WITH (FORCE)')
    except Exception as exc:  # leftover database: harmless, the cluster is thrown away
        print(f"bench_dots: could not drop bench_import: {exc}", file=sys.stderr)


if __name__ == "__main__":
    main()
