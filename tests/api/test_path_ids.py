"""Every API route that takes a record's id answers 404 for an id no record can have.

The routes come from the router itself, so a route added later is covered the day it appears:
an id beyond 64 bits, a negative one, or not a number at all is a 404 (never a database
error from an integer that overflows PostgreSQL's bigint) on every method the route takes.
"""

import re

import pytest

from chancery.urls import router

pytestmark = pytest.mark.django_db

BAD_IDS = ["9223372036854775808", "99999999999999999999", "-1", "1e3", "abc"]


def id_routes():
    """Each router route with a record id in it, written with `{}` where the id goes."""
    routes = []
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        viewset = pattern.callback.cls
        if "(?P<pk>" not in regex or regex.endswith(r"\.(?P<format>[a-z0-9]+)/?$"):
            continue
        if hasattr(viewset, "lookup_value_regex"):  # looked up by a code, not an id (countries)
            continue
        route = re.sub(r"\(\?P<pk>[^)]*\)", "{}", regex.lstrip("^").rstrip("$"))
        route = re.sub(r"\(\?P<row>[^)]*\)", "1", route)
        routes.append("/api/v1/" + route)
    return routes


ROUTES = id_routes()


def test_the_router_has_id_routes_to_check():
    assert {"/api/v1/visits/{}/", "/api/v1/agreements/{}/transitions/"} <= set(ROUTES), ROUTES


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_no_record_can_have_is_a_404_on_every_method(editor_api, route, bad):
    path = route.format(bad)
    for method in ("get", "patch", "post", "delete"):
        response = getattr(editor_api, method)(path, {}, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code in (404, 405), f"{method.upper()} {path}: {response.status_code}"
        if method == "get":
            assert response.status_code == 404 or "GET" not in response.get("Allow", ""), path
