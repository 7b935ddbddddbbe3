"""The timeline API reads the materialised timeline through the selectors."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import VisitFactory, country

pytestmark = pytest.mark.django_db
URL = reverse("timeline")


@pytest.fixture
def demo_timeline():
    call_command("load_demo", verbosity=0)
    call_command("refresh_timelines", "--full", verbosity=0)


def walk(client, params):
    rows, url = [], URL
    while url:
        page = client.get(url, params).json()
        rows += page["results"]
        url, params = page["next"], None
    return rows


def test_the_pair_timeline_tells_the_dushanbe_story_in_order_either_way_round(analyst_api, demo_timeline):
    forward = walk(analyst_api, {"pair": "RUS-TJK", "page_size": 2})
    backward = walk(analyst_api, {"pair": "tjk-rus", "page_size": 50})

    assert forward == backward
    assert [row["date"] for row in forward] == sorted(row["date"] for row in forward)
    visits = [row for row in forward if row["kind"] == "visit"]
    assert any(row["when"] == "27–28 Feb 2017" for row in visits)
    assert all({row["country_a"], row["country_b"]} == {"RUS", "TJK"} for row in forward)


def test_kinds_and_dates_narrow_the_timeline(analyst_api, demo_timeline):
    rows = walk(analyst_api, {"pair": "RUS-TJK", "kind": "visit_status", "date_from": "2017-02-01"})
    assert rows and all(row["kind"] == "visit_status" and row["date"] >= "2017-02-01" for row in rows)


def test_the_timeline_streams_as_csv_with_the_same_entries(analyst_api, demo_timeline):
    response = analyst_api.get(URL, {"pair": "RUS-TJK", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["date"], r["title"]) for r in rows] == [
        (r["date"], r["title"]) for r in walk(analyst_api, {"pair": "RUS-TJK"})
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pair": "RUS"}, "pair"),
        ({"country": "XXX"}, "country"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"kind": "gossip"}, "kind"),
        ({"date_from": "2017-13-01"}, "date_from"),
        ({"cursor": "yesterday"}, "cursor"),
        ({"pair": "RUS-TJK", "country": "RUS"}, "non_field_errors"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_timeline_parameters_are_400s(analyst_api, params, field):
    response = analyst_api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_timeline_page_costs_the_same_queries_at_ten_entries_and_at_many(analyst_api):
    def visits(n):
        VisitFactory.create_batch(n, visitor_country=country("RUS"), host_country=country("TJK"))
        call_command("refresh_timelines", "--full", verbosity=0)

    visits(3)
    analyst_api.get(URL, {"pair": "RUS-TJK", "page_size": 10})  # warm the permission and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert analyst_api.get(URL, {"pair": "RUS-TJK", "page_size": 10}).status_code == 200
    visits(60)
    with CaptureQueriesContext(connection) as many:
        assert len(analyst_api.get(URL, {"pair": "RUS-TJK", "page_size": 10}).json()["results"]) == 10
    assert len(many) == len(few)


def test_the_timeline_needs_a_role(api):
    assert api.get(URL).status_code == 401
