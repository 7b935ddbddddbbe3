"""A visit's entries: the visit itself as a span, and one entry per status change.

The first status change is the visit's announcement (or the rumour of it); each later one
is an entry of its own, dated when it happened in the world. A visit an importer created
arrives already in its status (a trip of 1985, completed): its first status row records
that arrival, not a change in the world, and the span already says it, so it makes no entry
of its own; its later changes do.
"""

from collections import defaultdict

from django.conf import settings

from timelines.builders.base import EntrySpec, content_type_id, lower_first, summary, title
from timelines.models import TimelineEntry
from timelines.units import visit_unit
from visits.models import AgendaItem, Participant, Visit, VisitStatusChange

Status = Visit.Status

# How a status change reads on a timeline.
STATUS_VERBS = {
    Status.RUMOURED: "Rumoured",
    Status.ANNOUNCED: "Announced",
    Status.CONFIRMED: "Confirmed",
    Status.UNDER_WAY: "Began",
    Status.COMPLETED: "Completed",
    Status.POSTPONED: "Postponed",
    Status.CANCELLED: "Cancelled",
}
# Statuses the span's title names, because the visit did not (yet) happen as planned.
UNSETTLED = {Status.RUMOURED, Status.POSTPONED, Status.CANCELLED}


KIND_LABELS = dict(Visit.Kind.choices)
STATUS_LABELS = dict(Status.choices)


def visit_phrase(*, kind: str, visitor: str | None, visitor_country: str, host_country: str) -> str:
    """'official visit by Vladimir Putin to Tajikistan', or 'from Russia' while no visitor is named."""
    what = lower_first(KIND_LABELS[kind]) if kind else "visit"
    who = f"by {visitor}" if visitor else f"from {visitor_country}"
    return f"{what} {who} to {host_country}"


def phrase_of(visit: Visit) -> str:
    """visit_phrase() of a Visit instance; needs its visitor and both countries loaded."""
    return visit_phrase(
        kind=visit.kind,
        visitor=visit.visitor.name if visit.visitor_id else None,
        visitor_country=visit.visitor_country.name,
        host_country=visit.host_country.name,
    )


def imported_sources() -> frozenset[str]:
    """The `external_source` an importer gives the visits it creates: its name (CHANCERY_IMPORTERS)."""
    return frozenset(settings.CHANCERY_IMPORTERS)


def build_visit_entries(ids: list[str]) -> list[EntrySpec]:
    """Entries for the visits with these ids, in four queries whatever their number.

    Rows are read as plain values, not model instances: a full rebuild reads every visit.
    """
    visits = Visit.objects.filter(pk__in=ids).values(
        "id",
        "updated_at",
        "version",
        "visitor_id",
        "visitor__name",
        "visitor_country_id",
        "visitor_country__name",
        "host_country_id",
        "host_country__name",
        "locale",
        "start_date",
        "start_precision",
        "end_date",
        "kind",
        "status",
        "summary",
        "external_source",
    )
    visits = {visit["id"]: visit for visit in visits}
    if not visits:
        return []
    changes = defaultdict(list)
    rows = VisitStatusChange.objects.filter(visit_id__in=visits).order_by("visit_id", "changed_on", "recorded_at", "id")
    for change in rows.values_list(
        "id", "visit_id", "from_status", "to_status", "changed_on", "changed_precision", "note"
    ):
        changes[change[1]].append(change)
    persons = defaultdict(set)
    for visit_id, person_id in Participant.objects.filter(visit_id__in=visits).values_list("visit_id", "person_id"):
        persons[visit_id].add(person_id)
    topics = defaultdict(set)
    for visit_id, topic_id in AgendaItem.objects.filter(visit_id__in=visits).values_list("visit_id", "topic_id"):
        topics[visit_id].add(topic_id)

    visit_type = content_type_id(Visit)
    imported = imported_sources()
    specs = []
    for pk, visit in visits.items():
        people = frozenset(persons[pk] | ({visit["visitor_id"]} if visit["visitor_id"] else set()))
        country_a, country_b = sorted([visit["visitor_country_id"], visit["host_country_id"]])
        common = {
            "unit": visit_unit(pk),
            "content_type_id": visit_type,
            "object_id": str(pk),
            "source_updated_at": visit["updated_at"],
            "source_version": visit["version"],
            "person_ids": people,
            "topic_ids": frozenset(topics[pk]),
            "country_a_id": country_a,
            "country_b_id": country_b,
        }
        phrase = visit_phrase(
            kind=visit["kind"],
            visitor=visit["visitor__name"],
            visitor_country=visit["visitor_country__name"],
            host_country=visit["host_country__name"],
        )
        span = phrase[:1].upper() + phrase[1:]
        if visit["locale"]:
            span += f", {visit['locale']}"
        if visit["status"] in UNSETTLED:
            span += f" ({STATUS_LABELS[visit['status']].lower()})"
        specs.append(
            EntrySpec(
                key=f"visit:{pk}",
                kind=TimelineEntry.Kind.VISIT,
                date=visit["start_date"],
                precision=visit["start_precision"],
                end_date=visit["end_date"],
                title=title(span),
                summary=summary(visit["summary"]),
                **common,
            )
        )
        arrived_imported = visit["external_source"] in imported
        for change_id, _, from_status, to_status, changed_on, changed_precision, note in changes[pk]:
            if arrived_imported and not from_status:
                continue  # the status the import created it in: the span above says it
            specs.append(
                EntrySpec(
                    key=f"visit_status:{change_id}",
                    kind=TimelineEntry.Kind.VISIT_STATUS,
                    date=changed_on,
                    precision=changed_precision,
                    title=title(f"{STATUS_VERBS[to_status]}: {phrase}"),
                    summary=summary(note),
                    **common,
                )
            )
    return specs
