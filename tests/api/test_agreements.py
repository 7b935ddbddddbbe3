import datetime

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import AgreementFactory, NegotiationTopicFactory

pytestmark = pytest.mark.django_db
LIST = reverse("agreements-list")


def etag(agreement):
    agreement.refresh_from_db()
    return f'"agreement-{agreement.pk}-v{agreement.version}"'


def test_an_editor_creates_an_agreement_with_parties_topics_and_its_first_status(editor_api, editor):
    NegotiationTopicFactory(slug="aviation-dispute")
    response = editor_api.post(
        LIST,
        {
            "title": "Air services agreement",
            "kind": "intergovernmental",
            "status": "negotiating",
            "parties": ["RUS", "tjk"],
            "topics": ["aviation-dispute"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parties"], body["topics"], body["status_label"]) == (
        ["RUS", "TJK"],
        ["aviation-dispute"],
        "Negotiating",
    )
    agreement = Agreement.objects.get(pk=body["id"])
    assert list(agreement.status_changes.values_list("to_status", "recorded_by")) == [("negotiating", editor.pk)]


def test_an_agreement_needs_two_different_parties(editor_api):
    response = editor_api.post(LIST, {"title": "X", "kind": "treaty", "parties": ["RUS", "RUS"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["parties"] == ["An agreement needs at least two different parties."]


def test_a_party_given_twice_is_a_400_naming_the_field_and_nothing_is_saved(editor_api):
    body = {"title": "X", "kind": "treaty", "parties": ["RUS", "TJK", "rus"]}
    response = editor_api.post(LIST, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["parties"] == ["Each party once: RUS is given more than once."]
    assert not Agreement.objects.exists()
    agreement = AgreementFactory(parties=["RUS", "TJK"])
    url = reverse("agreements-detail", args=[agreement.pk])
    response = editor_api.patch(url, {"parties": ["KGZ", "KGZ", "RUS"]}, format="json", HTTP_IF_MATCH=etag(agreement))
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["parties"]
    assert sorted(agreement.parties.values_list("pk", flat=True)) == ["RUS", "TJK"]


def test_signing_through_a_transition_sets_the_signature_date(editor_api):
    agreement = AgreementFactory(status="negotiating")
    response = editor_api.post(
        reverse("agreements-transitions", args=[agreement.pk]),
        {"to_status": "signed", "on": "2017-02-28", "precision": "day"},
        format="json",
        HTTP_IF_MATCH=etag(agreement),
    )
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["signed_on"]) == ("signed", "2017-02-28")


def test_a_refused_agreement_transition_lists_the_allowed_targets(editor_api):
    agreement = AgreementFactory(status="in_force")
    response = editor_api.post(
        reverse("agreements-transitions", args=[agreement.pk]),
        {"to_status": "drafting", "on": "2017-02-28"},
        format="json",
        HTTP_IF_MATCH=etag(agreement),
    )
    assert response.status_code == 409
    assert response.json()["error"]["allowed"] == ["suspended", "terminated"]


def test_entry_into_force_before_signature_is_a_400_and_nothing_changes(editor_api):
    agreement = AgreementFactory(status="signed", signed_on=datetime.date(2017, 2, 28))
    response = editor_api.post(
        reverse("agreements-transitions", args=[agreement.pk]),
        {"to_status": "in_force", "on": "2016-01-01"},
        format="json",
        HTTP_IF_MATCH=etag(agreement),
    )
    assert response.status_code == 400
    assert "in_force_on" in response.json()["error"]["fields"]
    agreement.refresh_from_db()
    assert agreement.status == "signed"


def test_agreements_are_filtered_by_pair_party_status_and_topic(analyst_api):
    topic = NegotiationTopicFactory(slug="eaeu")
    wanted = AgreementFactory(parties=["RUS", "TJK"], status="signed")
    wanted.topics.add(topic)
    AgreementFactory(parties=["RUS", "KGZ"], status="proposed")

    for params in ({"pair": "TJK-RUS"}, {"party": "TJK"}, {"status": "signed"}, {"topic": "eaeu"}):
        response = analyst_api.get(LIST, params)
        assert [row["id"] for row in response.json()["results"]] == [wanted.pk], params
    assert analyst_api.get(LIST, {"pair": "TJK-XXX"}).status_code == 400


def test_updating_parties_needs_if_match_and_replaces_them(editor_api):
    agreement = AgreementFactory(parties=["RUS", "TJK"])
    url = reverse("agreements-detail", args=[agreement.pk])
    assert editor_api.patch(url, {"parties": ["RUS", "KGZ"]}, format="json").status_code == 428
    response = editor_api.patch(url, {"parties": ["RUS", "KGZ"]}, format="json", HTTP_IF_MATCH=etag(agreement))
    assert response.status_code == 200
    assert response.json()["parties"] == ["KGZ", "RUS"]
