"""Fixtures of the kernel's tests: the API clients the status-history tests use."""

import pytest

from tests.api.conftest import token_client


@pytest.fixture
def editor_api(editor):
    return token_client(editor)
