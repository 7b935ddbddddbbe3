"""Subscriptions: each timeline's Atom feed and the iCalendar of upcoming visits parse and say the right things."""

import datetime

import feedparser
import icalendar
import pytest
from django.urls import reverse

from core.models import ApiToken
from directory.models import Person
from tests.data import build_timelines
from tests.factories import VisitFactory, country
from visits.models import NegotiationTopic, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]  # every test reads the demo case


def atom(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.mark.parametrize(
    "url_of",
    [
        lambda: reverse("pair-feed", args=["TJK-RUS"]),
        lambda: reverse("country-feed", args=["TJK"]),
        lambda: reverse("person-feed", args=[Person.objects.get(name="Vladimir Putin").pk]),
        lambda: reverse("topic-feed", args=["tajikistan-eaeu-accession"]),
    ],
    ids=["pair", "country", "person", "topic"],
)
def test_every_timeline_has_a_valid_atom_feed_linking_each_entry_to_its_record(analyst_client, demo, url_of):
    feed = atom(analyst_client, url_of())

    assert feed.version == "atom10"
    assert feed.entries
    for entry in feed.entries:
        assert entry.link.startswith("http://testserver/")
        assert entry.id.startswith("urn:chancery:timeline:")
        assert entry.updated_parsed


def test_the_pair_feed_has_the_demo_visits_newest_first_with_their_dates(analyst_client, demo):
    feed = atom(analyst_client, reverse("pair-feed", args=["RUS-TJK"]))

    assert feed.feed.title == "Chancery: Russia and Tajikistan"
    titles = [entry.title for entry in feed.entries]
    visit = next(t for t in titles if "Official visit by Vladimir Putin to Tajikistan" in t)
    assert visit.startswith("27 Feb 2017")
    assert titles.index(next(t for t in titles if t.startswith("2019:"))) < titles.index(visit)  # newest first
    link = next(e.link for e in feed.entries if e.title == visit)
    assert link.endswith(reverse("visit", args=[demo["dushanbe"].pk]))


def test_the_topic_feed_follows_the_stances(analyst_client, demo):
    topic = NegotiationTopic.objects.get(slug="tajikistan-eaeu-accession")

    feed = atom(analyst_client, reverse("topic-feed", args=[topic.slug]))

    assert any("Tajikistan is undecided on" in entry.title for entry in feed.entries)


def calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_calendar_has_upcoming_visits_over_the_period_their_dates_cover(analyst_client, demo):
    today = datetime.date.today()
    next_month = (today.replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    on_a_day = VisitFactory(start_date=today + datetime.timedelta(days=3), end_date=today + datetime.timedelta(days=4))
    in_a_month = VisitFactory(
        start_date=next_month, start_precision="month", end_date=None, status=Visit.Status.RUMOURED
    )
    VisitFactory(
        start_date=today + datetime.timedelta(days=5), end_date=None, host_country=country("KGZ")
    )  # another pair
    VisitFactory(start_date=today + datetime.timedelta(days=6), end_date=None, status=Visit.Status.CANCELLED)

    parsed = calendar(analyst_client, reverse("pair-calendar", args=["TJK-RUS"]))

    events = {str(event["uid"]): event for event in parsed.walk("VEVENT")}
    assert set(events) == {f"visit-{on_a_day.pk}@chancery", f"visit-{in_a_month.pk}@chancery"}
    day = events[f"visit-{on_a_day.pk}@chancery"]
    assert day.decoded("dtstart") == on_a_day.start_date
    assert day.decoded("dtend") == on_a_day.end_date + datetime.timedelta(days=1)  # all day, end exclusive
    assert str(day["status"]) == "TENTATIVE"
    month = events[f"visit-{in_a_month.pk}@chancery"]
    assert month.decoded("dtstart") == next_month
    assert month.decoded("dtend") == (next_month + datetime.timedelta(days=32)).replace(day=1)  # the whole month
    assert "not yet known to the day" in str(month["summary"])
    assert str(month["url"]).endswith(reverse("visit", args=[in_a_month.pk]))


def test_the_country_calendar_has_its_visits_either_way(analyst_client, demo):
    soon = datetime.date.today() + datetime.timedelta(days=2)
    made = VisitFactory(start_date=soon, end_date=None, visitor_country=country("TJK"), host_country=country("KGZ"))

    parsed = calendar(analyst_client, reverse("country-calendar", args=["TJK"]))

    assert [str(event["uid"]) for event in parsed.walk("VEVENT")] == [f"visit-{made.pk}@chancery"]


def test_a_feed_reader_with_an_api_token_gets_the_feed_and_a_bad_token_does_not(client, analyst, demo):
    _, token = ApiToken.objects.create(user=analyst, name="feed reader")
    url = reverse("pair-feed", args=["RUS-TJK"])

    assert atom(client, url, HTTP_AUTHORIZATION=f"Token {token}").entries
    assert client.get(url, HTTP_AUTHORIZATION="Token chy_not-a-token").status_code == 401
    assert client.get(url).status_code == 302  # no session, no token: to the login page


def test_the_feeds_are_refreshed_from_the_timeline(analyst_client, demo):
    VisitFactory(start_date=datetime.date(2020, 3, 3), end_date=None, locale="Khujand")
    build_timelines()

    feed = atom(analyst_client, reverse("pair-feed", args=["RUS-TJK"]))

    assert any("Khujand" in entry.title for entry in feed.entries)
