"""Entering a report from its source: the source page's forms, their writes and their refusals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from directory.models import Citation, Organisation, Person, Source
from tests.factories import (
    CitationFactory,
    NegotiationTopicFactory,
    PersonFactory,
    SourceFactory,
    VisitFactory,
)
from trade.models import TradeClaim
from visits.models import AgendaItem, Visit
from visits.services import change_visit_dates

pytestmark = pytest.mark.django_db

FACT = {"reliability": "official_statement", "speaker_is": "person"}


def enter(client, source, name, data, query=""):
    return client.post(reverse("entry", args=[source.pk, name]) + query, {**FACT, **data})


def visit_data(**changes):
    return {
        "visitor": "Anvar Qodirov",
        "visitor_post": "President",
        "visitor_country": "KGZ",
        "host_country": "TJK",
        "locale": "Dushanbe",
        "start": "2026-03-02",
        "end": "2026-03-03",
        "kind": "state",
        "level": "head",
        "status": "announced",
        "quote": "will pay a state visit",
        "speaker": "Presidential press service",
        "speaker_is": "organisation",
        **changes,
    }


@pytest.fixture
def source(db):
    return SourceFactory(title="State visit announced", published_on=datetime.date(2026, 2, 16))


def cited_visit(source, **fields):
    visit = VisitFactory(**fields)
    CitationFactory(record=visit, source=source)
    return visit


def test_a_new_source_with_a_new_outlet_opens_its_page(editor_client):
    response = editor_client.post(
        reverse("source-new") + "?pair=KGZ-TJK",
        {
            "title": "Visit announced",
            "kind": "news_report",
            "outlet": "Khovar",
            "published": "2026-02-16",
            "language": "en",
        },
    )
    source = Source.objects.get(title="Visit announced")
    assert response.status_code == 302 and response["Location"] == reverse("source", args=[source.pk]) + "?pair=KGZ-TJK"
    assert source.outlet.name == "Khovar" and source.outlet.kind == Organisation.Kind.NEWS_OUTLET
    assert (source.published_on, source.published_precision) == (datetime.date(2026, 2, 16), "day")
    page = editor_client.get(response["Location"]).content.decode()
    assert "Add a visit" in page and 'value="KGZ" selected' in page


def test_a_visit_from_the_source_is_dated_and_cited_by_the_report(editor_client, editor, source):
    response = enter(editor_client, source, "visit", visit_data())
    assert response.status_code == 302
    visit = Visit.objects.get(host_country="TJK", visitor_country="KGZ")
    assert visit.visitor.name == "Anvar Qodirov" and visit.visitor.positions.get().title == "President"
    citation = visit.citations.get()
    assert citation.source == source and citation.quote == "will pay a state visit"
    assert citation.speaker is None and citation.speaker_organisation.name == "Presidential press service"
    assert citation.speaker_organisation.kind == Organisation.Kind.HEAD_OF_STATE_OFFICE
    assert citation.reported_on == datetime.date(2026, 2, 16)
    first = visit.status_changes.get()
    assert (first.to_status, first.changed_on, first.changed_precision) == (
        "announced",
        datetime.date(2026, 2, 16),
        "day",
    )
    assert first.citation == citation and first.recorded_by == editor


def test_a_visit_reported_completed_is_dated_by_its_end(editor_client, source):
    enter(editor_client, source, "visit", visit_data(status="completed", start="2026-02", end="2026-02"))
    first = Visit.objects.get().status_changes.get()
    assert (first.changed_on, first.changed_precision) == (datetime.date(2026, 2, 1), "month")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start": "2026-02-30"}, "start", "not a date in the calendar"),
        ({"start": "next week"}, "start", "type a year"),
        ({"end": "2026-03-01", "start": "2026-03-02"}, "end", "before the start"),
        ({"reliability": ""}, "reliability", "required"),
        ({"visitor": "Nobody #999999"}, "visitor", "There is no person #999999"),
        ({"host_country": "KGZ"}, "host_country", "another country"),
        ({"host_country": "XXX"}, "host_country", "Select a valid choice"),
    ],
)
def test_bad_input_on_the_visit_form_is_a_field_error_and_saves_nothing(editor_client, source, changes, field, message):
    people, organisations = Person.objects.count(), Organisation.objects.count()
    response = enter(editor_client, source, "visit", visit_data(**changes))
    assert response.status_code == 200
    errors = response.context["forms"]["visit"][1].errors if "forms" in response.context else None
    assert errors is not None and field in errors and message in " ".join(errors[field]), errors
    assert not Visit.objects.exists() and not Citation.objects.exists()
    assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)


def test_two_namesakes_must_be_told_apart(editor_client, source):
    one, other = PersonFactory(name="Ivan Petrov"), PersonFactory(name="Ivan Petrov")
    response = enter(editor_client, source, "visit", visit_data(visitor="Ivan Petrov"))
    errors = response.context["forms"]["visit"][1].errors["visitor"]
    assert f"Ivan Petrov #{one.pk}" in errors[0] and f"Ivan Petrov #{other.pk}" in errors[0]
    enter(editor_client, source, "visit", visit_data(visitor=f"Ivan Petrov #{other.pk}"))
    assert Visit.objects.get().visitor == other


def test_agreements_expected_at_a_visit_in_one_post(editor_client, source):
    visit = cited_visit(source)
    response = enter(
        editor_client,
        source,
        "agreements",
        {
            "visit": visit.pk,
            "status": "proposed",
            "title_1": "Agreement on air services",
            "kind_1": "intergovernmental",
            "title_2": "Memorandum on customs",
            "kind_2": "mou",
            "quote": "expects to sign",
            "speaker": "Olim Saidov",
            "speaker_post": "Minister of Foreign Affairs",
            "speaker_country": "TJK",
        },
    )
    assert response.status_code == 302
    agreements = Agreement.objects.order_by("title")
    assert [a.expected_at_visit for a in agreements] == [visit, visit]
    assert all(a.signed_at_visit is None for a in agreements)
    assert {tuple(sorted(a.parties.values_list("pk", flat=True))) for a in agreements} == {("RUS", "TJK")}
    assert [a.status_changes.get().changed_on for a in agreements] == [source.published_on] * 2
    speaker = Person.objects.get(name="Olim Saidov")
    assert speaker.country_id == "TJK" and speaker.positions.get().title == "Minister of Foreign Affairs"
    assert all(a.citations.get().speaker == speaker for a in agreements)


def test_an_agreement_row_without_a_kind_is_refused_whole(editor_client, source):
    visit = cited_visit(source)
    response = enter(
        editor_client,
        source,
        "agreements",
        {"visit": visit.pk, "status": "proposed", "title_1": "A", "kind_1": "mou", "title_2": "B"},
    )
    assert "kind_2" in response.context["forms"]["agreements"][1].errors
    assert not Agreement.objects.exists()


def test_stated_trade_figures_as_the_report_gives_them(editor_client, source):
    response = enter(
        editor_client,
        source,
        "claims",
        {
            "reporter": "TJK",
            "partner": "KGZ",
            "year": 2025,
            "turnover": "USD 1.2 bn",
            "turnover_qualifier": "more_than",
            "yoy_change": "-6.3",
            "yoy_change_qualifier": "exact",
            "speaker": "Ministry of Economic Development",
            "speaker_is": "organisation",
            "speaker_country": "TJK",
        },
    )
    assert response.status_code == 302, response.context["forms"]["claims"][1].errors
    turnover = TradeClaim.objects.get(metric="turnover")
    assert turnover.value == Decimal("1200000000") and turnover.unit == "usd" and turnover.qualifier == "more_than"
    assert turnover.stated_by is None and turnover.stated_by_organisation.kind == Organisation.Kind.MINISTRY
    assert TradeClaim.objects.get(metric="yoy_change").value == Decimal("-6.3")
    assert str(turnover).endswith("USD 1.20 bn")
    assert turnover.citations.get().speaker_organisation == turnover.stated_by_organisation


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"turnover": "eighteen bn"}, "turnover"),
        ({"turnover": "-5 bn"}, "turnover"),
        ({}, "__all__"),
        ({"turnover": "5 bn", "partner": "TJK"}, "partner"),
    ],
)
def test_bad_trade_figures_are_refused(editor_client, source, data, field):
    response = enter(editor_client, source, "claims", {"reporter": "TJK", "partner": "KGZ", "year": 2025, **data})
    assert field in response.context["forms"]["claims"][1].errors
    assert not TradeClaim.objects.exists()


def test_an_agenda_item_with_a_counted_outcome_and_a_new_topic(editor_client, source):
    visit = cited_visit(source)
    enter(
        editor_client,
        source,
        "agenda",
        {
            "visit": visit.pk,
            "topic": "Water sharing",
            "expectation": "expected",
            "outcome_qualifier": "more_than",
            "outcome_count": 10,
            "outcome_noun": "documents",
        },
    )
    item = AgendaItem.objects.get()
    assert item.topic.title == "Water sharing" and item.topic.slug == "water-sharing"
    assert item.outcome_display == "More than 10 documents"
    page = editor_client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert "More than 10 documents" in page


def test_a_tour_leg_joins_the_visit_on_one_tour(editor_client, source):
    visit = cited_visit(source)
    enter(
        editor_client,
        source,
        "leg",
        {
            "visit": visit.pk,
            "host_country": "KAZ",
            "locale": "Astana",
            "start": "2017-03",
            "kind": "summit",
            "status": "rumoured",
            "reliability": "anonymous_source",
        },
    )
    leg = Visit.objects.get(host_country="KAZ")
    visit.refresh_from_db()
    assert leg.tour == visit.tour and visit.tour is not None and leg.visitor == visit.visitor
    assert (leg.start_date, leg.start_precision) == (datetime.date(2017, 3, 1), "month")
    assert leg.citations.get().reliability == "anonymous_source"


def test_a_participant_and_a_stance(editor_client, source):
    visit = cited_visit(source)
    topic = NegotiationTopicFactory(title="Customs union")
    enter(
        editor_client,
        source,
        "participant",
        {
            "visit": visit.pk,
            "person": "Dilshod Rahimov",
            "person_post": "Deputy Prime Minister",
            "role": "prepared the visit",
        },
    )
    assert visit.participants.get().person.positions.get().title == "Deputy Prime Minister"
    enter(editor_client, source, "stance", {"topic": "customs union", "country": "TJK", "stance": "undecided"})
    stance = topic.stances.get()
    assert (stance.as_of, stance.country_id) == (source.published_on, "TJK")


def test_a_fact_for_a_visit_that_changed_since_the_page_was_loaded_is_refused_once(editor_client, source):
    visit = cited_visit(source)
    page = editor_client.get(reverse("source", args=[source.pk])).content.decode()
    loaded = f"{visit.pk}:{visit.version}"
    assert f'name="visit_versions" value="{loaded}"' in page
    change_visit_dates(  # someone else, meanwhile
        visit, start_date=visit.start_date, start_precision="month", end_date=None, end_precision="day"
    )
    visit.refresh_from_db()
    data = {"visit": visit.pk, "person": "Dilshod Rahimov", "role": "prepared the visit", "visit_versions": loaded}

    response = enter(editor_client, source, "participant", data)
    assert response.status_code == 200
    assert "changed by someone else since the page was loaded" in response.content.decode()
    assert not visit.participants.exists() and not Person.objects.filter(name="Dilshod Rahimov").exists()
    # The form shown again carries the versions as they are now: posting it again goes through.
    again = response.context["forms"]["participant"][1]
    assert again.data["visit_versions"] == f"{visit.pk}:{visit.version}"
    enter(editor_client, source, "participant", {**data, "visit_versions": again.data["visit_versions"]})
    assert visit.participants.get().person.name == "Dilshod Rahimov"


def test_forms_that_need_a_visit_wait_for_one(editor_client, source):
    page = editor_client.get(reverse("source", args=[source.pk])).content.decode()
    assert "Add a visit" in page and "Add a tour leg" not in page and "Add agreements expected" not in page


def test_a_source_without_a_date_asks_for_one_first(editor_client):
    source = SourceFactory(published_on=None)
    response = enter(editor_client, source, "visit", visit_data())
    assert "publication date first" in response.content.decode()
    assert not Visit.objects.exists()


def test_analysts_see_the_source_page_without_forms_and_are_refused_on_every_entry_url(client, analyst, source):
    urls = [
        reverse("entry", args=[source.pk, name])
        for name in ("visit", "leg", "agreements", "claims", "agenda", "stance", "participant")
    ]
    urls += [reverse("source-new")]
    for url in urls:
        response = client.post(url, visit_data())
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    assert client.get(reverse("entry-lookup", args=["person"]) + "?q=an").status_code == 302
    client.force_login(analyst)
    for url in urls:
        assert client.post(url, visit_data()).status_code == 403, url
    assert client.get(reverse("entry-lookup", args=["person"]) + "?q=an").status_code == 403
    assert client.get(reverse("source-open") + f"?source={source.pk}").status_code == 403
    page = client.get(reverse("source", args=[source.pk]))
    assert page.status_code == 200 and "Add a visit" not in page.content.decode()
    assert not Visit.objects.exists() and not Source.objects.exclude(pk=source.pk).exists()


def test_an_unknown_form_or_source_is_not_found(editor_client, source):
    assert editor_client.post(reverse("entry", args=[source.pk, "nothing"]), {}).status_code == 404
    assert editor_client.post(reverse("entry", args=[source.pk + 1000, "visit"]), visit_data()).status_code == 404


def test_the_lookup_matches_word_starts(editor_client):
    xi = PersonFactory(name="Xi Jinping")
    PersonFactory(name="Maxim Oreshkin")
    results = editor_client.get(reverse("entry-lookup", args=["person"]) + "?q=xi").json()["results"]
    assert [r["value"] for r in results] == [f"Xi Jinping #{xi.pk}"]
    assert (
        editor_client.get(reverse("entry-lookup", args=["person"]) + "?q=jin").json()["results"][0]["value"]
        == f"Xi Jinping #{xi.pk}"
    )
    assert editor_client.get(reverse("entry-lookup", args=["user"]) + "?q=ad").status_code == 404


def test_the_source_page_costs_the_same_queries_whatever_it_cites(editor_client, source):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("source", args=[source.pk])).status_code == 200
        return len(queries)

    cited_visit(source)
    few = count()
    for _ in range(5):
        cited_visit(source)
    assert count() == few


def test_pair_and_visit_pages_offer_to_enter_a_report_to_editors_only(editor_client, client, analyst, source):
    visit = cited_visit(source)
    page = editor_client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert f"{reverse('source-new')}?visit={visit.pk}" in page and source.title in page
    opened = editor_client.get(reverse("source-open") + f"?source={source.pk}&context=visit%3D{visit.pk}")
    assert opened["Location"] == reverse("source", args=[source.pk]) + f"?visit={visit.pk}"
    assert "?pair=RUS-TJK" in editor_client.get(reverse("pair", args=["RUS-TJK"])).content.decode()
    client.force_login(analyst)
    assert "Enter a report" not in client.get(reverse("visit", args=[visit.pk])).content.decode()
