"""import_trade on IMF DOTS workbooks: the repository's real ones, and small ones written here.

The expected figures were read off the workbooks with openpyxl by hand (the SOURCE.md spot
check: Tajikistan's exports to Russia in 2015 are 85.735027 USD millions in cell Z90).
`write_dots` makes a workbook in the DOTS layout for the cases the real ones do not show.
"""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.data import IMF_DOTS
from tests.trade.test_importers import last_run, run
from trade.models import FlowRevision, TradeFlow

pytestmark = pytest.mark.django_db

TAJIKISTAN = IMF_DOTS / "DOTS_192.xlsx"
RUSSIA = IMF_DOTS / "DOTS_162.xlsx"
YEMEN_ARAB_REP = IMF_DOTS / "DOTS_215.xlsx"
SKIPPED = "skipped: not a country (group or nes area)"
REPEATED = "skipped: partner row repeated with the same figures"

EXPORTS = {"Russian Federation": {"2015": 85.735027, "2016": "50.60 e"}, "World": {"2015": 978.768488}}
IMPORTS = {"Russian Federation": {"2015": 1038.121368}, "Euro Area": {"2015": 10.5}}


def write_dots(
    path: Path,
    *,
    reporter="Tajikistan, Rep. of",
    exports=None,
    imports=None,
    unit="US Dollars, Millions",
    header_row=7,
    sheets=("Exports, FOB", "Imports, CIF"),
) -> Path:
    """A workbook in the DOTS layout: {partner: {year header: value}} per sheet, years in row `header_row`."""
    book = Workbook()
    book.remove(book.active)
    contents = (EXPORTS if exports is None else exports, IMPORTS if imports is None else imports)
    for title, rows in zip(sheets, contents, strict=True):
        sheet = book.create_sheet(title)
        sheet["B2"] = f"{title} to Partner Countries"
        sheet["B4"] = reporter
        sheet["B5"] = unit
        years = sorted({year for values in rows.values() for year in values})
        for column, year in enumerate(years, 3):
            sheet.cell(header_row, column, year)
        for number, (partner, values) in enumerate(rows.items(), header_row + 1):
            sheet.cell(number, 2, partner.split("#")[0])  # "Australia#2": a partner listed twice
            for column, year in enumerate(years, 3):
                if year in values:
                    sheet.cell(number, column, values[year])
    book.save(path)
    return path


def flow(reporter, partner, year, flow=TradeFlow.Flow.EXPORT) -> TradeFlow:
    return TradeFlow.objects.get(dataset="imf-dots", reporter=reporter, partner=partner, year=year, flow=flow)


def test_a_real_workbook_gives_each_partners_figures_in_dollars_with_valuation_and_estimate_mark():
    out = run(TAJIKISTAN)

    assert "trade (imf-dots-xlsx): read " in out
    assert last_run().rejected == 0
    to_russia = flow("TJK", "RUS", 2015)
    assert to_russia.value_usd == Decimal("85735027.00")
    assert to_russia.external_key == "A/2015/TJK/RUS/TXG_FOB_USD"
    assert (to_russia.valuation, to_russia.estimated, to_russia.month) == (TradeFlow.Valuation.FOB, False, None)
    from_russia = flow("TJK", "RUS", 2016, TradeFlow.Flow.IMPORT)
    assert from_russia.value_usd == Decimal("985863624.00")
    assert from_russia.external_key == "A/2016/TJK/RUS/TMG_CIF_USD"
    assert from_russia.valuation == TradeFlow.Valuation.CIF
    # World is the reporter's total; 29.318542192338704 millions, to the cent
    assert flow("TJK", "W00", 1992).value_usd == Decimal("29318542.19")
    assert flow("TJK", "W00", 2016, TradeFlow.Flow.IMPORT).value_usd == Decimal("3094562266.00")
    austria = flow("TJK", "AUT", 1992)  # '0.21 e' in cell C12
    assert (austria.value_usd, austria.estimated) == (Decimal("210000.00"), True)
    assert to_russia.source.title == "IMF Direction of Trade Statistics"
    # Aggregates (Advanced Economies, Euro Area, ...) are counted, never stored
    assert set(TradeFlow.objects.filter(partner__kind="aggregate").values_list("partner", flat=True)) == {"W00"}
    assert f"{SKIPPED}: " in out
    assert last_run().extra_counts[REPEATED] > 0  # Australia, listed first and again in its place


def test_the_counts_add_up_to_the_filled_cells_of_the_sheets():
    from openpyxl import load_workbook

    book = load_workbook(TAJIKISTAN, read_only=True)
    filled = sum(
        value is not None
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=8, min_col=3, values_only=True)
        for value in row
    )
    book.close()

    run(TAJIKISTAN)

    record = last_run()
    assert record.rows_read == filled
    assert record.created + sum(record.extra_counts.values()) == filled
    assert record.created == TradeFlow.objects.count()


def test_both_sides_keep_their_own_report():
    run(TAJIKISTAN, RUSSIA)

    assert flow("TJK", "RUS", 2016).value_usd == Decimal("50602770.00")  # Tajikistan's exports to Russia
    assert flow("RUS", "TJK", 2016, TradeFlow.Flow.IMPORT).value_usd != flow("TJK", "RUS", 2016).value_usd
    assert flow("RUS", "TJK", 2016).external_key == "A/2016/RUS/TJK/TXG_FOB_USD"


