"""Who may read and write each API endpoint."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import (
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    PersonFactory,
    SourceFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

READ_ENDPOINTS = [
    "countries-list",
    "people-list",
    "organisations-list",
    "sources-list",
    "citations-list",
    "visits-list",
    "topics-list",
    "agreements-list",
    "api-deletions",
    "timeline",
    "trade-flows-list",
    "trade-claims-list",
]
READ_STATUS = {
    "anonymous": 401,
    "revoked_token": 401,
    "analyst_session": 200,
    "analyst_token": 200,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("endpoint", READ_ENDPOINTS)
@pytest.mark.parametrize("role", list(READ_STATUS))
def test_reading_needs_a_role(role_clients, endpoint, role):
    params = {"since": "2000-01-01T00:00:00Z"} if endpoint == "api-deletions" else {}
    response = role_clients[role].get(reverse(endpoint), params)
    assert response.status_code == READ_STATUS[role], response.content


def write_requests():
    return {
        "visits-list": lambda: {
            "visitor_country": "RUS",
            "host_country": "KGZ",
            "start_date": "2017-02-28",
            "status": "announced",
        },
        "topics-list": lambda: {"title": "Ayni airfield", "slug": "ayni", "countries": ["RUS", "TJK"]},
        "agreements-list": lambda: {"title": "Air services", "kind": "intergovernmental", "parties": ["RUS", "TJK"]},
        "people-list": lambda: {"name": "Igor Shuvalov", "country": "RUS"},
        "sources-list": lambda: {"title": "Asia-Plus report", "kind": "news_report"},
        "citations-list": lambda: {
            "source": SourceFactory().pk,
            "record_type": "visit",
            "object_id": str(VisitFactory().pk),
            "reliability": "anonymous_source",
        },
    }


WRITE_STATUS = {
    "anonymous": 401,
    "revoked_token": 401,
    "analyst_session": 403,
    "analyst_token": 403,
    "editor": 201,
    "admin": 201,
}


@pytest.mark.parametrize("endpoint", list(write_requests()))
@pytest.mark.parametrize("role", list(WRITE_STATUS))
def test_writing_needs_the_editor_or_admin_role(role_clients, endpoint, role):
    body = write_requests()[endpoint]()
    response = role_clients[role].post(reverse(endpoint), body, format="json")
    assert response.status_code == WRITE_STATUS[role], response.content


@pytest.mark.parametrize("role", list(WRITE_STATUS))
def test_transitions_need_change_permission(role_clients, role):
    visit = VisitFactory(status="announced")
    etag = f'"visit-{visit.pk}-v{visit.version}"'
    response = role_clients[role].post(
        reverse("visits-transitions", args=[visit.pk]),
        {"to_status": "confirmed", "on": "2017-02-20"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == WRITE_STATUS[role], response.content


def test_countries_are_read_only_even_for_admins(role_clients):
    response = role_clients["admin"].post(
        reverse("countries-list"), {"alpha3": "XXX", "name": "Nowhere"}, format="json"
    )
    assert response.status_code == 405


def test_an_editor_cannot_delete_a_visit_through_the_api(role_clients):
    visit = VisitFactory()
    assert role_clients["editor"].delete(reverse("visits-detail", args=[visit.pk])).status_code == 405


@override_settings(API_ANONYMOUS_READ=True)
def test_anonymous_reading_can_be_switched_on_but_writing_still_needs_a_role(api):
    assert api.get(reverse("visits-list")).status_code == 200
    assert api.post(reverse("people-list"), {"name": "X"}, format="json").status_code == 401


def test_an_anonymous_request_is_told_how_to_authenticate(api):
    response = api.get(reverse("visits-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_detail_endpoints_answer_by_stable_identifiers(analyst_api):
    topic = NegotiationTopicFactory(slug="eaeu-accession")
    person = PersonFactory()
    agreement = AgreementFactory()
    CitationFactory()
    assert analyst_api.get(reverse("countries-detail", args=["tjk"])).json()["name"] == "Tajikistan"
    assert analyst_api.get(reverse("topics-detail", args=["eaeu-accession"])).json()["id"] == topic.pk
    assert analyst_api.get(reverse("people-detail", args=[person.pk])).status_code == 200
    assert analyst_api.get(reverse("agreements-detail", args=[agreement.pk])).json()["status_label"] == "Proposed"


def test_a_role_change_takes_effect_at_once_despite_the_permission_cache(analyst, analyst_api):
    from django.contrib.auth.models import Group

    assert analyst_api.post(reverse("people-list"), {"name": "X"}, format="json").status_code == 403
    analyst.groups.add(Group.objects.get(name="editor"))
    assert analyst_api.post(reverse("people-list"), {"name": "X"}, format="json").status_code == 201
    analyst.groups.remove(Group.objects.get(name="editor"))
    analyst.groups.remove(Group.objects.get(name="analyst"))
    assert analyst_api.get(reverse("people-list")).status_code == 403


def test_taking_a_permission_from_a_role_takes_effect_at_once(analyst, analyst_api):
    from django.contrib.auth.models import Group, Permission

    assert analyst_api.get(reverse("people-list")).status_code == 200
    Group.objects.get(name="analyst").permissions.remove(Permission.objects.get(codename="view_person"))
    assert analyst_api.get(reverse("people-list")).status_code == 403
