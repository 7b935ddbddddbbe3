"""A record created in the admin or through the API starts its history at its real-world date.

Part of issue 16 ("every date they enter is the real one"): an agreement created as proposed
is dated by its "proposed on", a visit created as completed by its end; where the record holds
no date for its first status (an announced visit: the announcement's date is its report's),
the row keeps the day it was recorded and its note says so.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from tests.factories import SourceFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


EMPTY_INLINES = {
    f"{prefix}-{field}": value
    for prefix in ("participants", "agenda_items", "status_changes", "parties", "party_links", "drafts")
    for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
} | {
    f"directory-citation-content_type-object_id-{field}": value
    for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


def first_row(record):
    row = record.status_changes.get()
    return row.to_status, row.changed_on, row.changed_precision, row.note


def test_an_agreement_created_through_the_api_as_proposed_starts_on_its_proposed_on(editor_api):
    response = editor_api.post(
        reverse("agreements-list"),
        {
            "title": "Memorandum on education",
            "kind": "mou",
            "status": "proposed",
            "proposed_on": "2017-01-26",
            "proposed_precision": "day",
            "parties": ["RUS", "TJK"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content

    agreement = Agreement.objects.get(pk=response.json()["id"])
    assert first_row(agreement) == ("proposed", datetime.date(2017, 1, 26), "day", "Recorded through the API.")


def test_a_visit_created_through_the_api_as_completed_starts_when_it_ended_and_an_announced_one_says_its_date_is_not_known(
    editor_api,
):
    def create(status, **dates):
        body = {"visitor_country": "RUS", "host_country": "TJK", "kind": "state", "level": "head", "status": status}
        response = editor_api.post(reverse("visits-list"), body | dates, format="json")
        assert response.status_code == 201, response.content
        return Visit.objects.get(pk=response.json()["id"])

    completed = create("completed", start_date="2017-02-27", end_date="2017-02-28")
    announced = create("announced", start_date="2017-02-01", start_precision="month")

    assert first_row(completed) == ("completed", datetime.date(2017, 2, 28), "day", "Recorded through the API.")
    status, on, precision, note = first_row(announced)
    assert (status, on, precision) == ("announced", timezone.localdate(), "day")
    assert note == "Recorded through the API; dated the day it was recorded, as the record gives no date for it."


def test_an_agreement_added_in_the_admin_as_signed_starts_on_its_signing_day(editor_client):
    response = editor_client.post(
        reverse("admin:agreements_agreement_add"),
        {
            "title": "Agreement on labour migration",
            "kind": "intergovernmental",
            "status": "signed",
            "signed_on": "2017-02-27",
            "signed_precision": "day",
            "proposed_precision": "day",
            "in_force_precision": "day",
            **EMPTY_INLINES,
        },
    )
    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode())

    agreement = Agreement.objects.get(title="Agreement on labour migration")
    assert first_row(agreement) == ("signed", datetime.date(2017, 2, 27), "day", "Recorded in the admin.")


# The first status's own date, precision and source, given on create (issue 16, item 1).


def create_visit(client, **body):
    base = {"visitor_country": "RUS", "host_country": "TJK", "start_date": "2017-02-27", "status": "announced"}
    return client.post(reverse("visits-list"), base | body, format="json")


def test_a_visit_created_through_the_api_takes_the_first_statuss_date_precision_and_source(editor_api):
    source = SourceFactory(title="Press service: state visit announced", published_on=datetime.date(2017, 2, 10))
    first_status = {
        "on": "2017-02-13",
        "precision": "day",
        "source": source.pk,
        "reliability": "official_statement",
        "quote": "will pay a state visit",
        "note": "Announced two weeks ahead.",
    }

    response = create_visit(editor_api, first_status=first_status)

    assert response.status_code == 201, response.content
    assert "first_status" not in response.json()  # write-only: the row is in status_changes
    visit = Visit.objects.get(pk=response.json()["id"])
    row = visit.status_changes.get()
    assert (row.changed_on, row.changed_precision, row.note) == (
        datetime.date(2017, 2, 13),
        "day",
        "Announced two weeks ahead. Recorded through the API.",
    )
    assert (row.citation.source, row.citation.record, row.citation.reliability, row.citation.quote) == (
        source,
        visit,
        "official_statement",
        "will pay a state visit",
    )
    assert response.json()["status_changes"][0]["citation"] == row.citation_id


def test_a_source_without_a_date_dates_the_first_status_by_its_publication_at_its_precision(editor_api):
    source = SourceFactory(published_on=datetime.date(2017, 2, 1), published_precision="month")

    response = create_visit(editor_api, first_status={"source": source.pk, "reliability": "media_report"})

    assert response.status_code == 201, response.content
    assert first_row(Visit.objects.get(pk=response.json()["id"])) == (
        "announced",
        datetime.date(2017, 2, 1),
        "month",
        "Recorded through the API; dated by its source's publication.",
    )


def test_an_agreement_given_a_first_status_date_keeps_its_own_date_in_step(editor_api):
    response = editor_api.post(
        reverse("agreements-list"),
        {
            "title": "Memorandum on labour migration",
            "kind": "mou",
            "status": "proposed",
            "parties": ["RUS", "TJK"],
            "first_status": {"on": "2017-02", "precision": "month"},
        },
        format="json",
    )
    assert response.status_code == 400  # a DateField takes a day; the precision says how much of it counts

    response = editor_api.post(
        reverse("agreements-list"),
        {
            "title": "Memorandum on labour migration",
            "kind": "mou",
            "status": "proposed",
            "parties": ["RUS", "TJK"],
            "first_status": {"on": "2017-02-14", "precision": "month"},
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    agreement = Agreement.objects.get(pk=response.json()["id"])
    assert (agreement.proposed_on, agreement.proposed_precision) == (datetime.date(2017, 2, 1), "month")
    assert first_row(agreement)[1:3] == (datetime.date(2017, 2, 1), "month")


@pytest.mark.parametrize(
    ("first_status", "field", "message"),
    [
        ({"on": "2017-02-30"}, "first_status.on", "Date has wrong format"),
        ({"source": 999999, "reliability": "media_report"}, "first_status.source", "does not exist"),
        ({"on": "2017-02-13", "precision": "week"}, "first_status.precision", "not a valid choice"),
        ({"source": None, "quote": "will pay a visit"}, "first_status.source", "Name the source"),
        ({"on": "2017-02-13", "source": "SOURCE"}, "first_status.reliability", "Say how reliable"),
    ],
)
def test_bad_first_status_input_is_a_field_level_400_and_nothing_is_saved(editor_api, first_status, field, message):
    if first_status.get("source") == "SOURCE":
        first_status = first_status | {"source": SourceFactory().pk}

    response = create_visit(editor_api, first_status=first_status)

    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field] and message in fields[field][0], fields
    assert not Visit.objects.exists()


def test_a_first_status_date_the_records_own_date_contradicts_is_refused(editor_api):
    response = editor_api.post(
        reverse("agreements-list"),
        {
            "title": "Agreement on the Ayni airfield",
            "kind": "intergovernmental",
            "status": "signed",
            "signed_on": "2017-02-27",
            "parties": ["RUS", "TJK"],
            "first_status": {"on": "2017-03-01"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "first_status.on": [
            "The agreement itself says it was signed on 27 Feb 2017; leave the first status's date empty or give "
            "that date."
        ]
    }
    assert not Agreement.objects.exists()


def test_the_first_status_is_refused_on_update(editor_api):
    visit = Visit.objects.get(pk=create_visit(editor_api).json()["id"])

    response = editor_api.patch(
        reverse("visits-detail", args=[visit.pk]),
        {"first_status": {"on": "2017-02-13"}},
        format="json",
        HTTP_IF_MATCH=f'"visit-{visit.pk}-v{visit.version}"',
    )

    assert response.status_code == 400
    assert "correct its row with PATCH" in response.json()["error"]["fields"]["first_status"][0]
    assert first_row(visit)[1] == timezone.localdate()


def admin_visit(**fields):
    return {
        "visitor_country": "RUS",
        "host_country": "TJK",
        "start_date": "2017-02",
        "end_date": "",
        "status": "announced",
        **EMPTY_INLINES,
        **fields,
    }


def test_the_admin_add_form_takes_the_first_statuss_date_source_and_reliability(editor_client):
    source = SourceFactory(title="Press service: state visit announced")

    response = editor_client.post(
        reverse("admin:visits_visit_add"),
        admin_visit(
            first_status_on="2017-02",
            first_status_source=source.pk,
            first_status_reliability="official_statement",
            first_status_quote="will pay a state visit",
            first_status_note="Announced by the host's press service.",
        ),
    )

    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
    visit = Visit.objects.get()
    row = visit.status_changes.get()
    assert (row.changed_on, row.changed_precision, row.note) == (
        datetime.date(2017, 2, 1),
        "month",
        "Announced by the host's press service. Recorded in the admin.",
    )
    assert (row.citation.record, row.citation.source, row.citation.reliability) == (
        visit,
        source,
        "official_statement",
    )


def test_the_admin_add_form_refuses_a_source_without_reliability_and_saves_nothing(editor_client):
    response = editor_client.post(
        reverse("admin:visits_visit_add"),
        admin_visit(first_status_on="2017-02-30", first_status_source=SourceFactory().pk),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a date in the calendar" in page and "Say how reliable the source is for this status." in page
    assert not Visit.objects.exists()


def test_the_first_status_fields_are_on_the_add_form_only(editor_client):
    visit = Visit.objects.create(visitor_country_id="RUS", host_country_id="TJK", start_date=datetime.date(2017, 2, 1))
    assert "first_status_on" in editor_client.get(reverse("admin:visits_visit_add")).content.decode()
    assert (
        "first_status_on"
        not in editor_client.get(reverse("admin:visits_visit_change", args=[visit.pk])).content.decode()
    )
