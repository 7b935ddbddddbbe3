"""core.status.correct_status_change: an editor corrects a status row's date, precision, note
and source; the row keeps its place, the record its key date, and the audit history shows who
changed what (issue 16)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.api.conditional import etag_for
from core.statemachine import StaleEdit
from core.status import change_status, correct_status_change, record_first_status
from tests.factories import AgreementFactory, CitationFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def agreement():
    """Proposed on 20 Jan 2017 (a date to correct), signed on 27 Feb 2017."""
    agreement = AgreementFactory(status="proposed")
    record_first_status(agreement, on=D(2017, 1, 20), note="Recorded in the admin.")
    change_status(agreement, to_status="signed", on=D(2017, 2, 27))
    agreement.refresh_from_db()
    return agreement


def correct(row, **changes):
    """Correct `row` against its record's current version, changing only what is given."""
    row.refresh_from_db()
    record = row.record
    record.refresh_from_db()
    values = {"on": row.changed_on, "precision": row.changed_precision, "note": row.note, "citation": row.citation}
    return correct_status_change(row, **values | changes, user=None, expected_version=record.version)


def test_a_corrected_row_is_in_its_audit_history_after_the_row_as_it_was(agreement):
    editor = UserFactory(username="maria", role="editor")
    first = agreement.status_changes.first()
    version = agreement.version

    correct_status_change(
        first,
        on=D(2017, 1, 26),
        precision="day",
        note="Proposed at the intergovernmental commission.",
        citation=None,
        user=editor,
        expected_version=version,
    )

    first.refresh_from_db()
    agreement.refresh_from_db()
    assert (first.changed_on, first.note) == (D(2017, 1, 26), "Proposed at the intergovernmental commission.")
    assert agreement.version == version + 1
    audit = list(first.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.changed_on, h.history_user) for h in audit] == [
        ("+", D(2017, 1, 20), None),
        ("~", D(2017, 1, 26), editor),
    ]
    assert [(c.field, c.old, c.new) for c in audit[1].diff_against(audit[0]).changes] == [
        ("changed_on", D(2017, 1, 20), D(2017, 1, 26)),
        ("note", "Recorded in the admin.", "Proposed at the intergovernmental commission."),
    ]


def test_the_agreements_key_date_follows_the_row_that_set_it(agreement):
    signed = agreement.status_changes.last()

    correct(signed, on=D(2017, 2, 1), precision="month")

    agreement.refresh_from_db()
    assert (agreement.signed_on, agreement.signed_precision) == (D(2017, 2, 1), "month")


def test_a_visits_own_dates_are_not_changed_by_a_correction():
    visit = VisitFactory(status="announced", start_date=D(2017, 2, 27), end_date=D(2017, 2, 28))
    record_first_status(visit, on=D(2017, 2, 13))
    change_status(visit, to_status="completed", on=D(2017, 3, 1))

    correct(visit.status_changes.last(), on=D(2017, 2, 28))

    visit.refresh_from_db()
    assert (visit.start_date, visit.end_date) == (D(2017, 2, 27), D(2017, 2, 28))
    assert [r.changed_on for r in visit.status_changes.all()] == [D(2017, 2, 13), D(2017, 2, 28)]


def test_a_row_cannot_be_moved_past_its_neighbours(agreement):
    first, signed = agreement.status_changes.all()
    correct(first, on=D(2017, 1, 26))

    with pytest.raises(ValidationError) as later:
        correct(first, on=D(2017, 3, 1))
    with pytest.raises(ValidationError) as earlier:
        correct(signed, on=D(2017, 1, 1))

    assert later.value.message_dict == {
        "on": ["The change after this one is dated 27 Feb 2017; this one cannot be later."]
    }
    assert earlier.value.message_dict == {
        "on": ["The change before this one is dated 26 Jan 2017; this one cannot be earlier."]
    }
    signed.refresh_from_db()
    assert signed.changed_on == D(2017, 2, 27) and signed.history.count() == 1  # as change_status wrote it


