"""Reads of visits and topics that other apps' pages use (the home, country and pair pages)."""

import datetime

from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from visits.models import NegotiationTopic, TopicStance, Visit

VISIT_RELATIONS = ("visitor", "visitor_country", "host_country")


def visit_mark(visit: Visit) -> dict:
    """A visit as a mark on a trade chart, over the whole period its dates cover."""
    return {
        "start": visit.start_date,
        "precision": visit.start_precision,
        "end": visit.end_date,
        "end_precision": visit.end_precision,
        "label": str(visit),
        "url": reverse("visit", args=[visit.pk]),
    }


def upcoming_visits(*, today=None):
    """Open visits from today on, soonest first, with what their rows show."""
    return Visit.objects.upcoming(today or timezone.localdate()).select_related(*VISIT_RELATIONS)


def topics_in_motion(limit: int = 8):
    """Open topics ordered by their latest sign of life: a stance taken or a visit that discussed it."""
    last_stance = TopicStance.objects.filter(topic=OuterRef("pk")).order_by("-as_of").values("as_of")[:1]
    last_visit = (
        Visit.objects.filter(agenda_items__topic=OuterRef("pk")).order_by("-start_date").values("start_date")[:1]
    )
    never = datetime.date(1, 1, 1)
    return (
        NegotiationTopic.objects.exclude(status__in=[NegotiationTopic.Status.RESOLVED, NegotiationTopic.Status.DROPPED])
        .annotate(last_stance=Subquery(last_stance), last_visit=Subquery(last_visit))
        .annotate(last_activity=Coalesce("last_visit", "last_stance", Value(never)))
        .prefetch_related("countries")
        .order_by("-last_activity", "title")[:limit]
    )


def partners_by_visits(code: str, limit: int = 10):
    """Countries ranked by visits either way with this one (one grouped query)."""
    partner = Case(
        When(visitor_country=code, then=F("host_country")), default=F("visitor_country"), output_field=CharField()
    )
    partner_name = Case(
        When(visitor_country=code, then=F("host_country__name")),
        default=F("visitor_country__name"),
        output_field=CharField(),
    )
    return (
        Visit.objects.involving(code)
        .annotate(partner=partner, partner_name=partner_name)
        .values("partner", "partner_name")
        .annotate(
            made=Count("id", filter=Q(visitor_country=code)),
            hosted=Count("id", filter=Q(host_country=code)),
            total=Count("id"),
        )
        .order_by("-total", "partner_name")[:limit]
    )


def topics_for_matching() -> list[tuple]:
    """Every topic as (id, title, keywords) for finding it in a report's text (intake)."""
    return [
        (pk, title, tuple(k.strip() for k in keywords.split(",") if k.strip()))
        for pk, title, keywords in NegotiationTopic.objects.values_list("id", "title", "keywords")
    ]
