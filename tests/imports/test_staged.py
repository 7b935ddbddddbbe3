"""A file read in SQL (imports.staged, PostgreSQL) ends exactly as the row path and the ORM leave it.

Three ways to import the same hostile files, each into empty tables:

- `TradeImporter`: on PostgreSQL a Comtrade CSV is COPYed and mapped in SQL; on SQLite its rows
  are built in Python and written in batches (imports.upsert_sqlite);
- `RowByRow`: every row built in Python, batches written in SQL (the path before imports.staged);
- `ThroughTheOrm`: every row built and validated in Python and saved through the ORM.

The figures stored, the counts, the skip reasons and every rejection (file, line, reason, in
order) must be the same. On PostgreSQL the first must also have gone through SQL, so the
comparison is not of one path with itself.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportRun
from imports.runner import run_import
from tests.trade.test_importers import API_ROW, api_file
from trade.importers import TradeImporter
from trade.models import FlowRevision, TradeFlow

pytestmark = pytest.mark.django_db

COLUMNS = (*API_ROW, "cmdCode", "motCode")
TJK = {"partnerCode": "762", "partnerISO": "TJK", "partnerDesc": "Tajikistan"}
KAZ = {"partnerCode": "398", "partnerISO": "KAZ", "partnerDesc": "Kazakhstan"}
UZB = {"partnerCode": "860", "partnerISO": "UZB", "partnerDesc": "Uzbekistan"}
KGZ = {"partnerCode": "417", "partnerISO": "KGZ", "partnerDesc": "Kyrgyzstan"}


class RowByRow(TradeImporter):
    """Every row built in Python and written in batches: imports.staged left out."""

    def staged_format(self, path):
        return None


class ThroughTheOrm(RowByRow):
    upsert_in_sql = False


def hostile_rows(value="1114246510.97"):
    """One row per thing a file can hold: figures of every kind, skips, errors, duplicates."""
    return [
        {**TJK, "primaryValue": value},  # line 2: a plain figure
        {**KAZ, "primaryValue": "1e3"},  # 3: not plain digits: built in Python, 1000
        {**UZB, "primaryValue": " 12.345 "},  # 4: spaces and a third decimal: 12.35
        {**KGZ, "primaryValue": "7"},  # 5
        {"partnerCode": "97", "partnerISO": "EUR", "partnerDesc": "European Union"},  # 6: a group, skipped
        {"reporterCode": "0", "reporterISO": "W00", "reporterDesc": "World"},  # 7: the world reporting, skipped
        {**TJK, "cmdCode": "27", "motCode": "1000"},  # 8: one mode of transport, skipped
        {"partnerCode": "999", "partnerISO": "XXX", "partnerDesc": "Nowhere"},  # 9: unknown partner
        {**TJK, "cmdCode": "01", "primaryValue": "abc"},  # 10: not a number
        {**TJK, "cmdCode": "02", "primaryValue": "-5"},  # 11: negative
        {**TJK, "cmdCode": "03", "primaryValue": ""},  # 12: missing
        {**TJK, "cmdCode": "04", "primaryValue": "12345678901234567"},  # 13: beyond the amount rule
        {**TJK, "primaryValue": "99"},  # 14: line 2's figure again: a duplicate
        {**KAZ, "primaryValue": "1000"},  # 15: line 3's (built in Python) again, plain this time
        {"partnerCode": "643", "partnerISO": "RUS", "partnerDesc": "Russia"},  # 16: reporter is partner
        {**TJK, "cmdCode": "05", "refMonth": "3"},  # 17: an annual figure with a month
        {**TJK, "cmdCode": "06", "freqCode": "M", "refMonth": "3", "refPeriodId": "20210301"},  # 18: monthly
        {**TJK, "cmdCode": "07", "refYear": "1700"},  # 19: outside the years
        {**TJK, "cmdCode": "08", "primaryValue": "0"},  # 20
    ]


def files(tmp_path, value="1114246510.97"):
    first = api_file(tmp_path, *hostile_rows(value), name="first.csv", columns=COLUMNS)
    # Read after first.csv: KGZ's figure again (a duplicate across files) and a new one.
    second = api_file(
        tmp_path, {**KGZ, "primaryValue": "8"}, {**KGZ, "cmdCode": "09"}, name="second.csv", columns=COLUMNS
    )
    # A name with a line break inside its quotes: rows are not one per line, so the row path
    # reads this file, and its lines are still the physical ones.
    broken = api_file(
        tmp_path,
        {**UZB, "cmdCode": "10", "partnerDesc": "Uzbe\nkistan"},
        {**UZB, "cmdCode": "11", "refYear": "x"},
        name="quoted-break.csv",
        columns=COLUMNS,
    )
    return [first, second, broken]


def outcome(importer, paths):
    """What an import leaves, its bad rows skipped (the rest of each file stored, each bad row listed)."""
    with CaptureQueriesContext(connection) as queries:
        run = run_import(importer, paths, skip_bad_rows=True)
    figures = sorted(
        TradeFlow.objects.values_list(
            "external_key",
            "reporter",
            "partner",
            "year",
            "month",
            "flow",
            "commodity_code",
            "value_usd",
            "valuation",
            "estimated",
            "release",
            "version",
        )
    )
    # Rejections in file order, by line: the row path reports a batch's duplicates when it writes the batch.
    files = {name: number for number, name in enumerate(path.name for path in paths)}
    errors = sorted(run.errors, key=lambda error: (files[error["file"]], error["line"]))
    counts = (run.rows_read, run.created, run.updated, run.unchanged, run.rejected, run.extra_counts, errors)
    staged = sum(
        query["sql"].startswith("INSERT INTO import_staging") and "FROM import_raw r" in query["sql"]
        for query in queries.captured_queries
    )
    return figures, counts, staged


def fresh():
    TradeFlow.objects.all().delete()
    TradeFlow.history.all().delete()
    FlowRevision.objects.all().delete()


def test_every_path_stores_counts_and_rejects_alike_and_postgresql_reads_the_file_in_sql(tmp_path):
    paths = files(tmp_path)
    fast = outcome(TradeImporter(), paths)
    fresh()
    rows = outcome(RowByRow(), paths)
    fresh()
    orm = outcome(ThroughTheOrm(), paths)

    assert fast[:2] == rows[:2] == orm[:2]
    figures, (read, created, updated, unchanged, rejected, extra, errors), _ = fast
    assert (read, created, updated, unchanged) == (23, 8, 0, 0)
    values = {(key.split("/")[4], key.split("/")[-1]): figure[7] for key, *figure in [(f[0], *f) for f in figures]}
    assert [str(values[key]) for key in (("TJK", "TOTAL"), ("KAZ", "TOTAL"), ("UZB", "TOTAL"), ("TJK", "06"))] == [
        "1114246510.97",
        "1000.00",
        "12.35",
        "1114246510.97",
    ]
    assert extra == {
        "skipped: not a country (group or nes area)": 2,
        "skipped: broken down by mode of transport": 1,
    }
    assert [(error["file"], error["line"]) for error in errors] == [
        *(("first.csv", line) for line in (9, 10, 11, 12, 13, 14, 15, 16, 17, 19)),
        ("second.csv", 2),
        ("quoted-break.csv", 4),
    ]
    assert rejected == 12
    reasons = {(error["file"], error["line"]): error["reason"] for error in errors}
    assert reasons["first.csv", 14] == "duplicate id 'A/2021/52/RUS/TJK/X/TOTAL': already read at first.csv line 2"
    assert reasons["first.csv", 15] == "duplicate id 'A/2021/52/RUS/KAZ/X/TOTAL': already read at first.csv line 3"
    assert reasons["second.csv", 2] == "duplicate id 'A/2021/52/RUS/KGZ/X/TOTAL': already read at first.csv line 5"
    assert reasons["quoted-break.csv", 4] == "refYear 'x' is not a year"
    # Read in SQL on PostgreSQL: the two files COPY reads a row to a line.
    assert fast[2] == (2 if connection.vendor == "postgresql" else 0)
    assert rows[2] == orm[2] == 0


def test_a_new_release_revises_the_same_figures_on_both_paths_and_the_same_release_again_writes_nothing(tmp_path):
    later = tmp_path / "later"
    later.mkdir()

    def releases(importer_class):
        fresh()
        run_import(importer_class(release="2022"), files(tmp_path), skip_bad_rows=True)
        again = run_import(importer_class(release="2022"), files(tmp_path), skip_bad_rows=True)
        revised = run_import(importer_class(release="2023"), files(later, value="1200"), skip_bad_rows=True)
        revisions = list(
            FlowRevision.objects.values_list(
                "flow__external_key", "old_value", "new_value", "old_release", "new_release"
            )
        )
        return (again.created, again.updated, again.unchanged), (revised.created, revised.updated), revisions

    fast, rows = releases(TradeImporter), releases(RowByRow)

    assert fast == rows
    assert fast == (
        (0, 0, 8),
        (0, 1),
        [("A/2021/52/RUS/TJK/X/TOTAL", Decimal("1114246510.97"), Decimal("1200.00"), "2022", "2023")],
    )
    assert not TradeFlow.history.exists()


def test_a_file_the_database_refuses_in_sql_is_read_again_row_by_row_and_nothing_of_the_first_try_stays(tmp_path):
    # A code longer than its column passes the parts; the upsert of the whole file fails, the
    # file's savepoint goes, and the row path rejects that row alone.
    rows = [*hostile_rows(), {**TJK, "cmdCode": "0" * 20}]
    path = api_file(tmp_path, *rows, name="first.csv", columns=COLUMNS)

    fast = outcome(TradeImporter(), [path])
    fresh()
    slow = outcome(RowByRow(), [path])

    assert fast[:2] == slow[:2]
    figures, (read, created, updated, unchanged, rejected, _, errors), staged = fast
    assert (read, created, rejected, len(figures)) == (20, 6, 11, 6)
    assert errors[-1]["line"] == 21 and "commodity_code" in errors[-1]["reason"]
    assert staged == (1 if connection.vendor == "postgresql" else 0)
    assert ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).count() == 2


def test_a_file_with_one_bad_row_stores_nothing_of_itself_lists_the_row_and_the_next_file_imports(tmp_path):
    good = [{**TJK, "refYear": str(year), "refPeriodId": f"{year}0101"} for year in range(1900, 2000)]
    bad = [*good[:50], {**UZB, "primaryValue": "lots"}, *good[50:]]
    first = api_file(tmp_path, *bad, name="first.csv")
    second = api_file(tmp_path, {**KAZ}, name="second.csv")

    run = run_import(TradeImporter(), [first, second], batch_size=10)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert list(TradeFlow.objects.values_list("partner", flat=True)) == ["KAZ"]
    assert (run.rows_read, run.created, run.rejected) == (101 + 1, 1, 1)
    assert run.errors == [{"file": "first.csv", "line": 52, "reason": "trade value 'lots' is not a number"}]
    assert run.refused == [
        "first.csv: 1 bad row; the first, line 52: trade value 'lots' is not a number. None of the file was "
        "stored; mend the rows, or import it with --skip-bad-rows to store the rest"
    ]
    assert not FlowRevision.objects.exists()


def test_with_skip_bad_rows_the_rest_of_the_file_is_stored_and_the_bad_row_listed(tmp_path):
    good = [{**TJK, "refYear": str(year), "refPeriodId": f"{year}0101"} for year in range(1900, 2000)]
    path = api_file(tmp_path, *good[:50], {**UZB, "primaryValue": "lots"}, *good[50:], name="first.csv")

    run = run_import(TradeImporter(), [path], batch_size=10, skip_bad_rows=True)

    assert (run.status, run.created, run.rejected, run.refused) == (ImportRun.Status.SUCCEEDED, 100, 1, [])
    assert TradeFlow.objects.count() == 100
    assert run.errors == [{"file": "first.csv", "line": 52, "reason": "trade value 'lots' is not a number"}]


def test_the_command_refuses_a_file_with_a_bad_row_lists_it_and_says_how_to_store_the_rest(tmp_path):
    path = api_file(tmp_path, {**TJK}, {**UZB, "primaryValue": "-1"}, name="flows.csv")
    out = io.StringIO()

    with pytest.raises(CommandError, match="Refused, nothing imported: flows.csv: 1 bad row; .*--skip-bad-rows"):
        call_command("import_trade", str(path), no_progress=True, stdout=out)
    assert "rejected flows.csv line 3: negative trade value -1" in out.getvalue()
    assert not TradeFlow.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED

    call_command("import_trade", str(path), no_progress=True, skip_bad_rows=True, stdout=out)
    assert list(TradeFlow.objects.values_list("partner", flat=True)) == ["TJK"]
