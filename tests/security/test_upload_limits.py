"""Oversized request bodies are refused before they are read, on every route kind and however sent.

The bodies here are wsgi.input streams the tests control: one that fails the test if it is read
at all, one without an end that counts what was read of it, one longer than its Content-Length.
"""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse

from agreements.drafts import MAX_DRAFT_BYTES
from core.request_guard import MULTIPART_FRAMING_BYTES
from intake.uploads import MAX_BYTES as INTAKE_UPLOAD_BYTES
from tests.api.conftest import token_client
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PASSWORD = "a sturdy passphrase 42"
FORM = "application/x-www-form-urlencoded"


class Unreadable:
    """A body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


class Endless:
    """A body without an end (a chunked upload that never stops), counting the bytes read of it."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        assert size is not None and size >= 0, "read to the end of an endless body"
        self.read_bytes += size
        return b"x" * size

    readline = read


class LongerThanDeclared(io.BytesIO):
    """`declared`, followed by more bytes that fail the test if they are read."""

    def __init__(self, declared: bytes):
        super().__init__(declared + b"&password=" + b"x" * 1000)
        self.declared = len(declared)

    def read(self, size=-1):
        end = self.tell() + (size if size is not None and size >= 0 else len(self.getvalue()))
        assert end <= self.declared or self.tell() >= len(self.getvalue()), "read past the Content-Length"
        return super().read(size)


def post(client, url, stream, *, length=None, content_type=FORM, terminated=True, **headers):
    """POST `stream` as the body: with this Content-Length, or without one, chunked."""
    meta = {"CONTENT_TYPE": content_type, "wsgi.input": stream, **headers}
    if length is None:
        meta.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": terminated})
    else:
        meta["CONTENT_LENGTH"] = str(length)
    return client.generic("POST", url, b"", content_type=content_type, **meta)


@pytest.fixture
def maria(db):
    return UserFactory(username="maria", role="editor", password=PASSWORD)


def login_body(password=PASSWORD) -> bytes:
    return f"username=maria&password={password.replace(' ', '+')}".encode()


# --- A declared length over the limit: refused from the header --------------------------------


@pytest.mark.parametrize(
    ("url", "content_type"),
    [("/accounts/login/", FORM), ("/api/v1/visits/", "application/json"), ("/admin/login/", "multipart/form-data")],
    ids=["sign-in", "api", "admin-sign-in"],
)
def test_a_content_length_over_the_limit_is_a_413_before_the_body_is_read(client, url, content_type):
    response = post(
        client, url, Unreadable(), length=settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1, content_type=content_type
    )
    assert response.status_code == 413
    message = response.json()["error"]["message"] if url.startswith("/api/") else response.content.decode()
    assert message == "The request body is larger than the 5.0\xa0MB limit."


def test_the_api_answers_its_413_in_its_error_shape(editor):
    response = post(
        token_client(editor), "/api/v1/visits/", Unreadable(), length=6 * MB, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"] == {
        "status": 413,
        "code": "request_too_large",
        "message": "The request body is larger than the 5.0\xa0MB limit.",
    }


def test_an_upload_route_takes_its_larger_body_from_a_signed_in_user_only(editor_client):
    agreement = AgreementFactory()
    draft = reverse("edit-draft", args=["agreement", agreement.pk])
    # Anonymous: the upload route's limit is the one of every form.
    assert post(Client(), draft, Unreadable(), length=6 * MB, content_type="multipart/form-data").status_code == 413
    # An editor's 6 MB draft reaches the form, which says why it is refused.
    too_big = SimpleUploadedFile("draft.txt", b"x" * (6 * MB))
    response = editor_client.post(draft, {"upload": too_big, "note": "", "loaded_version": 1})
    assert response.status_code == 200 and "drafts are limited to 5 MB" in response.content.decode()
    # Past the route's own limit (its file, the fields, the framing), refused before it is read.
    limit = MAX_DRAFT_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_FRAMING_BYTES
    response = post(editor_client, draft, Unreadable(), length=limit + 1, content_type="multipart/form-data")
    assert response.status_code == 413 and "10.1\xa0MB limit" in response.content.decode()
    # The larger limit is the upload route's: another edit form of the same editor keeps the forms' one.
    dates = reverse("edit-dates", args=["agreement", agreement.pk])
    assert post(editor_client, dates, Unreadable(), length=6 * MB).status_code == 413
    # The admin's import upload: its own limit, from IMPORT_UPLOAD_MAX_BYTES.
    imports = reverse("admin:imports_importrun_add")
    limit = settings.IMPORT_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_FRAMING_BYTES
    response = post(editor_client, imports, Unreadable(), length=limit + 1, content_type="multipart/form-data")
    assert response.status_code == 413 and "205.1\xa0MB limit" in response.content.decode()


def test_the_upload_routes_limits_are_those_of_their_forms():
    assert settings.UPLOAD_ROUTES == {
        "edit-draft": MAX_DRAFT_BYTES,
        "admin:imports_importrun_add": settings.IMPORT_UPLOAD_MAX_BYTES,
        "intake-new": max(INTAKE_UPLOAD_BYTES.values()),
    }
    # Each name is a route's (the middleware finds the limit by the name the address resolves to).
    assert resolve(reverse("edit-draft", args=["agreement", 1])).view_name == "edit-draft"
    assert resolve(reverse("admin:imports_importrun_add")).view_name == "admin:imports_importrun_add"
    assert resolve(reverse("intake-new")).view_name == "intake-new"


def test_a_content_length_that_is_not_a_number_is_a_400(client):
    assert post(client, "/accounts/login/", Unreadable(), length="12abc").status_code == 400


# --- A body longer than declared, or sent without a length --------------------------------------


def test_a_body_longer_than_its_content_length_is_cut_off_there(client, maria):
    body = login_body()
    response = post(client, "/accounts/login/", LongerThanDeclared(body), length=len(body))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(maria.pk)


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/visits/"], ids=["sign-in", "api"])
def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(client, url):
    endless = Endless()
    response = post(client, url, endless, content_type="application/json" if "api" in url else FORM)
    assert response.status_code == 413
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit < endless.read_bytes <= limit + 1


def test_a_chunked_body_within_the_limit_is_read_as_if_its_length_was_given(client, maria):
    response = post(client, "/accounts/login/", io.BytesIO(login_body()))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(maria.pk)


def test_a_chunked_api_write_within_the_limit_goes_through(editor):
    body = b'{"visitor_country": "RUS", "host_country": "TJK", "start_date": "2017-02-28", "summary": "Chunked."}'
    response = post(token_client(editor), "/api/v1/visits/", io.BytesIO(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["summary"] == "Chunked."


def test_a_body_without_a_length_the_server_cannot_end_is_a_411_unread(client):
    response = post(client, "/accounts/login/", Unreadable(), terminated=False)
    assert response.status_code == 411
    assert response.content.decode() == "A request body needs a Content-Length header."


def test_a_signed_in_user_may_stream_an_upload_route_its_own_limit_and_no_more(editor_client):
    draft = reverse("edit-draft", args=["agreement", AgreementFactory().pk])
    endless = Endless()
    response = post(editor_client, draft, endless, content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413
    limit = MAX_DRAFT_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_FRAMING_BYTES
    assert limit < endless.read_bytes <= limit + 1
