"""Reading timelines: the functions the pages and the API call.

Every timeline is read a page at a time in (date, id) order, oldest first unless asked
otherwise, with keyset pagination: a page ends with a cursor naming its last entry, and the
next page starts after it. The database walks an index from that point (see the indexes on
TimelineEntry), so a page deep in a long timeline costs what the first one does, and each
page costs the same few queries however long the timeline is: one for the entries (with
their countries and agreement joined), one each for their persons and topics, and one more
for a country's timeline, which is read from two indexes, one per side of the pair.

    page = pair_timeline("RUS", "TJK", kinds=["visit"], limit=20)
    next_page = pair_timeline("RUS", "TJK", kinds=["visit"], limit=20, after=page.next_cursor)

A cursor is opaque to callers; one that cannot be read raises InvalidCursor (a ValueError),
which an API answers with 400.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from heapq import merge

from django.db.models import Prefetch, Q, QuerySet

from agreements.models import Agreement
from directory.models import Country, Person
from timelines.models import TimelineEntry
from visits.models import NegotiationTopic

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class TimelinePage:
    """One page of a timeline: its entries in order, and the cursor of the next page (None at the end)."""

    entries: list[TimelineEntry]
    next_cursor: str | None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


def encode_cursor(entry: TimelineEntry) -> str:
    return f"{entry.date.isoformat()}.{entry.pk}"


def decode_cursor(cursor: str) -> tuple[datetime.date, int]:
    try:
        day, _, pk = cursor.partition(".")
        return datetime.date.fromisoformat(day), int(pk)
    except (TypeError, ValueError):
        raise InvalidCursor(f"not a timeline cursor: {cursor!r}") from None


def pair_timeline(a: Country | str, b: Country | str, **options) -> TimelinePage:
    """What happened between two countries, either way round ('RUS', 'TJK' = 'TJK', 'RUS')."""
    return timeline_page(TimelineEntry.objects.for_pair(a, b), **options)


def country_timeline(country: Country | str, **options) -> TimelinePage:
    """Everything involving one country, with any partner (or none, like its stance on a bloc)."""
    country = getattr(country, "pk", country)
    return timeline_page(
        TimelineEntry.objects.filter(country_a=country), TimelineEntry.objects.filter(country_b=country), **options
    )


def person_timeline(person: Person | int, **options) -> TimelinePage:
    """Entries a person is part of: visits they made or joined, statements they made."""
    return timeline_page(TimelineEntry.objects.filter(persons=getattr(person, "pk", person)), **options)


def topic_timeline(topic: NegotiationTopic | int, **options) -> TimelinePage:
    """A negotiation topic's story: stances on it, visits that discussed it, agreements about it."""
    return timeline_page(TimelineEntry.objects.filter(topics=getattr(topic, "pk", topic)), **options)


def agreement_timeline(agreement: Agreement | int, **options) -> TimelinePage:
    """An agreement from proposal to entry into force: status changes, drafts, contradicting reports."""
    return timeline_page(TimelineEntry.objects.filter(agreement=getattr(agreement, "pk", agreement)), **options)


def timeline(**options) -> TimelinePage:
    """All entries, for the global feed; narrow it with `kinds` and a date range."""
    return timeline_page(TimelineEntry.objects.all(), **options)


def timeline_page(
    *querysets: QuerySet,
    kinds: Iterable[str] | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    after: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    newest_first: bool = False,
) -> TimelinePage:
    """One page of the entries in any of `querysets` (each a filter of TimelineEntry).

    kinds: TimelineEntry.Kind values to keep (all when None).
    start, end: keep entries dated on or between these days (either may be None).
    after: the cursor of the previous page (None for the first page).
    limit: entries per page, 1 to MAX_PAGE_SIZE.
    newest_first: read the timeline backwards, from the latest entry.

    Several querysets are read separately and merged (each stays on its own index); they
    must not overlap, or an entry would appear twice.
    """
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    order = ("-date", "-id") if newest_first else ("date", "id")
    filters = Q()
    if kinds is not None:
        filters &= Q(kind__in=list(kinds))
    if start is not None:
        filters &= Q(date__gte=start)
    if end is not None:
        filters &= Q(date__lte=end)
    if after is not None:
        day, pk = decode_cursor(after)
        # (date, id) after the cursor, written so that the date bound alone is a range the
        # index can seek to: the OR then only sorts out the cursor's own day.
        if newest_first:
            filters &= Q(date__lte=day) & (Q(date__lt=day) | Q(id__lt=pk))
        else:
            filters &= Q(date__gte=day) & (Q(date__gt=day) | Q(id__gt=pk))

    if len(querysets) == 1:
        entries = list(_with_relations(querysets[0].filter(filters).order_by(*order))[: limit + 1])
    else:
        keys = merge(
            *(list(qs.filter(filters).order_by(*order).values_list("date", "id")[: limit + 1]) for qs in querysets),
            reverse=newest_first,
        )
        ids = [pk for _, pk in list(keys)[: limit + 1]]
        entries = list(_with_relations(TimelineEntry.objects.filter(id__in=ids).order_by(*order)))
    next_cursor = encode_cursor(entries[limit - 1]) if len(entries) > limit else None
    return TimelinePage(entries=entries[:limit], next_cursor=next_cursor)


def _with_relations(entries: QuerySet) -> QuerySet:
    return entries.select_related("country_a", "country_b", "agreement").prefetch_related(
        Prefetch("persons", queryset=Person.objects.only("id", "name", "sort_name")),
        Prefetch("topics", queryset=NegotiationTopic.objects.only("id", "title", "slug")),
    )
