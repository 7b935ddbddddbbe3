"""The pair series API: the seed case by IMF DOTS, each figure's valuation and estimate mark,
the dataset a pair's series defaults to, monthly series, and field-level 400s."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.conftest import token_client
from trade.models import TradeFlow

pytestmark = pytest.mark.django_db

SERIES = reverse("trade-series")
FLOWS = reverse("trade-flows-list")

# IMF DOTS, USD millions (data/imf-dots/SOURCE.md, "Spot check"): (reporter, partner, flow): (2015, 2016).
DOTS = {
    ("TJK", "RUS", "export"): ("85.74", "50.60"),
    ("TJK", "RUS", "import"): ("1038.12", "985.86"),
    ("TJK", "W00", "export"): ("978.77", "902.55"),
    ("TJK", "W00", "import"): ("3216.48", "3094.56"),
    ("RUS", "TJK", "export"): ("762.58", "661.50"),
    ("RUS", "TJK", "import"): ("52.16", "26.40"),
}
# The one figure the tests mark as the IMF's estimate.
ESTIMATED = ("RUS", "TJK", "import", 2016)


@pytest.fixture
def analyst_api(analyst):
    return token_client(analyst)


def add_dots_seed(estimated=ESTIMATED):
    """The seed case's figures as IMF DOTS gives them: exports FOB, imports CIF, in US dollars."""
    TradeFlow.objects.bulk_create(
        TradeFlow(
            reporter_id=reporter,
            partner_id=partner,
            year=year,
            flow=flow,
            dataset="imf-dots",
            valuation=TradeFlow.Valuation.FOB if flow == "export" else TradeFlow.Valuation.CIF,
            estimated=(reporter, partner, flow, year) == estimated,
            value_usd=Decimal(value) * 10**6,
        )
        for (reporter, partner, flow), values in DOTS.items()
        for year, value in zip((2015, 2016), values, strict=True)
    )


def comtrade(reporter, partner, years, *, month=None, value=1_000_000):
    for year in years:
        for flow in ("export", "import"):
            TradeFlow.objects.create(
                reporter_id=reporter,
                partner_id=partner,
                year=year,
                month=month,
                flow=flow,
                dataset="comtrade",
                value_usd=Decimal(value),
            )


def csv_rows(response):
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_seed_case_sets_the_ministers_claims_beside_both_sides_statistics(analyst_api):
    call_command("load_demo", verbosity=0)
    add_dots_seed()

    body = analyst_api.get(SERIES, {"a": "RUS", "b": "TJK"}).json()

    assert (body["dataset"], body["citation"]) == ("imf-dots", "Source: IMF, Direction of Trade Statistics (DOTS)")
    assert body["valuations"] == {"exports": ["fob"], "imports": ["cif"]}
    assert body["estimated_figures"] == 1
    assert [p["year"] for p in body["periods"]] == [2015, 2016]
    year = body["periods"][1]
    tajik, russian = year["b_reports"], year["a_reports"]
    assert (tajik["reported_by"], tajik["turnover"], tajik["turnover_with_world"]) == (
        "TJK",
        "1036460000.00",
        "3997110000.00",
    )
    assert (russian["reported_by"], russian["turnover"]) == ("RUS", "687900000.00")
    assert year["b_turnover_yoy_percent"] == "-7.78"
    assert year["a_turnover_yoy_percent"] == "-15.57"
    assert year["a_share_of_b_turnover_percent"] == "25.93"  # Russia's share of Tajikistan's turnover
    assert year["b_marks"]["exports_to_partner"] == {"valuation": "fob", "estimated": False}
    assert year["b_marks"]["imports_from_partner"] == {"valuation": "cif", "estimated": False}
    assert year["b_marks"]["turnover"] == {"valuation": "mixed", "estimated": False}
    assert year["a_marks"]["imports_from_partner"] == {"valuation": "cif", "estimated": True}
    assert year["a_marks"]["turnover"]["estimated"] is True  # an estimate is part of it

    claims = {claim["metric"]: claim for claim in year["claims"]}
    turnover, change, share = claims["turnover"], claims["yoy_change"], claims["partner_share"]
    assert (turnover["value"], turnover["qualifier"], turnover["reported_by"]) == (
        "1000000000.0000",
        "more_than",
        "TJK",
    )
    assert (turnover["statistic"], turnover["gap"], turnover["gap_percent"]) == (
        "1036460000.00",
        "-36460000.0000",
        "-3.52",
    )
    assert (turnover["mirror_reported_by"], turnover["mirror_statistic"]) == ("RUS", "687900000.00")
    assert turnover["mirror_statistic_estimated"] is True and turnover["statistic_estimated"] is False
    assert (change["value"], change["statistic"], change["gap"]) == ("-6.3000", "-7.78", "1.4800")
    assert change["mirror_statistic"] == "-15.57"
    assert (share["value"], share["statistic"], share["gap"]) == ("26.4000", "25.93", "0.4700")
    assert share["mirror_statistic"] is None  # Russia does not report Tajikistan's total


