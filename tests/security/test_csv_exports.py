"""Every CSV Chancery writes is safe to open in a spreadsheet (SECURITY.md, "CSV formula injection").

A text cell that begins with = + - @, a tab or a carriage return is written after a single
quote (OWASP's advice), on both databases and inside PostgreSQL's COPY; number columns are
written as they are, so a fall in turnover stays -50.00. Each export is fed the payloads in
every text field that reaches it and read back with the csv module.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from core.api.csv import CSVRenderer
from imports.importer import Importer, RowError
from imports.runner import run_import
from tests.api.conftest import token_client
from tests.factories import AgreementFactory, PersonFactory, TradeFlowFactory, VisitFactory, country
from tests.trade.test_importers import api_file
from timelines.models import TimelineEntry
from trade.models import TradeFlow

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1+1", "-2+3", "\tx", "\rx"]
# A carriage return inside a cell: one cell as stored, not a row break that starts a row with =.
INSIDE = 'Talks\r=HYPERLINK("http://x","y")'
# Written out here, not read from core.csvsafe: the test holds the rule, not the code's copy of it.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FLOWS, SERIES, TIMELINE = reverse("trade-flows-list"), reverse("trade-series"), reverse("timeline")


@pytest.fixture
def api(analyst):
    return token_client(analyst)


def body(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode()


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def quoted(value: str) -> str:
    """What the rule makes of a text cell that begins with a trigger."""
    return "'" + value


def assert_no_text_cell_starts_with_a_trigger(rows: list[dict[str, str]], numbers: set[str]) -> None:
    running = [(name, cell) for row in rows for name, cell in row.items() if name not in numbers]
    assert running and [(name, cell) for name, cell in running if cell.startswith(TRIGGERS)] == []


# --- Trade flows: COPY on PostgreSQL, the csv module on SQLite ------------------------------------

FLOW_NUMBERS = {"id", "year", "month", "value_usd", "source"}


# Committed rows: on PostgreSQL the CSV is written by COPY on a connection of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_flows_csv_writes_every_formula_like_text_cell_as_text_and_keeps_the_numbers(api):
    for index, payload in enumerate(PAYLOADS):
        TradeFlowFactory(
            year=2000 + index,
            flow=payload[:10],
            commodity_code=payload[:12],
            valuation=payload[:3],
            dataset=payload,
            release=payload,
            value_usd=Decimal("1234567.80"),
        )
    plain = TradeFlowFactory(year=2010, month=3, release="", value_usd=Decimal("0.50"))
    TradeFlowFactory(year=2011, release=INSIDE)

    text = body(api.get(FLOWS, {"format": "csv", "pair": "RUS-TJK"}))
    rows = {int(row["year"]): row for row in table(text)}

    assert_no_text_cell_starts_with_a_trigger(list(rows.values()), FLOW_NUMBERS)
    for index, payload in enumerate(PAYLOADS):
        row = rows[2000 + index]
        assert (row["flow"], row["commodity_code"], row["valuation"]) == (
            quoted(payload[:10]),
            quoted(payload[:12]),
            quoted(payload[:3]),
        )
        assert (row["dataset"], row["release"]) == (quoted(payload), quoted(payload))
        assert (row["value_usd"], Decimal(row["value_usd"]), row["month"]) == ("1234567.80", Decimal("1234567.80"), "")
    assert rows[2011]["release"] == INSIDE and len(rows) == len(PAYLOADS) + 2
    assert rows[2010] == {
        "id": str(plain.pk),
        "reporter": "RUS",
        "partner": "TJK",
        "year": "2010",
        "month": "3",
        "flow": "export",
        "commodity_code": "TOTAL",
        "value_usd": "0.50",
        "valuation": "",
        "estimated": "false",
        "dataset": "comtrade",
        "release": "",
        "source": "",
    }
    raw_plain = next(line for line in text.split("\n") if f"{plain.pk},RUS,TJK,2010," in line)
    if connection.vendor == "postgresql":
        # COPY wrote this body: it alone writes an empty text as "" (and a NULL, the source, as nothing).
        assert raw_plain.endswith(',0.50,"",false,comtrade,"",')
    else:
        assert connection.vendor == "sqlite" and raw_plain.endswith(",0.50,,false,comtrade,,")

    one = TradeFlow.objects.get(year=2000)
    (row,) = table(body(api.get(reverse("trade-flows-detail", args=[one.pk]), {"format": "csv"})))
    assert (row["id"], row["release"], row["commodity_code"]) == (
        str(one.pk),
        quoted(PAYLOADS[0]),
        quoted(PAYLOADS[0][:12]),
    )


# --- The pair series: the dataset parameter is validated, stored text written as text -------------

SERIES_NUMBERS = {
    "year",
    "month",
    "a_exports_to_b",
    "a_imports_from_b",
    "a_turnover_with_b",
    "b_exports_to_a",
    "b_imports_from_a",
    "b_turnover_with_a",
    "a_turnover_yoy_percent",
    "b_share_of_a_turnover_percent",
}


def turnover_halving(dataset: str, valuation: str = "") -> None:
    """TJK's trade with RUS: 200 in 2015, 100 in 2016 (a change of -50.00 %)."""
    for year, value in ((2015, "100"), (2016, "50")):
        for flow in ("export", "import"):
            TradeFlowFactory(
                reporter=country("TJK"),
                partner=country("RUS"),
                year=year,
                flow=flow,
                value_usd=Decimal(value),
                dataset=dataset,
                valuation=valuation,
            )


