"""Editors change statuses in the admin through the one service, seeing only allowed targets."""

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_the_status_page_offers_only_the_allowed_targets(editor_client):
    visit = VisitFactory(status="postponed")
    page = editor_client.get(reverse("admin:visits_visit_status", args=[visit.pk])).content.decode()
    offered = [
        value
        for value in ("rumoured", "announced", "confirmed", "under_way", "completed", "cancelled")
        if f'value="{value}"' in page
    ]
    assert offered == ["announced", "confirmed", "cancelled"]


def test_a_status_change_in_the_admin_goes_through_the_service(editor_client, editor):
    visit = VisitFactory(status="announced")
    response = editor_client.post(
        reverse("admin:visits_visit_status", args=[visit.pk]),
        {
            "to_status": "completed",
            "on": "2017-02-28",
            "precision": "day",
            "note": "Took place.",
            "loaded_version": visit.version,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "completed"
    change = visit.status_changes.get()
    assert (change.from_status, change.to_status, change.recorded_by, change.note) == (
        "announced",
        "completed",
        editor,
        "Took place.",
    )


def test_a_target_the_machine_refuses_is_not_accepted(editor_client):
    visit = VisitFactory(status="completed")
    response = editor_client.post(
        reverse("admin:visits_visit_status", args=[visit.pk]),
        {"to_status": "announced", "on": "2017-03-01", "precision": "day", "loaded_version": visit.version},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "completed" and not visit.status_changes.exists()


def test_a_stale_status_change_is_refused(editor_client):
    agreement = AgreementFactory(status="negotiating")
    loaded = agreement.version
    agreement.summary = "Changed by someone else"
    agreement.save()
    response = editor_client.post(
        reverse("admin:agreements_agreement_status", args=[agreement.pk]),
        {"to_status": "signed", "on": "2017-02-28", "precision": "day", "loaded_version": loaded},
    )
    assert "was changed by someone else after you opened it" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "negotiating"


def test_an_invalid_date_for_the_record_is_explained(editor_client):
    agreement = AgreementFactory(status="signed", signed_on="2017-02-28")
    response = editor_client.post(
        reverse("admin:agreements_agreement_status", args=[agreement.pk]),
        {"to_status": "in_force", "on": "2016-01-01", "precision": "day", "loaded_version": 1},
    )
    assert "in_force_on: An agreement cannot enter into force before it is signed." in response.content.decode()


def test_the_change_page_links_to_the_status_page_instead_of_a_status_field(editor_client):
    visit = VisitFactory(status="announced")
    page = editor_client.get(reverse("admin:visits_visit_change", args=[visit.pk])).content.decode()
    assert reverse("admin:visits_visit_status", args=[visit.pk]) in page
    assert 'name="status"' not in page


def test_analysts_cannot_reach_the_status_page(client, analyst):
    client.force_login(analyst)
    visit = VisitFactory()
    response = client.get(reverse("admin:visits_visit_status", args=[visit.pk]))
    assert response.status_code == 302
