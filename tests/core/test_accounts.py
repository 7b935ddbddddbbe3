import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def create_user(monkeypatch, *args, password="a sturdy passphrase 42"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_user", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_an_editor_is_created_with_admin_access_and_one_role(monkeypatch):
    out = create_user(monkeypatch, "maria", "--role", "editor", "--email", "maria@example.org")

    user = get_user_model().objects.get(username="maria")
    assert "maria is now in the editor role" in out
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    assert user.check_password("a sturdy passphrase 42")
    assert user.has_perm("visits.change_visit") and not user.has_perm("directory.change_country")


def test_an_analyst_reads_but_cannot_write_or_enter_the_admin(monkeypatch):
    create_user(monkeypatch, "ana", "--role", "analyst")

    user = get_user_model().objects.get(username="ana")
    assert not user.is_staff
    assert user.has_perm("visits.view_visit") and not user.has_perm("visits.change_visit")


def test_changing_a_users_role_replaces_the_old_one(monkeypatch):
    create_user(monkeypatch, "sam", "--role", "editor")
    create_user(monkeypatch, "sam", "--role", "analyst")

    user = get_user_model().objects.get(username="sam")
    assert list(user.groups.values_list("name", flat=True)) == ["analyst"]
    assert not user.is_staff


def test_a_weak_password_is_refused_with_the_reason(monkeypatch):
    with pytest.raises(CommandError, match="Password refused: This password is too short"):
        create_user(monkeypatch, "weak", "--role", "editor", password="abc")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_demo_accounts_are_created_in_development():
    call_command("create_demo_users", stdout=io.StringIO())
    roles = dict(get_user_model().objects.values_list("username", "groups__name"))
    assert roles == {"editor": "editor", "analyst": "analyst"}


@override_settings(PRODUCTION=True)
def test_demo_accounts_are_never_created_in_production():
    with pytest.raises(CommandError, match="never created when CHANCERY_ENV=production"):
        call_command("create_demo_users")
    assert not get_user_model().objects.exists()
