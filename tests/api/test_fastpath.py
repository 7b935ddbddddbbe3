"""The flows list's short road (core.api.fastpath): a token's plain JSON GET is answered
without the rest of DRF, with DRF's own answer; everything else, refusals included, is DRF's,
and a request handed over is counted against its token's rate limit once."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import resolve, reverse
from knox.crypto import hash_token
from rest_framework.response import Response

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


def both_roads(path: str, token: str, **headers):
    """The answer through the view the URL resolves to (the short road, when it applies) and
    the answer of the DRF view behind it, for the same request."""
    factory = RequestFactory(HTTP_HOST="testserver", HTTP_AUTHORIZATION=f"Token {token}", **headers)
    view = resolve(path.split("?")[0]).func
    answers = []
    for road in (view, view.__wrapped__):
        response = road(factory.get(path))
        if isinstance(response, Response):
            response.render()
        answers.append(response)
    return answers


def counted(token: str) -> int:
    throttle = ClientRateThrottle()
    return cache.get(throttle.window_key(throttle.token_key(hash_token(token)), throttle.timer())) or 0


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
def test_a_token_json_page_is_answered_without_drf_exactly_as_drf_answers_it(flows, analyst, query):
    token = token_for(analyst)
    short, drf = both_roads(FLOWS + query, token)
    assert not isinstance(short, Response), "the short road was not taken"
    assert short.status_code == drf.status_code == 200
    assert short.content == drf.content
    assert dict(short.items()) == dict(drf.items())
    assert json.loads(short.content)["results"], "the page is empty: the comparison would prove little"


def test_a_walk_through_the_pages_by_the_next_links_is_the_same_on_both_roads(flows, analyst):
    token = token_for(analyst)
    path, seen = FLOWS + "?page_size=7&reporter=RUS", []
    while path:
        short, drf = both_roads(path, token)
        assert not isinstance(short, Response)
        assert short.content == drf.content
        body = json.loads(short.content)
        seen += [row["id"] for row in body["results"]]
        path = body["next"] and body["next"].removeprefix("http://testserver")
    assert seen == sorted(flow.pk for flow in flows if flow.reporter_id == "RUS")


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"HTTP_ACCEPT": "text/csv"}, ""),
        ({"HTTP_ACCEPT": "text/html"}, ""),
        ({"HTTP_ACCEPT": "application/json; indent=2"}, ""),
        ({}, "?format=csv"),
        ({}, "?format=json"),
    ],
)
def test_other_formats_and_accept_headers_are_drfs(flows, analyst, headers, query):
    short, drf = both_roads(FLOWS + query, token_for(analyst), **headers)
    assert isinstance(short, Response) or short.streaming, "handed over to DRF"
    assert short.status_code == drf.status_code == 200
    assert short["Content-Type"] == drf["Content-Type"]


def test_a_session_or_another_method_is_drfs(flows, analyst, client):
    client.force_login(analyst)
    response = client.get(FLOWS, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and isinstance(response, Response)
    token = token_for(analyst)
    head = resolve(FLOWS).func(RequestFactory().head(FLOWS, HTTP_AUTHORIZATION=f"Token {token}"))
    assert isinstance(head, Response) and head.status_code == 200


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
def test_a_bad_parameter_gets_drfs_error_counted_once(flows, analyst, query, status):
    token = token_for(analyst)
    before = counted(token)
    short, drf = both_roads(FLOWS + query, token)
    assert isinstance(short, Response), "a refusal is DRF's"
    assert short.status_code == drf.status_code == status
    assert short.content == drf.content and b'"fields"' in short.content
    assert counted(token) == before + 2, "each of the two requests counted once"


def test_a_bad_token_is_refused_by_drf_with_its_challenge(flows):
    short, drf = both_roads(FLOWS, "not-a-token-at-all")
    assert isinstance(short, Response)
    assert short.status_code == drf.status_code == 401
    assert short.content == drf.content and short["WWW-Authenticate"] == drf["WWW-Authenticate"] == "Token"


def test_a_token_without_a_role_is_refused_by_drf_counted_once(flows):
    token = token_for(UserFactory())
    short, drf = both_roads(FLOWS, token)
    assert isinstance(short, Response)
    assert short.status_code == drf.status_code == 403
    assert short.content == drf.content
    assert counted(token) == 2


def test_over_the_rate_a_token_gets_drfs_429_and_each_request_counts_once(flows, analyst, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min", "anonymous": "3/min"})
    token = token_for(analyst)
    view = resolve(FLOWS).func
    factory = RequestFactory(HTTP_AUTHORIZATION=f"Token {token}")
    answers = [view(factory.get(FLOWS)) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    assert [isinstance(answer, Response) for answer in answers] == [False, False, False, True, True]
    assert int(answers[-1]["Retry-After"]) > 0
    assert counted(token) == 5


def test_the_short_road_makes_the_queries_drfs_makes(flows, analyst, django_assert_num_queries):
    token = token_for(analyst)
    view = resolve(FLOWS).func
    factory = RequestFactory(HTTP_AUTHORIZATION=f"Token {token}")
    assert view(factory.get(FLOWS)).status_code == 200  # the token is now cached
    with django_assert_num_queries(1):  # the page; the token comes from the cache
        assert not isinstance(view(factory.get(FLOWS)), Response)
    with django_assert_num_queries(1):
        response = view.__wrapped__(factory.get(FLOWS))
        response.render()
