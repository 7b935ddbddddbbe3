"""Idempotency-Key on API creates: a retried POST gets the first attempt's record, not a second one."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse

from core.models import IdempotencyKey
from tests.api.conftest import token_client
from tests.factories import UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db
VISITS = reverse("visits-list")
BODY = {
    "visitor_country": "RUS",
    "host_country": "KGZ",
    "locale": "Bishkek",
    "start_date": "2017-02-01",
    "status": "announced",
}


def post(client, body=BODY, key="2f1c8a8e-5b7d-4a51-9b61-0e6f0c7a2f10"):
    return client.post(VISITS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_gets_the_first_record_and_creates_nothing(editor_api):
    first = post(editor_api)
    assert first.status_code == 201, first.content
    assert not first.has_header("Idempotent-Replayed")

    # The same body, its keys in another order: the same request.
    retry = post(editor_api, dict(reversed(list(BODY.items()))))

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry["ETag"] == first["ETag"]
    assert Visit.objects.count() == 1
    assert Visit.objects.get().status_changes.count() == 1


def test_the_same_key_on_another_request_is_a_422_and_changes_nothing(editor_api):
    post(editor_api)
    response = post(editor_api, {**BODY, "locale": "Osh"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Visit.objects.values_list("locale", flat=True)) == ["Bishkek"]


def test_without_a_key_each_post_is_a_new_record(editor_api):
    editor_api.post(VISITS, BODY, format="json")
    editor_api.post(VISITS, BODY, format="json")
    assert Visit.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_keys_are_each_users_own(editor_api):
    other = token_client(UserFactory(username="other-editor", role="editor"))
    assert post(editor_api).status_code == 201
    assert post(other).status_code == 201
    assert Visit.objects.count() == 2


def test_a_refused_create_does_not_use_up_its_key(editor_api):
    refused = post(editor_api, {**BODY, "end_date": "2017-01-01", "start_precision": "day"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(editor_api).status_code == 201
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_key_that_is_not_one_is_a_400_naming_the_header(editor_api, key):
    response = post(editor_api, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Visit.objects.exists()


def test_a_key_is_forgotten_after_a_day(editor_api):
    post(editor_api)
    IdempotencyKey.objects.update(
        created_at=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(hours=IdempotencyKey.LIFETIME_HOURS, minutes=1)
    )
    again = post(editor_api)
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Visit.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_a_key_whose_record_was_deleted_since_is_a_404(editor_api):
    post(editor_api)
    Visit.objects.all().delete()
    response = post(editor_api)
    assert response.status_code == 404
    assert "deleted" in response.json()["error"]["message"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_attempts_at_once_make_one_record(editor):
    """The second attempt's insert of the key waits for the first's transaction, then replays it."""
    clients = [token_client(editor) for _ in range(4)]
    barrier = threading.Barrier(len(clients))
    answers = []

    def attempt(client):
        barrier.wait()
        try:
            answers.append(post(client))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [answer.status_code for answer in answers] == [201] * len(clients)
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert sum(answer.has_header("Idempotent-Replayed") for answer in answers) == len(clients) - 1
    assert Visit.objects.count() == 1


def test_the_schema_documents_the_header_and_the_422(admin_api):
    schema = admin_api.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    create = schema["paths"]["/api/v1/visits/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"] if p["in"] == "header"]
    assert "422" in create["responses"]
    assert "Idempotency-Key" not in [
        p["name"] for p in schema["paths"]["/api/v1/visits/{id}/"]["put"].get("parameters", [])
    ]
