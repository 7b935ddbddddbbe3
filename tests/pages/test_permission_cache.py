"""Pages read a signed-in user's permissions through the shared cache (core.roles.
CachedPermissionsBackend), as the API does: no permission queries once cached, and a role
change reaches the next page at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

PERMISSION_TABLES = ("auth_permission", "auth_group_permissions", "auth_user_groups", "auth_user_user_permissions")


def permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if any(table in q["sql"] for table in PERMISSION_TABLES)]


def test_a_page_asks_the_database_for_permissions_only_until_they_are_cached(client, editor):
    visit = VisitFactory()
    client.force_login(editor)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("visit", args=[visit.pk])).status_code == 200
    assert permission_queries(first), "the first page read the permissions from the database"
    with CaptureQueriesContext(connection) as second:
        assert client.get(reverse("visit", args=[visit.pk])).status_code == 200
    assert permission_queries(second) == []


def test_a_role_change_reaches_the_next_page_at_once(client, analyst):
    visit = VisitFactory()
    client.force_login(analyst)
    status_change = reverse("edit-status", args=["visit", visit.pk])
    assert client.post(status_change, {}).status_code == 403
    analyst.groups.add(Group.objects.get(name="editor"))
    # An editor's empty form: the page again, with what is missing.
    response = client.post(status_change, {})
    assert response.status_code == 200 and b"This field is required" in response.content
    analyst.groups.remove(Group.objects.get(name="editor"))
    assert client.post(status_change, {}).status_code == 403
