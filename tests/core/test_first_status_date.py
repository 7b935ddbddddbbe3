"""A record created in the admin or through the API starts its history at its own real-world date.

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
from tests.api.conftest import token_client
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


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
