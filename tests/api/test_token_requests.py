"""A token's requests to the flows list, the bulk read API clients repeat all day: the same
answer a signed-in session gets, refusals in the API's error shape, each request counted once
against the token's rate limit, and the token read from the cache, not the database."""

import datetime
import json
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from knox.crypto import hash_token
from rest_framework.test import APIClient

from core.api.throttling import ClientRateThrottle
from core.models import ApiToken
from tests.factories import UserFactory
from trade.models import TradeFlow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

FLOWS = reverse("trade-flows-list")


@pytest.fixture
def flows(db):
    sources = []
    for year in range(2015, 2021):
        for reporter, partner in (("TJK", "RUS"), ("RUS", "TJK"), ("RUS", "KAZ")):
            for flow in ("export", "import"):
                sources.append(
                    TradeFlow(
                        reporter_id=reporter,
                        partner_id=partner,
                        year=year,
                        flow=flow,
                        commodity_code="TOTAL",
                        value_usd=f"{year}{len(sources)}.25",
                    )
                )
    sources.append(
        TradeFlow(
            reporter_id="RUS",
            partner_id="TJK",
            year=2020,
            month=3,
            flow="export",
            commodity_code="27",
            value_usd="1.50",
        )
    )
    return TradeFlow.objects.bulk_create(sources)


def token_for(user) -> str:
    return ApiToken.objects.create(user=user, name="tests")[1]


def token_and_session(path: str, token: str, user, **headers):
    """The answer to a token, and to a session of the token's user, for the same request."""
    by_token = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(path, **headers)
    session = APIClient()
    session.force_login(user)
    return by_token, session.get(path, **headers)


def counted(token: str) -> int:
    """The requests the token's budget holds now (counted in Redis under the token's key)."""
    throttle = ClientRateThrottle()
    return throttle.counted(throttle.token_key(hash_token(token)))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?reporter=RUS",
        "?reporter=rus&year_from=2016&year_to=2018&page_size=4",
        "?pair=TJK-RUS&flow=export&flow=import",
        "?country=KAZ&annual=true",
        "?annual=false&commodity=27",
        "?ordering=-id&page_size=5",
        "?dataset=&month=3",
        f"?updated_since={datetime.date.today().isoformat()}",
    ],
)
def test_a_token_gets_the_page_a_session_gets(flows, analyst, query):
    by_token, session = token_and_session(FLOWS + query, token_for(analyst), analyst)
    assert by_token.status_code == session.status_code == 200
    assert by_token.content == session.content
    assert json.loads(by_token.content)["results"], "the page is empty: the comparison would prove little"


def test_a_walk_through_the_pages_by_the_next_links_reads_every_row_once(flows, analyst):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(analyst)}")
    path, seen = FLOWS + "?page_size=7&reporter=RUS", []
    while path:
        body = client.get(path).json()
        seen += [row["id"] for row in body["results"]]
        path = body["next"] and body["next"].removeprefix("http://testserver")
    assert seen == sorted(flow.pk for flow in flows if flow.reporter_id == "RUS")


@pytest.mark.parametrize(
    "headers, query, content_type",
    [
        ({"HTTP_ACCEPT": "text/csv"}, "", "text/csv"),
        ({"HTTP_ACCEPT": "text/html"}, "", "text/html"),
        ({"HTTP_ACCEPT": "application/json; indent=2"}, "", "application/json"),
        ({}, "?format=csv", "text/csv"),
        ({}, "?format=json", "application/json"),
    ],
)
def test_other_formats_and_accept_headers_are_answered_for_a_token(flows, analyst, headers, query, content_type):
    by_token, session = token_and_session(FLOWS + query, token_for(analyst), analyst, **headers)
    assert by_token.status_code == session.status_code == 200
    assert by_token["Content-Type"].split(";")[0] == session["Content-Type"].split(";")[0] == content_type


def test_a_head_request_with_a_token_is_answered(flows, analyst):
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(analyst)}").head(FLOWS)
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize(
    "query, status",
    [
        ("?year=abc", 400),
        ("?reporter=QQQ", 400),  # no such country
        ("?page_size=0", 400),
        ("?cursor=not-a-cursor", 400),
        ("?ordering=-id&cursor=eyJvIjpbImlkIl0sInYiOlsxXX0=", 400),  # a cursor from the other ordering
        ("?commodity=" + "9" * 13, 400),
    ],
)
def test_a_bad_parameter_gets_the_field_error_counted_once(flows, analyst, query, status):
    token = token_for(analyst)
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(FLOWS + query)
    assert response.status_code == status
    assert b'"fields"' in response.content
    assert counted(token) == 1


def test_a_bad_token_is_refused_with_the_challenge(flows):
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-token-at-all").get(FLOWS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_without_a_role_is_refused_before_any_rate_is_spent(flows):
    # DRF checks permissions before throttles: a refusal costs the token nothing.
    token = token_for(UserFactory())
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(FLOWS)
    assert response.status_code == 403
    assert counted(token) == 0


def test_over_the_rate_a_token_gets_429_and_the_refused_requests_spend_nothing(flows, analyst, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min", "anonymous": "3/min"})
    token = token_for(analyst)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    answers = [client.get(FLOWS) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert counted(token) == 3


def test_the_window_moves_and_its_times_stay_in_redis(flows, analyst, monkeypatch):
    """A request leaves the budget a window after it was let through; the times are kept by the
    counter in Redis, not shipped to the app and back as DRF's cached list was."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/s", "anonymous": "2/s"})
    token = token_for(analyst)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert [client.get(FLOWS).status_code for _ in range(3)] == [200, 200, 429]
    waited = client.get(FLOWS)
    assert waited.status_code == 429 and 0 <= int(waited["Retry-After"]) <= 1
    assert cache.get(ClientRateThrottle().token_key(hash_token(token))) is None
    time.sleep(1.05)
    assert client.get(FLOWS).status_code == 200
    assert counted(token) == 1


def test_a_page_for_a_cached_token_is_one_query(flows, analyst, django_assert_num_queries):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(analyst)}")
    assert client.get(FLOWS).status_code == 200  # the token is now cached
    with django_assert_num_queries(1):  # the page; the token and its rights come from the cache
        assert client.get(FLOWS).status_code == 200
