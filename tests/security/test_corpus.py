"""The bad-input corpus (tests/corpus/) replayed against the API, the page forms, the uploads and the importers.

Every hostile input must be answered with a 4xx (or a CommandError, or a form shown again
with its error) whose message names the field or the problem, never a 500; nothing may be
half-stored; and text that is acceptable as text (markup, SQL, formulas in a note) is stored
exactly as given and escaped wherever it is shown. See tests/corpus/README.md.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRun
from imports.tasks import run_import_task
from tests.api.conftest import token_client
from tests.corpus.generate import billion_laughs, deep_json, long_string, zip_bomb_docx
from tests.factories import (
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    SourceFactory,
    TradeFlowFactory,
    VisitFactory,
)
from visits.models import Visit

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = CORPUS / "files"


def lines(name: str) -> list[str]:
    return (CORPUS / "text" / name).read_text(encoding="utf-8").splitlines()


SQL = lines("sql_injection.txt")
MARKUP = lines("html_js.txt")
FORMULAS = lines("csv_formula.txt")
DATES = lines("dates.txt")
NUMBERS = lines("numbers.txt")
# Text a free-text field may hold: stored as given, escaped when shown.
ACCEPTABLE_TEXT = SQL + MARKUP + FORMULAS
# Text no field may hold.
NUL = "Dushanbe\x00; DROP TABLE visits_visit"
OVERLONG = "x" * 100_000
SCRIPT = "<script>alert('chancery')</script>"


def table_counts() -> dict[str, int]:
    """Rows in every table Chancery owns: a refused input must leave all of them as they were."""
    labels = {"directory", "visits", "agreements", "trade", "chancery"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and model._meta.label != "imports.ImportRun"
    }


def error_of(response) -> dict:
    """The API's error body, after checking it is one: a 4xx with a message."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    error = response.json()["error"]
    # Either the message says what is wrong, or it is the general one and the fields say it.
    assert error.get("fields") if error["message"] == "Some fields are not valid." else error["message"], error
    return error


def named(error: dict) -> str:
    """Everything the error says, fields and message, for checking it names the problem."""
    return " ".join([error["message"], *error.get("fields", {}).keys(), *map(str, error.get("fields", {}).values())])


@pytest.fixture(autouse=True)
def no_throttling(monkeypatch):
    """Hundreds of requests a test: the rate limits (tests/api/test_permissions.py) would answer 429."""
    from rest_framework.views import APIView

    monkeypatch.setattr(APIView, "get_throttles", lambda self: [])


@pytest.fixture
def api(editor):
    client = token_client(editor)
    client.raise_request_exception = False
    return client


@pytest.fixture
def records(db):
    visit = VisitFactory(summary="Official visit.")
    citation = CitationFactory(record=visit)
    return {
        "visit": visit,
        "agreement": AgreementFactory(),
        "topic": NegotiationTopicFactory(slug="ayni"),
        "citation": citation,
        "flow": TradeFlowFactory(),
        "source": citation.source,
    }


# --- API: filters on the lists ----------------------------------------------------------------

FILTERS = {
    "visits": [
        "pair",
        "country",
        "visitor_country",
        "person",
        "topic",
        "status",
        "date_from",
        "date_to",
        "tour",
        "updated_since",
        "search",
        "ordering",
        "cursor",
    ],
    "agreements": [
        "party",
        "pair",
        "topic",
        "status",
        "signed_from",
        "signed_to",
        "signed_at_visit",
        "search",
        "cursor",
    ],
    "topics": ["country", "status", "search"],
    "citations": ["source", "record_type", "object_id", "reliability"],
    "sources": ["kind", "published_from", "outlet", "search", "page"],
    "people": ["country", "search", "cursor"],
    "trade/flows": ["pair", "reporter", "year", "year_from", "flow", "cursor", "page_size"],
    "trade/claims": ["pair", "reporter", "metric", "stated_by"],
    "trade/series": ["a", "b", "from", "to", "dataset", "commodity"],
    "timeline": ["pair", "person", "topic", "agreement", "kind", "date_from", "date_to", "order", "cursor"],
}
FILTER_VALUES = [NUL, "%ff%fe%00", OVERLONG[:300], *DATES[:4], *NUMBERS[:6], *SQL[:4], MARKUP[0], FORMULAS[0]]


