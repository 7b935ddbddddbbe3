"""The editors' review queue: records that need a decision.

- visits whose dates have passed while their status still says they may happen;
- agreements whose status has not moved for a configurable time;
- citations that disagree about the same record (or the same field of it) and that no
  editor has resolved yet.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q
from django.utils import timezone

from agreements.models import Agreement
from directory.models import Citation
from visits.models import Visit

CONFLICTING_STANCES = [Citation.Stance.DENIES, Citation.Stance.CORRECTS]


def overdue_visits(today: datetime.date | None = None):
    """Open visits that should be over by now: their end (or start) date has passed."""
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(status__in=[s for s in Visit.Status.open_values() if s != Visit.Status.POSTPONED])
        .filter(Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today))
        .select_related("visitor", "visitor_country", "host_country")
        .order_by("start_date", "id")
    )


def stale_agreements(today: datetime.date | None = None, days: int | None = None):
    """Agreements still on their way whose last status change is older than `days`."""
    today = today or timezone.localdate()
    days = settings.REVIEW_STALE_AGREEMENT_DAYS if days is None else days
    cutoff = today - datetime.timedelta(days=days)
    final = [Agreement.Status.IN_FORCE, Agreement.Status.TERMINATED, Agreement.Status.ABANDONED]
    return (
        Agreement.objects.exclude(status__in=final)
        .annotate(last_change=Max("status_changes__changed_on"))
        .filter(Q(last_change__lt=cutoff) | Q(last_change__isnull=True, created_at__date__lt=cutoff))
        .order_by("last_change", "id")
    )


@dataclass
class Conflict:
    content_type_id: int
    object_id: str
    field_name: str
    citations: list[Citation]

    @property
    def record(self):
        return ContentType.objects.get_for_id(self.content_type_id).get_object_for_this_type(pk=self.object_id)


def citation_conflicts(limit: int = 200) -> list[Conflict]:
    """Groups of unresolved citations on one record (and field) from several sources that
    disagree: different quoted wording, or one denying or correcting another."""
    groups = (
        Citation.objects.filter(resolved_at__isnull=True)
        .values("content_type", "object_id", "field_name")
        .annotate(
            sources=Count("source", distinct=True),
            wordings=Count("quote", distinct=True, filter=~Q(quote="")),
            objections=Count("id", filter=Q(stance__in=CONFLICTING_STANCES)),
        )
        .filter(sources__gt=1)
        .filter(Q(objections__gt=0) | Q(wordings__gt=1, field_name__gt=""))
        .order_by("content_type", "object_id", "field_name")[:limit]
    )
    keys = [(g["content_type"], g["object_id"], g["field_name"]) for g in groups]
    if not keys:
        return []
    condition = Q()
    for content_type, object_id, field_name in keys:
        condition |= Q(content_type=content_type, object_id=object_id, field_name=field_name)
    by_key: dict[tuple, list[Citation]] = {key: [] for key in keys}
    for citation in Citation.objects.filter(condition, resolved_at__isnull=True).select_related("source", "speaker"):
        by_key[(citation.content_type_id, citation.object_id, citation.field_name)].append(citation)
    return [Conflict(*key, citations) for key, citations in by_key.items()]
