"""Schema-driven fuzzing: Schemathesis generates requests from our own OpenAPI schema.

Every generated request, anonymous, with an analyst's token and with an editor's (writes
included, in the test database), must get an answer that is not a 5xx and that conforms to
the schema. The number of examples per operation is small in `make test` and larger with
FUZZ_EXAMPLES (`make fuzz`, which records what it sent in bench/RESULTS.md: see
FUZZ_REPORT in tests/api/conftest.py).

Besides what the schema alone would give, hooks put hostile values where they do harm (issue
19, item 3): a `cursor` crafted as the lists' own cursors are (base64 JSON naming the list's
ordering) but carrying nulls, numbers beyond 64 bits, NaN, infinities, wrong types or the
wrong number of values, and garbage (broken base64, bytes that are not UTF-8 or not JSON,
timeline cursors with impossible dates or ids); and ids in paths that no record can have (0,
negative, beyond 64 bits, "1e3", "+1", "01").
"""

import base64
import functools
import json
import os
from collections import Counter

import pytest
import schemathesis
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chancery.wsgi import application
from core.models import ApiToken
from tests.factories import (
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    TradeClaimFactory,
    TradeFlowFactory,
    UserFactory,
    VisitFactory,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# `make test` fuzzes a few random requests per operation; `make fuzz` adds Schemathesis's
# coverage phase (boundary values for every parameter) and many more examples.
DEEP = os.environ.get("FUZZ_DEEP") == "1"
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": DEEP}, "examples": {"enabled": DEEP}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES},
    }
)


def _load_schema():
    import orjson

    document = orjson.loads(orjson.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = application
    return loaded


schema = _load_schema()


# --- Hostile cursors and path ids ------------------------------------------------------------
# Numbers that overflow a bigint, a float or a date, and values of the wrong type.
EXTREMES = [0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**20, 1e22, -1e22, 1e308]
EXTREMES += [float("inf"), float("-inf"), float("nan"), True]
ODD_TEXT = ["", "1e3", "2017-02-30", "2017-02", "0001-01-01", "9999-12-31", "10000-01-01", "\x00", "null"]
SCALARS = st.one_of(st.sampled_from([None, *EXTREMES, *ODD_TEXT]), st.integers(), st.floats(), st.text(max_size=12))
VALUES = st.one_of(SCALARS, SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=3), SCALARS))
BAD_IDS = [0, -1, 2**63 - 1, 2**63, 10**20, -(2**63) - 1, "1e3", "+1", "01", "abc"]
HOSTILE_IDS = st.one_of(st.sampled_from(BAD_IDS), st.integers(min_value=10**18), st.integers(max_value=0))


