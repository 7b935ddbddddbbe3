"""Every API route that takes a record's id answers 404, on every method, for an id no record can
have (issue 19, item 3).

The routes come from the router itself, so a route added later is covered the day it appears.
Each id in a route (the record's, and a status row's in `status-history/{row}/`) is tried in
turn, the others being a real record's: 0, negative, beyond 64 bits (PostgreSQL's bigint would
overflow), not a number, and the spellings of a real id that Python's int() would still read
("+7", "07", " 7", "0_7", "٧"). Each is the API's 404, as if no route matched, on GET, HEAD,
OPTIONS, POST, PUT, PATCH and DELETE alike: never a 500, a 400 from the database, a 405 or an
OPTIONS answer that says the route exists, or the record under a second address
(core/api/lookups.py). The same URL with the real ids is not a 404, so it is the id that is
refused; the largest id taken, 18 digits, is the view's own 404 for each method the route has.
"""

import datetime
import inspect
import re
from urllib.parse import quote

import factory
import pytest
from django.db import models

from chancery.urls import router
from core.status import record_first_status
from tests import factories

pytestmark = pytest.mark.django_db

BAD_IDS = [
    "0",
    "-1",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "1e3",
    "abc",
    "-0",
]
# A real id N written so that int() reads N: each must be a 404, not the record again.
ALIASES = [
    "+{}",
    "0{}",
    " {}",
    "{} ",
    "0_{}",
    "{}\n",
    lambda n: "".join(chr(0x660 + int(d)) for d in n),  # Arabic-Indic digits
    lambda n: "".join(chr(0xFF10 + int(d)) for d in n),  # full-width digits
]
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
FACTORIES = {
    f._meta.model: f
    for f in vars(factories).values()
    if inspect.isclass(f) and issubclass(f, factory.django.DjangoModelFactory) and f._meta.model
}


def lookup_is_an_id(viewset) -> bool:
    model = viewset.queryset.model
    field = model._meta.pk if viewset.lookup_field == "pk" else model._meta.get_field(viewset.lookup_field)
    return isinstance(field, models.IntegerField)  # AutoField and BigAutoField among them


def id_routes() -> list[tuple[str, type, dict]]:
    """(URL template, viewset, actions) for each router route whose record is found by its id,
    the `.json` suffix routes included; each id in the template is `{kwarg}`."""
    routes = []
    for pattern in router.urls:
        callback = pattern.callback
        regex = pattern.pattern.regex.pattern
        viewset = getattr(callback, "cls", None)
        if not getattr(callback, "actions", None) or "(?P<" not in regex.replace("(?P<format>", ""):
            continue  # the API root, the lists
        if not lookup_is_an_id(viewset):
            continue  # looked up by a code or a slug (countries, topics)
        template = regex.removeprefix("^").removesuffix("$").removesuffix("/?").replace(r"\.", ".")
        template = GROUP.sub(lambda group: "json" if group[1] == "format" else f"{{{group[1]}}}", template)
        routes.append(("/api/v1/" + template, viewset, dict(callback.actions)))  # DRF adds "head" later
    return routes


ROUTES = id_routes()


def real_ids(viewset) -> dict:
    """A record of the viewset's kind, with a status row: the ids its routes are called with."""
    model = viewset.queryset.model
    assert model in FACTORIES, f"tests/factories.py has no factory for {model.__name__}: add one"
    record = FACTORIES[model]()
    ids = {"pk": str(record.pk)}
    if hasattr(record, "status_changes"):
        row = record.status_changes.first() or record_first_status(record, on=datetime.date(2017, 2, 27))
        ids["row"] = str(row.pk)
    return ids


def call(client, method, path):
    return getattr(client, method)(path, {}, format="json", HTTP_IF_MATCH='"1"')


def test_the_router_has_id_routes_to_check():
    templates = {template for template, _, _ in ROUTES}
    assert {
        "/api/v1/visits/{pk}/",
        "/api/v1/people/{pk}.json",
        "/api/v1/trade/flows/{pk}/",
        "/api/v1/agreements/{pk}/transitions/",
        "/api/v1/agreements/{pk}/status-history/{row}/",
    } <= templates, templates
    assert not any("countries" in t or "topics" in t for t in templates)


@pytest.mark.parametrize(("template", "viewset", "actions"), ROUTES, ids=[route[0] for route in ROUTES])
def test_an_id_no_record_can_have_is_a_404_on_every_method(editor_api, template, viewset, actions):
    ids = real_ids(viewset)
    real = template.format(**ids)
    answered = [method for method in actions if method in viewset.http_method_names]
    assert call(editor_api, answered[0], real).status_code != 404, real
    wrong = {}
    for kwarg in re.findall(r"{(\w+)}", template):
        bad_values = BAD_IDS + [a(ids[kwarg]) if callable(a) else a.format(ids[kwarg]) for a in ALIASES]
        for bad in bad_values:
            path = template.format(**{**ids, kwarg: quote(bad, safe="")})
            got = {method: call(editor_api, method, path) for method in METHODS}
            if any(response.status_code != 404 for response in got.values()):
                wrong[f"{kwarg}={bad!r}"] = {method: response.status_code for method, response in got.items()}
            elif got["get"].json()["error"]["code"] != "not_found":
                wrong[f"{kwarg}={bad!r}"] = got["get"].json()
        # The most a route takes, 18 digits: no such record, a 404 from the view (in range
        # on both databases) for each method the route answers.
        path = template.format(**{**ids, kwarg: "9" * 18})
        for method in answered:
            if (code := call(editor_api, method, path).status_code) != 404:
                wrong[f"{kwarg}={'9' * 18}, {method}"] = code
    assert not wrong, (real, wrong)
