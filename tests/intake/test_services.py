"""Storing a report with its proposals, and an editor's decisions on them (intake.services),
against the demo's records. The reports are ours, written for these tests."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement
from directory.models import Citation, Organisation, Person, Source
from editorial.review import citation_conflicts
from intake.models import Proposal, Publication, Report
from intake.services import MAX_CHARACTERS, accept, accept_confident, reject, store_report
from visits.models import Visit, VisitStatusChange

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo", "empty_cache")]

PUBLISHED = datetime.date(2017, 2, 20)
ANNOUNCED = (
    "Dushanbe, 20 February 2017. The President of Russia will arrive in Dushanbe on 28 February for an "
    "official visit, a government source said. An agreement on cooperation in migration is being prepared "
    "for signature during the visit, the source added."
)
COMPLETED = (
    "Bishkek, 1 March 2017. Vladimir Putin visited Kyrgyzstan on 28 February and held talks in "
    "Bishkek, the Kremlin said in a statement."
)
CONTRADICTS = (
    "Dushanbe, 21 February 2017. The President of Russia will arrive in Dushanbe on 3 March for an "
    "official visit, a government source said."
)
NEW_VISIT = (
    "Astana, 2 March 2017. The President of Russia will travel to Kyrgyzstan on 15 March for a working "
    "visit, the Kremlin said in a statement."
)


def _outside():
    return (
        Visit.objects.count(),
        Citation.objects.count(),
        Source.objects.count(),
        Person.objects.count(),
        Organisation.objects.count(),
        Agreement.objects.count(),
    )


def _one(report, kind):
    [proposal] = report.proposals.filter(kind=kind)
    return proposal


def test_storing_a_report_keeps_its_text_publication_and_proposals_and_writes_nothing_else():
    before = _outside()
    report, created = store_report(
        text=ANNOUNCED, published_on=PUBLISHED, outlet_name="Wire A", url="https://a.example/1"
    )
    assert created and report.title.startswith("Dushanbe, 20 February 2017.")
    assert [p.outlet_name for p in report.publications.all()] == ["Wire A"]
    visit = _one(report, "visit")
    assert visit.fields["start_date"] == "2017-02-28" and visit.fields["status"] == "announced"
    assert ANNOUNCED[visit.span_start : visit.span_end] in visit.quote or visit.quote in ANNOUNCED
    assert visit.state == "pending" and visit.reliability == "anonymous_source"
    assert _outside() == before


def test_the_same_text_again_is_the_same_report_with_one_more_publication():
    first, _ = store_report(text=ANNOUNCED, published_on=PUBLISHED, outlet_name="Wire A", url="https://a.example/1")
    proposals = first.proposals.count()
    again, created = store_report(
        text=ANNOUNCED + "\n", published_on=PUBLISHED, outlet_name="Paper B", url="https://b.example/x"
    )
    assert (again.pk, created) == (first.pk, False)
    assert again.proposals.count() == proposals
    assert sorted(again.publications.values_list("outlet_name", flat=True)) == ["Paper B", "Wire A"]
    # the same link a third time adds nothing
    store_report(text=ANNOUNCED, published_on=PUBLISHED, outlet_name="Paper B", url="https://b.example/x")
    assert Publication.objects.filter(report=first).count() == 2


def test_a_near_identical_wire_copy_is_the_same_report():
    first, _ = store_report(text=ANNOUNCED, published_on=PUBLISHED, outlet_name="Wire A")
    copy = ANNOUNCED.replace("Dushanbe, 20 February 2017.", "DUSHANBE (Wire C) —")
    again, created = store_report(text=copy, published_on=PUBLISHED + datetime.timedelta(days=1), outlet_name="C")
    assert (again.pk, created) == (first.pk, False)


def test_a_visit_already_recorded_is_matched_and_accepting_it_cites_the_report_on_that_visit():
    recorded = Visit.objects.get(visitor_country="RUS", host_country="TJK", start_date=datetime.date(2017, 2, 27))
    report, _ = store_report(text=ANNOUNCED, published_on=PUBLISHED, outlet_name="Wire A", url="https://a.example/1")
    proposal = _one(report, "visit")
    assert [(m["record"], m["id"], m["relation"]) for m in proposal.matches] == [("visit", recorded.pk, "same")]
    visits, citations = Visit.objects.count(), recorded.citations.count()

    record = accept(proposal, user=None)
    assert record == recorded and Visit.objects.count() == visits
    citation = recorded.citations.order_by("-pk").first()
    assert recorded.citations.count() == citations + 1
    assert citation.source.intake_publication.report == report
    assert citation.source.outlet.name == "Wire A" and citation.source.published_on == PUBLISHED
    assert citation.reliability == "anonymous_source" and "28 February" in citation.quote
    proposal.refresh_from_db()
    assert proposal.state == "accepted" and proposal.record == recorded

    # twice is once
    assert accept(proposal, user=None) == recorded
    assert recorded.citations.count() == citations + 1


def test_a_report_that_the_visit_happened_proposes_the_status_change_and_accepting_moves_it(editor):
    recorded = Visit.objects.get(visitor_country="RUS", host_country="KGZ", start_date=datetime.date(2017, 2, 1))
    assert recorded.status == "announced"
    report, _ = store_report(text=COMPLETED, published_on=datetime.date(2017, 3, 1))
    moved = _one(report, "visit_status")
    assert moved.fields["visit_id"] == recorded.pk and moved.fields["to_status"] == "completed"

    accept(moved, user=editor)
    recorded.refresh_from_db()
    assert recorded.status == "completed"
    row = VisitStatusChange.objects.filter(visit=recorded).order_by("-pk").first()
    assert (row.to_status, row.changed_on, row.recorded_by) == ("completed", datetime.date(2017, 2, 28), editor)
    assert row.citation.source.intake_publication.report == report


def test_a_report_that_contradicts_the_recorded_day_is_a_conflict_that_accept_all_leaves(editor):
    report, _ = store_report(text=CONTRADICTS, published_on=datetime.date(2017, 2, 21))
    proposal = _one(report, "visit")
    [conflict] = proposal.conflicts
    assert conflict["differences"] == {"start_date": ["2017-02-27", "2017-03-03"]}
    visits = Visit.objects.count()
    accepted, refused = accept_confident(report, user=editor)
    proposal.refresh_from_db()
    assert proposal not in accepted and proposal.state == "pending"
    assert Visit.objects.count() == visits


def test_a_new_visit_is_created_through_the_entry_form_dated_and_cited_by_the_report(editor):
    report, _ = store_report(text=NEW_VISIT, published_on=datetime.date(2017, 3, 2), outlet_name="Wire A")
    proposal = _one(report, "visit")
    assert proposal.matches == []
    visit = accept(proposal, user=editor)
    assert (visit.visitor.name, visit.host_country_id, visit.start_date) == (
        "Vladimir Putin",
        "KGZ",
        datetime.date(2017, 3, 15),
    )
    assert (visit.status, visit.kind) == ("announced", "working")
    first = visit.status_changes.get()
    assert first.changed_on == datetime.date(2017, 3, 2) and first.recorded_by == editor
    citation = visit.citations.get()
    assert citation.reliability == "official_statement" and citation.reported_on == datetime.date(2017, 3, 2)


def test_agreements_accepted_after_their_visit_are_expected_at_it(editor):
    report, _ = store_report(text=ANNOUNCED, published_on=PUBLISHED)
    with pytest.raises(ValidationError, match="Accept the visit it is expected at first"):
        accept(_one(report, "agreement"), user=editor)
    accept(_one(report, "visit"), user=editor)
    agreement = accept(_one(report, "agreement"), user=editor)
    assert agreement.title == "Agreement on cooperation in migration"
    assert agreement.expected_at_visit.host_country_id == "TJK"
    assert agreement.citations.get().source.intake_publication.report == report


def test_rejecting_keeps_the_reason_and_a_decided_proposal_is_not_decided_again(editor):
    report, _ = store_report(text=NEW_VISIT, published_on=datetime.date(2017, 3, 2))
    proposal = _one(report, "visit")
    reject(proposal, user=editor, reason="An older plan.")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.note, proposal.decided_by) == ("rejected", "An older plan.", editor)
    with pytest.raises(ValidationError, match="rejected already"):
        accept(proposal, user=editor)


def test_a_stale_decision_is_refused():
    report, _ = store_report(text=NEW_VISIT, published_on=datetime.date(2017, 3, 2))
    proposal = _one(report, "visit")
    with pytest.raises(ValidationError, match="changed since it was loaded"):
        reject(proposal, user=None, expected_version=proposal.version + 1)
    proposal.refresh_from_db()
    assert proposal.state == "pending"


def test_a_proposal_its_form_refuses_writes_nothing_and_stays_pending(editor):
    report, _ = store_report(
        text="Unnamed diplomats said the President of Russia may visit Kazakhstan for a summit.",
        published_on=PUBLISHED,
    )
    proposal = _one(report, "visit")
    before = _outside()
    with pytest.raises(ValidationError) as refused:
        accept(proposal, user=editor)
    assert "start" in refused.value.message_dict
    proposal.refresh_from_db()
    assert proposal.state == "pending" and _outside() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no text"),
        ("   \n ", "no text"),
        ("a\x00b", "NUL"),
        ("word " * (MAX_CHARACTERS // 5 + 1), "more than one report"),
    ],
)
def test_bad_text_is_refused_and_nothing_is_stored(text, message):
    with pytest.raises(ValidationError, match=message):
        store_report(text=text, published_on=PUBLISHED)
    assert Report.objects.count() == 0 and Proposal.objects.count() == 0


def test_a_report_in_a_language_the_pipeline_does_not_read_is_kept_with_the_reason_and_no_proposals():
    report, _ = store_report(text="Президент России посетит Душанбе 28 февраля.", published_on=PUBLISHED, language="ru")
    assert report.proposals.count() == 0 and "reads English" in report.reason
    text = "Der russische Präsident wird am 28. Februar Duschanbe besuchen, sagte eine Quelle. " * 3
    report, _ = store_report(text=text, published_on=PUBLISHED, language="")
    assert report.proposals.count() == 0 and "does not read as English" in report.reason


def test_a_report_that_names_a_country_in_passing_proposes_nothing_and_says_so():
    report, _ = store_report(
        text="Cotton prices rose again this week; traders in Tajikistan expect a good harvest.", published_on=PUBLISHED
    )
    assert report.proposals.count() == 0 and "names no visit" in report.reason


def test_conflicts_are_in_the_review_queue_selector():
    from intake.selectors import conflicting_proposals

    store_report(text=CONTRADICTS, published_on=datetime.date(2017, 2, 21))
    [proposal] = conflicting_proposals()
    assert proposal.kind == "visit" and proposal.conflicts
    assert citation_conflicts() == []  # nothing was cited: the record is untouched


PREPARED = (
    "Moscow, 1 February 2017. Russian Deputy Prime Minister Igor Shuvalov laid the groundwork for the president's "
    "trip during a visit to Tajikistan on January 27. The President of Russia will arrive in Dushanbe on "
    "28 February for an official visit, a government source said. He attended the 14th session of the "
    "Tajik-Russian commission for trade and economic cooperation. Tajik authorities are still studying "
    "membership of the Eurasian Economic Union."
)


def test_a_visit_that_laid_the_groundwork_is_linked_to_the_one_it_prepared(editor):
    report, _ = store_report(text=PREPARED, published_on=datetime.date(2017, 2, 1))
    deputy = report.proposals.get(kind="visit", fields__visitor_name="Igor Shuvalov")
    president = Visit.objects.get(visitor_country="RUS", host_country="TJK", start_date=datetime.date(2017, 2, 27))
    assert deputy.fields["prepares"] == president.pk
    shuvalov = Visit.objects.get(visitor__name="Igor Shuvalov")
    shuvalov.prepares = None
    shuvalov.save(update_fields=["prepares"])
    assert accept(deputy, user=editor) == shuvalov
    shuvalov.refresh_from_db()
    assert shuvalov.prepares == president


def test_a_commission_session_topic_and_stance_are_accepted_as_the_records_they_are(editor):
    from visits.models import TopicStance

    report, _ = store_report(text=PREPARED, published_on=datetime.date(2017, 2, 1))
    session = accept(_one(report, "commission_session"), user=editor)
    assert session.kind == "commission" and "commission for trade and economic cooperation" in session.name
    [cited] = Citation.objects.filter(content_type__model="organisation", object_id=str(session.pk))
    assert cited.source.intake_publication.report == report
    eaeu = [p for p in report.proposals.filter(kind="topic") if p.fields["topic_id"]][0]
    topic = accept(eaeu, user=editor)
    assert topic.pk == eaeu.fields["topic_id"] and "Eurasian" in topic.title
    # the demo records Tajikistan as undecided in February 2017 already: the report is cited on it
    proposal = _one(report, "stance")
    recorded = TopicStance.objects.get(topic=topic, country="TJK", as_of=datetime.date(2017, 2, 1))
    assert [(m["id"], m["relation"]) for m in proposal.matches] == [(recorded.pk, "same")]
    assert accept(proposal, user=editor) == recorded
    assert recorded.citations.filter(source__intake_publication__report=report).count() == 1
