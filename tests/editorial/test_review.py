"""The review queue finds each kind of problem in constructed data, and resolves conflicts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.status import change_status
from directory.models import Citation
from directory.services import resolve_conflict
from editorial.review import citation_conflicts, overdue_visits, stale_agreements
from tests.factories import AgreementFactory, CitationFactory, SourceFactory, VisitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2017, 6, 1)


def test_open_visits_past_their_dates_are_listed_and_settled_ones_are_not():
    overdue = VisitFactory(
        status="announced", start_date=datetime.date(2017, 2, 27), end_date=datetime.date(2017, 2, 28)
    )
    no_end = VisitFactory(status="rumoured", start_date=datetime.date(2017, 3, 1), end_date=None)
    VisitFactory(status="completed", start_date=datetime.date(2017, 2, 27), end_date=None)
    VisitFactory(status="postponed", start_date=datetime.date(2017, 2, 27), end_date=None)
    VisitFactory(status="announced", start_date=datetime.date(2017, 7, 1), end_date=None)
    assert list(overdue_visits(TODAY)) == [overdue, no_end]


def test_agreements_whose_status_has_not_moved_for_long_are_listed():
    stuck = AgreementFactory(status="proposed")
    change_status(stuck, to_status="negotiating", on=datetime.date(2016, 1, 1))
    moving = AgreementFactory(status="proposed")
    change_status(moving, to_status="negotiating", on=datetime.date(2017, 5, 1))
    done = AgreementFactory(status="signed")
    change_status(done, to_status="in_force", on=datetime.date(2016, 1, 1))
    assert list(stale_agreements(TODAY, days=180)) == [stuck]


def test_sources_giving_different_dates_for_one_field_are_a_conflict():
    visit = VisitFactory()
    first = CitationFactory(record=visit, field_name="start_date", quote="on February 28")
    second = CitationFactory(record=visit, field_name="start_date", quote="in early March")
    CitationFactory(record=VisitFactory(), field_name="start_date", quote="alone")
    agreeing = VisitFactory()
    CitationFactory(record=agreeing, field_name="start_date", quote="on February 28")
    CitationFactory(record=agreeing, field_name="start_date", quote="on February 28")

    conflicts = citation_conflicts()

    assert len(conflicts) == 1
    assert {c.pk for c in conflicts[0].citations} == {first.pk, second.pk}
    assert conflicts[0].record == visit


def test_a_denial_of_a_report_is_a_conflict_even_without_quotes():
    visit = VisitFactory()
    CitationFactory(record=visit)
    CitationFactory(record=visit, stance="denies")
    assert len(citation_conflicts()) == 1


def test_choosing_the_claim_that_stands_resolves_the_conflict(editor):
    visit = VisitFactory()
    first = CitationFactory(record=visit, field_name="start_date", quote="on February 28")
    second = CitationFactory(record=visit, field_name="start_date", quote="in early March")

    resolve_conflict(citations=[first, second], standing=first, note="The Kremlin confirmed the 28th.", user=editor)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.prevails, second.prevails) == (True, False)
    assert first.resolved_by == editor and second.resolution_note == "The Kremlin confirmed the 28th."
    assert citation_conflicts() == []


def test_keeping_both_claims_needs_a_note(editor):
    visit = VisitFactory()
    both = [CitationFactory(record=visit, stance="reports"), CitationFactory(record=visit, stance="denies")]
    with pytest.raises(Exception, match="Say why both claims are kept"):
        resolve_conflict(citations=both, standing=None, note=" ", user=editor)
    assert not Citation.objects.filter(resolved_at__isnull=False).exists()


def test_the_queue_page_shows_each_kind_and_resolves_in_one_click(editor_client):
    past = timezone.localdate() - datetime.timedelta(days=30)
    VisitFactory(status="announced", start_date=past, end_date=past, locale="Dushanbe")
    agreement = AgreementFactory(title="Ayni airfield lease", status="negotiating")
    type(agreement).objects.filter(pk=agreement.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    visit = VisitFactory()
    first = CitationFactory(
        record=visit, field_name="start_date", quote="on February 28", source=SourceFactory(title="Asia-Plus")
    )
    second = CitationFactory(
        record=visit, field_name="start_date", quote="in March", source=SourceFactory(title="EurasiaNet")
    )

    page = editor_client.get(reverse("review-queue")).content.decode()
    assert "Record what happened" in page
    assert "Ayni airfield lease" in page
    assert "“on February 28”" in page and "“in March”" in page

    response = editor_client.post(
        reverse("review-queue"), {"citation": [first.pk, second.pk], "standing": first.pk, "note": ""}, follow=True
    )

    assert "Resolved:" in response.content.decode()
    assert Citation.objects.get(pk=first.pk).prevails is True


def test_analysts_cannot_open_the_review_queue(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("review-queue")).status_code == 302
