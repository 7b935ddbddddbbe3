"""Behind a proxy: the client's address comes from a trusted number of proxies, never from what the
client wrote, and the login lockout and the API's rate limits all use that one address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core.api.throttling import AnonymousRateThrottle, ClientRateThrottle
from core.client_ip import client_ip
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a sturdy passphrase 42"
PROXY = "10.0.0.2"  # the reverse proxy, as the app sees it (REMOTE_ADDR)
A, B = "203.0.113.7", "198.51.100.9"  # two real clients


@pytest.fixture
def maria(db):
    return UserFactory(username="maria", role="editor", password=PASSWORD)


def sign_in(client, password, *, remote, forwarded=None, username="maria"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def failed_five_times(client, *, remote, forwarded_for):
    """Five wrong passwords for maria, each with its own X-Forwarded-For: forwarded_for(i)."""
    return [sign_in(client, f"guess {i}", remote=remote, forwarded=forwarded_for(i)).status_code for i in range(5)]


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_with_no_proxy_a_forged_forwarded_for_does_not_change_the_address(maria):
    # Each guess claims another address: with no proxy trusted, the header is ignored.
    guesser = Client()
    assert failed_five_times(guesser, remote=A, forwarded_for=lambda i: f"192.0.2.{i}") == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [A]
    assert sign_in(guesser, PASSWORD, remote=A, forwarded=B).status_code == 429
    # Another connection is another client: maria signs in from there.
    elsewhere = Client()
    assert sign_in(elsewhere, PASSWORD, remote=B, forwarded=A).status_code == 302
    assert "_auth_user_id" in elsewhere.session


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client_and_the_rest_is_ignored(maria):
    # The proxy appended A; whatever stands left of it the client wrote, a new value each time.
    guesser = Client()
    statuses = failed_five_times(guesser, remote=PROXY, forwarded_for=lambda i: f"192.0.2.{i}, 10.9.9.{i}, {A}")
    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [A]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_lockout_is_by_username_and_address_so_a_guesser_cannot_lock_a_user_out_everywhere(maria):
    UserFactory(username="omar", role="editor", password=PASSWORD)
    guesser = Client()
    assert failed_five_times(guesser, remote=PROXY, forwarded_for=lambda i: A) == [200, 200, 200, 200, 429]
    # From A, maria stays locked out, even with her password...
    assert sign_in(guesser, PASSWORD, remote=PROXY, forwarded=A).status_code == 429
    assert "_auth_user_id" not in guesser.session
    # ...while from B, through the same proxy, she signs in,
    maria_elsewhere = Client()
    assert sign_in(maria_elsewhere, PASSWORD, remote=PROXY, forwarded=f"{A}, {B}").status_code == 302
    assert maria_elsewhere.session["_auth_user_id"] == str(maria.pk)
    # and another user signs in from A.
    omar = Client()
    assert sign_in(omar, PASSWORD, remote=PROXY, forwarded=A, username="omar").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forged", "other"),
    [
        (0, A, lambda i: f"192.0.2.{i}", {"REMOTE_ADDR": B}),
        (1, PROXY, lambda i: f"192.0.2.{i}, {A}", {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": B}),
    ],
    ids=["no-proxy", "one-proxy"],
)
def test_a_forged_forwarded_for_buys_no_fresh_api_budget(db, empty_cache, monkeypatch, proxies, remote, forged, other):
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anonymous": "2/min", "client": "2/min"})
    url = reverse("countries-list")
    with override_settings(TRUSTED_PROXY_COUNT=proxies, API_ANONYMOUS_READ=True):
        statuses = [Client().get(url, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forged(i)).status_code for i in range(3)]
        assert statuses == [200, 200, 429]
        # B, another client (its own connection, or its own address appended by the proxy), has its own budget.
        assert Client().get(url, **other).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "meta", "address"),
    [
        (0, {"REMOTE_ADDR": A, "HTTP_X_FORWARDED_FOR": B}, A),
        (1, {"REMOTE_ADDR": PROXY}, PROXY),  # no header: the request did not come through the proxy
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f" {B} ,, {A} "}, A),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{B}, {A}, 10.0.0.1"}, A),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": A}, A),  # fewer entries than proxies: the left-most
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{A}:51234"}, A),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "[2001:db8::7]:443"}, "2001:db8::7"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"::ffff:{A}"}, A),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{A}, unknown"}, PROXY),  # not an address
        (0, {"REMOTE_ADDR": "not an address"}, None),
    ],
    ids=["ignored", "no-header", "spaces", "two-proxies", "short", "port", "ipv6-port", "mapped", "garbage", "none"],
)
def test_the_client_address_is_read_from_the_right_and_normalised(proxies, meta, address):
    request = RequestFactory().get("/", **meta)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == address
        # The API's throttles identify an address client by the same answer.
        assert AnonymousRateThrottle().get_ident(request) == ClientRateThrottle().get_ident(request) == address


@pytest.mark.parametrize(
    ("env", "count"),
    [({}, "0"), ({"TRUSTED_PROXY_COUNT": "2"}, "2"), ({"AXES_PROXY_COUNT": "1"}, "1")],
    ids=["default", "setting", "old-name"],
)
def test_the_proxy_count_is_one_setting_read_by_the_lockout_and_the_api(tmp_path, env, count):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.REST_FRAMEWORK['NUM_PROXIES'], settings.AXES_CLIENT_IP_CALLABLE)"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("TRUSTED_PROXY_COUNT", "AXES_PROXY_COUNT")}
    base.update(DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [count, count, "core.client_ip.client_ip"]


def test_a_proxy_count_that_is_not_a_number_stops_the_process():
    base = {**os.environ, "TRUSTED_PROXY_COUNT": "one"}
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT='one' is not an integer" in result.stderr
