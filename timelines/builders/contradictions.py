"""Contradictions: a citation that denies or corrects what an earlier one reported.

"The Kremlin denies the report that the president will visit on 28 February" is an event in
the story of a relationship. An entry is made for each denying or correcting citation of a
record that an earlier citation reported (on the same field, or on the whole record), dated
when the denial was reported. All citations of one record are one unit: whether a citation
contradicts depends on the others.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from agreements.models import Agreement
from core.dates import format_imprecise_date
from directory.models import Citation
from timelines.builders.agreements import agreement_parties, agreement_topics
from timelines.builders.base import EntrySpec, content_type_id, lower_first, ordered_pair, pair_of, summary, title
from timelines.builders.stances import stance_pair, topic_countries
from timelines.builders.visits import phrase_of
from timelines.models import TimelineEntry
from timelines.units import CONTRADICTING_STANCES, citations_unit
from trade.models import TradeClaim, TradeFlow
from visits.models import AgendaItem, NegotiationTopic, TopicStance, Visit

VERBS = {Citation.Stance.DENIES: "denies", Citation.Stance.CORRECTS: "corrects"}


@dataclass
class Target:
    """What a contradiction entry needs to know about the record it is about."""

    description: str
    country_a_id: str | None = None
    country_b_id: str | None = None
    agreement_id: int | None = None
    topic_ids: frozenset[int] = field(default_factory=frozenset)


def _visit_targets(pks) -> dict[str, Target]:
    visits = Visit.objects.filter(pk__in=pks).select_related("visitor", "visitor_country", "host_country")
    return {
        str(v.pk): Target(f"{phrase_of(v)}, {v.date_display}", *ordered_pair(v.visitor_country_id, v.host_country_id))
        for v in visits
    }


def _agreement_targets(pks) -> dict[str, Target]:
    agreements = dict(Agreement.objects.filter(pk__in=pks).values_list("pk", "title"))
    parties, topics = agreement_parties(agreements), agreement_topics(agreements)
    return {
        str(pk): Target(name, *pair_of(parties[pk]), agreement_id=pk, topic_ids=frozenset(topics[pk]))
        for pk, name in agreements.items()
    }


def _topic_targets(pks) -> dict[str, Target]:
    topics = dict(NegotiationTopic.objects.filter(pk__in=pks).values_list("pk", "title"))
    countries = topic_countries(topics)
    return {str(pk): Target(name, *pair_of(countries[pk]), topic_ids=frozenset({pk})) for pk, name in topics.items()}


def _stance_targets(pks) -> dict[str, Target]:
    stances = list(TopicStance.objects.filter(pk__in=pks).select_related("topic", "country"))
    countries = topic_countries({s.topic_id for s in stances})
    return {
        str(s.pk): Target(
            f"{s.country.name}'s stance on {s.topic.title}",
            *stance_pair(s.country_id, countries[s.topic_id]),
            topic_ids=frozenset({s.topic_id}),
        )
        for s in stances
    }


def _agenda_item_targets(pks) -> dict[str, Target]:
    items = AgendaItem.objects.filter(pk__in=pks).select_related(
        "topic", "visit__visitor", "visit__visitor_country", "visit__host_country"
    )
    return {
        str(item.pk): Target(
            f"{item.topic.title} on the agenda of the {phrase_of(item.visit)}",
            *ordered_pair(item.visit.visitor_country_id, item.visit.host_country_id),
            topic_ids=frozenset({item.topic_id}),
        )
        for item in items
    }


def _trade_targets(model):
    def targets(pks) -> dict[str, Target]:
        return {
            str(row.pk): Target(str(row), *ordered_pair(row.reporter_id, row.partner_id))
            for row in model.objects.filter(pk__in=pks)
        }

    return targets


TARGETS = {
    "visits.visit": _visit_targets,
    "agreements.agreement": _agreement_targets,
    "visits.negotiationtopic": _topic_targets,
    "visits.topicstance": _stance_targets,
    "visits.agendaitem": _agenda_item_targets,
    "trade.tradeclaim": _trade_targets(TradeClaim),
    "trade.tradeflow": _trade_targets(TradeFlow),
}


def _other_targets(label: str, pks) -> dict[str, Target]:
    model = apps.get_model(label)
    return {str(obj.pk): Target(str(obj)) for obj in model._default_manager.filter(pk__in=pks)}


def reported_date(citation: Citation) -> tuple[datetime.date, str] | None:
    """When the citation's claim was made: its own date, else its source's, else unknown."""
    if citation.reported_on:
        return citation.reported_on, citation.reported_precision
    if citation.source.published_on:
        return citation.source.published_on, citation.source.published_precision
    return None


def _contradicts(citation: Citation, when: datetime.date, others: list[Citation]) -> bool:
    """True when an earlier citation of the same record reported what this one denies or corrects."""
    for other in others:
        if other.pk == citation.pk or other.stance != Citation.Stance.REPORTS:
            continue
        if other.field_name and citation.field_name and other.field_name != citation.field_name:
            continue
        other_when = reported_date(other)
        if other_when is None or (other_when[0], other.pk) < (when, citation.pk):
            return True
    return False


def build_contradiction_entries(ids: list[str]) -> list[EntrySpec]:
    """Entries for the citations on these records ('visits.visit:12', ...), a few queries per cited model."""
    wanted = defaultdict(set)
    for record in ids:
        label, _, object_id = record.partition(":")
        wanted[label].add(object_id)
    if not wanted:
        return []
    condition = Q()
    for label, object_ids in wanted.items():
        app_label, model = label.split(".")
        condition |= Q(content_type__app_label=app_label, content_type__model=model, object_id__in=object_ids)
    citations = defaultdict(list)
    for citation in Citation.objects.filter(condition).select_related("content_type", "source__outlet").order_by("id"):
        citations[(f"{citation.content_type.app_label}.{citation.content_type.model}", citation.object_id)].append(
            citation
        )

    contradicting = [
        (record, citation, when)
        for record, cited in citations.items()
        for citation in cited
        if citation.stance in CONTRADICTING_STANCES
        and (when := reported_date(citation)) is not None
        and _contradicts(citation, when[0], cited)
    ]
    if not contradicting:
        return []
    targets: dict[tuple[str, str], Target] = {}
    by_label = defaultdict(set)
    for (label, object_id), _, _ in contradicting:
        by_label[label].add(object_id)
    for label, object_ids in by_label.items():
        found = TARGETS[label](object_ids) if label in TARGETS else _other_targets(label, object_ids)
        targets.update({(label, object_id): target for object_id, target in found.items()})

    citation_type = content_type_id(Citation)
    specs = []
    for (label, object_id), citation, (date, precision) in contradicting:
        target = targets.get((label, object_id))
        if target is None:  # a citation of a record that no longer exists
            continue
        source = citation.source
        who = source.outlet.name if source.outlet_id else source.title
        text = f"{who} {VERBS[citation.stance]} the report of the {lower_first(target.description)}"
        if citation.field_name:
            text += f" ({citation.field_name.replace('_', ' ')})"
        said = " ".join(part for part in (f"“{citation.quote}”" if citation.quote else "", citation.note) if part)
        specs.append(
            EntrySpec(
                key=f"contradiction:{citation.pk}",
                unit=citations_unit(label, object_id),
                kind=TimelineEntry.Kind.CONTRADICTION,
                date=date,
                precision=precision,
                title=title(text),
                summary=summary(said or f"Reported {format_imprecise_date(date, precision)}."),
                content_type_id=citation_type,
                object_id=str(citation.pk),
                source_updated_at=citation.updated_at,
                source_version=citation.version,
                country_a_id=target.country_a_id,
                country_b_id=target.country_b_id,
                agreement_id=target.agreement_id,
                person_ids=frozenset({citation.speaker_id} if citation.speaker_id else ()),
                topic_ids=target.topic_ids,
            )
        )
    return specs
