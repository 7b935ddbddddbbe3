"""Security headers on real responses, login lockout, and no inline scripts where CSP forbids them."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_response_carries_the_security_headers(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_http_only_and_same_site(client):
    UserFactory(username="maria", role="editor", password="a sturdy passphrase 42")
    client.post(reverse("admin:login"), {"username": "maria", "password": "a sturdy passphrase 42"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_https_responses_carry_hsts(client):
    response = client.get(reverse("health"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_repeated_wrong_passwords_lock_the_account_out_even_for_the_right_one(client):
    UserFactory(username="maria", role="editor", password="a sturdy passphrase 42")
    statuses = [
        client.post(reverse("admin:login"), {"username": "maria", "password": f"guess {i}"}).status_code
        for i in range(5)
    ]
    # The form again with an error four times; the fifth failure locks the account out.
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post(reverse("admin:login"), {"username": "maria", "password": "a sturdy passphrase 42"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["api-docs", "api-redoc", "admin:index", "admin:login"])
def test_pages_have_no_inline_scripts_for_csp_to_block(client, editor, name):
    client.force_login(editor)
    html = client.get(reverse(name)).content.decode()
    inline = [
        s
        for s in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
        if "application/json" not in s[0] and s[1].strip()
    ]
    assert inline == []
