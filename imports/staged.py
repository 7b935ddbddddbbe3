"""A CSV file read by PostgreSQL itself: COPY it as it is, map its cells in SQL, write it in one upsert.

The row path (imports.runner) parses every row in Python, builds its values and writes them
in batches: at a million rows, Python's share is most of the import's time (bench/RESULTS.md).
A CSV importer that describes its rows as `parts` (StagedFormat) lets PostgreSQL do the
per-row work instead:

1. COPY puts the file, unparsed, into a temporary table of text columns, a row per line
   (`RawCsv`). A file COPY refuses, or whose records are not one per line (a quoted line
   break), goes to the row path, which refuses it or reads it with its own messages.
2. A part is a few columns read together (a reporter's code, ISO code and name; a period). It
   is evaluated once per distinct value in the file, by the same Python function build()
   calls, into a small table the rows are joined to. A row whose parts all hold and whose
   value is plain digits is mapped in SQL into the upsert's staging table; a row a part skips
   is counted under the part's reason; every other row (an error, an unusual value) is read
   back and built in Python, exactly as on the row path, so a rejection has the row path's
   reason, file and line.
3. Duplicates inside the file and with earlier files of the run are found in SQL, the later
   line rejected as on the row path; then one statement writes the whole file
   (PostgresUpsert.write_staged) and timelines are told once, from the rows it wrote.

If the database refuses that statement (a value the parts let through but a constraint
does not), the file's savepoint is rolled back and it is read again on the row path, which
finds the rows to blame.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from psycopg2.extras import execute_values

from imports.importer import RowError, SkipRow
from imports.signals import records_imported
from imports.upsert import STAGING, WRITTEN, quote

RAW = "import_raw"
OK, PYTHON, SKIP = "ok", "python", "skip:"  # a row's _outcome in the staging table


@dataclass(frozen=True)
class Part:
    """Columns read together, and what build() makes of them (RowError and SkipRow as build() raises them).

    `read` takes the columns' cells (an absent column's as "") and returns the outputs,
    named as in `outputs` (their SQL types), for the format's SQL to use."""

    columns: tuple[str, ...]
    read: Callable[..., dict[str, Any]]
    outputs: dict[str, str] = field(default_factory=dict)

    def of(self, row: dict[str, str]) -> dict[str, Any]:
        return self.read(*(row.get(column, "") for column in self.columns))


class StagedFormat:
    """What a CSV importer says to be read in SQL; see the module's docstring.

    `staged_parts` in build()'s order; `staged_values(out, value)` the SQL expression of each
    field build() returns (`out(name)` a part's output, `value` the value column's number),
    with %(name)s parameters from `staged_params()`; `staged_python` a condition under which a
    row whose parts all hold still goes to build() (a check build() makes across parts)."""

    value_column: str

    @property
    def staged_parts(self) -> tuple[Part, ...]:
        raise NotImplementedError

    def staged_values(self, out: Callable[[str], str], value: str) -> dict[str, str]:
        raise NotImplementedError

    def staged_python(self, out: Callable[[str], str]) -> str:
        return "false"

    def staged_params(self) -> dict[str, Any]:
        return {}


# A quote inside an unquoted field, which RFC 4180 does not allow: Python's csv module keeps it
# as a character, COPY would start a quoted field there. Such a file is read on the row path.
STRAY_QUOTE = re.compile(rb'"(?<=[^,\n"]")(?![,\r\n"])')  # a literal first: searched at memchr's speed


def scan(path: Path) -> tuple[int, bool]:
    """One pass over the file: its line breaks, and whether it has a quote inside an unquoted field (STRAY_QUOTE)."""
    lines, stray, tail = 0, False, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            lines += chunk.count(b"\n")
            stray = stray or STRAY_QUOTE.search(tail + chunk) is not None
            tail = chunk[-1:]
    return lines, stray