# Parameters an endpoint needs before it looks at the others.
REQUIRED = {"trade/series": {"a": "RUS", "b": "TJK"}, "timeline": {"country": "RUS"}}


@pytest.mark.parametrize("endpoint", list(FILTERS))
def test_hostile_filter_values_are_refused_by_name_or_match_nothing_they_should_not(api, records, endpoint):
    before = table_counts()
    failures = []
    for value in FILTER_VALUES:
        for name in FILTERS[endpoint]:
            response = api.get(f"/api/v1/{endpoint}/", {**REQUIRED.get(endpoint, {}), name: value})
            if response.status_code >= 500:
                failures.append((name, value[:40], response.status_code))
            elif response.status_code == 400 and name not in named(error_of(response)):
                failures.append((name, value[:40], "400 without naming the parameter", response.json()))
            elif response.status_code == 200 and name in ("search", "topic", "object_id") and value in SQL:
                # An injected OR '1'='1' must not turn a search into "everything".
                assert not response.json()["results"], (name, value)
    assert failures == []
    assert table_counts() == before


def test_a_nul_byte_anywhere_in_an_address_is_a_400_that_says_so(api, client, editor):
    client.force_login(editor)
    for path in [
        "/countries/RUS%00/",
        "/countries/%00/feed.atom",
        "/countries/%00/timeline.json",
        "/pairs/RUS-TJK/?after=%00",
        "/countries/?q=a%00",
    ]:
        response = client.get(path)
        assert response.status_code == 400 and b"A NUL byte (%00) in the" in response.content, path
    response = api.get("/api/v1/countries/RUS%00/")
    assert "NUL byte" in error_of(response)["message"]


# --- API: bodies to the write endpoints -------------------------------------------------------


def visit_body():
    return {
        "visitor_country": "RUS",
        "host_country": "TJK",
        "start_date": "2017-02-28",
        "locale": "Dushanbe",
        "summary": "Official visit.",
    }


def agreement_body():
    return {
        "title": "Agreement on civil aviation",
        "kind": "intergovernmental",
        "parties": ["RUS", "TJK"],
        "summary": "",
    }


def topic_body():
    return {"slug": "eaeu-accession", "title": "Accession to the EAEU", "description": ""}


def claim_body():
    return {
        "reporter": "TJK",
        "partner": "RUS",
        "year": 2016,
        "metric": "turnover",
        "value": "1000000000",
        "unit": "usd",
        "note": "",
    }


def citation_body(records):
    return {
        "source": records["source"].pk,
        "record_type": "visit",
        "object_id": str(records["visit"].pk),
        "reliability": "media_report",
        "stance": "reports",
        "quote": "on February 28",
        "note": "",
    }


# (endpoint, body, text fields that may hold any acceptable text, fields with a type of their own)
WRITES = {
    "visits": (
        visit_body,
        ["summary", "locale"],
        {
            "start_date": DATES,
            "end_date": DATES,
            "visitor": NUMBERS,
            "tour": NUMBERS,
            "visitor_country": SQL[:2],
            "kind": MARKUP[:1],
        },
    ),
    "agreements": (
        agreement_body,
        ["title", "summary"],
        {"signed_on": DATES, "signed_at_visit": NUMBERS, "parties": [["RUS", SQL[0]], "RUS"], "topics": [[MARKUP[0]]]},
    ),
    "topics": (topic_body, ["title", "description"], {"slug": SQL[:2] + MARKUP[:2], "countries": [[NUL]]}),
    "trade/claims": (
        claim_body,
        ["note"],
        {"year": NUMBERS, "month": NUMBERS, "value": NUMBERS + ["-1e400"], "stated_by": NUMBERS},
    ),
    "citations": (
        None,
        ["quote", "note"],
        {
            "object_id": SQL[:3] + NUMBERS[:5],
            "reported_on": DATES,
            "source": NUMBERS,
            "record_type": SQL[:1] + MARKUP[:1],
        },
    ),
}