def test_the_series_defaults_to_the_pairs_longest_dataset_and_imf_dots_at_equal_length(analyst_api):
    add_dots_seed()
    comtrade("TJK", "RUS", [2014, 2015, 2016])

    longest = analyst_api.get(SERIES, {"a": "TJK", "b": "RUS"}).json()
    assert longest["dataset"] == "comtrade" and longest["citation"] == "Source: UN Comtrade"
    assert [(d["dataset"], d["periods"], d["first_year"], d["last_year"]) for d in longest["datasets"]] == [
        ("comtrade", 3, 2014, 2016),
        ("imf-dots", 2, 2015, 2016),
    ]
    # Equal length (2015-2016 each): IMF DOTS.
    tie = analyst_api.get(SERIES, {"a": "TJK", "b": "RUS", "year_from": 2015}).json()
    assert tie["dataset"] == "imf-dots" and tie["periods"][1]["a_reports"]["turnover"] == "1036460000.00"
    chosen = analyst_api.get(SERIES, {"a": "TJK", "b": "RUS", "dataset": "comtrade", "year_from": 2015}).json()
    assert chosen["dataset"] == "comtrade" and chosen["periods"][1]["a_reports"]["turnover"] == "2000000.00"
    assert chosen["valuations"] == {"exports": [""], "imports": [""]}  # Comtrade's figures do not say
    assert chosen["periods"][1]["a_marks"]["exports_to_partner"] == {"valuation": "", "estimated": False}


def test_a_monthly_series_has_months_only_and_compares_each_with_the_same_month_a_year_before(analyst_api):
    comtrade("TJK", "RUS", [2019, 2020], value=1_000_000)  # annual figures: not in a monthly answer
    for month, value in ((1, 100), (2, 200), (12, 300)):
        comtrade("TJK", "RUS", [2019], month=month, value=value)
    for month, value in ((1, 150), (2, 100)):
        comtrade("TJK", "RUS", [2020], month=month, value=value)

    monthly = analyst_api.get(SERIES, {"a": "TJK", "b": "RUS", "frequency": "monthly"}).json()
    annual = analyst_api.get(SERIES, {"a": "TJK", "b": "RUS"}).json()

    assert monthly["frequency"] == "monthly"
    assert [(p["year"], p["month"]) for p in monthly["periods"]] == [
        (2019, 1),
        (2019, 2),
        (2019, 12),
        (2020, 1),
        (2020, 2),
    ]
    change = {(p["year"], p["month"]): p["a_turnover_yoy_percent"] for p in monthly["periods"]}
    # January 2020 against January 2019 (not December 2019), February against February.
    assert change == {(2019, 1): None, (2019, 2): None, (2019, 12): None, (2020, 1): "50.00", (2020, 2): "-50.00"}
    assert [(p["year"], p["month"]) for p in annual["periods"]] == [(2019, None), (2020, None)]
    assert annual["periods"][1]["a_turnover_yoy_percent"] == "0.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"a": "TJK", "b": "RUS", "frequency": "weekly"}, "frequency"),
        ({"a": "TJK", "b": "RUS", "dataset": "x" * 41}, "dataset"),
        ({"a": "TJK", "b": "RUS", "commodity": "1" * 13}, "commodity"),
        ({"a": "TJK", "b": "RUS", "year_from": "2016", "year_to": "2015"}, "year_to"),
        ({"a": "TJK", "b": "RUS", "year_to": "3000"}, "year_to"),
        ({"a": "TJK"}, "b"),
        ({"a": "TJKX", "b": "RUS"}, "a"),
    ],
)
def test_a_bad_series_parameter_is_a_400_naming_it(analyst_api, params, field):
    response = analyst_api.get(SERIES, params)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


