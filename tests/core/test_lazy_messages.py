"""Messages still go from the request that says them to the page that shows them, while
requests that never touch them (the API's) make no message storage (core.middleware)."""

import pytest
from django.contrib import messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from core.middleware import LazyMessageMiddleware
from tests.api.conftest import token_client


def run(view, cookies=None):
    request = RequestFactory().get("/somewhere/")
    request.COOKIES.update(cookies or {})
    SessionMiddleware(lambda r: None).process_request(request)
    response = LazyMessageMiddleware(view)(request)
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


def test_a_request_that_never_touches_messages_makes_no_storage_and_sets_no_cookie():
    request, response = run(lambda request: HttpResponse("json"))
    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_a_template_asking_whether_there_are_messages_reads_them():
    seen = []
    _, response = run(says("Agreement saved."))
    request, _ = run(
        lambda r: seen.append(bool(messages.get_messages(r))) or HttpResponse(),
        {"messages": response.cookies["messages"].value},
    )
    assert seen == [True]
    assert request._messages._wrapped is not empty


@pytest.mark.django_db
def test_the_api_makes_no_message_storage(analyst):
    response = token_client(analyst).get("/api/v1/countries/")
    assert response.status_code == 200
    assert response.wsgi_request._messages._wrapped is empty
    assert "messages" not in response.cookies
