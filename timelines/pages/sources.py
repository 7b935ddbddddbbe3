"""A source's page: what the report says, each fact linked to the record it is about.

It composes every app (a source is cited by visits, agreements, trade claims, people ...), so
it lives in timelines (docs/architecture.md). Editors see the forms to enter the report's
facts beside it ({% source_entry_panel %}, editorial). The page costs a fixed number of
queries: the citations, then one query per kind of record they cite (a generic prefetch).
"""

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from agreements.models import Agreement
from core.pages import page_view, render_page
from directory.models import Person, Source
from trade.models import TradeClaim
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Visit

CITED_LIMIT = 500
VISIT_NAME = ("visitor", "visitor_country", "host_country")


def CITED_RECORDS():  # noqa: N802 - a constant, built per request (querysets are lazy but single-use)
    """What each kind of cited record needs to name itself without a query of its own."""
    return [
        Visit.objects.select_related(*VISIT_NAME),
        AgendaItem.objects.select_related("topic", *(f"visit__{f}" for f in VISIT_NAME)),
        Participant.objects.select_related("person"),
        TopicStance.objects.select_related("topic", "country"),
        NegotiationTopic.objects.all(),
        Agreement.objects.all(),
        TradeClaim.objects.all(),
        Person.objects.all(),
    ]


def record_url(record, topic_slugs: dict) -> str | None:
    """The page that shows `record`: its own, or the one it appears on (a claim on its pair's)."""
    kind = record._meta.model_name
    visit_of = {"agendaitem", "participant"}
    try:
        if kind in ("visit", "agreement", "person"):
            return reverse(kind, args=[record.pk])
        if kind in visit_of:
            return reverse("visit", args=[record.visit_id])
        if kind == "tradeclaim":
            return reverse("pair", args=["-".join(sorted((record.reporter_id, record.partner_id)))])
        if kind == "negotiationtopic":
            return reverse("topic", args=[record.slug])
        if kind == "topicstance":
            return reverse("topic", args=[topic_slugs[record.topic_id]])
    except NoReverseMatch:
        return None
    return None


@page_view("directory.view_source")
def source_page(request, pk: int):
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    citations = list(
        source.citations.select_related("content_type", "speaker", "speaker_organisation")
        .prefetch_related(GenericPrefetch("record", CITED_RECORDS()))
        .order_by("content_type_id", "object_id", "field_name")[:CITED_LIMIT]
    )
    topic_slugs = {
        c.record.topic_id: c.record.topic.slug for c in citations if c.content_type.model == "topicstance" and c.record
    }
    cited = [
        {
            "citation": c,
            "record": c.record,
            "kind": c.content_type.name,
            "url": record_url(c.record, topic_slugs) if c.record else None,
        }
        for c in citations
    ]
    return render_page(request, "timelines/source.html", {"source": source, "cited": cited, "limit": CITED_LIMIT})
