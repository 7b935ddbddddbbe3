"""The pair page's trade chart fetches the visits it marks: the page itself carries none of them."""

import json
import re

import pytest
from django.urls import reverse

from tests.data import TRADE_YEARS
from timelines.pages import places
from visits.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]  # every test reads the demo case


def chart_data(html: str) -> dict:
    found = re.search(r'<script id="pair-trade-chart" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the pair page has no chart data"
    return json.loads(found.group(1))


def marks(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.json()["marks"]


def test_the_pair_page_names_where_its_chart_finds_the_visits_over_the_years_it_covers(analyst_client, demo):
    chart = chart_data(analyst_client.get(reverse("pair", args=["TJK-RUS"])).content.decode())

    assert chart["marks"] == []
    assert (
        chart["marks_url"]
        == reverse("pair-visit-marks", args=["RUS-TJK"]) + f"?from={min(TRADE_YEARS)}&to={max(TRADE_YEARS)}"
    )


def test_the_marks_are_the_visits_either_way_in_those_years_newest_first(analyst_client, demo):
    first, last = min(TRADE_YEARS), max(TRADE_YEARS)
    expected = (
        Visit.objects.for_pair("RUS", "TJK")
        .filter(start_date__year__gte=first, start_date__year__lte=last)
        .order_by("-start_date", "-id")
    )

    found = marks(analyst_client, reverse("pair-visit-marks", args=["RUS-TJK"]) + f"?from={first}&to={last}")

    assert [mark["label"] for mark in found] == [str(visit) for visit in expected] != []
    assert [mark["url"] for mark in found] == [reverse("visit", args=[visit.pk]) for visit in expected]
    dushanbe = next(mark for mark in found if mark["url"] == reverse("visit", args=[demo["dushanbe"].pk]))
    assert 2017 < dushanbe["x0"] < dushanbe["x1"] < 2018  # the days it covers, on the chart's years axis


def test_years_outside_the_chart_are_left_out(analyst_client, demo):
    assert marks(analyst_client, reverse("pair-visit-marks", args=["RUS-TJK"]) + "?from=1990&to=1991") == []


def test_the_marks_stop_at_the_newest_few(analyst_client, demo, monkeypatch):
    monkeypatch.setattr(places, "MARKED_VISITS", 1)
    newest = Visit.objects.for_pair("RUS", "TJK").order_by("-start_date", "-id").first()

    found = marks(analyst_client, reverse("pair-visit-marks", args=["RUS-TJK"]))

    assert [mark["url"] for mark in found] == [reverse("visit", args=[newest.pk])]
