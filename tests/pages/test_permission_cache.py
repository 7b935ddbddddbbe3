"""Pages read a signed-in user's permissions with Django's ModelBackend: once per request,
whatever the page checks, and a role change reaches the next page at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

PERMISSION_TABLES = ("auth_permission", "auth_group_permissions", "auth_user_groups", "auth_user_user_permissions")


def permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if any(table in q["sql"] for table in PERMISSION_TABLES)]


def test_a_page_reads_the_permissions_once_however_many_it_checks(client, editor):
    visit = VisitFactory()
    client.force_login(editor)
    for _ in range(2):
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("visit", args=[visit.pk])).status_code == 200
        # The user's own permissions and their groups', once each: the page's menu, buttons
        # and edit panels all ask ModelBackend, which keeps them for the request.
        assert len(permission_queries(page.captured_queries)) == 2


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
