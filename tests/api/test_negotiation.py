"""The remembered content negotiation (core.api.negotiation) answers as DRF's own does."""

import itertools

import pytest
from django.http import Http404
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api import negotiation
from core.api.csv import CSVRenderer
from core.api.negotiation import CachedContentNegotiation

HEADERS = [
    None,
    "",
    "*/*",
    "application/json",
    "text/csv",
    "text/html",
    "application/xml",
    "image/png",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/json; indent=4",
    "text/*",
    "application/*",
    "text/csv;q=0.5, application/json;q=0.9",
    "application/json;q=0, text/csv",
    "*/*;q=0.1, text/html",
    "  application/json  ,",
    ",,,",
    "garbage",
    "a/b/c",
    "application/json;version=2",
    "x" * 300,
    "text/csv, " + "y" * 600,
]
FORMATS = [None, "json", "csv", "api", "xml"]
RENDERER_SETS = [
    [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer],
    [ORJSONRenderer, BrowsableAPIRenderer],
    [CSVRenderer, ORJSONRenderer],
    [JSONRenderer],
]


def request_for(header, format_):
    extra = {} if header is None else {"HTTP_ACCEPT": header}
    return Request(APIRequestFactory().get("/api/v1/things/", {"format": format_} if format_ else {}, **extra))


def answer(negotiator, header, format_, renderer_classes):
    renderers = [cls() for cls in renderer_classes]
    try:
        renderer, media_type = negotiator.select_renderer(request_for(header, format_), renderers)
    except (NotAcceptable, Http404) as exc:
        return type(exc).__name__
    return renderers.index(renderer), media_type


@pytest.mark.parametrize("renderer_classes", RENDERER_SETS, ids=lambda classes: "+".join(c.__name__ for c in classes))
def test_every_header_and_format_gets_drfs_own_answer_first_time_and_remembered(renderer_classes):
    negotiation._negotiate.cache_clear()
    for header, format_ in itertools.product(HEADERS, FORMATS):
        expected = answer(DefaultContentNegotiation(), header, format_, renderer_classes)
        assert answer(CachedContentNegotiation(), header, format_, renderer_classes) == expected, (header, format_)
        assert answer(CachedContentNegotiation(), header, format_, renderer_classes) == expected, (header, format_)


def test_answers_are_remembered_and_long_headers_are_not():
    negotiation._negotiate.cache_clear()
    answer(CachedContentNegotiation(), "application/json", None, RENDERER_SETS[0])
    answer(CachedContentNegotiation(), "application/json", None, RENDERER_SETS[0])
    assert negotiation._negotiate.cache_info().hits == 1
    answer(CachedContentNegotiation(), "text/csv, " + "y" * 600, None, RENDERER_SETS[0])
    assert negotiation._negotiate.cache_info().currsize == 1


def test_the_memory_is_bounded():
    negotiation._negotiate.cache_clear()
    for n in range(negotiation.CACHE_SIZE + 50):
        answer(CachedContentNegotiation(), f"application/x-{n}, application/json", None, RENDERER_SETS[0])
    assert negotiation._negotiate.cache_info().currsize == negotiation.CACHE_SIZE


@pytest.mark.django_db
def test_the_api_uses_it(analyst_api):
    negotiation._negotiate.cache_clear()
    response = analyst_api.get("/api/v1/countries/", HTTP_ACCEPT="text/html;q=0.5, application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    response = analyst_api.get("/api/v1/trade/flows/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert negotiation._negotiate.cache_info().currsize == 2