def test_a_former_state_as_reporter_and_partner_keeps_its_withdrawn_code():
    run(YEMEN_ARAB_REP, RUSSIA)

    assert TradeFlow.objects.filter(reporter="YEM", year__lt=1990).exists()  # Yemen Arab Rep. (ISO kept YEM)
    assert set(TradeFlow.objects.filter(reporter="YEM").values_list("year", flat=True)) <= set(range(1960, 1991))
    russia_partners = set(TradeFlow.objects.filter(reporter="RUS").values_list("partner", flat=True))
    assert "SCG" in russia_partners  # Serbia and Montenegro, 1994
    assert last_run().rejected == 0


def test_reimporting_a_workbook_changes_nothing():
    run(TAJIKISTAN)
    created = last_run().created

    out = run(TAJIKISTAN)

    assert f"created 0, updated 0, unchanged {created}, rejected 0" in out
    assert not TradeFlow.history.exists() and not FlowRevision.objects.exists()


def test_a_workbook_figure_and_the_same_figure_from_an_imf_csv_are_one_record(tmp_path):
    path = tmp_path / "imf.csv"
    path.write_text(
        "FREQ,REF_AREA,INDICATOR,COUNTERPART_AREA,value,year\nA,TJ,TXG_FOB_USD,RU,85000000,2015\n", encoding="utf-8"
    )
    run(path)
    assert flow("TJK", "RUS", 2015).valuation == TradeFlow.Valuation.FOB

    out = run(TAJIKISTAN)

    assert "updated 1," in out
    record = flow("TJK", "RUS", 2015)
    assert (record.value_usd, record.version) == (Decimal("85735027.00"), 2)
    assert TradeFlow.objects.filter(reporter="TJK", partner="RUS", year=2015, flow="export").count() == 1


def test_csv_and_workbook_files_can_be_mixed_in_one_run(tmp_path):
    path = tmp_path / "imf.csv"
    path.write_text(
        "FREQ,REF_AREA,INDICATOR,COUNTERPART_AREA,value,year\nA,RU,TXG_FOB_USD,W00,492048058908,2021\n",
        encoding="utf-8",
    )

    run(path, write_dots(tmp_path / "tj.xlsx"))

    assert last_run().format == "imf, imf-dots-xlsx"
    assert flow("RUS", "W00", 2021).value_usd == Decimal("492048058908.00")
    assert flow("TJK", "RUS", 2015).value_usd == Decimal("85735027.00")
    estimate = flow("TJK", "RUS", 2016)
    assert (estimate.value_usd, estimate.estimated) == (Decimal("50600000.00"), True)
    assert flow("TJK", "RUS", 2015, TradeFlow.Flow.IMPORT).valuation == TradeFlow.Valuation.CIF
    assert last_run().extra_counts == {SKIPPED: 1}  # Euro Area


def test_an_aggregate_as_reporter_is_skipped_and_counted(tmp_path):
    world = write_dots(tmp_path / "world.xlsx", reporter="World")
    eu = write_dots(tmp_path / "eu.xlsx", reporter="European Union", exports={"Japan": {"2015": 1.0}}, imports={})

    out = run(world, eu)

    assert "read 6, created 0, updated 0, unchanged 0, rejected 0" in out
    assert last_run().extra_counts == {SKIPPED: 6}
    assert not TradeFlow.objects.exists()


def test_a_partner_row_repeated_with_the_same_figures_is_skipped_and_with_other_figures_rejected(tmp_path):
    same = write_dots(
        tmp_path / "same.xlsx",
        exports={"Australia": {"2015": 1.5}, "World": {"2015": 9.0}, "Australia#2": {"2015": 1.5}},
        imports={},
    )
    other = write_dots(
        tmp_path / "other.xlsx",
        reporter="Kyrgyz Rep.",
        exports={"Australia": {"2015": 1.5}, "Australia#2": {"2015": 2.5}},
        imports={},
    )

    run(same, other, skip_bad_rows=True)

    assert last_run().extra_counts == {REPEATED: 1}
    assert flow("TJK", "AUS", 2015).value_usd == Decimal("1500000.00")
    assert last_run().errors == [
        {
            "file": "other.xlsx",
            "line": 9,
            "reason": "sheet 'Exports, FOB', cell C9: 'Australia' is listed again, with other figures than row 8",
        }
    ]


def test_a_second_copy_of_a_workbook_in_the_run_is_skipped_not_rejected(tmp_path):
    copy = tmp_path / "DOTS_192_copy.xlsx"
    copy.write_bytes(TAJIKISTAN.read_bytes())

    run(TAJIKISTAN, copy)

    record = last_run()
    assert record.rejected == 0
    assert record.extra_counts["skipped workbooks: the same parts as DOTS_192.xlsx"] == 1
    assert record.created == TradeFlow.objects.filter(reporter="TJK").count()


def test_the_names_list_is_what_the_script_writes_from_the_workbooks(tmp_path):
    from scripts.dots_names import names_in

    write_dots(tmp_path / "a.xlsx")
    write_dots(tmp_path / "b.xlsx", reporter="Kyrgyz Rep.", exports={"Kazakhstan, Rep. of": {"2015": 1}}, imports={})

    reporters, partners, workbooks = names_in(tmp_path)

    assert workbooks == 2
    assert reporters == {"Tajikistan, Rep. of": 1, "Kyrgyz Rep.": 1}
    assert partners == {"Russian Federation": 2, "World": 1, "Euro Area": 1, "Kazakhstan, Rep. of": 1}
    with open(IMF_DOTS / "names.csv", newline="", encoding="utf-8") as handle:
        listed = {row["name"]: row for row in csv.DictReader(handle)}
    assert listed["Tajikistan, Rep. of"]["reporter_workbooks"] == "1"
    assert listed["Nicaragua"]["reporter_workbooks"] == "2"  # published twice in the full set
