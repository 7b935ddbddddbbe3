"""Schema-driven fuzzing: Schemathesis generates requests from our own OpenAPI schema.

Every generated request, anonymous, with an analyst's token and with an editor's (writes
included, in the test database), must get an answer that is not a 5xx and that conforms to
the schema. The number of examples per operation is small in `make test` and larger with
FUZZ_EXAMPLES (`make fuzz`, which records what it sent in bench/RESULTS.md: see
FUZZ_REPORT in tests/api/conftest.py).
"""

import os
from collections import Counter

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
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