# Committed rows: on PostgreSQL the CSV is written by COPY on a connection of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_flows_list_and_its_csv_carry_each_figures_valuation_and_estimate_mark(analyst_api):
    add_dots_seed()
    params = {"reporter": "RUS", "partner": "TJK", "year": 2016}

    listed = sorted(analyst_api.get(FLOWS, params).json()["results"], key=lambda row: row["flow"])
    exported = sorted(csv_rows(analyst_api.get(FLOWS, params | {"format": "csv"})), key=lambda row: row["flow"])
    one = csv_rows(analyst_api.get(reverse("trade-flows-detail", args=[listed[1]["id"]]), {"format": "csv"}))

    assert [(r["flow"], r["valuation"], r["valuation_label"], r["estimated"]) for r in listed] == [
        ("export", "fob", "FOB", False),
        ("import", "cif", "CIF", True),
    ]
    assert [(r["flow"], r["valuation"], r["estimated"]) for r in exported] == [
        ("export", "fob", "false"),
        ("import", "cif", "true"),
    ]
    assert [(r["id"], r["value_usd"], r["estimated"]) for r in one] == [(str(listed[1]["id"]), "26400000.00", "true")]


def test_the_series_csv_gives_each_figures_valuation_and_estimate_mark(analyst_api):
    add_dots_seed()

    rows = csv_rows(analyst_api.get(SERIES, {"a": "RUS", "b": "TJK", "format": "csv"}))

    assert [row["year"] for row in rows] == ["2015", "2016"]
    assert rows[1]["a_imports_from_b"] == "26400000.00" and rows[1]["dataset"] == "imf-dots"
    assert (rows[1]["a_imports_from_b_valuation"], rows[1]["a_imports_from_b_estimated"]) == ("cif", "true")
    assert (rows[1]["b_exports_to_a_valuation"], rows[1]["b_exports_to_a_estimated"]) == ("fob", "false")


def test_the_series_costs_two_queries_whatever_the_datasets_and_months(analyst_api):
    add_dots_seed()
    analyst_api.get(SERIES, {"a": "TJK", "b": "RUS"})  # warm the per-user permission cache
    with CaptureQueriesContext(connection) as few:
        analyst_api.get(SERIES, {"a": "TJK", "b": "RUS", "frequency": "monthly"})
    comtrade("TJK", "RUS", range(1990, 2015))
    for month in range(1, 13):
        comtrade("RUS", "TJK", range(2000, 2010), month=month)
    with CaptureQueriesContext(connection) as many:
        body = analyst_api.get(SERIES, {"a": "TJK", "b": "RUS", "frequency": "monthly"}).json()
    assert len(body["periods"]) == 120
    assert len(many) == len(few)


def test_the_schema_documents_every_series_parameter_the_api_validates():
    from trade.api import SERIES_PARAMETERS, TradeSeriesQuerySerializer
    from trade.series import FREQUENCIES

    documented = {parameter.name: parameter for parameter in SERIES_PARAMETERS}
    assert set(documented) == set(TradeSeriesQuerySerializer().fields)
    assert tuple(documented["frequency"].enum) == FREQUENCIES
    assert tuple(TradeSeriesQuerySerializer().fields["frequency"].choices) == FREQUENCIES