class RawCsv:
    """The file in a temporary table RAW: `line` (its physical line, 2 for the first after the header) and c0, c1, ..."""

    def __init__(self, path: Path, header: list[str]):
        self.path = path
        self.header = header
        self.positions = {name: index for index, name in enumerate(header)}  # a repeated name: the last, as dict(zip())
        self.rows = 0

    def cell(self, name: str) -> str:
        index = self.positions.get(name)
        return "''" if index is None else f"r.c{index}"

    def copy(self, lines: int) -> bool:
        """COPY the file in; False (and nothing left of it) if COPY refuses it or its records are not
        one per line (`lines`: the file's line breaks, from scan())."""
        with open(self.path, "rb") as handle:
            first = handle.readline().removeprefix(b"\xef\xbb\xbf")
        if not first.strip():
            return False  # a blank line before the header, which COPY would take for it
        columns = [f"c{index}" for index in range(len(self.header))]
        try:
            with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{RAW}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {RAW} (line integer GENERATED ALWAYS AS IDENTITY (START WITH 2), "
                    + ", ".join(f"{name} text" for name in columns)
                    + ") ON COMMIT DROP"
                )
                listed = ", ".join(columns)
                with open(self.path, "rb") as handle:
                    cursor.copy_expert(
                        f"COPY {RAW} ({listed}) FROM STDIN WITH "
                        f"(FORMAT csv, HEADER true, ENCODING 'UTF8', FORCE_NOT_NULL ({listed}))",
                        handle,
                        1 << 20,  # bytes read at a time
                    )
                    copied = cursor.rowcount
                if copied + 1 != lines:
                    raise _NotOnePerLine
                cursor.execute(f"ANALYZE {RAW}")  # for the joins to its parts (autovacuum skips temporary tables)
        except (DatabaseError, _NotOnePerLine):
            return False
        self.rows = copied
        return True

    def rows_built_in_python(self) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows whose staging outcome is PYTHON, as read() gives them: (line, {column: cell})."""
        cells = ", ".join(f"r.c{index}" for index in range(len(self.header)))
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f"SELECT r.line, {cells} FROM {RAW} r JOIN {STAGING} s ON s._line = r.line "
                f"WHERE s._outcome = %s ORDER BY r.line",
                [PYTHON],
            )
            while chunk := cursor.fetchmany(2000):
                for line, *row in chunk:
                    yield line, dict(zip(self.header, row, strict=True))


class _NotOnePerLine(Exception):
    pass


def stage(raw: RawCsv, importer: StagedFormat, scope: dict[str, Any]) -> tuple[Counter, int]:
    """Map RAW's rows into the staging table; returns the skip counts by reason and the number of rows left to build()."""
    joins, outcome, outputs = [], [], {}
    params: dict[str, Any] = {**importer.staged_params()}
    with connection.cursor() as cursor:
        for number, part in enumerate(importer.staged_parts):
            table = f"import_part_{number}"
            cells = [raw.cell(column) for column in part.columns]
            cursor.execute(f"SELECT DISTINCT {', '.join(cells)} FROM {RAW} r")
            evaluated = [[*found, *_evaluate(part, found)] for found in cursor.fetchall()]
            keys = [f"k{index}" for index in range(len(cells))]
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {table} ("
                + ", ".join([*(f"{key} text" for key in keys), "status text"])
                + "".join(f", o_{name} {kind}" for name, kind in part.outputs.items())
                + ") ON COMMIT DROP"
            )
            execute_values(cursor.cursor, f"INSERT INTO {table} VALUES %s", evaluated, page_size=1000)
            cursor.execute(f"ANALYZE {table}")  # temporary tables are never analysed by autovacuum
            alias = f"p{number}"
            joins.append(
                f"JOIN {table} {alias} ON "
                + " AND ".join(f"{alias}.{key} = {cell}" for key, cell in zip(keys, cells, strict=True))
            )
            outcome.append(f"WHEN {alias}.status <> '{OK}' THEN {alias}.status")
            outputs.update({name: f"{alias}.o_{name}" for name in part.outputs})

        def out(name: str) -> str:
            return outputs[name]

        value_cell = raw.cell(importer.value_column)
        # Plain digits, exact in numeric(20, 2) and within the value rule: read in SQL; any other to build().
        # Computed once a row (OFFSET 0 keeps the planner from copying the expression to each use).
        joins.append(
            f"CROSS JOIN LATERAL (SELECT CASE WHEN {value_cell} ~ '^[0-9]{{1,13}}([.][0-9]{{1,2}})?$' "
            f"THEN {value_cell}::numeric END AS number OFFSET 0) v"
        )
        value = "v.number"
        values = {name: f"%(scope_{name})s" for name in scope} | importer.staged_values(out, value)
        params |= {f"scope_{name}": scope_value for name, scope_value in scope.items()}
        status = (
            f"CASE {' '.join(outcome)} WHEN {value} IS NULL OR {importer.staged_python(out)} THEN '{PYTHON}' "
            f"ELSE '{OK}' END"
        )
        # The planner cannot know that each row finds one row in each part, estimates a row in
        # all and would join them in nested loops, a scan of a part per row: hash joins instead.
        # (Should the INSERT fail, the file's savepoint rolls the SET back with it.) No JIT: the
        # cost nested loops are refused at would have it compile the statement, 0.5 s at any size.
        cursor.execute("SET enable_nestloop = off; SET jit = off")
        cursor.execute(
            f"INSERT INTO {STAGING} ({', '.join(map(quote, values))}, _line, _outcome) "
            f"SELECT {', '.join(values.values())}, r.line, {status} FROM {RAW} r {' '.join(joins)}",
            params,
        )
        cursor.execute("RESET enable_nestloop; RESET jit")
        cursor.execute(f"SELECT _outcome, count(*) FROM {STAGING} WHERE _outcome <> %s GROUP BY 1", [OK])
        left = dict(cursor.fetchall())
    skipped = Counter({reason.removeprefix(SKIP): count for reason, count in left.items() if reason != PYTHON})
    return skipped, left.get(PYTHON, 0)


