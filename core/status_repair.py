"""Repairing first status rows dated the day they were typed in, for the data migrations of
the apps with a status history (issue 16: before it, a record created in the admin or through
the API began its history on the day of typing whatever its real-world date).

A first row (from_status "") of a record no importer or loader made (its `external_source`
empty) whose date is the day it was recorded gets the best date known, at that date's
precision: the record's own date for the status (`own_date`, given by the app: an agreement's
proposed on, a completed visit's end), else the date of the row's citation, else the earliest
date among the record's citations (a citation's date: when it was reported, else its source's
publication). A date after the record's next row is passed over, so the history keeps its
order; the note says what was repaired. It works on the migration's historical models, which
have none of the models' methods.
"""

import datetime
from collections.abc import Callable

from django.utils import timezone

from core.dates import format_imprecise_date

# (date, precision, where it came from: "its proposed on") or None.
Dated = tuple[datetime.date, str, str] | None


def repair_first_status_dates(
    apps, *, app_label: str, record_model: str, record_field: str, own_date: Callable[[object, str], Dated]
) -> int:
    """Repair the first rows of `app_label.record_model`'s history; returns how many were repaired."""
    record_class = apps.get_model(app_label, record_model)
    history = record_class._meta.get_field("status_changes").related_model
    citation_class = apps.get_model("directory", "Citation")
    content_type = (
        apps.get_model("contenttypes", "ContentType")
        .objects.filter(app_label=app_label, model=record_model.lower())
        .first()
    )
    typed_in = history.objects.filter(from_status="", **{f"{record_field}__external_source": ""}).select_related(
        record_field, "citation__source"
    )
    repaired = 0
    for row in typed_in.iterator(chunk_size=500):
        if row.changed_on != timezone.localdate(row.recorded_at):
            continue
        record = getattr(row, record_field)
        citations = (
            citation_class.objects.filter(content_type=content_type, object_id=str(record.pk)).select_related("source")
            if content_type is not None
            else []
        )
        following = (
            history.objects.filter(**{record_field: record}).exclude(pk=row.pk).order_by("recorded_at", "id").first()
        )
        found = _best_date(
            [own_date(record, row.to_status), _cited(row.citation, "its source's report"), _earliest(citations)],
            latest=following.changed_on if following is not None else None,
        )
        if found is None or found[:2] == (row.changed_on, row.changed_precision):
            continue
        day, precision, whence = found
        was = format_imprecise_date(row.changed_on, row.changed_precision)
        repair = f"Dated {format_imprecise_date(day, precision)} from {whence}; was {was}, the day it was recorded."
        row.note = f"{row.note} {repair}".strip()
        row.changed_on, row.changed_precision = day, precision
        row.save(update_fields=["changed_on", "changed_precision", "note"])
        repaired += 1
    return repaired


def _best_date(candidates: list[Dated], *, latest: datetime.date | None) -> Dated:
    """The first candidate known and not after `latest` (the record's next row)."""
    return next((c for c in candidates if c is not None and (latest is None or c[0] <= latest)), None)


def _cited(citation, whence: str) -> Dated:
    if citation is None:
        return None
    if citation.reported_on:
        return citation.reported_on, citation.reported_precision, whence
    if citation.source.published_on:
        return citation.source.published_on, citation.source.published_precision, whence
    return None


def _earliest(citations) -> Dated:
    dated = [found for found in (_cited(c, "the earliest report among its sources") for c in citations) if found]
    return min(dated, key=lambda found: found[0], default=None)