@pytest.mark.parametrize("answer", ["csv", "json"])
def test_a_series_dataset_that_is_not_a_known_one_is_a_400_naming_it_and_never_written(api, answer):
    turnover_halving("comtrade")
    for payload in PAYLOADS:
        response = api.get(SERIES, {"a": "TJK", "b": "RUS", "dataset": payload, "format": answer})
        assert response.status_code == 400, (payload, response.status_code)
        if answer == "json":
            assert list(response.json()["error"]["fields"]) == ["dataset"]
        else:
            error = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
            assert error == [["error", "Some fields are not valid."]]

    rows = table(body(api.get(SERIES, {"a": "TJK", "b": "RUS", "dataset": "comtrade", "format": "csv"})))
    assert [(row["year"], row["dataset"], row["a_turnover_yoy_percent"]) for row in rows] == [
        ("2015", "comtrade", ""),
        ("2016", "comtrade", "-50.00"),
    ]


def test_the_series_csv_writes_a_stored_dataset_and_valuation_as_text_and_keeps_negative_changes(api):
    for payload in PAYLOADS:
        TradeFlow.objects.all().delete()
        turnover_halving(payload, valuation=payload[:3])  # the pair's only dataset: the series' default

        rows = table(body(api.get(SERIES, {"a": "TJK", "b": "RUS", "format": "csv"})))

        assert_no_text_cell_starts_with_a_trigger(rows, SERIES_NUMBERS)
        assert [row["dataset"] for row in rows] == [quoted(payload)] * 2
        assert {row["a_exports_to_b_valuation"] for row in rows} == {quoted(payload[:3])}
        later = rows[1]
        assert (later["a"], later["b"], later["a_turnover_with_b"]) == ("TJK", "RUS", "100.00")
        assert (later["a_turnover_yoy_percent"], float(later["a_turnover_yoy_percent"])) == ("-50.00", -50.0)


# --- The timeline --------------------------------------------------------------------------------


def test_the_timeline_csv_writes_titles_summaries_and_persons_as_text(api):
    agreement = AgreementFactory()
    for index, payload in enumerate([*PAYLOADS, INSIDE]):
        start = datetime.date(2010 + index, 2, 27)
        VisitFactory(visitor=PersonFactory(name=payload), summary=payload, start_date=start, end_date=start)
    call_command("refresh_timelines", "--full", verbosity=0)
    # The builders write a title of their own and fold whitespace in a summary; a stored entry
    # holds any text (SECURITY.md: queryset.update stands for a row written by a bulk path).
    for entry in TimelineEntry.objects.select_related("content_type"):
        payload = entry.record.summary
        TimelineEntry.objects.filter(pk=entry.pk).update(title=payload, summary=payload, agreement=agreement)

    rows = table(body(api.get(TIMELINE, {"pair": "RUS-TJK", "format": "csv"})))

    assert len(rows) == TimelineEntry.objects.count() >= len(PAYLOADS) + 1
    assert_no_text_cell_starts_with_a_trigger(rows, {"agreement"})
    assert {(row["title"], row["summary"], row["persons"]) for row in rows} == {
        *((quoted(payload), quoted(payload), quoted(payload)) for payload in PAYLOADS),
        (INSIDE, INSIDE, INSIDE),
    }
    assert {row["agreement"] for row in rows} == {str(agreement.pk)}
    assert {row["country_a"] for row in rows} <= {"RUS", "TJK"}


# --- The import runner's rejection report --------------------------------------------------------


class EveryLineRejected(Importer):
    """A format whose every record is rejected with its own text as the reason: an importer may
    begin a reason with what the file holds, and the report must still be safe to open."""

    name = "every-line-rejected"
    model = TradeFlow

    def check_file(self, path):
        pass

    def read(self, path):
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield line, json.loads(text)

    def build(self, raw):
        raise RowError(raw)


def report_rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_rejection_report_writes_reasons_that_begin_with_a_trigger_as_text(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(payload) + "\n" for payload in PAYLOADS), encoding="utf-8")
    report = tmp_path / "report.csv"

    run = run_import(EveryLineRejected(), [records], report_path=report)

    rows = report_rows(report)
    assert run.rejected == len(PAYLOADS)
    assert_no_text_cell_starts_with_a_trigger(rows, {"line"})
    assert [(row["file"], int(row["line"]), row["reason"]) for row in rows] == [
        ("records.jsonl", line, quoted(payload)) for line, payload in enumerate(PAYLOADS, 1)
    ]
    # What the run keeps for the admin is the reason as given: the rule is the CSV's.
    assert [error["reason"] for error in run.errors] == PAYLOADS


def test_the_rejection_report_of_import_trade_writes_file_names_that_begin_with_a_trigger_as_text(tmp_path):
    # A file name cannot hold "/": the first payload's slashes become underscores.
    names = [payload.replace("/", "_") + ".csv" for payload in PAYLOADS]
    paths = [api_file(tmp_path, {"primaryValue": "-5"}, name=name) for name in names]
    report = tmp_path / "report.csv"

    # Each file has a bad row, so each is refused whole; the report still lists every bad row.
    with pytest.raises(CommandError, match="bad row"):
        call_command("import_trade", *map(str, paths), report=report, no_progress=True, stdout=io.StringIO())

    rows = report_rows(report)
    assert_no_text_cell_starts_with_a_trigger(rows, {"line"})
    assert sorted((row["file"], row["line"], row["reason"]) for row in rows) == sorted(
        (quoted(name), "2", "negative trade value -5") for name in names
    )
    assert not TradeFlow.objects.exists()


# --- The CSV answer's error line -------------------------------------------------------------------


def test_an_error_given_as_csv_is_one_row_whose_message_is_text():
    for payload in PAYLOADS:
        rendered = CSVRenderer().render({"error": {"status": 400, "message": payload + ", and more"}})
        assert list(csv.reader(io.StringIO(rendered.decode(), newline=""))) == [
            ["error", quoted(payload + ", and more")]
        ]