def encode(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@functools.cache
def orderings_of(path: str) -> tuple[tuple[str, ...], ...]:
    """The orderings the list at `path` keys its cursors on: its own, and each `?ordering=`
    either way, completed with the id as core.api.pagination.CursorPagination does."""
    view = resolve(path).func
    view = getattr(view, "cls", None) or getattr(view, "view_class", None)
    keys = [list(getattr(view, "ordering", None) or [])]
    keys += [[sign + name] for name in getattr(view, "ordering_fields", None) or [] for sign in ("", "-")]
    complete = [
        k if any(x.lstrip("-") in ("id", "pk") for x in k) else [*k, "-id" if k and k[0][0] == "-" else "id"]
        for k in keys
    ]
    return tuple(tuple(k) for k in complete)


def hostile_cursors(path: str) -> st.SearchStrategy[str]:
    orderings = st.sampled_from(orderings_of(path))
    # Half of each key's values are the extremes: a cursor with a plausible date and an
    # overflowing id gets past the first key to the second.
    value = st.one_of(st.sampled_from([None, *EXTREMES, *ODD_TEXT]), VALUES)
    this_list = orderings.flatmap(
        lambda keys: st.lists(value, min_size=len(keys), max_size=len(keys)).map(lambda v: {"o": list(keys), "v": v})
    )
    wrong_shape = st.one_of(
        st.fixed_dictionaries({"o": orderings.map(list), "v": VALUES}),
        st.fixed_dictionaries({"o": VALUES, "v": VALUES}),
        VALUES,
    )
    encoded = st.one_of(this_list, this_list, wrong_shape).map(encode)
    garbage = st.one_of(
        encoded.map(lambda cursor: cursor[: len(cursor) // 2]),  # cut short
        encoded.map(lambda cursor: cursor.rstrip("=") + "!*"),  # not base64
        st.binary(max_size=24).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),  # not UTF-8 or not JSON
        st.builds("{}.{}".format, st.sampled_from(ODD_TEXT), st.sampled_from(EXTREMES)),  # timeline cursors
        st.text(max_size=40),
    )
    return st.one_of(encoded, encoded, garbage)


@schema.hook("flatmap_query")
def hostile_cursor(context, query):
    """A quarter of the requests to a list carry a hostile cursor with the other generated
    parameters, a quarter with none (so it reaches the keyset code past the filters)."""
    if "cursor" not in {parameter.name for parameter in context.operation.query}:
        return st.just(query)
    query = query or {}
    cursors = hostile_cursors(context.operation.path)
    return st.integers(0, 3).flatmap(
        lambda k: (
            cursors.map(lambda cursor: {**query, "cursor": cursor})
            if k == 0
            else cursors.map(lambda cursor: {"cursor": cursor})
            if k == 1
            else st.just(query)
        )
    )


@schema.hook("flatmap_path_parameters")
def hostile_path_id(context, path_parameters):
    """A quarter of the requests to a record carry an id (its own or a status row's) that no
    record can have; Schemathesis itself sends integers of any size too."""
    ids = [p.name for p in context.operation.path_parameters if p.definition.get("schema", {}).get("type") == "integer"]
    if not ids or not path_parameters:
        return st.just(path_parameters)
    return st.integers(0, 3).flatmap(
        lambda k: (
            st.tuples(st.sampled_from(ids), HOSTILE_IDS).map(lambda bad: {**path_parameters, bad[0]: bad[1]})
            if k == 0
            else st.just(path_parameters)
        )
    )


@pytest.fixture
def in_process_wsgi():
    """Like Django's test client: keep the test's database connection open between requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(db, in_process_wsgi):
    visit = VisitFactory()
    CitationFactory(record=visit)
    AgreementFactory()
    NegotiationTopicFactory(slug="ayni")
    TradeFlowFactory()
    TradeClaimFactory()


def token_for(role):
    user = UserFactory(username=f"fuzz-{role}", role=role)
    return ApiToken.objects.create(user=user, name="fuzz")[1]


# What was sent, for make fuzz's record: requests per role, answers per status code.
SENT: Counter = Counter()
ANSWERED: Counter = Counter()
OPERATIONS: set = set()


def fuzz(case, role):
    headers = {} if role == "anonymous" else {"Authorization": f"Token {token_for(role)}"}
    response = case.call(headers=headers)
    SENT[role] += 1
    ANSWERED[response.status_code] += 1
    OPERATIONS.add(f"{case.method} {case.path}")
    assert response.status_code < 500, (
        role,
        case.method,
        case.formatted_path,
        response.status_code,
        response.text[:500],
    )
    # The contract: no server error, and every answer documented (status, content type, body).
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


# Editors reach every code path (writes included); readers and strangers mostly meet the
# permission checks, so `make test` sends them fewer examples (`make fuzz` as many).
READER_EXAMPLES = EXAMPLES if DEEP else max(2, EXAMPLES // 4)
FUZZ_SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, **FUZZ_SETTINGS)
def test_no_generated_request_breaks_the_api_for_an_editor(case, fuzz_data):
    fuzz(case, "editor")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=READER_EXAMPLES, **FUZZ_SETTINGS)
def test_no_generated_request_breaks_the_api_for_an_analyst(case, fuzz_data):
    fuzz(case, "analyst")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=READER_EXAMPLES, **FUZZ_SETTINGS)
def test_no_generated_request_breaks_the_api_for_an_anonymous_visitor(case, fuzz_data):
    fuzz(case, "anonymous")


def decoded(cursor):
    try:
        return json.loads(base64.urlsafe_b64decode(cursor))
    except (TypeError, ValueError):
        return None


def test_the_fuzzer_sends_crafted_cursors_and_ids_no_record_can_have():
    """The hooks reach the operations: among the requests generated for the visits list are
    cursors of the list's own ordering carrying a null and a number beyond 64 bits, and among
    those for a visit, negative ids and ids written as int() would still read them ("+1")."""
    from hypothesis import Phase, find

    first = settings(max_examples=1000, database=None, phases=[Phase.generate], **FUZZ_SETTINGS)
    visits = schema["/api/v1/visits/"]["GET"].as_strategy()
    visit = schema["/api/v1/visits/{id}/"]["GET"].as_strategy()

    def visits_cursor(case):
        payload = decoded((case.query or {}).get("cursor"))
        if isinstance(payload, dict) and payload.get("o") == ["-start_date", "-id"] and isinstance(payload["v"], list):
            return payload["v"] if len(payload["v"]) == 2 else None
        return None

    find(visits, lambda case: (values := visits_cursor(case)) is not None and None in values, settings=first)
    find(
        visits, lambda case: any(type(v) is int and abs(v) >= 2**63 for v in visits_cursor(case) or []), settings=first
    )
    find(visit, lambda case: case.path_parameters["id"] in ("+1", "01", "1e3"), settings=first)
    find(visit, lambda case: type(case.path_parameters["id"]) is int and case.path_parameters["id"] < 0, settings=first)