def test_a_stale_version_and_a_citation_of_another_record_are_refused(agreement):
    first = agreement.status_changes.first()
    elsewhere = CitationFactory(record=VisitFactory())
    own = CitationFactory(record=agreement)
    agreement.refresh_from_db()

    with pytest.raises(StaleEdit):
        correct_status_change(
            first,
            on=D(2017, 1, 26),
            precision="day",
            note="",
            citation=None,
            user=None,
            expected_version=agreement.version - 1,
        )
    with pytest.raises(ValidationError) as refused:
        correct(first, citation=elsewhere)
    corrected = correct(first, citation=own, on=D(2017, 1, 1), precision="year")

    assert refused.value.message_dict == {
        "citation": ["That source is cited for another record; cite it for this agreement first."]
    }
    assert (corrected.citation, corrected.changed_on, corrected.changed_precision) == (own, D(2017, 1, 1), "year")


# --- through the API: PATCH {record}/status-history/{row}/ --------------------------------


def _etag(record):
    record.refresh_from_db()
    return etag_for(record)


def test_a_client_corrects_a_row_with_if_match_and_gets_the_record_back(editor_api, agreement):
    first = agreement.status_changes.first()
    citation = CitationFactory(record=agreement)
    url = reverse("agreements-status-history", args=[agreement.pk, first.pk])
    response = editor_api.patch(
        url,
        {"on": "2017-01-14", "precision": "month", "note": "Only the month is known.", "citation": citation.pk},
        format="json",
        HTTP_IF_MATCH=_etag(agreement),
    )
    assert response.status_code == 200, response.content
    first.refresh_from_db()
    assert (first.changed_on, first.changed_precision, first.citation) == (D(2017, 1, 1), "month", citation)
    body = response.json()
    assert body["status_changes"][0]["id"] == first.pk and body["status_changes"][0]["changed_on"] == "2017-01-01"
    assert response["ETag"] == _etag(agreement)


def test_a_correction_without_if_match_or_against_a_stale_copy_changes_nothing(editor_api, agreement):
    first = agreement.status_changes.first()
    url = reverse("agreements-status-history", args=[agreement.pk, first.pk])
    stale = _etag(agreement)
    assert editor_api.patch(url, {"on": "2017-01-25"}, format="json").status_code == 428
    change_status(agreement, to_status="ratified", on=D(2017, 5, 1))
    assert editor_api.patch(url, {"on": "2017-01-25"}, format="json", HTTP_IF_MATCH=stale).status_code == 412
    first.refresh_from_db()
    assert first.changed_on == D(2017, 1, 20)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on": "2017-03-01"}, "on"),  # after the signing row that follows it
        ({"on": "2017-02-30"}, "on"),
        ({"precision": "fortnight"}, "precision"),
        ({"citation": 999999}, "citation"),
    ],
)
def test_a_bad_correction_is_a_field_level_400(editor_api, agreement, body, field):
    first = agreement.status_changes.first()
    url = reverse("agreements-status-history", args=[agreement.pk, first.pk])
    response = editor_api.patch(url, body, format="json", HTTP_IF_MATCH=_etag(agreement))
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field], response.json()
    first.refresh_from_db()
    assert first.changed_on == D(2017, 1, 20)


def test_a_row_of_another_record_is_not_found(editor_api, agreement):
    other = AgreementFactory(status="proposed")
    row = record_first_status(other, on=D(2017, 1, 1))
    url = reverse("agreements-status-history", args=[agreement.pk, row.pk])
    assert editor_api.patch(url, {"on": "2017-01-02"}, format="json", HTTP_IF_MATCH=_etag(agreement)).status_code == 404


# --- on the page: the "Correct" form beside each row ----------------------------------------


def test_the_page_offers_the_correction_and_shows_a_refusal_on_its_field(editor_client, agreement):
    first = agreement.status_changes.first()
    page = editor_client.get(reverse("agreement", args=[agreement.pk])).content.decode()
    assert reverse("edit-status-row", args=["agreement", agreement.pk, first.pk]) in page

    prefix = f"row-{first.pk}"
    response = editor_client.post(
        reverse("edit-status-row", args=["agreement", agreement.pk, first.pk]),
        {f"{prefix}-on": "2017-03-01", f"{prefix}-note": "", f"{prefix}-loaded_version": agreement.version},
    )
    assert response.status_code == 200
    assert "The change after this one is dated 27 Feb 2017; this one cannot be later." in response.content.decode()
    first.refresh_from_db()
    assert first.changed_on == D(2017, 1, 20)


def test_analysts_see_no_correction_form(analyst_client, agreement):
    page = analyst_client.get(reverse("agreement", args=[agreement.pk])).content.decode()
    assert "/status/" not in page
