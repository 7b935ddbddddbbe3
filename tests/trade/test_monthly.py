"""Monthly figures: IMF CSVs with FREQ M and a month column, Comtrade API and bulk CSVs with monthly periods."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from imports.models import ImportRun
from trade.models import TradeFlow

pytestmark = pytest.mark.django_db

IMF_HEADER = "FREQ,REF_AREA,INDICATOR,COUNTERPART_AREA,value,year,month\n"
COMTRADE_HEADER = (
    "freqCode,refYear,refMonth,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,primaryValue\n"
)


def run(path, **options) -> str:
    out = io.StringIO()
    call_command("import_trade", str(path), no_progress=True, stdout=out, **options)
    return out.getvalue()


def errors() -> list[tuple[int, str]]:
    return [(e["line"], e["reason"]) for e in ImportRun.objects.latest("pk").errors]


def test_imf_monthly_figures_keep_their_month_in_each_documented_form(tmp_path):
    path = tmp_path / "imf_monthly.csv"
    path.write_text(
        IMF_HEADER
        + "M,RU,TXG_FOB_USD,W00,40000000000,2021,3\n"
        + "M,RU,TXG_FOB_USD,W00,41000000000,2021,2021-04\n"
        + "M,RU,TMG_CIF_USD,W00,25000000000,2021,2021M05\n"
        + "A,RU,TXG_FOB_USD,W00,492048058908,2021,\n",
        encoding="utf-8",
    )

    out = run(path)

    assert "read 4, created 4, updated 0, unchanged 0, rejected 0" in out
    monthly = TradeFlow.objects.filter(month__isnull=False).order_by("month")
    assert [(f.external_key, f.month, f.flow, f.valuation) for f in monthly] == [
        ("M/2021/03/RUS/W00/TXG_FOB_USD", 3, "export", "fob"),
        ("M/2021/04/RUS/W00/TXG_FOB_USD", 4, "export", "fob"),
        ("M/2021/05/RUS/W00/TMG_CIF_USD", 5, "import", "cif"),
    ]
    annual = TradeFlow.objects.get(month=None)
    assert (annual.external_key, annual.value_usd) == ("A/2021/RUS/W00/TXG_FOB_USD", Decimal("492048058908.00"))


def test_imf_months_are_read_strictly(tmp_path):
    path = tmp_path / "imf_monthly.csv"
    path.write_text(
        IMF_HEADER
        + "M,RU,TXG_FOB_USD,W00,1,2021,13\n"
        + "M,RU,TXG_FOB_USD,W00,1,2021,2020-03\n"
        + "M,RU,TXG_FOB_USD,W00,1,2021,2021-3\n"
        + "M,RU,TXG_FOB_USD,W00,1,2021,March\n"
        + "M,RU,TXG_FOB_USD,W00,1,2021,\n"
        + "A,RU,TXG_FOB_USD,W00,1,2021,3\n"
        + "Q,RU,TXG_FOB_USD,W00,1,2021,1\n"
        + "M,RU,TXG_FOB_USD,W00,1,2021,12\n",
        encoding="utf-8",
    )

    out = run(path, skip_bad_rows=True)

    assert "read 8, created 1, updated 0, unchanged 0, rejected 7" in out
    assert errors() == [
        (2, "month '13' is not 1-12, YYYY-MM or YYYYMmm"),
        (3, "month '2020-03' is not in the row's year 2021"),
        (4, "month '2021-3' is not 1-12, YYYY-MM or YYYYMmm"),
        (5, "month 'March' is not 1-12, YYYY-MM or YYYYMmm"),
        (6, "FREQ M (monthly) but the month is missing"),
        (7, "month '3' with FREQ A (an annual figure has no month)"),
        (8, "FREQ 'Q': only annual (A) and monthly (M) IMF figures are imported"),
    ]
    assert TradeFlow.objects.get().external_key == "M/2021/12/RUS/W00/TXG_FOB_USD"


def test_an_imf_monthly_row_in_a_file_without_a_month_column_is_rejected(tmp_path):
    path = tmp_path / "imf.csv"
    path.write_text(
        "FREQ,REF_AREA,INDICATOR,COUNTERPART_AREA,value,year\nM,RU,TXG_FOB_USD,W00,1,2021\n", encoding="utf-8"
    )

    run(path, skip_bad_rows=True)

    assert errors() == [(2, "FREQ M (monthly) but the file has no month column")]
    assert not TradeFlow.objects.exists()


def test_comtrade_monthly_api_figures_import_for_every_month_with_their_valuation(tmp_path):
    path = tmp_path / "comtrade_monthly.csv"
    rows = [f"M,2021,{month},643,RUS,X,762,TJK,TOTAL,{month * 1000}\n" for month in range(1, 13)]
    rows.append("M,2021,6,643,RUS,M,762,TJK,TOTAL,555\n")
    path.write_text(COMTRADE_HEADER + "".join(rows), encoding="utf-8")

    out = run(path)

    assert "read 13, created 13, updated 0, unchanged 0, rejected 0" in out
    exports = TradeFlow.objects.filter(flow="export").order_by("month")
    assert [f.month for f in exports] == list(range(1, 13))
    assert exports[0].external_key == "M/2021/1/RUS/TJK/X/TOTAL"
    assert exports[11].value_usd == Decimal("12000.00")
    assert set(exports.values_list("valuation", flat=True)) == {TradeFlow.Valuation.FOB}
    imported = TradeFlow.objects.get(flow="import")
    assert (imported.month, imported.valuation, imported.estimated) == (6, TradeFlow.Valuation.CIF, False)


def test_comtrade_monthly_bulk_periods_import(tmp_path):
    path = tmp_path / "bulk.csv"
    path.write_text(
        "Period,Reporter Code,Reporter ISO,Partner Code,Partner ISO,Trade Flow Code,Commodity Code,Trade Value (US$)\n"
        "202103,643,RUS,762,TJK,2,TOTAL,87410562\n"
        "202111,643,RUS,762,TJK,1,TOTAL,5000\n"
        "202113,643,RUS,762,TJK,2,TOTAL,1\n",
        encoding="utf-8",
    )

    run(path, skip_bad_rows=True)

    assert dict(TradeFlow.objects.values_list("external_key", "valuation")) == {
        "M/2021/3/RUS/TJK/X/TOTAL": TradeFlow.Valuation.FOB,
        "M/2021/11/RUS/TJK/M/TOTAL": TradeFlow.Valuation.CIF,
    }
    assert errors() == [(4, "month '13' is not 1-12")]
