"""Clients for the permission matrix: the API's role clients, with sessions where pages need them."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import ForceAuthClientHandler

from tests.api.conftest import role_clients  # noqa: F401  (the API's permission tables' clients, reused)


@pytest.fixture(scope="session")
def shared_handler():
    """One request handler for all the matrix's clients. Each new handler loads the middleware on
    its first request, and WhiteNoise's indexes every static file then: more than half a second,
    which six fresh clients per route would pay some three hundred times over."""
    return ForceAuthClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def matrix_clients(role_clients, shared_handler):  # noqa: F811
    """One client per role. Editors and admins also hold a session: their token signs them in to
    the API (which tries tokens first), their session to the pages and the admin. The analyst's
    session and token stay apart, so the matrix shows what each one opens on its own."""
    users = get_user_model().objects.in_bulk(["r-editor", "r-admin"], field_name="username")
    role_clients["editor"].force_login(users["r-editor"])
    role_clients["admin"].force_login(users["r-admin"])
    for client in role_clients.values():
        client.handler = shared_handler
    return role_clients
