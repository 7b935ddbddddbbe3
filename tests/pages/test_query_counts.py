"""Each page makes the same number of queries with a little data and with a lot.

Everything a page lists grows between the two measurements: visits either way, their
history, agenda and sources; agreements with their drafts; topics and stances; trade
figures; the timeline rows computed from all of it.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.services import add_draft_version
from core.status import record_first_status
from tests.data import build_timelines
from tests.factories import (
    AgendaItemFactory,
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    PersonFactory,
    PositionFactory,
    TopicStanceFactory,
    TourFactory,
    TradeFlowFactory,
    VisitFactory,
    country,
)
from visits.models import Visit

pytestmark = pytest.mark.django_db


class Story:
    """A pair's records, made to grow: `grow(n)` adds n of everything the pages list."""

    def __init__(self):
        # Every list is non-empty from the start: an empty page skips its rows' query.
        self.years = itertools.count(1990)
        self.putin = PersonFactory(name="Vladimir Putin")
        PositionFactory(person=self.putin, title="President", start_date=datetime.date(1980, 1, 1))
        self.rahmon = PersonFactory(name="Emomali Rahmon", country=country("TJK"))
        PositionFactory(
            person=self.rahmon, title="President", country=country("TJK"), start_date=datetime.date(1980, 1, 1)
        )
        self.tour = TourFactory(traveller=self.putin)
        self.topic = NegotiationTopicFactory(title="Ayni airfield", slug="ayni")
        self.topic.countries.add("RUS", "TJK")
        self.agreement = AgreementFactory(title="Cooperation agreement")
        self.agreement.topics.add(self.topic)
        record_first_status(self.agreement, on=datetime.date(2017, 2, 1))
        self.visit = self.visit_to("TJK", datetime.date(2017, 2, 27))
        self.grow(2)

    def visit_to(self, host: str, day: datetime.date) -> Visit:
        visitor, home = (self.putin, "RUS") if host == "TJK" else (self.rahmon, "TJK")
        visit = VisitFactory(
            visitor=visitor,
            visitor_country=country(home),
            host_country=country(host),
            start_date=day,
            end_date=day,
            tour=self.tour if host == "TJK" else None,
            status=Visit.Status.COMPLETED,
        )
        record_first_status(visit, on=day)
        CitationFactory(record=visit)
        AgendaItemFactory(visit=visit, topic=self.topic)
        return visit

    def grow(self, n: int) -> None:
        for _ in range(n):
            year = next(self.years)
            visit = self.visit_to("TJK" if year % 2 else "RUS", datetime.date(year, 5, 1))
            visit.prepares = self.visit
            visit.save()
            TopicStanceFactory(topic=self.topic, country=country("TJK"), as_of=datetime.date(year, 1, 1))
            other = AgreementFactory(title=f"Protocol {year}")
            record_first_status(other, on=datetime.date(year, 1, 1))
            add_draft_version(agreement=self.agreement, text=f"Text as of {year}.")
            for reporter, partner in (("RUS", "TJK"), ("TJK", "RUS"), ("TJK", "W00")):
                for flow in ("export", "import"):
                    TradeFlowFactory(
                        reporter=country(reporter),
                        partner=country(partner),
                        year=year,
                        flow=flow,
                        value_usd=Decimal(10**8),
                    )
        build_timelines()


PAGES = {
    "home": lambda s: reverse("home"),
    "pair": lambda s: reverse("pair", args=["TJK-RUS"]),
    "country": lambda s: reverse("country", args=["TJK"]),
    "visit": lambda s: reverse("visit", args=[s.visit.pk]),
    "agreement": lambda s: reverse("agreement", args=[s.agreement.pk]),
    "draft": lambda s: reverse("agreement-draft", args=[s.agreement.pk, 2]),
    "topic": lambda s: reverse("topic", args=[s.topic.slug]),
    "person": lambda s: reverse("person", args=[s.putin.pk]),
    "person-hosting": lambda s: reverse("person", args=[s.rahmon.pk]),
    "trade-explorer": lambda s: reverse("trade-explorer") + "?reporter=RUS&partner=TJK&flow=export",
    "search": lambda s: reverse("search") + "?q=putin",
    "search-one-kind": lambda s: reverse("search") + "?q=protocol&type=agreements",
    "visit-list": lambda s: reverse("visit-list") + "?country=TJK",
    "agreement-list": lambda s: reverse("agreement-list"),
    "topic-list": lambda s: reverse("topic-list"),
    "country-list": lambda s: reverse("country-list"),
    "pair-timeline-items": lambda s: reverse("pair-timeline-items", args=["RUS-TJK"]),
    "pair-visit-marks": lambda s: reverse("pair-visit-marks", args=["RUS-TJK"]) + "?from=1990&to=2030",
    "pair-feed": lambda s: reverse("pair-feed", args=["RUS-TJK"]),
    "person-feed": lambda s: reverse("person-feed", args=[s.putin.pk]),
    "country-calendar": lambda s: reverse("country-calendar", args=["TJK"]),
}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_makes_as_many_queries_with_much_data_as_with_little(analyst_client, name):
    story = Story()
    url = PAGES[name](story)
    analyst_client.get(url)  # warm the per-process caches (content types, country codes)

    small = queries(analyst_client, url)
    story.grow(25)
    large = queries(analyst_client, url)

    print(f"queries: {name} {small} (small) {large} (large)")  # shown with pytest -s
    assert small == large, f"{name}: {small} queries with little data, {large} with more"
    assert large <= 25, f"{name} makes {large} queries"
