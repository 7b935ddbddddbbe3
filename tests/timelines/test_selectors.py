"""The read path: keyset pages in (date, id) order, filters, and a cost that does not grow with the timeline."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AgreementFactory, NegotiationTopicFactory, PersonFactory, VisitFactory
from timelines import selectors
from timelines.models import TimelineEntry
from visits.models import Visit

pytestmark = pytest.mark.django_db
START = datetime.date(2000, 1, 1)


def make_entries(count: int, *, pair=("RUS", "TJK"), kind="visit", persons=(), topics=(), agreement=None, prefix="e"):
    """`count` entries in bulk, a day apart, two to a day (so ids break ties), each with the persons and topics."""
    visit_type = ContentType.objects.get_for_model(Visit)
    now = timezone.now()
    entries = TimelineEntry.objects.bulk_create(
        TimelineEntry(
            key=f"{prefix}:{n}",
            unit=f"visit:{n}",
            kind=kind,
            date=START + datetime.timedelta(days=n // 2),
            title=f"Entry {n}",
            country_a_id=pair[0],
            country_b_id=pair[1],
            agreement=agreement,
            content_type=visit_type,
            object_id=str(n),
            source_updated_at=now,
        )
        for n in range(count)
    )
    TimelineEntry.persons.through.objects.bulk_create(
        TimelineEntry.persons.through(timelineentry_id=e.id, person_id=p.id) for e in entries for p in persons
    )
    TimelineEntry.topics.through.objects.bulk_create(
        TimelineEntry.topics.through(timelineentry_id=e.id, negotiationtopic_id=t.id) for e in entries for t in topics
    )
    return entries


def read_all(read, **options):
    """Every entry of a timeline, page by page."""
    seen, cursor = [], None
    while True:
        page = read(after=cursor, **options)
        seen += page.entries
        if not page.has_more:
            return seen
        cursor = page.next_cursor


def test_the_pages_of_a_timeline_hold_every_entry_once_in_date_and_id_order():
    entries = make_entries(23)
    make_entries(5, pair=("KGZ", "RUS"), prefix="other")

    seen = read_all(lambda **o: selectors.pair_timeline("TJK", "RUS", **o), limit=5)

    assert [e.pk for e in seen] == [e.pk for e in sorted(entries, key=lambda e: (e.date, e.pk))]


def test_newest_first_reads_the_same_entries_backwards():
    entries = make_entries(12)

    seen = read_all(lambda **o: selectors.pair_timeline("RUS", "TJK", **o), limit=5, newest_first=True)

    assert [e.pk for e in seen] == [e.pk for e in sorted(entries, key=lambda e: (e.date, e.pk), reverse=True)]


def test_kinds_and_a_date_range_narrow_a_timeline():
    make_entries(10)
    stances = make_entries(10, kind="topic_stance", prefix="stance")

    page = selectors.pair_timeline(
        "RUS",
        "TJK",
        kinds=["topic_stance"],
        start=START + datetime.timedelta(days=1),
        end=START + datetime.timedelta(days=3),
    )

    assert [e.pk for e in page.entries] == [e.pk for e in stances[2:8]]


def test_a_country_timeline_merges_both_sides_of_its_pairs_in_order():
    first = make_entries(7, pair=("RUS", "TJK"))
    second = make_entries(7, pair=("KGZ", "RUS"), prefix="kgz")
    make_entries(3, pair=("KGZ", "TJK"), prefix="not-russia")

    seen = read_all(lambda **o: selectors.country_timeline("RUS", **o), limit=4)

    assert [e.pk for e in seen] == [e.pk for e in sorted(first + second, key=lambda e: (e.date, e.pk))]


def test_person_topic_and_agreement_timelines_hold_their_entries():
    person, topic, agreement = PersonFactory(), NegotiationTopicFactory(), AgreementFactory()
    theirs = make_entries(6, persons=[person], topics=[topic], agreement=agreement)
    make_entries(4, prefix="others")

    for read, subject in (
        (selectors.person_timeline, person),
        (selectors.topic_timeline, topic),
        (selectors.agreement_timeline, agreement),
    ):
        assert [e.pk for e in read_all(lambda **o: read(subject, **o), limit=4)] == [e.pk for e in theirs]
    assert [p.name for p in selectors.person_timeline(person.pk).entries[0].persons.all()] == [person.name]


def test_a_cursor_that_is_not_one_is_refused():
    with pytest.raises(selectors.InvalidCursor):
        selectors.pair_timeline("RUS", "TJK", after="yesterday")


def query_counts(subjects) -> list[int]:
    """Queries for a first page and a page further on, for every kind of timeline."""
    person, topic, agreement = subjects
    reads = [
        lambda **o: selectors.pair_timeline("RUS", "TJK", **o),
        lambda **o: selectors.country_timeline("TJK", **o),
        lambda **o: selectors.person_timeline(person, **o),
        lambda **o: selectors.topic_timeline(topic, **o),
        lambda **o: selectors.agreement_timeline(agreement, **o),
        lambda **o: selectors.timeline(kinds=["visit"], start=START, **o),
    ]
    counts = []
    for read in reads:
        first = read(limit=5)
        for cursor in (None, first.next_cursor):
            with CaptureQueriesContext(connection) as queries:
                page = read(limit=5, after=cursor)
                for entry in page.entries:  # what a page or serializer touches
                    (
                        entry.country_a,
                        entry.country_b,
                        entry.agreement,
                        list(entry.persons.all()),
                        list(entry.topics.all()),
                    )
            counts.append(len(queries))
    return counts


def test_the_read_path_costs_the_same_queries_at_ten_entries_as_at_ten_thousand():
    subjects = PersonFactory(), NegotiationTopicFactory(), AgreementFactory()
    VisitFactory()  # a content type and a real record behind the entries
    make_entries(10, persons=[subjects[0]], topics=[subjects[1]], agreement=subjects[2])
    few = query_counts(subjects)

    make_entries(9990, persons=[subjects[0]], topics=[subjects[1]], agreement=subjects[2], prefix="more")
    many = query_counts(subjects)

    assert many == few
    assert max(few) <= 5
