"""The OpenAPI contract, the offline docs, tokens, rate limits and the deletions feed."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import ApiToken
from tests.factories import PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/visits/{id}/transitions/" in out.getvalue()
    assert "/api/v1/agreements/{id}/transitions/" in out.getvalue()


def test_the_schema_is_served_to_readers(analyst_api):
    response = analyst_api.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/countries/" in response.json()["paths"]


@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_the_docs_load_their_scripts_from_our_own_static_files(client, analyst, name):
    client.force_login(analyst)
    html = client.get(reverse(name)).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(not source.startswith(("http://", "https://", "//")) for source in sources), sources


def test_an_issued_token_authenticates_as_its_user_and_a_revoked_one_does_not(editor):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "editor", "--name", "dashboard", stdout=out, stderr=err)
    token = out.getvalue().strip()
    stored = ApiToken.objects.get()
    assert token.startswith("chy_") and token not in (stored.digest, stored.token_key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("visits-list")).status_code == 200

    call_command("revoke_api_token", "--key", stored.token_key, stdout=io.StringIO())

    assert client.get(reverse("visits-list")).status_code == 401
    with pytest.raises(CommandError, match="No such token"):
        call_command("revoke_api_token", "--key", stored.token_key, stdout=io.StringIO())


def test_a_token_for_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="No active user 'ghost'"):
        call_command("create_api_token", "ghost", "--name", "x")


def test_a_client_over_its_rate_is_told_when_to_come_back(analyst_api, monkeypatch):
    from core.api.throttling import ClientRateThrottle

    cache.clear()
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min", "anonymous": "3/min"})
    statuses = [analyst_api.get(reverse("countries-list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = analyst_api.get(reverse("countries-list"))
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    cache.clear()


def test_deleted_records_are_listed_for_change_feeds(analyst_api):
    person = PersonFactory()
    kept = VisitFactory()
    pk = person.pk
    person.delete()

    response = analyst_api.get(reverse("api-deletions"), {"since": "2000-01-01T00:00:00Z"})

    assert response.status_code == 200
    assert {"type": "person", "id": str(pk)} in [{k: row[k] for k in ("type", "id")} for row in response.json()]
    assert str(kept.pk) not in [row["id"] for row in response.json() if row["type"] == "visit"]


@pytest.mark.parametrize("params", [{}, {"since": "last week"}, {"since": "2000-01-01T00:00:00Z", "type": "planet"}])
def test_the_deletions_feed_refuses_a_missing_or_bad_parameter(analyst_api, params):
    assert analyst_api.get(reverse("api-deletions"), params).status_code == 400
