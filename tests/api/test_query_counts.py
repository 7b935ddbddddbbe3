"""Every list costs the same number of queries for one record as for fifty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    OrganisationFactory,
    PersonAliasFactory,
    PositionFactory,
    SourceFactory,
    TopicStanceFactory,
    TradeClaimFactory,
)

pytestmark = pytest.mark.django_db


def person_with_everything():
    alias = PersonAliasFactory()
    PositionFactory(person=alias.person, organisation=OrganisationFactory())


def topic_with_everything():
    topic = NegotiationTopicFactory()
    topic.countries.add("RUS", "TJK")
    TopicStanceFactory(topic=topic)
    CitationFactory(record=topic)


def agreement_with_everything():
    agreement = AgreementFactory()
    agreement.topics.add(NegotiationTopicFactory())
    CitationFactory(record=agreement)


def claim_with_citation():
    CitationFactory(record=TradeClaimFactory(year=2000 + TradeClaimFactory._meta.model.objects.count()))


MAKERS = {
    "people-list": person_with_everything,
    "organisations-list": OrganisationFactory,
    "sources-list": SourceFactory,
    "citations-list": CitationFactory,
    "topics-list": topic_with_everything,
    "agreements-list": agreement_with_everything,
    "trade-claims-list": claim_with_citation,
}


@pytest.mark.parametrize("endpoint", list(MAKERS))
def test_a_list_costs_the_same_queries_at_one_and_at_fifty_records(analyst_api, endpoint):
    make = MAKERS[endpoint]
    analyst_api.get(reverse(endpoint))  # warm the per-user permission cache, as any client's first call does

    make()
    with CaptureQueriesContext(connection) as one:
        response = analyst_api.get(reverse(endpoint), {"page_size": 100})
    rows_per_make = len(response.json()["results"])
    for _ in range(49):
        make()
    with CaptureQueriesContext(connection) as fifty:
        response = analyst_api.get(reverse(endpoint), {"page_size": 100})

    assert len(response.json()["results"]) >= 50 * rows_per_make
    assert len(fifty) == len(one), [q["sql"][:120] for q in fifty.captured_queries]
