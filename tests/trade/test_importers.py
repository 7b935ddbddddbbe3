"""import_trade, on the whole real Comtrade and IMF extracts and on hostile files.

The expected counts were worked out from the files with a separate script (csv and
pycountry, classifying codes with Comtrade's own partner table), not read off the importer.

files/comtrade_bulk_russia_2021.csv is the classic bulk layout, written for these tests.
Its annual exports to the world, Tajikistan and Hong Kong are the real API figures rounded
to the dollar, as the classic files gave them; the other values are made up.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directory.models import Source
from imports.importer import FileRefused
from imports.models import ImportRun
from imports.runner import run_import
from tests.data import COMTRADE, IMF_DOTS
from tests.factories import TradeFlowFactory
from trade.importers import ImfDotsImporter, TradeImporter
from trade.models import TOTAL, FlowRevision, TradeFlow

pytestmark = pytest.mark.django_db

ALL_EXPORTS = COMTRADE / "comtrade_all_exports_2021A.csv"
TOTAL_EXPORTS = COMTRADE / "comtrade_total_exports_2021A.csv"
IMF_EXPORTS = COMTRADE / "imf_total_exports_2021A.csv"
BULK = Path(__file__).parent / "files" / "comtrade_bulk_russia_2021.csv"

SKIPPED = "skipped: not a country (group or nes area)"
# The partners in the all-exports file that are not countries.
NOT_COUNTRIES = {
    "Areas, nes",
    "Bunkers",
    "Free Zones",
    "LAIA, nes",
    "North America and Central America, nes",
    "Oceania, nes",
    "Other Africa, nes",
    "Other Europe, nes",
    "Special Categories",
}

API_ROW = {
    "freqCode": "A",
    "refPeriodId": "20210101",
    "refYear": "2021",
    "refMonth": "52",
    "reporterCode": "643",
    "reporterISO": "RUS",
    "reporterDesc": "Russian Federation",
    "flowDesc": "Export",
    "partnerCode": "762",
    "partnerISO": "TJK",
    "partnerDesc": "Tajikistan",
    "cmdDesc": "All Commodities",
    "primaryValue": "1114246510.97",
}


def run(*paths, **options) -> str:
    out = io.StringIO()
    call_command("import_trade", *map(str, paths), no_progress=True, stdout=out, **options)
    return out.getvalue()


def last_run() -> ImportRun:
    return ImportRun.objects.latest("pk")


def csv_text(rows: list[dict[str, str]], columns=tuple(API_ROW)) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def api_file(tmp_path, *changes: dict[str, str], name="flows.csv", columns=tuple(API_ROW)) -> Path:
    """An API CSV with one row per dict of changes to API_ROW (Russia's exports to Tajikistan)."""
    path = tmp_path / name
    path.write_text(csv_text([{**API_ROW, **change} for change in changes], columns), encoding="utf-8")
    return path


def figure(reporter, partner, dataset="comtrade", **filters) -> TradeFlow:
    return TradeFlow.objects.get(
        reporter=reporter, partner=partner, dataset=dataset, year=2021, flow=TradeFlow.Flow.EXPORT, **filters
    )


def test_every_country_figure_in_the_all_exports_file_is_created_and_groups_are_skipped():
    out = run(ALL_EXPORTS)

    with open(ALL_EXPORTS, newline="", encoding="utf-8") as handle:
        partners = [row["partnerDesc"] for row in csv.DictReader(handle)]
    assert len(partners) == 21338
    assert sum(name in NOT_COUNTRIES for name in partners) == 229
    assert TradeFlow.objects.filter(dataset="comtrade", year=2021, month=None, commodity_code=TOTAL).count() == 21109
    assert "read 21338, created 21109, updated 0, unchanged 0, rejected 0" in out
    assert f"{SKIPPED}: 229" in out
    # Comtrade's own codes: 490 "Other Asia, nes" is Taiwan, 842 the USA, 251 France, 699 India, 757 Switzerland
    reported = {code: TradeFlow.objects.filter(reporter=code).count() for code in ("TWN", "USA", "FRA", "IND", "CHE")}
    assert reported == {"TWN": 218, "USA": 223, "FRA": 225, "IND": 220, "CHE": 223}
    assert TradeFlow.objects.filter(partner="TWN").count() == 126
    assert not TradeFlow.objects.filter(partner="MCO").exists()  # 492 is "Europe EU, nes", not Monaco


def test_each_side_keeps_its_own_report_and_quoted_names_with_commas_are_read_whole():
    run(ALL_EXPORTS)

    russia_to_tajikistan = figure("RUS", "TJK")
    assert russia_to_tajikistan.value_usd == Decimal("1114246510.97")  # "USD 1,114 million"
    assert russia_to_tajikistan.external_key == "A/2021/52/RUS/TJK/X/TOTAL"
    assert (russia_to_tajikistan.month, russia_to_tajikistan.commodity_code) == (None, TOTAL)
    assert figure("TJK", "RUS").value_usd == Decimal("72467326.00")
    # primaryValue is FOB for exports (Comtrade's convention); Comtrade marks no estimates
    assert (russia_to_tajikistan.valuation, russia_to_tajikistan.estimated) == (TradeFlow.Valuation.FOB, False)
    assert figure("RUS", "HKG").value_usd == Decimal("1615975880.71")  # "China, Hong Kong SAR"
    assert figure("RUS", "W00").value_usd == Decimal("492313790696.65")  # to the cent, half up
    source = russia_to_tajikistan.source
    assert (source.title, source.kind, source.outlet.name) == (
        "UN Comtrade",
        Source.Kind.DATASET,
        "United Nations Statistics Division",
    )
    assert russia_to_tajikistan.release == ""


def test_the_total_exports_file_gives_each_reporters_exports_to_the_world():
    out = run(TOTAL_EXPORTS)

    assert "read 140, created 140, updated 0, unchanged 0, rejected 0" in out
    assert set(TradeFlow.objects.values_list("partner", flat=True)) == {"W00"}
    assert figure("TJK", "W00").value_usd == Decimal("1476799996.00")


def test_the_imf_file_gives_each_areas_exports_and_skips_the_imf_aggregates():
    out = run(IMF_EXPORTS)

    # 227 rows: 208 ISO countries, Kosovo (XK), 18 aggregates (W00 as reporter, F97, XR29, ...)
    assert "read 227, created 209, updated 0, unchanged 0, rejected 0" in out
    assert f"{SKIPPED}: 18" in out
    russia = figure("RUS", "W00", dataset="imf-dots")
    assert russia.value_usd == Decimal("492048058908.00")
    assert russia.external_key == "A/2021/RUS/W00/TXG_FOB_USD"
    assert russia.source.title == "IMF Direction of Trade Statistics"
    assert figure("XKX", "W00", dataset="imf-dots").value_usd == Decimal("885544653.00")
    assert (russia.valuation, russia.estimated) == (TradeFlow.Valuation.FOB, False)
    assert not TradeFlow.objects.exclude(dataset="imf-dots").exists()


def test_reimporting_the_same_file_creates_nothing_and_writes_nothing():
    run(ALL_EXPORTS)

    out = run(ALL_EXPORTS)

    assert "read 21338, created 0, updated 0, unchanged 21109, rejected 0" in out
    assert not TradeFlow.history.exists() and not FlowRevision.objects.exists()
    assert set(TradeFlow.objects.values_list("version", flat=True)) == {1}


def test_a_changed_value_in_a_later_release_updates_that_figure_and_records_one_revision(tmp_path):
    run(TOTAL_EXPORTS, release="2022-01")
    first_run = last_run()
    revised = tmp_path / "comtrade_total_exports_2021A_revised.csv"
    text = TOTAL_EXPORTS.read_text(encoding="utf-8")
    revised.write_text(
        text.replace(
            ",762,TJK,Tajikistan,Export,0,W00,World,All Commodities,1476799996\n",
            ",762,TJK,Tajikistan,Export,0,W00,World,All Commodities,1480000000\n",
        ),
        encoding="utf-8",
    )
    assert revised.read_text(encoding="utf-8") != text

    out = run(revised, release="2023-06")

    assert "read 140, created 0, updated 1, unchanged 139, rejected 0" in out
    tajikistan = figure("TJK", "W00")
    assert (tajikistan.value_usd, tajikistan.version, tajikistan.release) == (Decimal("1480000000.00"), 2, "2023-06")
    (revision,) = FlowRevision.objects.all()
    assert (revision.flow, revision.old_value, revision.new_value) == (
        tajikistan,
        Decimal("1476799996"),
        Decimal("1480000000"),
    )
    assert (revision.old_release, revision.new_release, revision.import_run) == ("2022-01", "2023-06", last_run())
    # The other 139 figures the new release repeats keep the release they came from.
    assert set(TradeFlow.objects.exclude(pk=tajikistan.pk).values_list("release", flat=True)) == {"2022-01"}
    assert first_run.created == 140 and not TradeFlow.history.exists()


def test_a_dry_run_counts_everything_and_saves_nothing():
    out = run(TOTAL_EXPORTS, dry_run=True)

    assert "read 140, created 140" in out
    assert "Dry run: nothing was saved." in out
    assert not TradeFlow.objects.exists()
    assert not Source.objects.filter(external_id="dataset:un-comtrade").exists()
    assert (last_run().dry_run, last_run().created) == (True, 140)


def test_an_import_run_is_recorded_with_its_format_counts_and_skips():
    run(IMF_EXPORTS)

    record = last_run()
    assert (record.importer, record.format, record.status) == ("trade", "imf", ImportRun.Status.SUCCEEDED)
    assert (record.rows_read, record.created, record.updated, record.unchanged, record.rejected) == (227, 209, 0, 0, 0)
    assert record.extra_counts == {SKIPPED: 18}
    assert record.errors == []
    assert record.files == str(IMF_EXPORTS)


def test_comtrade_and_imf_files_can_be_imported_in_one_run():
    run(TOTAL_EXPORTS, IMF_EXPORTS)

    assert last_run().format == "comtrade-api, imf"
    assert (last_run().rows_read, last_run().created) == (367, 349)
    assert TradeFlow.objects.filter(dataset="comtrade").count() == 140
    assert TradeFlow.objects.filter(dataset="imf-dots").count() == 209


def test_a_comtrade_csv_and_a_dots_workbook_can_be_imported_in_one_run():
    run(TOTAL_EXPORTS, IMF_DOTS / "DOTS_192.xlsx")

    assert last_run().format == "comtrade-api, imf-dots-xlsx"
    assert (last_run().status, last_run().rejected) == (ImportRun.Status.SUCCEEDED, 0)
    assert figure("TJK", "W00").value_usd == Decimal("1476799996.00")
    dots = TradeFlow.objects.get(dataset="imf-dots", reporter="TJK", partner="W00", year=2016, flow="export")
    assert (dots.value_usd, dots.valuation) == (Decimal("902552181.00"), TradeFlow.Valuation.FOB)


def _binary(path: Path):
    path.write_bytes(bytes(range(256)) * 4)


def _latin1(path: Path):
    path.write_bytes(csv_text([{**API_ROW, "partnerDesc": "Côte d'Ivoire"}]).encode("latin-1"))


def _empty(path: Path):
    path.write_bytes(b"")


def _blank(path: Path):
    path.write_text("\ufeff\n\n", encoding="utf-8")


def _unknown_header(path: Path):
    path.write_text("country,year,exports\nRUS,2021,492313790696\n", encoding="utf-8")


def _api_header_without_values(path: Path):
    path.write_text(csv_text([API_ROW], columns=[c for c in API_ROW if c != "primaryValue"]), encoding="utf-8")


def _cut_mid_row(path: Path):
    path.write_text(csv_text([API_ROW, API_ROW])[:-40], encoding="utf-8")


def _cut_in_last_field(path: Path):
    path.write_text(csv_text([API_ROW, {**API_ROW, "partnerCode": "398", "partnerISO": "KAZ"}])[:-5], encoding="utf-8")


def _unquoted_comma(path: Path):
    path.write_text(
        csv_text([API_ROW])
        + "A,20210101,2021,52,643,RUS,Russian Federation,Export,344,HKG,China, Hong Kong SAR,All Commodities,1615975880.71\n"
        + csv_text([{**API_ROW, "partnerCode": "398", "partnerISO": "KAZ"}]).split("\n", 1)[1],
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "write, message",
    [
        (_binary, "bad.csv: this is a binary file, not text"),
        (_latin1, "bad.csv: not valid UTF-8 near byte"),
        (_empty, "bad.csv: the file is empty"),
        (_blank, "bad.csv: the file has no header line"),
        (_unknown_header, "bad.csv: the header matches no trade format; import_trade reads a UN Comtrade API CSV"),
        (_api_header_without_values, "bad.csv: looks like a UN Comtrade API CSV but has no column primaryValue"),
        (
            _cut_mid_row,
            "bad.csv line 3: 11 fields where the header has 13 (the file is truncated or its quoting is broken)",
        ),
        (_cut_in_last_field, "bad.csv: the last line has no line ending, so the file looks truncated"),
        (_unquoted_comma, "bad.csv line 3: 14 fields where the header has 13"),
    ],
    ids=[
        "binary",
        "not-utf8",
        "empty",
        "blank",
        "unknown-header",
        "missing-column",
        "cut-mid-row",
        "cut-in-last-field",
        "unquoted-comma",
    ],
)
def test_a_malformed_file_is_refused_whole_and_the_good_file_beside_it_imports(tmp_path, write, message):
    good = api_file(tmp_path, {}, name="good.csv")
    bad = tmp_path / "bad.csv"
    write(bad)

    with pytest.raises(CommandError, match="Refused 1 of 2 files") as excinfo:
        run(good, bad)

    assert "bad.csv" in str(excinfo.value) and message in str(excinfo.value)
    assert list(TradeFlow.objects.values_list("partner", flat=True)) == ["TJK"]
    assert (last_run().status, last_run().created) == (ImportRun.Status.SUCCEEDED, 1)

    flows_before = list(TradeFlow.objects.values_list("pk", "version"))
    with pytest.raises(CommandError, match="Refused, nothing imported: bad.csv"):
        run(bad)
    assert list(TradeFlow.objects.values_list("pk", "version")) == flows_before
    assert last_run().status == ImportRun.Status.REFUSED


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"primaryValue": "-5"}, "negative trade value -5"),
        ({"primaryValue": "abc"}, "trade value 'abc' is not a number"),
        ({"primaryValue": "1,114,246,510"}, "trade value '1,114,246,510' is not a number"),
        ({"primaryValue": ""}, "trade value is missing"),
        ({"refYear": "1700"}, "refYear 1700 is outside 1800-2200"),
        ({"refMonth": "3"}, "refMonth '3' with freqCode A (an annual figure has refMonth 52)"),
        ({"flowDesc": "Transit"}, "unknown trade flow 'Transit' (expected Export, Import, Re-export or Re-import)"),
        (
            {"reporterCode": "999", "reporterISO": "XYZ", "reporterDesc": "Nowhere"},
            "unknown reporter code 'XYZ' (Nowhere)",
        ),
        ({"partnerCode": "998", "partnerISO": "", "partnerDesc": ""}, "unknown partner code '998'"),
        ({"partnerCode": "643", "partnerISO": "RUS"}, "reporter and partner are the same country (RUS)"),
    ],
    ids=[
        "negative",
        "not-a-number",
        "thousands-separators",
        "empty",
        "year",
        "month",
        "flow",
        "reporter",
        "partner",
        "same-country",
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_the_rest_is_imported(tmp_path, change, reason):
    path = api_file(tmp_path, {"partnerCode": "398", "partnerISO": "KAZ"}, change)

    out = run(path, skip_bad_rows=True)

    assert "read 2, created 1, updated 0, unchanged 0, rejected 1" in out
    assert last_run().errors == [{"file": "flows.csv", "line": 3, "reason": reason}]
    assert f"rejected flows.csv line 3: {reason}" in out
    assert TradeFlow.objects.get().partner_id == "KAZ"


def test_line_numbers_are_lines_of_the_file_even_after_a_line_break_inside_quotes(tmp_path):
    path = api_file(
        tmp_path,
        {"partnerDesc": "Tajikistan\n(Republic of)"},
        {"partnerCode": "398", "partnerISO": "KAZ", "primaryValue": "-5"},
    )

    run(path, skip_bad_rows=True)

    assert last_run().errors == [{"file": "flows.csv", "line": 4, "reason": "negative trade value -5"}]


def test_a_figure_given_twice_in_one_file_is_rejected_as_a_duplicate(tmp_path):
    path = api_file(tmp_path, {}, {"primaryValue": "5"})

    run(path, skip_bad_rows=True)

    assert last_run().errors == [
        {
            "file": "flows.csv",
            "line": 3,
            "reason": "duplicate id 'A/2021/52/RUS/TJK/X/TOTAL': already read at flows.csv line 2",
        }
    ]
    assert figure("RUS", "TJK").value_usd == Decimal("1114246510.97")


def test_a_file_with_a_byte_order_mark_imports(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(csv_text([API_ROW]), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbffreqCode,")

    out = run(path)

    assert "read 1, created 1" in out
    assert figure("RUS", "TJK").value_usd == Decimal("1114246510.97")


def test_the_classic_bulk_format_gives_annual_and_monthly_figures_of_every_flow():
    out = run(BULK)

    assert "trade (comtrade-bulk): read 9, created 8, updated 0, unchanged 0, rejected 0" in out
    assert f"{SKIPPED}: 1" in out  # "Areas, nes"
    assert figure("RUS", "TJK", month=None, commodity_code=TOTAL).value_usd == Decimal("1114246511.00")
    assert figure("RUS", "TJK", month=None, commodity_code="27").value_usd == Decimal("301845233.00")
    assert figure("RUS", "HKG").value_usd == Decimal("1615975881.00")
    assert figure("RUS", "W00").value_usd == Decimal("492313790697.00")
    monthly = TradeFlow.objects.filter(reporter="RUS", partner="TJK", month__isnull=False).order_by("month")
    assert [(f.month, f.value_usd, f.external_key) for f in monthly] == [
        (3, Decimal("87410562.00"), "M/2021/3/RUS/TJK/X/TOTAL"),
        (4, Decimal("93266038.00"), "M/2021/4/RUS/TJK/X/TOTAL"),
    ]
    flows = TradeFlow.objects.filter(reporter="RUS", partner="TJK", month=None, commodity_code=TOTAL)
    assert dict(flows.values_list("flow", "value_usd")) == {
        TradeFlow.Flow.EXPORT: Decimal("1114246511.00"),
        TradeFlow.Flow.IMPORT: Decimal("61523870.00"),
        TradeFlow.Flow.RE_EXPORT: Decimal("4381220.00"),
    }
    assert dict(flows.values_list("flow", "valuation")) == {
        TradeFlow.Flow.EXPORT: TradeFlow.Valuation.FOB,
        TradeFlow.Flow.IMPORT: TradeFlow.Valuation.CIF,
        TradeFlow.Flow.RE_EXPORT: TradeFlow.Valuation.FOB,
    }


def test_a_figure_from_the_api_file_and_again_from_the_bulk_file_is_one_row():
    run(TOTAL_EXPORTS)

    out = run(BULK)

    assert "read 9, created 7, updated 1, unchanged 0" in out  # Russia's exports to the world
    assert TradeFlow.objects.filter(reporter="RUS", partner="W00").count() == 1
    assert figure("RUS", "W00").version == 2


def test_columns_are_found_by_name_in_a_fuller_api_download_and_breakdowns_are_skipped(tmp_path):
    columns = ["reporterCode", "partnerCode", "primaryValue", "flowCode", "cmdCode", "motCode", *API_ROW]
    path = api_file(
        tmp_path,
        {"flowCode": "M", "cmdCode": "TOTAL", "motCode": "0", "flowDesc": "Import", "primaryValue": "61523870"},
        {"flowCode": "X", "cmdCode": "27", "motCode": "0", "cmdDesc": "Mineral fuels, mineral oils"},
        {"flowCode": "X", "cmdCode": "27", "motCode": "2100", "cmdDesc": "Mineral fuels, mineral oils"},
        columns=list(dict.fromkeys(columns)),
    )

    out = run(path)

    assert "read 3, created 2, updated 0, unchanged 0, rejected 0" in out
    assert "skipped: broken down by mode of transport: 1" in out
    assert TradeFlow.objects.get(flow=TradeFlow.Flow.IMPORT).value_usd == Decimal("61523870.00")
    assert TradeFlow.objects.get(flow=TradeFlow.Flow.EXPORT).commodity_code == "27"


def test_monthly_api_figures_keep_their_month(tmp_path):
    path = api_file(
        tmp_path,
        {"freqCode": "M", "refPeriodId": "20210301", "refMonth": "3", "primaryValue": "87410562"},
        {"freqCode": "M", "refPeriodId": "20210401", "refMonth": "4", "primaryValue": "93266038"},
        {"freqCode": "M", "refMonth": "13"},
    )

    run(path, skip_bad_rows=True)

    assert dict(TradeFlow.objects.values_list("external_key", "month")) == {
        "M/2021/3/RUS/TJK/X/TOTAL": 3,
        "M/2021/4/RUS/TJK/X/TOTAL": 4,
    }
    assert last_run().errors == [{"file": "flows.csv", "line": 4, "reason": "month '13' is not 1-12"}]


def test_one_formats_importer_on_its_own_refuses_another_formats_file():
    with pytest.raises(
        FileRefused, match="comtrade_total_exports_2021A.csv: not an IMF Direction of Trade Statistics CSV"
    ):
        run_import(ImfDotsImporter(), [TOTAL_EXPORTS])

    run_import(ImfDotsImporter(), [IMF_EXPORTS])

    assert (last_run().format, last_run().created) == ("imf", 209)


def test_a_hand_entered_figure_outside_the_dataset_is_left_alone():
    TradeFlowFactory(reporter_id="RUS", partner_id="TJK", year=2021, dataset="editor", value_usd=Decimal("1"))

    run_import(TradeImporter(), [TOTAL_EXPORTS])

    assert TradeFlow.objects.get(dataset="editor").value_usd == Decimal("1")
    assert TradeFlow.objects.filter(dataset="comtrade").count() == 140


def test_an_import_writes_no_history_rows_and_a_changed_figure_names_the_run_that_changed_it(tmp_path, editor):
    run_import(TradeImporter(user=editor), [api_file(tmp_path, {}, {"partnerCode": "398", "partnerISO": "KAZ"})])
    first_run = last_run()

    run_import(
        TradeImporter(user=editor),
        [api_file(tmp_path, {"primaryValue": "5"}, {"partnerCode": "398", "partnerISO": "KAZ"})],
    )

    assert (last_run().created, last_run().updated, last_run().unchanged) == (0, 1, 1)
    assert not TradeFlow.history.exists()
    (revision,) = FlowRevision.objects.all()
    assert (revision.flow, revision.old_value, revision.new_value) == (
        figure("RUS", "TJK"),
        Decimal("1114246510.97"),
        Decimal("5.00"),
    )
    # Who loaded which file is the run's record.
    assert (revision.import_run.user, first_run.user) == (editor, editor)
    assert revision.import_run.files.endswith("flows.csv")
    assert figure("RUS", "TJK").version == 2 and figure("RUS", "KAZ").version == 1


def test_a_value_too_long_for_its_column_is_rejected_and_the_rest_of_its_batch_is_imported(tmp_path):
    columns = [*API_ROW, "cmdCode"]
    path = api_file(
        tmp_path,
        {"cmdCode": "TOTAL"},
        {"cmdCode": "2701234567890", "cmdDesc": "Coal"},
        {"cmdCode": "TOTAL", "partnerCode": "398", "partnerISO": "KAZ"},
        columns=columns,
    )

    out = run(path, skip_bad_rows=True)

    assert "read 3, created 2, updated 0, unchanged 0, rejected 1" in out
    assert last_run().errors == [
        {
            "file": "flows.csv",
            "line": 3,
            "reason": "commodity_code: Ensure this value has at most 12 characters (it has 13).",
        }
    ]
    assert set(TradeFlow.objects.values_list("partner", flat=True)) == {"TJK", "KAZ"}


def test_a_duplicate_in_a_later_batch_or_file_names_where_the_figure_was_first_read(tmp_path):
    first = api_file(tmp_path, {}, {"partnerCode": "398", "partnerISO": "KAZ"}, name="first.csv")
    second = api_file(tmp_path, {"partnerCode": "417", "partnerISO": "KGZ"}, {"primaryValue": "5"}, name="second.csv")

    out = run(first, second, batch_size=1, skip_bad_rows=True)

    assert "read 4, created 3, updated 0, unchanged 0, rejected 1" in out
    assert last_run().errors == [
        {
            "file": "second.csv",
            "line": 3,
            "reason": "duplicate id 'A/2021/52/RUS/TJK/X/TOTAL': already read at first.csv line 2",
        }
    ]
    assert figure("RUS", "TJK").value_usd == Decimal("1114246510.97")


def test_reimporting_in_another_batch_size_still_changes_nothing():
    run(TOTAL_EXPORTS)

    out = run(TOTAL_EXPORTS, batch_size=7)

    assert "read 140, created 0, updated 0, unchanged 140, rejected 0" in out
    assert not FlowRevision.objects.exists()
