"""Trade for data users: flows (JSON and streamed CSV), the pair series with claims, and claims."""

import csv
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TradeFlowFactory, country
from trade.models import TradeFlow

FLOWS = reverse("trade-flows-list")
SERIES = reverse("trade-series")


def flows(reporter, partner, year, exports, imports, dataset="comtrade"):
    TradeFlowFactory(
        reporter=country(reporter),
        partner=country(partner),
        year=year,
        flow="export",
        value_usd=Decimal(exports),
        dataset=dataset,
    )
    TradeFlowFactory(
        reporter=country(reporter),
        partner=country(partner),
        year=year,
        flow="import",
        value_usd=Decimal(imports),
        dataset=dataset,
    )


def csv_rows(response):
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def all_json(client, params):
    rows, url = [], FLOWS
    while url:
        page = client.get(url, params).json()
        rows += page["results"]
        url, params = page["next"], None
    return rows


def as_csv_values(row):
    return {
        key: "" if row[key] is None else str(row[key]).lower() if isinstance(row[key], bool) else str(row[key])
        for key in (
            "id",
            "reporter",
            "partner",
            "year",
            "month",
            "flow",
            "commodity_code",
            "value_usd",
            "valuation",
            "estimated",
            "dataset",
            "release",
            "source",
        )
    }