def replay_body(api, endpoint, body, field, value):
    """POST one body with one field replaced: either refused by name with nothing stored, or stored exactly."""
    before = table_counts()
    response = api.post(f"/api/v1/{endpoint}/", {**body, field: value}, format="json")
    if response.status_code == 201:
        stored = api.get(f"/api/v1/{endpoint}/{response.json().get('slug') or response.json()['id']}/").json()
        return "stored", stored
    error = error_of(response)
    assert field in named(error), (endpoint, field, repr(value)[:60], error)
    assert table_counts() == before, (endpoint, field, repr(value)[:60])
    return "refused", error


@pytest.mark.parametrize("endpoint", list(WRITES))
def test_hostile_values_in_a_body_are_refused_by_field_or_stored_exactly(api, records, endpoint):
    make_body, text_fields, typed = WRITES[endpoint]
    body = citation_body(records) if endpoint == "citations" else make_body()
    for index, field in enumerate(text_fields):
        # The whole text corpus through the first text field; a sample through the others.
        texts = ACCEPTABLE_TEXT if index == 0 else [SQL[1], MARKUP[0], FORMULAS[0]]
        for value in [NUL, OVERLONG if field in ("title", "locale", "quote", "slug") else NUL, *texts]:
            if endpoint == "topics":
                body["slug"] = f"topic-{abs(hash((field, value))) % 10**8}"
            if endpoint == "citations":
                body["source"] = SourceFactory().pk  # one source per field of a record
            outcome, result = replay_body(api, endpoint, body, field, value)
            if value in ACCEPTABLE_TEXT:
                # Exactly as sent, but for the surrounding whitespace DRF trims from every text field.
                assert outcome == "stored" and result[field] == value.strip(), (field, value, result)
            else:
                assert outcome == "refused", (field, repr(value)[:60])
    for field, values in typed.items():
        for value in values:
            outcome, result = replay_body(api, endpoint, body, field, value)
            assert outcome == "refused", (endpoint, field, value, result)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (b'{"summary": "Dushanbe \xff\xfe"}', "application/json", 400, "JSON parse error - 'utf-8' codec can't decode"),
        (deep_json(), "application/json", 400, "JSON parse error - depth limit exceeded"),
        (b'{"start_date": "2017-02-28", "tour": 1e400}', "application/json", 400, "number is infinity"),
        (b'{"tour": NaN}', "application/json", 400, "JSON parse error"),
        (b'["RUS", "TJK"]', "application/json", 400, "Invalid data. Expected a dictionary, but got list."),
        (b'"<script>alert(1)</script>"', "application/json", 400, "Expected a dictionary, but got str."),
        (b"", "application/json", 400, "This field is required."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "application/json", 400, "JSON parse error"),
        (
            b"visitor_country=RUS",
            "application/x-www-form-urlencoded",
            415,
            'Unsupported media type "application/x-www-form-urlencoded"',
        ),
        (b"<visit/>", "application/xml", 415, "Unsupported media type"),
    ],
    ids=["invalid-utf8", "deep", "huge-float", "nan", "array", "string", "empty", "binary", "form-encoded", "xml"],
)
def test_bodies_that_are_not_json_objects_are_refused_with_what_is_wrong(
    api, records, body, content_type, status, message
):
    before = table_counts()
    response = api.generic("POST", "/api/v1/visits/", body, content_type=content_type)
    assert response.status_code == status
    assert message in named(error_of(response))
    assert table_counts() == before


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_parsed(api, records):
    before = table_counts()
    response = api.post("/api/v1/visits/", {**visit_body(), "summary": long_string()}, format="json")
    assert response.status_code == 413
    assert "larger than the 5.0\xa0MB limit" in error_of(response)["message"]
    assert table_counts() == before


def test_hostile_transitions_and_updates_are_refused_and_change_nothing(api, records):
    visit = records["visit"]
    etag = api.get(f"/api/v1/visits/{visit.pk}/")["ETag"]
    url = f"/api/v1/visits/{visit.pk}/transitions/"
    before = table_counts()
    cases = (
        [({"to_status": "confirmed", "on": date}, "on") for date in DATES]
        + [({"to_status": value, "on": "2017-02-20"}, "to_status") for value in [NUL, OVERLONG, *SQL[:2], MARKUP[0]]]
        + [({"to_status": "confirmed", "on": "2017-02-20", "note": NUL}, "note")]
        + [({"to_status": "confirmed", "on": "2017-02-20", "citation": value}, "citation") for value in NUMBERS]
    )
    for body, field in cases:
        response = api.post(url, body, format="json", HTTP_IF_MATCH=etag)
        error = error_of(response)
        # A well-formed but unknown status is the state machine's 409, listing what it allows.
        assert field in named(error) or (response.status_code == 409 and "allowed" in error), (body, error)
    for field, value in [
        ("start_date", "0000-00-00"),
        ("summary", NUL),
        ("locale", OVERLONG),
        ("end_date", "2023-02-30"),
    ]:
        response = api.patch(f"/api/v1/visits/{visit.pk}/", {field: value}, format="json", HTTP_IF_MATCH=etag)
        assert field in named(error_of(response))
    assert table_counts() == before
    visit.refresh_from_db()
    assert visit.version == 1


# --- Stored text comes back out escaped ---------------------------------------------------------


