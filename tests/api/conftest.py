import json
import os
import sys

import pytest
from rest_framework.test import APIClient

from core.models import ApiToken
from tests.factories import UserFactory


def token_client(user) -> APIClient:
    _, token = ApiToken.objects.create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api(db):
    return APIClient()


@pytest.fixture
def analyst_api(analyst):
    return token_client(analyst)


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def admin_api(admin_user):
    return token_client(admin_user)


@pytest.fixture
def role_clients(db):
    """A client per role, for permission tables."""
    analyst = UserFactory(username="r-analyst", role="analyst")
    editor = UserFactory(username="r-editor", role="editor")
    admin = UserFactory(username="r-admin", role="admin", is_superuser=True, is_staff=True)
    session = APIClient()
    session.force_login(analyst)
    revoked_token, revoked_key = ApiToken.objects.create(user=analyst, name="revoked")
    revoked_token.delete()
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {revoked_key}")
    return {
        "anonymous": APIClient(),
        "analyst_session": session,
        "analyst_token": token_client(analyst),
        "revoked_token": revoked,
        "editor": token_client(editor),
        "admin": token_client(admin),
    }


def pytest_sessionfinish(session, exitstatus):
    """With FUZZ_REPORT=PATH (make fuzz), write what the fuzzer sent to PATH.<database>.json."""
    path = os.environ.get("FUZZ_REPORT")
    fuzz = sys.modules.get("tests.api.test_fuzz")
    if not path or fuzz is None or not fuzz.SENT:
        return
    from django.db import connection

    report = {
        "database": connection.vendor,
        "examples_per_operation": fuzz.EXAMPLES,
        "coverage_phase": fuzz.DEEP,
        "operations": len(fuzz.OPERATIONS),
        "requests": dict(fuzz.SENT),
        "statuses": {str(code): count for code, count in sorted(fuzz.ANSWERED.items())},
        "failed": session.testsfailed,
    }
    with open(f"{path}.{connection.vendor}.json", "w") as out:
        json.dump(report, out, indent=1)
