"""The search page matches the start of a word only, on PostgreSQL and on SQLite alike: "xi"
finds Xi Jinping, and neither visits to Mexico nor a Maxim."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import PersonAlias
from tests.factories import PersonFactory, VisitFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    xi = PersonFactory(name="Xi Jinping", sort_name="Xi Jinping", country=country("CHN"))
    maxim = PersonFactory(name="Maxim Oreshkin", sort_name="Oreshkin, Maxim", country=country("RUS"))
    chairman = PersonFactory(name="The Chairman", sort_name="Chairman")
    PersonAlias.objects.create(person=chairman, name="Xi Dada")
    PersonAlias.objects.create(person=maxim, name="Alexis")  # "xi" inside a word: no match
    return xi, maxim


def results(client, q: str, kind: str = "") -> str:
    response = client.get(reverse("search"), {"q": q, **({"type": kind} if kind else {})})
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    """The part of the results page under one section's heading."""
    start = html.index(f'id="results-{name}"')
    end = html.find("<section", start)
    return html[start : end if end >= 0 else len(html)]


def test_a_word_matches_the_start_of_a_word_not_its_middle(analyst_client, people):
    xi, maxim = people
    to_beijing = VisitFactory(visitor=maxim, visitor_country=country("RUS"), host_country=country("CHN"))
    to_mexico = VisitFactory(
        visitor=maxim, visitor_country=country("RUS"), host_country=country("MEX"), locale="Mexico City"
    )
    by_xi = VisitFactory(visitor=xi, visitor_country=country("CHN"), host_country=country("RUS"), locale="Moscow")

    html = results(analyst_client, "xi")

    found_people = section(html, "people")
    assert "Xi Jinping" in found_people
    assert "The Chairman" in found_people  # by the alias "Xi Dada"
    assert "Maxim Oreshkin" not in found_people  # neither "Maxim" nor the alias "Alexis"
    visits = section(html, "visits")
    assert reverse("visit", args=[by_xi.pk]) in visits
    assert reverse("visit", args=[to_mexico.pk]) not in visits
    assert reverse("visit", args=[to_beijing.pk]) not in visits
    assert "Mexico" not in section(html, "countries")


def test_a_later_word_of_a_name_and_any_case_match_too(analyst_client, people):
    html = results(analyst_client, "JINP")
    assert "Xi Jinping" in section(html, "people")
    assert "Maxim Oreshkin" in section(results(analyst_client, "oresh max"), "people")  # every word, any order
    assert "Mexico" in section(results(analyst_client, "mex"), "countries")


def test_one_kind_alone_matches_word_starts_too(analyst_client, people):
    VisitFactory(visitor_country=country("RUS"), host_country=country("MEX"), locale="Mexico City")
    html = results(analyst_client, "xi", kind="visits")
    assert "No visits match." in html


def test_a_search_makes_as_many_queries_with_many_matches_as_with_few(analyst_client, people):
    xi, _ = people
    analyst_client.get(reverse("search"), {"q": "xi"})  # warm the per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            results(analyst_client, "xi")
        return len(captured)

    few = count()
    for day in range(1, 21):
        visit = VisitFactory(visitor=xi, visitor_country=country("CHN"), host_country=country("RUS"))
        visit.summary = f"Xi's visit number {day}"
        visit.save()
        PersonAlias.objects.create(person=PersonFactory(name=f"Xiang {day}"), name=f"Xi {day}")
    assert few == count()
