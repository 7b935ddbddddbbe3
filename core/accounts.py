"""Creating users in a role: one function for the command, the demo accounts and tests."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from core.roles import ADMIN, EDITOR, ROLES

# Demo accounts for the embedded development instance only; never created in production.
DEMO_ACCOUNTS = (("editor", EDITOR), ("analyst", "analyst"))
DEMO_PASSWORD = "chancery-demo"


@transaction.atomic
def create_user_in_role(*, username: str, role: str, password: str, email: str = "", validate: bool = True):
    """Create (or update) a user holding exactly one role; raises ValidationError on a weak password."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    if validate:
        validate_password(password, user)
    user.email = email or user.email
    # Editors and admins work in the admin; analysts only read the public pages.
    user.is_staff = role in (EDITOR, ADMIN)
    user.is_superuser = role == ADMIN
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


class UsernameLengthMixin:
    """Check the username's length before anyone tries to sign in with it.

    Django's login form sets the field's max_length after the field is built, so it is never
    checked; an over-long username then reaches django-axes's record of failed logins
    (255 characters on PostgreSQL) and the login page answers 500.
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if len(username) > limit:
            raise forms.ValidationError(f"A username has at most {limit} characters.")
        return username


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass
