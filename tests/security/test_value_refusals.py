"""The stored-values rule at the doors (issue 19, item 2; core/values.py): the API, the page
forms and the admin refuse a control character, a year before 1000 or after 2999 and an amount
a database would not give back, each with an error on the field that holds it, and store
nothing; the nastiest values the rule lets in go in and come back exactly as written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.services import add_draft_version
from core.api.conditional import etag_for
from core.status import change_status
from directory.models import Citation, Person
from directory.services import resolve_conflict
from tests.api.conftest import token_client
from tests.core.admin_forms import admin_form_data
from tests.factories import AgreementFactory, CitationFactory, PersonFactory, SourceFactory, VisitFactory
from trade.models import TradeClaim
from visits.models import Visit

pytestmark = pytest.mark.django_db

SCRIPT = "<b>x</b><script>alert(1)</script>"
NASTY = f"{SCRIPT} \u202eebmahsuD\u202c e\u0301\u0301 🇹🇯🤝🇷🇺 👨\u200d👩\u200d👧\r\nsecond line\tand a tab"
REFUSED_TEXT = ["\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ufffe", "\U0010ffff"]
NEW_VISIT = {"visitor_country": "RUS", "host_country": "TJK", "start_date": "2017-02-27", "status": "announced"}


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content[:300]
    return response.json()["error"]["fields"]


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("character", REFUSED_TEXT)
@pytest.mark.parametrize("field", ["summary", "locale"])
def test_the_api_refuses_a_control_character_on_the_field_and_stores_nothing(editor_api, field, character):
    response = editor_api.post(reverse("visits-list"), NEW_VISIT | {field: f"Talks{character}on water"}, format="json")
    assert f"U+{ord(character):04X}" in " ".join(field_errors(response)[field])
    assert not Visit.objects.exists()


@pytest.mark.parametrize("day", ["0999-12-31", "3000-01-01"])
@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_the_api_refuses_a_year_outside_1000_to_2999_on_the_field_and_stores_nothing(editor_api, field, day):
    response = editor_api.post(reverse("visits-list"), NEW_VISIT | {field: day}, format="json")
    assert "outside the years Chancery records (1000–2999)" in " ".join(field_errors(response)[field])
    assert not Visit.objects.exists()


def test_an_update_through_the_api_is_held_to_the_rule_too(editor_api):
    person = PersonFactory(name="Emomali Rahmon")
    url = reverse("people-detail", args=[person.pk])
    response = editor_api.patch(url, {"name": "Emomali\x0bRahmon"}, format="json", HTTP_IF_MATCH=etag_for(person))
    assert "name" in field_errors(response)
    response = editor_api.patch(url, {"birth_date": "3000-10-05"}, format="json", HTTP_IF_MATCH=etag_for(person))
    assert "birth_date" in field_errors(response)
    person.refresh_from_db()
    assert (person.name, person.birth_date, person.version) == ("Emomali Rahmon", None, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": 3000}, "year"),
        ({"year": 999}, "year"),
        ({"value": "1000000000000000"}, "value"),
        ({"value": "99999999999.99999"}, "value"),
        ({"note": "a\x00b"}, "note"),
        ({"note": "a\x9bb"}, "note"),
    ],
)
def test_a_stated_figure_outside_the_rule_is_refused_on_its_field(editor_api, changes, field):
    claim = {"reporter": "TJK", "partner": "RUS", "year": 2016, "metric": "turnover", "value": "1", "unit": "usd"}
    response = editor_api.post(reverse("trade-claims-list"), claim | changes, format="json")
    assert field in field_errors(response)
    assert not TradeClaim.objects.exists()


def test_the_api_takes_the_nastiest_allowed_values_and_gives_them_back_as_written(editor_api):
    data = NEW_VISIT | {"summary": NASTY, "locale": ("Ш" * 200), "start_date": "1000-01-01", "end_date": "2999-12-31"}
    response = editor_api.post(reverse("visits-list"), data, format="json")
    assert response.status_code == 201, response.content[:300]
    again = editor_api.get(reverse("visits-detail", args=[response.json()["id"]])).json()
    assert {key: again[key] for key in ("summary", "locale", "start_date", "end_date")} == {
        key: data[key] for key in ("summary", "locale", "start_date", "end_date")
    }


@pytest.mark.parametrize("value", ["0.0000", "0.0001", "99999999999.9999", "999999999999999.0000", "-99999999999.9999"])
def test_the_smallest_and_largest_amounts_come_back_exactly(editor_api, value):
    metric = "yoy_change" if value.startswith("-") else "turnover"
    claim = {"reporter": "TJK", "partner": "RUS", "year": 2999, "month": 12, "metric": metric, "value": value}
    claim["unit"] = "percent" if metric == "yoy_change" else "usd"
    response = editor_api.post(reverse("trade-claims-list"), claim, format="json")
    assert response.status_code == 201, response.content[:300]
    assert editor_api.get(reverse("trade-claims-detail", args=[response.json()["id"]])).json()["value"] == value
    assert TradeClaim.objects.get().value == Decimal(value)


# --- the services every door shares -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on": "3000-01-01"}, "on"),
        ({"on": "0999-12-31"}, "on"),
        ({"on": "2017-02-28", "note": "Confirmed\x0bby the ministry"}, "note"),
    ],
)
def test_a_status_change_through_the_api_is_held_to_the_rule(editor_api, body, field):
    visit = VisitFactory(status="announced")
    response = editor_api.post(
        reverse("visits-transitions", args=[visit.pk]),
        {"to_status": "confirmed", **body},
        format="json",
        HTTP_IF_MATCH=etag_for(visit),
    )
    assert list(field_errors(response)) == [field]
    visit.refresh_from_db()
    assert (visit.status, visit.version, visit.status_changes.count()) == ("announced", 1, 0)


@pytest.mark.parametrize(
    ("changes", "field"), [({"on": datetime.date(3000, 1, 1)}, "on"), ({"note": "said\x1bso"}, "note")]
)
def test_the_status_service_refuses_what_the_rule_refuses_whoever_calls_it(changes, field):
    visit = VisitFactory(status="announced")
    arguments = {"to_status": "confirmed", "on": datetime.date(2017, 2, 28), "note": ""} | changes
    with pytest.raises(ValidationError) as raised:
        change_status(visit, **arguments)
    assert list(raised.value.message_dict) == [field]
    visit.refresh_from_db()
    assert (visit.status, visit.status_changes.count()) == ("announced", 0)


def test_the_status_form_on_the_page_refuses_a_control_character_in_its_note(editor_client):
    visit = VisitFactory(status="announced")
    response = editor_client.post(
        reverse("edit-status", args=["visit", visit.pk]),
        {"to_status": "confirmed", "on": "2017-02-28", "note": "Confirmed\x07", "loaded_version": 1},
    )
    assert "U+0007" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.status_changes.count()) == ("announced", 0)


def test_a_pasted_draft_with_a_control_character_is_refused_and_an_uploads_page_breaks_are_line_breaks(
    editor_client, editor
):
    agreement = AgreementFactory()
    url = reverse("edit-draft", args=["agreement", agreement.pk])
    response = editor_client.post(url, {"text": "Article 1.\x01", "note": "", "loaded_version": 1})
    assert "U+0001" in response.content.decode() and not agreement.drafts.exists()
    with pytest.raises(ValidationError) as raised:
        add_draft_version(agreement=agreement, text="Article 1.", note="from\x85the ministry", author=editor)
    assert list(raised.value.message_dict) == ["note"] and not agreement.drafts.exists()
    upload = SimpleUploadedFile("draft.txt", b"Article 1.\x0cArticle 2.\x0bend")
    editor_client.post(url, {"upload": upload, "note": "", "loaded_version": 1})
    assert agreement.drafts.get().text == "Article 1.\nArticle 2.\nend"


def test_a_conflicts_resolution_note_is_held_to_the_rule(editor):
    visit = VisitFactory()
    both = [CitationFactory(record=visit, stance="reports"), CitationFactory(record=visit, stance="denies")]
    with pytest.raises(ValidationError) as raised:
        resolve_conflict(citations=both, standing=None, note="Both kept\x0c", user=editor)
    assert list(raised.value.message_dict) == ["note"]
    assert not Citation.objects.filter(resolved_at__isnull=False).exists()


# --- the page forms -----------------------------------------------------------------------------

VISIT_FORM = {
    "reliability": "official_statement",
    "speaker_is": "organisation",
    "speaker": "Presidential press service",
    "visitor": "Anvar Qodirov",
    "visitor_post": "President",
    "visitor_country": "KGZ",
    "host_country": "TJK",
    "start": "2026-03-02",
    "kind": "state",
    "level": "head",
    "status": "announced",
}


def enter_visit(client, **changes):
    source = SourceFactory(title="State visit announced", published_on=datetime.date(2026, 2, 16))
    return client.post(reverse("entry", args=[source.pk, "visit"]), VISIT_FORM | changes)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"summary": "Talks\x0bon water"}, "summary", "U+000B"),
        ({"locale": "Dushan\x85be"}, "locale", "U+0085"),
        ({"quote": "will pay\x1ba visit"}, "quote", "U+001B"),
        ({"start": "3000"}, "start", "outside the years Chancery records"),
        ({"start": "0999-12"}, "start", "outside the years Chancery records"),
        ({"end": "3000-01-01"}, "end", "outside the years Chancery records"),
    ],
)
def test_a_page_form_refuses_what_the_rule_refuses_on_the_field(editor_client, changes, field, message):
    people = Person.objects.count()
    response = enter_visit(editor_client, **changes)
    assert response.status_code == 200
    errors = response.context["forms"]["visit"][1].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Visit.objects.exists() and Person.objects.count() == people


@pytest.mark.parametrize(
    ("start", "day", "precision"),
    [("c. 1000", datetime.date(1000, 1, 1), "approximate"), ("2999-12-31", datetime.date(2999, 12, 31), "day")],
)
def test_a_page_form_takes_the_earliest_and_latest_years_and_any_text(editor_client, start, day, precision):
    response = enter_visit(editor_client, start=start, summary=NASTY, locale=SCRIPT)
    assert response.status_code == 302, response.context["forms"]["visit"][1].errors if response.context else ""
    visit = Visit.objects.get()
    assert (visit.start_date, visit.start_precision, visit.summary, visit.locale) == (day, precision, NASTY, SCRIPT)


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_refuses_a_control_character_and_a_year_3000_on_their_fields(admin_client_logged_in):
    person, visit = PersonFactory(name="Emomali Rahmon"), VisitFactory(summary="Talks on water.")
    person_url = reverse("admin:directory_person_change", args=[person.pk])
    data = admin_form_data(admin_client_logged_in.get(person_url)) | {"name": "Emomali\x0bRahmon"}
    response = admin_client_logged_in.post(person_url, data)
    assert "name" in response.context["adminform"].form.errors
    visit_url = reverse("admin:visits_visit_change", args=[visit.pk])
    data = admin_form_data(admin_client_logged_in.get(visit_url)) | {"start_date": "3000-02-27", "end_date": ""}
    data["summary"] = "Talks\u0085on water."
    response = admin_client_logged_in.post(visit_url, data)
    assert {"start_date", "summary"} <= set(response.context["adminform"].form.errors)
    person.refresh_from_db()
    visit.refresh_from_db()
    assert (person.name, person.version, visit.start_date, visit.summary, visit.version) == (
        "Emomali Rahmon",
        1,
        datetime.date(2017, 2, 27),
        "Talks on water.",
        1,
    )


def test_the_admin_adds_nothing_with_a_control_character(admin_client_logged_in):
    response = admin_client_logged_in.post(
        reverse("admin:trade_tradeclaim_add"),
        {"reporter": "TJK", "partner": "RUS", "year": "2016", "metric": "turnover", "value": "1", "unit": "usd"}
        | {"qualifier": "exact", "note": "said\x0bso"},
    )
    assert "note" in response.context["adminform"].form.errors
    assert not TradeClaim.objects.exists()


@pytest.fixture
def admin_client_logged_in(client, admin_user):
    client.force_login(admin_user)
    return client