def _evaluate(part: Part, cells: tuple[str, ...]) -> list[Any]:
    """A distinct value's status (OK, SKIP + the reason, or PYTHON for build() to reject) and outputs."""
    try:
        got = part.read(*cells)
    except SkipRow as exc:
        return [f"{SKIP}{exc}", *(None for _ in part.outputs)]
    except RowError:
        return [PYTHON, *(None for _ in part.outputs)]
    return [OK, *(got[name] for name in part.outputs)]


def drop_unstaged() -> None:
    """Leave in the staging table only the rows mapped in SQL (OK), for build()'s rows to join them."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STAGING} WHERE _outcome <> %s", [OK])


def duplicates(key_columns: list[str], key_column: str) -> list[tuple[str, list[int]]]:
    """Keys the staging table holds more than once, with their lines in order."""
    grouped = ", ".join(map(quote, key_columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(key_column)}, array_agg(_line ORDER BY _line) FROM {STAGING} "
            f"GROUP BY {grouped} HAVING count(*) > 1 ORDER BY min(_line)"
        )
        return cursor.fetchall()


def drop_lines(lines: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STAGING} WHERE _line = ANY(%s)", [lines])


def import_file(runner, path: Path, *, last: bool) -> bool:
    """Read `path` in SQL if its importer can (a StagedFormat, on PostgreSQL, a file COPY takes
    one record per line); False if the row path must read it instead. A broken file is refused
    with the row path's message (FileRefused)."""
    staged = runner.importer.staged_format(path)
    # Statistics only (Importer.revisions): audit history a row each is the batches' way.
    if staged is None or not runner.importer.revisions or connection.vendor != "postgresql":
        return False
    lines, stray_quote = scan(path)
    if stray_quote:
        return False
    raw = RawCsv(path, staged.header_of(path))
    if not raw.copy(lines):
        staged.check_rows(path)  # refuses a file whose rows do not fit its header, as the row path would
        return False
    snapshot = runner.snapshot()
    try:
        with transaction.atomic():
            _import(runner, staged, raw, last=last)
    except (DataError, IntegrityError):
        runner.restore(snapshot)  # the row path finds the rows to blame
        return False
    return True


def _import(runner, staged, raw: RawCsv, *, last: bool) -> None:
    importer, name, scope = runner.importer, raw.path.name, staged.scope
    runner.tally.read += raw.rows
    if runner.on_progress:  # the file is read; mapping and writing it follow
        runner.on_progress(runner.tally)
    columns = [*scope, *staged.staged_values(lambda _: "NULL", "NULL")]
    upsert = runner.upsert_for(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {STAGING}")
    skipped, left = stage(raw, staged, scope)
    importer.extra.update({f"skipped: {reason}": count for reason, count in skipped.items()})
    rejected: list[tuple[int, str]] = []
    if left:
        built, lines = [], []
        for line, row in raw.rows_built_in_python():
            try:
                values, _ = staged.build(row)
            except RowError as exc:
                rejected.append((line, str(exc)))
                continue
            except SkipRow as exc:
                importer.extra[f"skipped: {exc}"] += 1
                continue
            built.append({**scope, **values})
            lines.append(line)
            if len(built) >= runner.batch_size:
                upsert.stage(built, lines)
                built, lines = [], []
        if built:
            upsert.stage(built, lines)
    if left or skipped:
        drop_unstaged()
    key = quote(importer.key_field)
    seen = runner.seen_in_db
    again = [
        (line, runner.duplicate_reason(found, first))
        for line, found, first in seen.staged_first_reads(STAGING, key, name)
    ]
    drop_lines([line for line, _ in again])
    repeated = [
        (line, runner.duplicate_reason(found, (name, lines[0])))
        for found, lines in duplicates([*scope, importer.key_field], importer.key_field)
        for line in lines[1:]
    ]
    drop_lines([line for line, _ in repeated])
    for line, reason in sorted(rejected + again + repeated):
        runner.reject(name, line, reason)
    if not last:
        seen.record_staged(STAGING, key, name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STAGING}")
        (staged_rows,) = cursor.fetchone()
    created, updated = upsert.write_staged(now=timezone.now())
    runner.tally.created += created
    runner.tally.updated += updated
    runner.tally.unchanged += staged_rows - created - updated
    if created or updated:
        records_imported.send(sender=importer.model, pks=RawSQL(f"SELECT pk FROM {WRITTEN}", ()))
    if runner.on_progress:
        runner.on_progress(runner.tally)
