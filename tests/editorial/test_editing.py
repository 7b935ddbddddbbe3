"""Editors' forms on the visit and agreement pages, and the history page."""

import datetime
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.status import record_first_status
from directory.models import Citation, Source
from tests.factories import AgreementFactory, CitationFactory, NegotiationTopicFactory, SourceFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def edit(kind, pk, form):
    return reverse(f"edit-{form}", args=[kind, pk])


def test_editors_see_the_forms_and_analysts_do_not(client, editor, analyst):
    visit = VisitFactory(status="announced")
    client.force_login(editor)
    page = client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert "Change status" in page and "Add a source" in page and "Edit dates" in page and "Add an agenda item" in page
    assert 'value="completed"' in page and 'value="rumoured"' not in page  # only allowed targets
    client.force_login(analyst)
    page = client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert "Change status" not in page


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("visit", "status"),
        ("visit", "citation"),
        ("visit", "dates"),
        ("visit", "agenda"),
        ("agreement", "status"),
        ("agreement", "citation"),
        ("agreement", "draft"),
    ],
)
def test_analysts_and_anonymous_users_are_refused_on_every_editing_url(client, analyst, kind, form):
    record = (VisitFactory if kind == "visit" else AgreementFactory)()
    url = edit(kind, record.pk, form)
    response = client.post(url, {"loaded_version": 1})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(analyst)
    assert client.post(url, {"loaded_version": 1}).status_code == 403
    record.refresh_from_db()
    assert record.version == 1


def test_a_status_change_from_the_page_goes_through_the_service(editor_client, editor):
    visit = VisitFactory(status="announced")
    response = editor_client.post(
        edit("visit", visit.pk, "status"),
        {"to_status": "completed", "on": "2017-02-28", "precision": "day", "note": "Took place.", "loaded_version": 1},
        follow=True,
    )
    assert "Status changed to completed." in response.content.decode()
    change = Visit.objects.get(pk=visit.pk).status_changes.get()
    assert (change.to_status, change.recorded_by, change.note) == ("completed", editor, "Took place.")


def test_a_refused_transition_shows_the_error_on_the_page_and_changes_nothing(editor_client):
    visit = VisitFactory(status="completed")
    response = editor_client.post(
        edit("visit", visit.pk, "status"),
        {"to_status": "announced", "on": "2017-03-01", "precision": "day", "loaded_version": 1},
    )
    assert response.status_code == 200
    assert "Select a valid choice. announced is not one of the available choices." in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "completed"


def test_two_editors_save_in_turn_and_the_second_is_refused(client, editor):
    from tests.factories import UserFactory

    visit = VisitFactory(status="announced", locale="Dushanbe")
    other = UserFactory(username="omid", role="editor")
    client.force_login(other)
    client.post(
        edit("visit", visit.pk, "dates"),
        {
            "start_date": "2017-02-26",
            "start_precision": "day",
            "end_date": "2017-02-28",
            "end_precision": "day",
            "loaded_version": 1,
        },
    )
    client.force_login(editor)
    response = client.post(
        edit("visit", visit.pk, "status"),
        {"to_status": "confirmed", "on": "2017-02-20", "precision": "day", "loaded_version": 1},
    )

    page = response.content.decode()
    assert "was changed by someone else after you opened it" in page
    assert "omid changed start_date from “2017-02-27” to “2017-02-26”" in page
    visit.refresh_from_db()
    assert (visit.status, visit.start_date) == ("announced", datetime.date(2017, 2, 26))


def test_a_source_is_added_with_a_new_source_record(editor_client):
    visit = VisitFactory()
    response = editor_client.post(
        edit("visit", visit.pk, "citation"),
        {
            "new_source_title": "Asia-Plus report",
            "new_source_kind": "news_report",
            "field_name": "start_date",
            "quote": "on February 28",
            "reliability": "anonymous_source",
            "stance": "reports",
            "loaded_version": 1,
        },
        follow=True,
    )
    assert "Source added: Asia-Plus report." in response.content.decode()
    citation = Citation.objects.get()
    assert (citation.record, citation.source.title, citation.field_name) == (visit, "Asia-Plus report", "start_date")


def test_a_citation_needs_a_source(editor_client):
    visit = VisitFactory()
    response = editor_client.post(
        edit("visit", visit.pk, "citation"), {"reliability": "media_report", "stance": "reports", "loaded_version": 1}
    )
    assert "Choose a source, or give the new source" in response.content.decode()
    assert not Citation.objects.exists() and not Source.objects.exists()


def test_dates_are_edited_with_their_precision_and_an_end_before_the_start_is_refused(editor_client):
    visit = VisitFactory()
    good = {"start_date": "2017-02", "end_date": "", "loaded_version": 1}  # a month, as the report gives it
    editor_client.post(edit("visit", visit.pk, "dates"), good)
    visit.refresh_from_db()
    assert (visit.start_date, visit.date_display) == (datetime.date(2017, 2, 1), "Feb 2017")

    bad = {"start_date": "2017-03-01", "end_date": "2017-02-01", "loaded_version": 2}
    response = editor_client.post(edit("visit", visit.pk, "dates"), bad)
    assert "A visit cannot end before it starts." in response.content.decode()
    visit.refresh_from_db()
    assert visit.start_date == datetime.date(2017, 2, 1)


def test_an_agenda_item_is_added(editor_client):
    visit = VisitFactory()
    topic = NegotiationTopicFactory(title="Lease of the Ayni airfield")
    editor_client.post(
        edit("visit", visit.pk, "agenda"),
        {"topic": topic.pk, "expectation": "expected", "note": "", "loaded_version": 1},
    )
    assert visit.agenda_items.get().topic == topic