def test_markup_stored_through_the_api_is_escaped_on_pages_feeds_and_the_browsable_api(api, client, editor):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    ids = []
    for payload in MARKUP:
        response = api.post(
            "/api/v1/visits/",
            {
                **visit_body(),
                "start_date": soon.isoformat(),
                "status": "announced",
                "locale": payload,
                "summary": payload,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    assert set(Visit.objects.values_list("summary", flat=True)) == set(MARKUP)
    call_command("refresh_timelines", "--full", "--no-progress", verbosity=0)
    client.force_login(editor)

    pages = [reverse("visit", args=[pk]) for pk in ids] + [
        reverse("visit-list"),
        reverse("pair", args=["RUS-TJK"]),
        reverse("search") + "?q=chancery",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert_escaped(html, url)
        assert "&lt;script&gt;alert(" in html or url != pages[0], url
    atom = client.get(reverse("pair-feed", args=["RUS-TJK"])).content.decode()
    assert "&lt;script&gt;alert(" in atom and SCRIPT not in atom
    browsable = client.get(f"/api/v1/visits/{ids[0]}/", HTTP_ACCEPT="text/html").content.decode()
    assert_escaped(browsable, "browsable API")


def assert_escaped(html: str, where: str) -> None:
    for payload in MARKUP:
        assert "<" not in payload or payload not in html, (where, payload)
    assert settings.SECRET_KEY not in html
    assert "<script>alert(" not in html and "<img src=x" not in html and "<svg onload" not in html, where


def test_a_line_break_in_a_visit_cannot_add_lines_to_the_calendar(api, client, editor):
    soon = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    payload = "Dushanbe\r\nATTACH:https://evil.example/x\r\nEND:VEVENT"
    response = api.post(
        "/api/v1/visits/",
        {**visit_body(), "start_date": soon, "status": "announced", "locale": payload, "summary": SCRIPT},
        format="json",
    )
    assert response.status_code == 201
    client.force_login(editor)
    ical = client.get(reverse("pair-calendar", args=["RUS-TJK"])).content.decode()
    lines_ = ical.split("\r\n")
    assert not any(line.startswith("ATTACH") for line in lines_)
    assert lines_.count("END:VEVENT") == 1
    assert "Dushanbe\\nATTACH:https://evil.example/x\\nEND:VEVENT" in ical.replace("\r\n ", "")


# --- CSV: formulas are exported as text -----------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # PostgreSQL's COPY reads on a connection of its own
def test_formula_like_cells_are_exported_as_text_a_spreadsheet_does_not_run(api):
    """The rule in SECURITY.md: a text cell that begins with = + - @, a tab or a carriage return
    is written after a single quote (OWASP), the rest of it as stored; numbers stay numbers.
    Every export, payload by payload: tests/security/test_csv_exports.py."""
    for index, formula in enumerate(FORMULAS):
        TradeFlowFactory(year=2000 + index, release=formula[:40], commodity_code="TOTAL")
    response = api.get("/api/v1/trade/flows/", {"format": "csv", "pair": "RUS-TJK"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert len(rows) == len(FORMULAS)
    assert all(formula.startswith(("=", "+", "-", "@", "\t", "\r")) for formula in FORMULAS)
    assert sorted(row["release"] for row in rows) == sorted("'" + formula[:40] for formula in FORMULAS)
    assert sorted(int(row["year"]) for row in rows) == list(range(2000, 2000 + len(FORMULAS)))


# --- Page forms and login -------------------------------------------------------------------------


def edit_url(kind, pk, form):
    return reverse(f"edit-{form}", args=[kind, pk])


# One date format everywhere (issue 16): the forms refuse 28/02/2017 as the API does.
FORM_DATES = DATES


def test_hostile_values_in_the_edit_forms_are_shown_as_errors_and_change_nothing(editor_client):
    visit = VisitFactory(status="announced")
    agreement = AgreementFactory()
    topic = NegotiationTopicFactory()
    base = {
        "status": {"to_status": "confirmed", "on": "2017-02-20", "note": "", "loaded_version": 1},
        "citation": {
            "new_source_title": "Asia-Plus",
            "new_source_kind": "news_report",
            "reliability": "media_report",
            "stance": "reports",
            "loaded_version": 1,
        },
        "dates": {"start_date": "2017-02-27", "end_date": "", "loaded_version": 1},
        "agenda": {"topic": topic.pk, "expectation": "expected", "note": "", "loaded_version": 1},
    }
    dates, numbers = FORM_DATES, [NUMBERS[0], NUMBERS[2], NUMBERS[5]]
    hostile = {
        "status": {
            "note": [NUL, OVERLONG],
            "on": dates,
            "to_status": [NUL, SQL[0], MARKUP[0]],
            "loaded_version": numbers,
            "citation": numbers + SQL[:1],
        },
        "citation": {
            "new_source_title": [NUL, OVERLONG],
            "new_source_url": ["javascript:alert('chancery')", "data:text/html,<script>alert(1)</script>", NUL],
            "quote": [NUL],
            "reported_on": dates,
            "field_name": SQL[:1] + MARKUP[:1],
            "source": numbers[:2],
        },
        "dates": {
            "start_date": dates,
            "end_date": dates[1:],
            "loaded_version": numbers[:1],
        },
        "agenda": {"note": [NUL], "topic": numbers + SQL[:1], "expectation": MARKUP[:1]},
    }
    before = table_counts()
    for form, fields in hostile.items():
        for field, values in fields.items():
            for value in values:
                response = editor_client.post(edit_url("visit", visit.pk, form), {**base[form], field: value})
                assert response.status_code == 200, (form, field, value[:40], response.status_code)
                page = response.content.decode()
                assert 'role="alert"' in page, (form, field, value[:40])
                assert SCRIPT not in page
    for value in [NUL, ""]:
        response = editor_client.post(
            edit_url("agreement", agreement.pk, "draft"), {"text": value, "note": "", "loaded_version": 1}
        )
        assert 'role="alert"' in response.content.decode()
    assert table_counts() == before
    visit.refresh_from_db()
    assert visit.version == 1


def test_markup_in_form_fields_is_stored_as_given_and_escaped_on_the_page(editor_client):
    visit = VisitFactory(status="announced")
    topic = NegotiationTopicFactory(title=MARKUP[1])
    editor_client.post(
        edit_url("visit", visit.pk, "agenda"),
        {"topic": topic.pk, "expectation": "expected", "note": MARKUP[0], "loaded_version": 1},
    )
    editor_client.post(
        edit_url("visit", visit.pk, "citation"),
        {
            "new_source_title": MARKUP[3],
            "new_source_kind": "news_report",
            "quote": MARKUP[4],
            "reliability": "media_report",
            "stance": "reports",
            "loaded_version": 2,
        },
    )
    editor_client.post(
        edit_url("visit", visit.pk, "status"),
        {"to_status": "confirmed", "on": "2017-02-20", "note": SQL[1], "loaded_version": 3},
    )
    visit.refresh_from_db()
    assert (visit.version, visit.status, visit.agenda_items.get().note) == (4, "confirmed", MARKUP[0])
    assert visit.status_changes.get().note == SQL[1]
    html = editor_client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert_escaped(html, "visit page")
    history = editor_client.get(reverse("history", args=["visit", visit.pk])).content.decode()
    assert "<script>alert(" not in history


@pytest.mark.parametrize(
    "username",
    [NUL, OVERLONG, *SQL[:3], MARKUP[0], "admin\r\nSet-Cookie: x=1"],
    ids=["nul", "overlong", "sql-or", "sql-drop", "sql-delete", "script", "header-injection"],
)
def test_hostile_usernames_at_login_are_refused_without_signing_in(client, editor, username):
    for url in (reverse("login"), reverse("admin:login")):
        response = client.post(url, {"username": username, "password": "' OR '1'='1"})
        assert response.status_code in (200, 400, 429), response.status_code
        assert "_auth_user_id" not in client.session
        assert SCRIPT not in response.content.decode()
        assert "Set-Cookie: x" not in str(response.headers)
    if username == OVERLONG:
        assert "A username has at most 150 characters." in response.content.decode()


# --- The draft upload ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("draft.txt", (FILES / "nul.txt").read_bytes(), "This is not a text file."),
        ("draft.txt", (FILES / "invalid_utf8.txt").read_bytes(), "The file is not UTF-8 text"),
        ("draft.txt", (FILES / "binary.txt").read_bytes(), "This is not a text file."),
        (
            "draft.docx",
            (FILES / "binary.docx").read_bytes(),
            "This .docx file cannot be read (it is not a zip archive).",
        ),
        ("draft.txt", (FILES / "empty.txt").read_bytes(), "The submitted file is empty."),
        ("draft.txt", None, "drafts are limited to 5 MB"),
        ("draft.docx", None, "This .docx file unpacks to 2048 MB; drafts are limited to 50 MB unpacked."),
        ("draft.exe", b"MZ\x90\x00", "Upload a .txt, .md or .docx file."),
        ("<script>alert(1)</script>.txt", b"\x00", "This is not a text file."),
    ],
    ids=["nul", "invalid-utf8", "binary", "binary-docx", "empty", "10mb", "zip-bomb", "exe", "markup-name"],
)
def test_a_hostile_draft_upload_is_refused_with_its_reason_and_stores_nothing(editor_client, name, content, message):
    agreement = AgreementFactory()
    if content is None:
        content = long_string().encode() if name.endswith(".txt") else zip_bomb_docx()
    before = table_counts()
    response = editor_client.post(
        edit_url("agreement", agreement.pk, "draft"),
        {"upload": SimpleUploadedFile(name, content), "note": "", "loaded_version": 1},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page, page[
        page.find('role="alert"') - 200 : page.find('role="alert"') + 400
    ]
    assert SCRIPT not in page
    assert table_counts() == before


# --- The admin import upload ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("importer", "file", "message"),
    [
        ("trade", "binary.csv", "binary.csv: this is a binary file, not text"),
        ("trade", "not_utf8.csv", "not_utf8.csv: not valid UTF-8 near byte"),
        ("trade", "wrong_header.csv", "wrong_header.csv: the header matches no trade format"),
        ("hsg-travels", "binary.xml", "binary.xml: this is a binary file, not text"),
        ("hsg-travels", "xxe.xml", "xxe.xml: the file declares a document type"),
        ("hsg-visits", "xxe_parameter.xml", "xxe_parameter.xml: the file declares a document type"),
        ("hsg-travels", "truncated.xml", "truncated.xml: not well-formed XML"),
        ("hsg-travels", "billion_laughs.xml", "billion_laughs.xml: the file declares a document type"),
    ],
)
def test_a_hostile_import_upload_is_refused_by_the_run_and_imports_nothing(
    editor_client, tmp_path, importer, file, message
):
    content = billion_laughs() if file == "billion_laughs.xml" else (FILES / file).read_bytes()
    before = table_counts()
    with override_settings(MEDIA_ROOT=tmp_path):
        response = editor_client.post(
            reverse("admin:imports_importrun_add"), {"importer": importer, "upload": SimpleUploadedFile(file, content)}
        )
        assert response.status_code == 302
        run = ImportRun.objects.get()
        run_import_task(run.pk)  # what the worker does; tests/imports/test_admin.py runs a real one
        run.refresh_from_db()
        page = editor_client.get(response["Location"]).content.decode()
    assert run.status == ImportRun.Status.REFUSED
    assert message in run.message
    assert message.split(":", 1)[1].strip()[:20] in page
    assert table_counts() == before


@pytest.mark.parametrize(
    ("importer", "name", "content", "message"),
    [
        ("trade", "empty.csv", b"", "The submitted file is empty."),
        ("trade", "draft.docx", b"PK\x03\x04", "This importer reads .csv files."),
        ("hsg-travels", "trips.csv", b"a,b\n", "This importer reads .xml files."),
        ("hsg-travels", "trips.xml", None, "the limit is 100"),
        ("<script>alert(1)</script>", "trips.xml", b"<trips/>", "Select a valid choice."),
    ],
    ids=["empty", "docx-as-trade", "csv-as-xml", "too-large", "markup-importer"],
)
def test_an_import_upload_the_form_can_judge_is_refused_on_the_form(
    editor_client, tmp_path, importer, name, content, message
):
    with override_settings(MEDIA_ROOT=tmp_path, IMPORT_UPLOAD_MAX_BYTES=100):
        response = editor_client.post(
            reverse("admin:imports_importrun_add"),
            {
                "importer": importer,
                "upload": SimpleUploadedFile(
                    name, b"<trips>" + b" " * 200 + b"</trips>" if content is None else content
                ),
            },
        )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert SCRIPT not in page
    assert not ImportRun.objects.exists()


# --- The importers ----------------------------------------------------------------------------------

COMMAND_FILES = {
    "import_trade": [
        "binary.csv",
        "binary.xml",
        "empty.csv",
        "wrong_header.csv",
        "not_utf8.csv",
        "nul.txt",
        "invalid_utf8.txt",
    ],
    "import_hsg_travels": [
        "binary.xml",
        "binary.csv",
        "empty.xml",
        "truncated.xml",
        "xxe.xml",
        "xxe_parameter.xml",
        "billion_laughs.xml",
        "nul.txt",
        "invalid_utf8.txt",
        "wrong_header.csv",
    ],
    "import_hsg_visits": [
        "binary.xml",
        "empty.xml",
        "truncated.xml",
        "xxe.xml",
        "xxe_parameter.xml",
        "billion_laughs.xml",
    ],
}


@pytest.mark.parametrize("command", list(COMMAND_FILES))
def test_every_hostile_file_is_refused_by_the_importers_with_a_reason(tmp_path, command):
    (tmp_path / "billion_laughs.xml").write_bytes(billion_laughs())
    before = table_counts()
    for name in COMMAND_FILES[command]:
        path = tmp_path / name if name == "billion_laughs.xml" else FILES / name
        with pytest.raises(CommandError) as refused:
            call_command(command, str(path), no_progress=True, stdout=io.StringIO())
        assert str(refused.value).startswith(f"Refused, nothing imported: {name}"), (name, str(refused.value))
        assert re.search(
            r"binary|empty|UTF-8|header|well-formed|document type|Office of the Historian|no such", str(refused.value)
        ), str(refused.value)
    assert table_counts() == before
    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportRun.Status.REFUSED}


def trips(*rows: dict) -> str:
    trip = (
        '<trip role="president" who="doe-jane"><id>{id}</id><name>{name}</name><start-date>{start}</start-date>'
        '<end-date>{end}</end-date><country id="{country}">X</country><locale>{locale}</locale><remarks>{remarks}</remarks></trip>'
    )
    defaults = {
        "name": "Jane Doe",
        "start": "2001-02-03",
        "end": "2001-02-04",
        "country": "canada",
        "locale": "Ottawa",
        "remarks": "Met the Prime Minister.",
    }
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<trips>'
        + "".join(trip.format(**{**defaults, **row}) for row in rows)
        + "</trips>\n"
    )


def test_hostile_values_in_trip_records_are_rejected_row_by_row_and_text_is_kept_as_text(tmp_path, editor_client):
    from xml.sax.saxutils import escape

    bad = (
        [{"id": f"d{i}", "start": escape(date)} for i, date in enumerate(DATES)]
        + [{"id": f"e{i}", "end": escape(date)} for i, date in enumerate(DATES[:3])]
        + [{"id": "c1", "country": escape(SQL[0])}, {"id": "n1", "name": ""}]
    )
    good = [
        {"id": f"m{i}", "locale": escape(payload), "remarks": escape(payload)}
        for i, payload in enumerate(MARKUP[:3] + SQL[:2])
    ]
    path = tmp_path / "trips.xml"
    path.write_text(trips(*bad, *good), encoding="utf-8")
    out = io.StringIO()
    call_command("import_hsg_travels", str(path), no_progress=True, stdout=out)

    run = ImportRun.objects.get()
    assert (run.rejected, run.created) == (len(bad), len(good)), run.errors
    reasons = " ".join(error["reason"] for error in run.errors)
    assert "start-date '0000-00-00' is not a valid date (expected YYYY-MM-DD)" in reasons
    assert (
        "start-date '2023-02-30' is not a valid date" in reasons
        and "end-date '9999999-01-01' is not a valid date" in reasons
    )
    assert set(Visit.objects.values_list("locale", flat=True)) == set(MARKUP[:3] + SQL[:2])
    html = editor_client.get(reverse("visit", args=[Visit.objects.get(external_id="m0").pk])).content.decode()
    assert "&lt;script&gt;alert(" in html and SCRIPT not in html


PARTNERS = [
    ("398", "KAZ"),
    ("417", "KGZ"),
    ("860", "UZB"),
    ("051", "ARM"),
    ("112", "BLR"),
    ("156", "CHN"),
    ("276", "DEU"),
    ("251", "FRA"),
    ("381", "ITA"),
    ("392", "JPN"),
    ("792", "TUR"),
    ("842", "USA"),
    ("826", "GBR"),
    ("364", "IRN"),
    ("004", "AFG"),
    ("762", "TJK"),
]


def test_hostile_numbers_and_dates_in_trade_rows_are_rejected_row_by_row(tmp_path):
    header = "freqCode,refPeriodId,refYear,refMonth,reporterCode,reporterISO,reporterDesc,flowDesc,partnerCode,partnerISO,partnerDesc,cmdDesc,primaryValue"
    values = [("2021", value) for value in NUMBERS] + [
        (year, "1") for year in ["0000", "9999999", str(2**70), "1e3", "NaN"]
    ]
    rows = [
        f"A,20210101,{year},52,643,RUS,Russian Federation,Export,{code},{iso},Somewhere,All Commodities,{value}"
        for (year, value), (code, iso) in zip(values, PARTNERS, strict=False)
    ]
    # A formula in a description the importer does not keep: the figure itself is sound.
    rows.append("A,20210101,2021,52,643,RUS,Russian Federation,Export,762,TJK,\"=cmd|' /C calc'!A0\",All Commodities,1")
    path = tmp_path / "flows.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    before = table_counts()
    call_command("import_trade", str(path), no_progress=True, skip_bad_rows=True, stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert (run.rejected, run.created) == (len(rows) - 1, 1), run.errors
    for error in run.errors:
        assert re.search(r"trade value|refYear", error["reason"]), error
    assert table_counts()["trade.TradeFlow"] == before["trade.TradeFlow"] + 1


# --- Cross-site requests ----------------------------------------------------------------------------


def test_a_form_or_session_api_write_without_its_csrf_token_is_refused(editor):
    from django.test import Client
    from rest_framework.test import APIClient

    visit = VisitFactory(status="announced")
    page = Client(enforce_csrf_checks=True)
    page.force_login(editor)
    response = page.post(
        edit_url("visit", visit.pk, "status"),
        {"to_status": "confirmed", "on": "2017-02-20", "precision": "day", "loaded_version": 1},
    )
    assert response.status_code == 403
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(editor)
    response = api.post("/api/v1/visits/", visit_body(), format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    visit.refresh_from_db()
    assert (visit.version, Visit.objects.count()) == (1, 1)
