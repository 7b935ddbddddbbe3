"""A record's history as its history page shows it: every change, newest first, each saying
what changed (field: old → new).

Three audit trails make it up: the record's own (simple_history), the history of its citations
(a source added, changed or removed, with the quote, reliability and speaker), and its status
history (each status row as it was recorded, and each later correction of a row, from the
rows' own audit history). A change of the record's own that moved only its version (citing a
source, adding a status row) is shown once, as that citation or status row. Five queries
whatever the length of the history.

"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.dates import format_imprecise_date

HISTORY_LIMIT = 200
# Moved by every save: what changed is in the other fields.
BOOKKEEPING = {"version", "updated_at", "created_at"}


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


@dataclass
class Event:
    when: datetime.datetime
    who: object  # a user, or None for an import or a script
    what: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def history_events(model: type[models.Model], pk: int) -> list[Event] | None:
    """The record's history, newest first (at most HISTORY_LIMIT events); None if it has none."""
    rows = list(
        model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    if not rows:
        return None
    events = list(_own_events(model, rows))
    names = {f.name for f in model._meta.get_fields()}
    if "status_changes" in names:
        events += _status_events(model, pk)
    if "citations" in names:
        events += _citation_events(model, pk)
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:HISTORY_LIMIT]


def _own_events(model, rows):
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        what = {"+": "Created", "-": "Deleted"}.get(newer.history_type, "Changed")
        changes = []
        if older is not None and newer.history_type == "~":
            changes = [_labelled(model, c) for c in newer.diff_against(older).changes if c.field not in BOOKKEEPING]
            if not changes and not newer.history_change_reason:
                continue  # only the version moved: a citation or a status row, shown as such
        yield Event(newer.history_date, newer.history_user, what, newer.history_change_reason or "", changes)


def _labelled(model, change) -> Change:
    """A change by the field's name and, for a field with choices, the values' labels."""
    model_field = model._meta.get_field(change.field)
    label = str(model_field.verbose_name)
    if model_field.choices:
        names = dict(model_field.flatchoices)
        return Change(label, names.get(change.old, change.old), names.get(change.new, change.new))
    return Change(label, change.old, change.new)


def _status_events(model, pk: int) -> list[Event]:
    rows_model = model._meta.get_field("status_changes").related_model
    record_field = rows_model.record_field
    rows = rows_model._default_manager.filter(**{f"{record_field}_id": pk}).select_related(
        "recorded_by", "citation__source"
    )
    events = []
    for row in rows.order_by("-recorded_at")[:HISTORY_LIMIT]:
        to_status = model.Status(row.to_status).label.lower()
        start = model.Status(row.from_status).label.lower() if row.from_status else None
        what = f"Status: {start} → {to_status}" if start else f"First status: {to_status}"
        what += f", on {format_imprecise_date(row.changed_on, row.changed_precision)}"
        if row.citation_id:
            what += f", citing {row.citation.source.title}"
        events.append(Event(row.recorded_at, row.recorded_by, what, row.note))
    corrections = rows_model.history.filter(**{f"{record_field}_id": pk}).select_related("history_user")
    previous = {}
    for version in corrections.order_by("id", "history_date", "history_id"):
        before = previous.get(version.id)
        previous[version.id] = version
        if before is None or version.history_type != "~":
            continue  # the row as it was before its first correction
        changes = [_labelled(rows_model, c) for c in version.diff_against(before).changes]
        events.append(
            Event(
                version.history_date,
                version.history_user,
                "Status row corrected",
                version.history_change_reason or "",
                changes,
            )
        )
    return events


def _citation_events(model, pk: int) -> list[Event]:
    citation_model = model._meta.get_field("citations").related_model
    content_type = ContentType.objects.get_for_model(model)
    versions = citation_model.history.filter(content_type=content_type, object_id=str(pk)).select_related(
        "history_user", "source"
    )
    events, previous = [], {}
    for version in versions.order_by("id", "history_date", "history_id")[:HISTORY_LIMIT]:
        before = previous.get(version.id)
        previous[version.id] = version
        title = version.source.title if version.source_id else "a source since deleted"
        about = f" (about {version.field_name.replace('_', ' ')})" if version.field_name else ""
        if version.history_type == "+":
            changes = [
                Change("reliability", None, version.get_reliability_display()),
                *([Change("quote", None, version.quote)] if version.quote else []),
            ]
            events.append(
                Event(version.history_date, version.history_user, f"Source added: {title}{about}", "", changes)
            )
        elif version.history_type == "-":
            events.append(Event(version.history_date, version.history_user, f"Source removed: {title}{about}"))
        elif before is not None:
            changes = [
                _labelled(citation_model, c) for c in version.diff_against(before).changes if c.field not in BOOKKEEPING
            ]
            if changes:
                events.append(
                    Event(version.history_date, version.history_user, f"Source changed: {title}{about}", "", changes)
                )
    return events
