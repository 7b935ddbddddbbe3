"""API tokens are remembered in the cache (core.api.auth), and forgotten the moment what
they may do changes: revocation, the user deactivated, deleted or moved to another role."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from core.api.auth import _cache_key
from core.models import ApiToken
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

COUNTRIES = reverse("countries-list")
TOPICS = reverse("topics-list")


def client_with_token(user, **fields):
    stored, token = ApiToken.objects.create(user=user, name="tests", **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, stored, token


def test_a_token_once_checked_is_answered_from_the_cache_without_a_query(analyst):
    client, stored, token = client_with_token(analyst)
    assert client.get(COUNTRIES).status_code == 200
    assert cache.get(_cache_key(hash_token(token)))["user"]["id"] == analyst.pk

    with CaptureQueriesContext(connection) as queries:
        assert client.get(COUNTRIES).status_code == 200
    assert not [q["sql"] for q in queries if "chancery_apitoken" in q["sql"] or "auth_user" in q["sql"]]


def test_a_revoked_token_is_refused_at_once_though_it_was_cached(analyst):
    client, stored, token = client_with_token(analyst)
    assert client.get(COUNTRIES).status_code == 200
    call_command("revoke_api_token", "--key", stored.token_key, stdout=open("/dev/null", "w"))
    assert client.get(COUNTRIES).status_code == 401


def test_a_deactivated_user_is_refused_at_once(analyst):
    client, *_ = client_with_token(analyst)
    assert client.get(COUNTRIES).status_code == 200
    analyst.is_active = False
    analyst.save()
    assert client.get(COUNTRIES).status_code == 401


def test_a_deleted_user_is_refused_at_once():
    user = UserFactory(username="leaving", role="analyst")
    client, *_ = client_with_token(user)
    assert client.get(COUNTRIES).status_code == 200
    user.delete()
    assert client.get(COUNTRIES).status_code == 401


def test_a_role_taken_away_is_taken_away_at_once():
    user = UserFactory(username="moving", role="editor")
    client, *_ = client_with_token(user)
    body = {"title": "Rogun dam", "slug": "rogun", "countries": ["RUS", "TJK"]}
    assert client.post(TOPICS, body, format="json").status_code == 201

    user.groups.set([Group.objects.get(name="analyst")])
    response = client.post(TOPICS, {**body, "slug": "rogun-2"}, format="json")
    assert response.status_code == 403, response.content
    assert client.get(TOPICS).status_code == 200


def test_a_permission_taken_from_the_role_is_taken_from_its_tokens_at_once():
    user = UserFactory(username="editing", role="editor")
    client, *_ = client_with_token(user)
    assert client.get(TOPICS).status_code == 200
    editors = Group.objects.get(name="editor")
    permission = editors.permissions.get(codename="add_negotiationtopic")
    editors.permissions.remove(permission)
    try:
        response = client.post(TOPICS, {"title": "Rogun dam", "slug": "rogun", "countries": ["TJK"]}, format="json")
        assert response.status_code == 403
    finally:
        editors.permissions.add(permission)


def test_an_expired_token_is_refused_and_deleted_even_when_cached(analyst):
    client, stored, token = client_with_token(analyst, expiry=timezone.timedelta(minutes=5))
    assert client.get(COUNTRIES).status_code == 200
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    entry = cache.get(_cache_key(hash_token(token)))
    cache.set(_cache_key(hash_token(token)), {**entry, "expiry": timezone.now() - datetime.timedelta(seconds=1)})

    assert client.get(COUNTRIES).status_code == 401
    assert not ApiToken.objects.filter(pk=stored.pk).exists()


def test_a_forged_token_is_refused(analyst):
    client_with_token(analyst)
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token chy_" + "0" * 60)
    assert forged.get(COUNTRIES).status_code == 401
    forged.credentials(HTTP_AUTHORIZATION="Token \u00e9t\u00e9")
    assert forged.get(COUNTRIES).status_code == 401


def test_writes_through_a_cached_token_are_attributed_to_its_user():
    user = UserFactory(username="attributed", role="editor")
    client, *_ = client_with_token(user)
    assert client.get(TOPICS).status_code == 200  # the token is now cached
    response = client.post(TOPICS, {"title": "Rogun dam", "slug": "rogun", "countries": ["TJK"]}, format="json")
    assert response.status_code == 201
    from visits.models import NegotiationTopic

    topic = NegotiationTopic.objects.get(slug="rogun")
    assert topic.history.latest().history_user == user


def test_each_token_has_its_own_budget(analyst, monkeypatch):
    from core.api.throttling import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min", "anonymous": "2/min"})
    first, stored, token = client_with_token(analyst)
    second, *_ = client_with_token(analyst)
    assert [first.get(COUNTRIES).status_code for _ in range(3)] == [200, 200, 429]
    assert first.get(COUNTRIES)["Retry-After"]
    # The user's other token (another job of the same client) is not held back.
    assert second.get(COUNTRIES).status_code == 200
    # The budget holds the two requests let through, each once; refusals add nothing.
    throttle = ClientRateThrottle()
    assert throttle.counted(throttle.token_key(stored.digest)) == 2


def test_a_session_counts_against_its_user(analyst, monkeypatch):
    from core.api.throttling import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min", "anonymous": "2/min"})
    browser = APIClient()
    browser.force_login(analyst)
    assert [browser.get(COUNTRIES).status_code for _ in range(3)] == [200, 200, 429]


def test_the_user_and_token_built_from_a_cached_entry_are_those_in_the_database(analyst):
    from core.api.auth import USER_FIELDS, TokenAuthentication

    client, stored, token = client_with_token(analyst)
    assert client.get(COUNTRIES).status_code == 200  # now cached
    user, auth_token = TokenAuthentication().authenticate_credentials(token.encode())
    assert {name: getattr(user, name) for name in USER_FIELDS} == {name: getattr(analyst, name) for name in USER_FIELDS}
    assert (auth_token.digest, auth_token.token_key, auth_token.expiry, auth_token.user_id) == (
        stored.digest,
        stored.token_key,
        stored.expiry,
        analyst.pk,
    )
    assert auth_token.user is user and not user._state.adding and user._state.db == "default"
    # What the entry leaves out is read when asked for, as for a row loaded with only().
    assert user.email == analyst.email
