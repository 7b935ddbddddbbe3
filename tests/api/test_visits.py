"""The visits API: filters, pagination, conditional writes and transitions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.status import change_status
from tests.factories import (
    AgendaItemFactory,
    CitationFactory,
    NegotiationTopicFactory,
    PersonFactory,
    VisitFactory,
    country,
)
from visits.models import Visit

pytestmark = pytest.mark.django_db
LIST = reverse("visits-list")


def etag(visit):
    visit.refresh_from_db()
    return f'"visit-{visit.pk}-v{visit.version}"'


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_visit_carries_its_history_citations_and_labels(analyst_api, editor):
    visit = VisitFactory(
        status="announced", start_date=datetime.date(2017, 2, 1), start_precision="month", end_date=None
    )
    change_status(visit, to_status="completed", on=datetime.date(2017, 2, 28), user=editor)
    CitationFactory(record=visit, reliability="anonymous_source", quote="official visit on February 28")

    body = analyst_api.get(reverse("visits-detail", args=[visit.pk])).json()

    assert (body["status"], body["status_label"], body["dates"]) == ("completed", "Completed", "Feb 2017")
    assert body["status_changes"][0] | {"recorded_at": None} == {
        "id": visit.status_changes.get().pk,  # the {row} a correction is sent to (issue 16)
        "from_status": "announced",
        "to_status": "completed",
        "changed_on": "2017-02-28",
        "changed_precision": "day",
        "recorded_by": "editor",
        "recorded_at": None,
        "note": "",
        "citation": None,
    }
    assert body["citations"][0]["reliability"] == "anonymous_source"
    assert body["citations"][0]["reliability_label"] == "Anonymous source"


def test_the_pair_filter_finds_visits_either_way(analyst_api):
    there = VisitFactory(visitor_country=country("RUS"), host_country=country("TJK"))
    back = VisitFactory(visitor_country=country("TJK"), host_country=country("RUS"))
    VisitFactory(visitor_country=country("RUS"), host_country=country("KGZ"))

    assert set(ids(analyst_api.get(LIST, {"pair": "tjk-rus"}))) == {there.pk, back.pk}
    assert set(ids(analyst_api.get(LIST, {"country": "KGZ"}))) == {Visit.objects.get(host_country="KGZ").pk}


def test_a_date_range_respects_the_precision_of_each_date(analyst_api):
    february = VisitFactory(start_date=datetime.date(2017, 2, 1), start_precision="month", end_date=None)
    in_2017 = VisitFactory(start_date=datetime.date(2017, 1, 1), start_precision="year", end_date=None)
    january_27 = VisitFactory(start_date=datetime.date(2017, 1, 27), start_precision="day", end_date=None)

    found = set(ids(analyst_api.get(LIST, {"date_from": "2017-02-15", "date_to": "2017-02-20"})))

    assert found == {february.pk, in_2017.pk}
    assert january_27.pk not in found


def test_filters_by_status_kind_level_person_topic_and_change_time(analyst_api):
    topic = NegotiationTopicFactory(slug="ayni")
    putin = PersonFactory(name="Vladimir Putin")
    wanted = VisitFactory(status="confirmed", kind="official", level="head", visitor=putin)
    AgendaItemFactory(visit=wanted, topic=topic)
    VisitFactory(status="rumoured", kind="working", level="deputy")
    Visit.objects.filter(pk=wanted.pk).update(updated_at=timezone.now() + datetime.timedelta(days=1))

    for params in (
        {"status": ["confirmed", "completed"]},
        {"kind": "official"},
        {"level": "head"},
        {"person": putin.pk},
        {"topic": "ayni"},
        {"updated_since": (timezone.now() + datetime.timedelta(hours=1)).isoformat()},
    ):
        assert ids(analyst_api.get(LIST, params)) == [wanted.pk], params


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2017-02-30"}, "date_from"),
        ({"date_from": "0000-00-00"}, "date_from"),
        ({"pair": "RUS-XXX"}, "pair"),
        ({"pair": "RUSTJK"}, "pair"),
        ({"country": "Atlantis"}, "country"),
        ({"status": "sailing"}, "status"),
        ({"person": "99999999999999999999999"}, "person"),
        ({"person": "abc"}, "person"),
        ({"q": "a\x00b"}, "q"),
        ({"search": "x" * 1000}, "search"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"page_size": "-5", "pair": "RUS-ZZZ"}, "pair"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(analyst_api, params, field):
    response = analyst_api.get(LIST, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400
    assert field in error["fields"]


def test_the_list_costs_the_same_queries_for_one_visit_as_for_fifty(analyst_api, editor):
    def make(n):
        for visit in VisitFactory.create_batch(n):
            CitationFactory(record=visit)
            AgendaItemFactory(visit=visit)
            change_status(visit, to_status="confirmed", on=datetime.date(2017, 2, 1), user=editor)

    make(1)
    analyst_api.get(LIST)  # warm the per-user permission cache
    with CaptureQueriesContext(connection) as one:
        assert len(ids(analyst_api.get(LIST))) == 1
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(ids(analyst_api.get(LIST))) == 50
    assert len(fifty) == len(one)


def test_cursor_pages_walk_the_whole_list_without_gaps_or_repeats_while_rows_are_added(analyst_api):
    VisitFactory.create_batch(25, start_date=datetime.date(2017, 2, 27), end_date=None)
    seen = []
    url, params = LIST, {"page_size": 10}
    while url:
        page = analyst_api.get(url, params).json()
        seen += [row["id"] for row in page["results"]]
        # Newer rows land before the cursor (the list is newest first): they must not
        # shift or repeat what is still to come.
        VisitFactory(start_date=datetime.date(2018, 1, 1), end_date=None)
        url, params = page["next"], None
    original = list(
        Visit.objects.filter(start_date=datetime.date(2017, 2, 27)).order_by("-id").values_list("id", flat=True)
    )
    assert [pk for pk in seen if pk in set(original)] == original, (seen, original)
    assert len(seen) == len(set(seen))


def test_page_size_is_capped(analyst_api):
    VisitFactory.create_batch(3)
    response = analyst_api.get(LIST, {"page_size": 100000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_an_editor_creates_a_visit_and_its_history_starts(editor_api, editor):
    response = editor_api.post(
        LIST,
        {
            "visitor_country": "rus",
            "host_country": "KGZ",
            "locale": "Bishkek",
            "start_date": "2017-02-01",
            "start_precision": "month",
            "kind": "official",
            "level": "head",
            "status": "announced",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    visit = Visit.objects.get(pk=response.json()["id"])
    assert response["ETag"] == f'"visit-{visit.pk}-v1"'
    assert list(visit.status_changes.values_list("to_status", "recorded_by")) == [("announced", editor.pk)]
    assert visit.history.get().history_user == editor


def test_a_visit_ending_before_it_starts_is_refused_field_by_field(editor_api):
    response = editor_api.post(
        LIST,
        {"visitor_country": "RUS", "host_country": "TJK", "start_date": "2017-02-28", "end_date": "2017-02-27"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["end_date"] == ["A visit cannot end before it starts."]
    assert not Visit.objects.exists()


def test_an_unknown_country_code_is_refused_by_name(editor_api):
    response = editor_api.post(
        LIST, {"visitor_country": "XYZ", "host_country": "TJK", "start_date": "2017-02-28"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["visitor_country"] == [
        "Unknown country code XYZ; use ISO 3166-1 alpha-3, e.g. RUS."
    ]


def test_a_read_carries_an_etag_and_a_matching_if_none_match_gets_304(analyst_api):
    visit = VisitFactory()
    url = reverse("visits-detail", args=[visit.pk])
    first = analyst_api.get(url)
    assert first["ETag"] == etag(visit)
    again = analyst_api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_an_update_without_if_match_is_refused_with_428(editor_api):
    visit = VisitFactory(locale="Dushanbe")
    response = editor_api.patch(reverse("visits-detail", args=[visit.pk]), {"locale": "Khujand"}, format="json")
    assert response.status_code == 428
    visit.refresh_from_db()
    assert visit.locale == "Dushanbe"


def test_a_stale_update_is_refused_with_412_and_the_current_version(editor_api):
    visit = VisitFactory(locale="Dushanbe")
    stale = etag(visit)
    url = reverse("visits-detail", args=[visit.pk])
    assert editor_api.patch(url, {"summary": "First editor"}, format="json", HTTP_IF_MATCH=stale).status_code == 200

    response = editor_api.patch(url, {"locale": "Khujand"}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json()["error"]["current_version"] == 2
    assert response["ETag"] == etag(visit)
    visit.refresh_from_db()
    assert (visit.locale, visit.summary) == ("Dushanbe", "First editor")


def test_status_cannot_be_written_by_an_update(editor_api):
    visit = VisitFactory(status="announced")
    response = editor_api.patch(
        reverse("visits-detail", args=[visit.pk]), {"status": "completed"}, format="json", HTTP_IF_MATCH=etag(visit)
    )
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.status == "announced"


def test_an_allowed_transition_goes_through_the_service(editor_api, editor):
    visit = VisitFactory(status="announced")
    response = editor_api.post(
        reverse("visits-transitions", args=[visit.pk]),
        {"to_status": "completed", "on": "2017-02-28", "note": "Took place."},
        format="json",
        HTTP_IF_MATCH=etag(visit),
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "completed"
    assert response["ETag"] == etag(visit)
    change = visit.status_changes.get()
    assert (change.from_status, change.to_status, change.recorded_by, change.note) == (
        "announced",
        "completed",
        editor,
        "Took place.",
    )


def test_a_refused_transition_is_a_409_listing_what_is_allowed(editor_api):
    visit = VisitFactory(status="completed")
    response = editor_api.post(
        reverse("visits-transitions", args=[visit.pk]),
        {"to_status": "announced", "on": "2017-03-01"},
        format="json",
        HTTP_IF_MATCH=etag(visit),
    )
    assert response.status_code == 409
    assert response.json()["error"]["allowed"] == []
    assert not visit.status_changes.exists()

    postponed = VisitFactory(status="postponed")
    response = editor_api.post(
        reverse("visits-transitions", args=[postponed.pk]),
        {"to_status": "completed", "on": "2017-03-01"},
        format="json",
        HTTP_IF_MATCH=etag(postponed),
    )
    assert response.json()["error"]["allowed"] == ["announced", "confirmed", "cancelled"]


def test_a_transition_needs_if_match_and_a_fresh_one(editor_api):
    visit = VisitFactory(status="announced")
    url = reverse("visits-transitions", args=[visit.pk])
    assert editor_api.post(url, {"to_status": "confirmed", "on": "2017-02-20"}, format="json").status_code == 428
    response = editor_api.post(
        url, {"to_status": "confirmed", "on": "2017-02-20"}, format="json", HTTP_IF_MATCH='"visit-1-v0"'
    )
    assert response.status_code == 412


def test_a_transition_with_an_impossible_date_is_a_400(editor_api):
    visit = VisitFactory(status="announced")
    response = editor_api.post(
        reverse("visits-transitions", args=[visit.pk]),
        {"to_status": "confirmed", "on": "2017-02-30"},
        format="json",
        HTTP_IF_MATCH=etag(visit),
    )
    assert response.status_code == 400
    assert "on" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "value", ["3556-07-01T16:35:18-16:16", "9999-12-31T23:59:59-10:00", "2017-02-28T10:00:00+14:00"]
)
def test_change_feed_times_with_any_offset_are_read_or_refused_never_a_500(analyst_api, value):
    # Found by fuzzing: PostgreSQL refuses offsets beyond 15:59, so times are converted to UTC first.
    response = analyst_api.get(LIST, {"updated_since": value})
    assert response.status_code in (200, 400)
