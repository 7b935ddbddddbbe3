"""The middleware every response passes through: django-csp's policy, Django's messages.

(The 503 for an unreachable database is in tests/reliability; NUL bytes in tests/security.)"""

import pytest
from csp.middleware import CSPMiddleware
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from tests.api.conftest import token_client

HEADER = "Content-Security-Policy"


def through_csp(*, path="/visits/", prepare=lambda request, response: None):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    response = HttpResponse()
    prepare(request, response)
    return middleware.process_response(request, response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/visits/", "/api/v1/countries/", "/no/such/page/"])
def test_pages_api_answers_and_404s_carry_the_policy(client, analyst, path):
    client.force_login(analyst)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert "script-src 'self'" in response[HEADER] and "frame-ancestors 'none'" in response[HEADER]


@pytest.mark.parametrize(
    "directive",
    [
        "default-src 'self'",
        "script-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ],
)
def test_the_policy_says_what_the_settings_say(directive):
    assert directive in [part.strip() for part in through_csp()[HEADER].split(";")]


@pytest.mark.parametrize(
    "prepare, check",
    [
        (
            lambda request, response: setattr(response, "_csp_update", {"img-src": ["https://tiles.example.org"]}),
            lambda header: "https://tiles.example.org" in header,
        ),
        (
            lambda request, response: setattr(
                response, "_csp_replace", {"script-src": ["'self'", "https://scripts.example.org"]}
            ),
            lambda header: "script-src 'self' https://scripts.example.org" in header,
        ),
        # The policy allows no inline script at all, so asking for a nonce adds none.
        (lambda request, response: str(request.csp_nonce), lambda header: "'nonce-" not in header),
        (lambda request, response: setattr(response, "_csp_exempt", True), lambda header: header is None),
        (
            lambda request, response: response.__setitem__(HEADER, "default-src 'none'"),
            lambda header: header == "default-src 'none'",
        ),
    ],
    ids=["update", "replace", "no nonce", "exempt", "header set by the view"],
)
def test_a_view_may_change_its_own_policy(prepare, check):
    assert check(through_csp(prepare=prepare).get(HEADER))
    assert "tiles.example.org" not in through_csp()[HEADER]  # and only its own


def test_a_change_of_settings_is_followed():
    before = through_csp()[HEADER]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert through_csp()[HEADER] == "default-src 'none'"
        with override_settings(
            CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/visits/"], "DIRECTIVES": {"default-src": ["'none'"]}}
        ):
            assert HEADER not in through_csp()
            assert through_csp(path="/agreements/")[HEADER] == "default-src 'none'"
    assert through_csp()[HEADER] == before


def run(view, cookies=None):
    request = RequestFactory().get("/somewhere/")
    request.COOKIES.update(cookies or {})
    SessionMiddleware(lambda r: None).process_request(request)
    response = MessageMiddleware(view)(request)
    return request, response


def says(text):
    def view(request):
        messages.success(request, text)
        return HttpResponse("ok")

    return view


def test_a_message_said_is_stored_for_the_next_page_and_shown_there_once():
    _, response = run(says("Visit saved."))
    cookie = response.cookies["messages"].value
    assert cookie

    shown = []

    def page(request):
        shown.extend(str(message) for message in messages.get_messages(request))
        return HttpResponse("page")

    _, response = run(page, {"messages": cookie})
    assert shown == ["Visit saved."]
    # Read once: the page clears the cookie.
    assert response.cookies["messages"].value == ""


def test_a_request_that_never_touches_messages_sets_no_cookie():
    _, response = run(lambda request: HttpResponse("json"))
    assert "messages" not in response.cookies


def test_a_template_asking_whether_there_are_messages_reads_them():
    seen = []
    _, response = run(says("Agreement saved."))
    run(
        lambda r: seen.append(bool(messages.get_messages(r))) or HttpResponse(),
        {"messages": response.cookies["messages"].value},
    )
    assert seen == [True]


@pytest.mark.django_db
def test_the_api_sets_no_message_cookie(analyst):
    response = token_client(analyst).get("/api/v1/countries/")
    assert response.status_code == 200
    assert "messages" not in response.cookies
