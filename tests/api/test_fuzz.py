"""Schema-driven fuzzing: Schemathesis generates requests from our own OpenAPI schema.

Every generated request, as an analyst and as an editor (writes included, in the test
database), must get an answer that is not a 5xx and that conforms to the schema. The number
of examples per operation is small in `make test` and larger with FUZZ_EXAMPLES (`make fuzz`).
"""

import os

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from chancery.models import ApiToken
from chancery.wsgi import application
from tests.factories import AgreementFactory, CitationFactory, NegotiationTopicFactory, TradeClaimFactory, TradeFlowFactory, UserFactory, VisitFactory

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


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_request_breaks_the_api(case, fuzz_data):
    token = token_for("editor")
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text[:500])
    # The contract: no server error, and every answer documented (status, content type, body).
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