def test_a_draft_is_uploaded_on_the_agreement_page_and_numbered(editor_client, editor):
    agreement = AgreementFactory()
    document = docx.Document()
    document.add_paragraph("Article 1. The Parties shall cooperate in civil aviation.")
    buffer = io.BytesIO()
    document.save(buffer)
    response = editor_client.post(
        edit("agreement", agreement.pk, "draft"),
        {
            "upload": SimpleUploadedFile("draft.docx", buffer.getvalue()),
            "note": "From the ministry",
            "loaded_version": 1,
        },
        follow=True,
    )
    assert "Draft 1 added." in response.content.decode()
    draft = agreement.drafts.get()
    assert (draft.text, draft.author, draft.note) == (
        "Article 1. The Parties shall cooperate in civil aviation.",
        editor,
        "From the ministry",
    )


def test_the_agreement_status_form_offers_the_machines_targets(editor_client):
    agreement = AgreementFactory(status="in_force")
    page = editor_client.get(reverse("agreement", args=[agreement.pk])).content.decode()
    assert 'value="suspended"' in page and 'value="terminated"' in page and 'value="signed"' not in page


def test_the_history_page_shows_who_changed_what(editor_client, editor):
    visit = VisitFactory(locale="Dushanbe")
    editor_client.post(
        edit("visit", visit.pk, "dates"), {"start_date": "2017-03-01", "end_date": "", "loaded_version": 1}
    )
    page = editor_client.get(reverse("history", args=["visit", visit.pk])).content.decode()
    assert "<td>editor</td>" in page and "start date: " in page and "<ins>1 Mar 2017</ins>" in page
    assert "Created" in page


def test_the_history_page_says_which_source_was_added_and_how_a_status_row_was_corrected(editor_client, editor):
    visit = VisitFactory(status="announced")
    record_first_status(visit, on=datetime.date(2017, 2, 1), precision="month")
    editor_client.post(
        edit("visit", visit.pk, "citation"),
        {
            "new_source_title": "Dushanbe wire report",
            "new_source_kind": "news_report",
            "reliability": "named_official",
            "stance": "reports",
            "quote": "will arrive in March",
            "loaded_version": 1,
        },
    )
    visit.refresh_from_db()
    row = visit.status_changes.get()
    editor_client.post(
        reverse("edit-status-row", args=["visit", visit.pk, row.pk]),
        {
            f"row-{row.pk}-on": "2017-02-14",
            f"row-{row.pk}-note": "As the wire dated it.",
            f"row-{row.pk}-loaded_version": visit.version,
        },
    )
    row.refresh_from_db()
    assert row.changed_on == datetime.date(2017, 2, 14)

    page = editor_client.get(reverse("history", args=["visit", visit.pk])).content.decode()
    assert "Source added: Dushanbe wire report" in page
    assert "<ins>Named official</ins>" in page and "<ins>will arrive in March</ins>" in page
    assert "Status row corrected" in page and "<del>1 Feb 2017</del> → <ins>14 Feb 2017</ins>" in page
    assert "First status: announced, on 14 Feb 2017" in page
    # Citing the source and correcting the row only moved the visit's version: no bare
    # "Changed" rows stand for them. Created, the source, the first status, the correction.
    assert page.count("<tr>") == 1 + 4


def test_history_needs_the_view_permission(client):
    visit = VisitFactory()
    response = client.get(reverse("history", args=["visit", visit.pk]))
    assert response.status_code == 302


def test_any_two_drafts_compare_side_by_side(analyst_client):
    from agreements.services import add_draft_version

    agreement = AgreementFactory()
    add_draft_version(agreement=agreement, text="Article 1. Flights twice a week.\nArticle 2. Entry into force.")
    add_draft_version(agreement=agreement, text="Article 1. Flights daily.\nArticle 2. Entry into force.")
    add_draft_version(agreement=agreement, text="Article 1. Flights daily.\nArticle 2. Entry into force on signature.")

    page = analyst_client.get(
        reverse("agreement-draft-compare", args=[agreement.pk]), {"a": 1, "b": 3}
    ).content.decode()

    assert "Draft 1" in page and "Draft 3" in page
    assert page.count('class="diff_') >= 2 and "signature" in page and "twice" in page
    assert "2 lines added, 2 removed" in page
    assert (
        analyst_client.get(reverse("agreement-draft-compare", args=[agreement.pk]), {"a": 1, "b": 9}).status_code == 404
    )


def test_the_history_page_costs_the_same_queries_however_long_the_history(editor_client):
    def queries(visit):
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse("history", args=["visit", visit.pk])).status_code == 200
        return len(captured)

    short, long = VisitFactory(), VisitFactory()
    CitationFactory(record=short)
    for _ in range(6):
        CitationFactory(record=long)
    record_first_status(long, on=datetime.date(2017, 2, 1))
    assert queries(short) == queries(long)


def test_the_citation_pickers_name_a_source_by_title_outlet_and_date(editor_client):
    visit = VisitFactory(status="announced")
    source = SourceFactory(title="Visit announced", outlet__name="Asia-Plus", published_on=datetime.date(2017, 2, 14))
    CitationFactory(record=visit, source=source, quote="will arrive")
    page = editor_client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert "Visit announced — Asia-Plus, 14 Feb 2017: “will arrive”" in page  # the status form's
    assert "Visit announced — Asia-Plus, 14 Feb 2017</option>" in page  # the citation form's
    assert "reports visit" not in page  # never the citation's internal text