@pytest.mark.django_db
def test_flows_filter_by_pair_in_either_direction_and_by_year_and_flow(analyst_api):
    flows("RUS", "TJK", 2021, 1114, 50)
    flows("TJK", "RUS", 2021, 72, 958)
    flows("RUS", "KGZ", 2021, 1, 1)
    flows("RUS", "TJK", 2019, 1, 1)

    rows = analyst_api.get(FLOWS, {"pair": "tjk-rus", "year_from": 2020, "flow": "export"}).json()["results"]

    assert sorted((r["reporter"], r["partner"], r["value_usd"]) for r in rows) == [
        ("RUS", "TJK", "1114.00"),
        ("TJK", "RUS", "72.00"),
    ]
    assert rows[0]["flow_label"] == "Export"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "99999999999"}, "year"),
        ({"year_from": "abc"}, "year_from"),
        ({"reporter": "ZZZ"}, "reporter"),
        ({"month": "13"}, "month"),
        ({"flow": "smuggled"}, "flow"),
        ({"commodity": "\x00"}, "commodity"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_bad_flow_filters_are_400s(analyst_api, params, field):
    response = analyst_api.get(FLOWS, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_flows_page_costs_the_same_queries_for_one_row_as_for_fifty(analyst_api):
    flows("RUS", "TJK", 2000, 1, 1)
    analyst_api.get(FLOWS)  # warm the per-user permission cache
    with CaptureQueriesContext(connection) as few:
        analyst_api.get(FLOWS)
    for year in range(2001, 2025):
        flows("RUS", "TJK", year, 1, 1)
    with CaptureQueriesContext(connection) as many:
        assert len(analyst_api.get(FLOWS).json()["results"]) == 50
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "ask", [{"params": {"format": "csv"}}, {"headers": {"HTTP_ACCEPT": "text/csv"}}], ids=["format", "accept"]
)
def test_the_csv_export_matches_the_json(analyst_api, ask):
    flows("RUS", "TJK", 2021, "1114412345.67", 50)
    flows("TJK", "RUS", 2021, 72, "958.10")
    TradeFlowFactory(
        reporter=country("HKG"), partner=country("RUS"), year=2021, month=3, release='China, "Hong Kong" SAR'
    )

    response = analyst_api.get(FLOWS, {"page_size": 1000, **ask.get("params", {})}, **ask.get("headers", {}))
    exported = csv_rows(response)

    assert exported == [as_csv_values(row) for row in all_json(analyst_api, {})]
    assert exported[-1]["release"] == 'China, "Hong Kong" SAR'


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hundred_thousand_flows_stream_as_csv_and_match_the_json(analyst_api):
    codes = ["RUS", "TJK", "KGZ", "KAZ", "UZB", "CHN", "TUR", "IRN", "AFG", "USA"]
    generated = (
        TradeFlow(
            reporter_id=r,
            partner_id=p,
            year=year,
            month=month,
            flow=flow,
            value_usd=Decimal(year * 100 + month) / 7,
            dataset="comtrade",
        )
        for r in codes
        for p in codes
        if r != p
        for year in range(1960, 2007)
        for month in range(1, 13)
        for flow in ("export", "import")
    )
    TradeFlow.objects.bulk_create(generated, batch_size=5000)
    assert TradeFlow.objects.count() == 101_520

    exported = csv_rows(analyst_api.get(FLOWS, {"format": "csv"}))
    json_rows = all_json(analyst_api, {"page_size": 1000})

    assert len(exported) == 101_520
    assert exported == [as_csv_values(row) for row in json_rows]


@pytest.mark.django_db
def test_the_series_shows_each_side_with_indicators_and_the_ministers_claims_against_the_statistics(analyst_api):
    call_command("load_demo", verbosity=0)
    flows("TJK", "RUS", 2015, 100, 1000)
    flows("TJK", "RUS", 2016, 72, 958)
    flows("TJK", "W00", 2016, 899, 3000)
    flows("RUS", "TJK", 2016, 1114, 50)

    body = analyst_api.get(SERIES, {"a": "tjk", "b": "RUS"}).json()

    year_2016 = next(p for p in body["periods"] if p["year"] == 2016)
    assert year_2016["a_reports"] | {"sources": []} == {
        "reported_by": "TJK",
        "exports_to_partner": "72.00",
        "imports_from_partner": "958.00",
        "turnover": "1030.00",
        "turnover_with_world": "3899.00",
        "sources": [],
    }
    assert (year_2016["b_reports"]["exports_to_partner"], year_2016["b_reports"]["reported_by"]) == ("1114.00", "RUS")
    assert year_2016["a_turnover_yoy_percent"] == "-6.36"
    assert year_2016["b_share_of_a_turnover_percent"] == "26.42"
    claims = {c["metric"]: c for c in year_2016["claims"]}
    assert (claims["turnover"]["value"], claims["turnover"]["statistic"], claims["turnover"]["qualifier"]) == (
        "1000000000.0000",
        "1030.00",
        "more_than",
    )
    assert claims["yoy_change"]["gap"] == "0.0600"
    assert claims["partner_share"]["statistic"] == "26.42"


@pytest.mark.django_db
def test_the_series_costs_two_queries_whatever_the_number_of_years(analyst_api):
    flows("TJK", "RUS", 2000, 1, 1)
    analyst_api.get(SERIES, {"a": "TJK", "b": "RUS"})  # warm the per-user permission cache
    with CaptureQueriesContext(connection) as few:
        analyst_api.get(SERIES, {"a": "TJK", "b": "RUS"})
    for year in range(2001, 2021):
        flows("TJK", "RUS", year, 1, 1)
        flows("RUS", "TJK", year, 1, 1)
    with CaptureQueriesContext(connection) as many:
        assert len(analyst_api.get(SERIES, {"a": "TJK", "b": "RUS"}).json()["periods"]) == 21
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_series_as_csv_has_a_row_per_period(analyst_api):
    flows("TJK", "RUS", 2016, 72, 958)
    rows = csv_rows(analyst_api.get(SERIES, {"a": "TJK", "b": "RUS", "format": "csv"}))
    assert rows == [
        {
            "year": "2016",
            "month": "",
            "a": "TJK",
            "b": "RUS",
            "a_exports_to_b": "72.00",
            "a_imports_from_b": "958.00",
            "a_turnover_with_b": "1030.00",
            "b_exports_to_a": "",
            "b_imports_from_a": "",
            "b_turnover_with_a": "",
            "a_turnover_yoy_percent": "",
            "b_share_of_a_turnover_percent": "",
            "dataset": "comtrade",
            "a_exports_to_b_valuation": "",
            "a_exports_to_b_estimated": "false",
            "a_imports_from_b_valuation": "",
            "a_imports_from_b_estimated": "false",
            "b_exports_to_a_valuation": "",
            "b_exports_to_a_estimated": "",
            "b_imports_from_a_valuation": "",
            "b_imports_from_a_estimated": "",
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"b": "RUS"}, "a"),
        ({"a": "TJK", "b": "XXX"}, "b"),
        ({"a": "TJK", "b": "TJK"}, "b"),
        ({"a": "TJK", "b": "RUS", "year_from": "-1"}, "year_from"),
    ],
)
def test_a_bad_series_request_is_a_400(analyst_api, params, field):
    response = analyst_api.get(SERIES, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_editors_record_claims_and_a_percentage_in_dollars_is_refused(editor_api, analyst_api):
    good = {
        "reporter": "TJK",
        "partner": "RUS",
        "year": 2016,
        "metric": "partner_share",
        "value": "26.4",
        "unit": "percent",
    }
    assert editor_api.post(reverse("trade-claims-list"), good, format="json").status_code == 201
    response = editor_api.post(reverse("trade-claims-list"), good | {"unit": "usd"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["unit"] == ["Partner's share of total turnover is stated in percent."]
    assert analyst_api.post(reverse("trade-claims-list"), good, format="json").status_code == 403
    assert (
        analyst_api.get(reverse("trade-claims-list"), {"pair": "RUS-TJK"}).json()["results"][0]["metric_label"]
        == "Partner's share of total turnover"
    )


@pytest.mark.django_db
def test_the_fast_flows_list_shows_exactly_what_the_serializer_would(analyst_api):
    from trade.api import TradeFlowSerializer

    flows("RUS", "TJK", 2021, "1114246510.97", "0.5")
    TradeFlowFactory(reporter=country("HKG"), partner=country("RUS"), year=2021, month=3, release="v2")

    listed = all_json(analyst_api, {})

    assert listed == TradeFlowSerializer(TradeFlow.objects.order_by("id"), many=True).data


FILTER_CASES = [
    {},
    {"reporter": "RUS"},
    {"reporter": "rus"},
    {"partner": "TJK"},
    {"partner": "W00"},
    {"pair": "TJK-RUS"},
    {"pair": "RUS-TJK", "flow": "export"},
    {"country": "TJK"},
    {"flow": ["export", "re_export"]},
    {"year": "2020"},
    {"year": "2020.0"},
    {"year_from": "2019", "year_to": "2020"},
    {"month": "3"},
    {"annual": "true"},
    {"annual": "false"},
    {"commodity": "27"},
    {"commodity": "TOTAL", "dataset": "imf"},
    {"dataset": "comtrade"},
    {"updated_since": "2024-06-01T02:00:00+02:00"},
    {"country": "RUS", "year_from": "2020", "annual": "false", "flow": "import"},
    {"ordering": "-id"},
    {"ordering": "-id", "reporter": "TJK"},
    {"ordering": "id"},
    {"reporter": "KGZ", "partner": "KAZ"},
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", FILTER_CASES, ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()) or "none"
)
def test_the_flows_list_sql_finds_what_the_filterset_finds_page_after_page(analyst_api, params):
    """trade/flow_sql.py writes the flows list's SQL by hand; TradeFlowFilter is the definition."""
    import datetime

    from trade.api import TradeFlowFilter

    for reporter, partner in (("RUS", "TJK"), ("TJK", "RUS"), ("TJK", "W00"), ("KGZ", "RUS"), ("RUS", "KAZ")):
        for year, month, flow, commodity, dataset in (
            (2019, None, "export", "TOTAL", "comtrade"),
            (2020, None, "import", "TOTAL", "comtrade"),
            (2020, 3, "export", "27", "comtrade"),
            (2021, 3, "re_export", "TOTAL", "imf"),
            (2020, 11, "import", "TOTAL", "imf"),
        ):
            TradeFlowFactory(
                reporter=country(reporter),
                partner=country(partner),
                year=year,
                month=month,
                flow=flow,
                commodity_code=commodity,
                dataset=dataset,
            )
    stamps = [
        datetime.datetime(2024, 5, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
        datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
    ]
    for index, pk in enumerate(TradeFlow.objects.values_list("pk", flat=True)):
        TradeFlow.objects.filter(pk=pk).update(updated_at=stamps[index % 2])
    data = QueryDict(urlencode({k: v for k, v in params.items() if k != "ordering"}, doseq=True))
    filterset = TradeFlowFilter(data, TradeFlow.objects.all())
    assert filterset.is_valid(), filterset.errors
    expected = list(filterset.qs.order_by(params.get("ordering", "id")).values_list("id", flat=True))

    listed, url, query = [], FLOWS, {**params, "page_size": 4}
    while url:
        response = analyst_api.get(url, query)
        assert response.status_code == 200, response.content
        listed += [row["id"] for row in response.json()["results"]]
        url, query = response.json()["next"], None

    assert listed == expected
    # The rows are such that each filter keeps some and drops some (the last case none).
    filtering = set(params) - {"ordering"}
    assert (len(expected) == TradeFlow.objects.count()) == (not filtering)
    assert bool(expected) == (params != {"reporter": "KGZ", "partner": "KAZ"})


def test_every_flows_filter_has_its_sql():
    from trade.api import TradeFlowFilter
    from trade.flow_sql import FILTERS

    assert set(TradeFlowFilter.base_filters) == FILTERS


@pytest.mark.django_db
def test_the_next_link_is_the_request_with_its_cursor_replaced(analyst_api):
    from urllib.parse import parse_qs, urlsplit

    from rest_framework.utils.urls import replace_query_param

    flows("RUS", "TJK", 2021, 1, 1)
    query = "flow=export&flow=import&dataset=comtrade&commodity=&page_size=1&junk=a+b%C3%A9&cursor="
    response = analyst_api.get(f"{FLOWS}?{query}")
    assert response.status_code == 200, response.content
    link = response.json()["next"]
    cursor = parse_qs(urlsplit(link).query)["cursor"][0]
    assert link == replace_query_param(f"http://testserver{FLOWS}?{query}", "cursor", cursor)
