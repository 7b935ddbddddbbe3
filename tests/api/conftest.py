import pytest
from rest_framework.test import APIClient

from chancery.models import ApiToken
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
