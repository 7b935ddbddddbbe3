"""Values already stored, however they got there, never break a read for everyone (issue 19, finding 3).

Rows written before a rule existed, or by a bulk path that skips validation, are stood for
here by `queryset.update`: a control character in a visit's summary, a date in the last month
a date can hold. Every read that shows the visit answers, with the visit in it.
"""

import datetime

import feedparser
import icalendar
import pytest
from django.urls import reverse

from tests.data import build_timelines
from tests.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def stored(**values) -> Visit:
    visit = VisitFactory(summary="Talks on water.", status=Visit.Status.ANNOUNCED)
    Visit.objects.filter(pk=visit.pk).update(**values)
    build_timelines()
    return Visit.objects.get(pk=visit.pk)


READS = {
    "pair feed": lambda visit: reverse("pair-feed", args=["RUS-TJK"]),
    "country feed": lambda visit: reverse("country-feed", args=["TJK"]),
    "visit page": lambda visit: reverse("visit", args=[visit.pk]),
    "pair page": lambda visit: reverse("pair", args=["RUS-TJK"]),
    "pair calendar": lambda visit: reverse("pair-calendar", args=["RUS-TJK"]),
    "country calendar": lambda visit: reverse("country-calendar", args=["TJK"]),
    "pair timeline.json": lambda visit: reverse("pair-timeline-items", args=["RUS-TJK"]),
    "country timeline.json": lambda visit: reverse("country-timeline-items", args=["TJK"]),
    "visit marks": lambda visit: reverse("pair-visit-marks", args=["RUS-TJK"]),
    "API detail": lambda visit: f"/api/v1/visits/{visit.pk}/",
    "API list": lambda visit: "/api/v1/visits/?host_country=TJK",
}


@pytest.mark.parametrize("read", READS)
def test_a_control_character_in_a_stored_summary_breaks_no_read(analyst_client, read):
    visit = stored(summary="Talks\u000bon water.\u0001")  # PostgreSQL stores no NUL, so none here
    response = analyst_client.get(READS[read](visit))
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("read", READS)
def test_a_date_in_the_last_month_a_date_holds_breaks_no_read(analyst_client, read):
    visit = stored(start_date=datetime.date(9999, 12, 31), start_precision="month", end_date=None)
    response = analyst_client.get(READS[read](visit))
    assert response.status_code == 200, response.content[:300]


def test_the_feed_keeps_the_entry_and_drops_only_the_character_xml_cannot_hold(analyst_client):
    stored(summary="Talks\u0001on water.")  # not whitespace, so the timeline's summary keeps it
    feed = feedparser.parse(analyst_client.get(reverse("pair-feed", args=["RUS-TJK"])).content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.summary for entry in feed.entries] == ["Talkson water."]


def test_the_calendar_runs_a_visit_in_the_last_month_to_the_last_day_a_date_holds(analyst_client):
    visit = stored(start_date=datetime.date(9999, 12, 31), start_precision="month", end_date=None)
    body = analyst_client.get(reverse("pair-calendar", args=["RUS-TJK"])).content
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["uid"]) == f"visit-{visit.pk}@chancery"
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (datetime.date(9999, 12, 1), datetime.date.max)
