"""Feeds fetched with an API token count against that token's API rate, in the shared cache."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from core.api.throttling import ClientRateThrottle
from core.models import ApiToken

pytestmark = pytest.mark.django_db

FEED = reverse("country-feed", args=["TJK"])
CALENDAR = reverse("country-calendar", args=["TJK"])
API = reverse("countries-list")


@pytest.fixture
def low_rate(empty_cache, monkeypatch):
    """Three requests a minute per token (the rate the API's throttles read), counted in the shared cache."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min", "anonymous": "3/min"})


def token_of(user, name="feed reader") -> str:
    return ApiToken.objects.create(user=user, name=name)[1]


def test_a_feed_reader_over_its_token_rate_is_told_when_to_come_back(analyst, low_rate):
    feeds = Client(HTTP_AUTHORIZATION=f"Token {token_of(analyst)}")
    statuses = [feeds.get(url).status_code for url in (FEED, CALENDAR, FEED)]
    assert statuses == [200, 200, 200]
    for url in (FEED, CALENDAR):
        refused = feeds.get(url)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "Too many requests" in refused.content.decode()


def test_feeds_and_the_api_share_the_token_budget(analyst, low_rate):
    token = token_of(analyst)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    feeds = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert [api.get(API).status_code, feeds.get(CALENDAR).status_code, api.get(API).status_code] == [200, 200, 200]
    # The budget is spent: the feed is refused, and so is the API, which answers in its own shape.
    assert feeds.get(FEED).status_code == 429
    refused = api.get(API)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "throttled"


def test_each_token_has_its_own_feed_budget_and_a_session_reads_feeds_as_pages(analyst, low_rate):
    first = Client(HTTP_AUTHORIZATION=f"Token {token_of(analyst)}")
    assert [first.get(FEED).status_code for _ in range(4)] == [200, 200, 200, 429]
    second = Client(HTTP_AUTHORIZATION=f"Token {token_of(analyst, 'calendar app')}")
    assert second.get(FEED).status_code == 200
    # Signed in in a browser, the feed is a page like the others: no API budget is spent.
    browser = Client()
    browser.force_login(analyst)
    assert [browser.get(FEED).status_code for _ in range(4)] == [200, 200, 200, 200]


def test_a_bad_token_is_a_401_however_often_it_is_tried(analyst, low_rate):
    bad = Client(HTTP_AUTHORIZATION="Token chy_not-a-token")
    assert [bad.get(FEED).status_code for _ in range(4)] == [401, 401, 401, 401]


def test_with_the_cache_out_of_reach_a_feed_reader_is_served_not_refused(analyst, low_rate):
    """As the API: with Redis out of reach (the cache and the rate counter), the rate is not
    checked (logged) rather than the feed refused."""
    token = token_of(analyst)
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    with override_settings(CACHES=unreachable, API_RATE_STORAGE_URL="redis://127.0.0.1:1/0"):
        feeds = Client(HTTP_AUTHORIZATION=f"Token {token}")
        assert [feeds.get(FEED).status_code for _ in range(4)] == [200, 200, 200, 200]
