"""Writes with side effects for the directory: sources and the citations that tie them to records."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from directory.models import Citation, Source


@transaction.atomic
def add_source(*, title: str, kind: str, url: str = "", published_on: datetime.date | None = None) -> Source:
    source = Source(title=title, kind=kind, url=url, published_on=published_on)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def cite(
    record,
    *,
    source: Source,
    reliability: str,
    field_name: str = "",
    quote: str = "",
    stance: str = Citation.Stance.REPORTS,
    reported_on: datetime.date | None = None,
) -> Citation:
    """Attach a source to `record` (or to one of its fields). A new source on a record is an
    edit of it: the record's version moves, so an edit made before it is recognised as stale."""
    citation = Citation(
        source=source,
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        field_name=field_name,
        quote=quote,
        reliability=reliability,
        stance=stance,
        reported_on=reported_on,
    )
    citation.full_clean()
    citation.save()
    record.save(update_fields=["updated_at"])
    return citation


@transaction.atomic
def resolve_conflict(*, citations: list[Citation], standing: Citation | None, note: str, user) -> None:
    """Close a conflict: `standing` prevails and the others give way, or (None) both stand with a note."""
    if standing is not None and standing.pk not in {c.pk for c in citations}:
        raise ValueError("the claim that stands must be one of the conflicting citations")
    if standing is None and not note.strip():
        raise ValidationError({"note": "Say why both claims are kept."})
    now = timezone.now()
    for citation in Citation.objects.select_for_update().filter(pk__in=[c.pk for c in citations]):
        citation.resolved_at = now
        citation.resolved_by = user
        citation.resolution_note = note
        citation.prevails = None if standing is None else citation.pk == standing.pk
        citation._history_user = user
        citation.save()
