"""An agreement's entries: each status change, and each draft version of its text."""

from collections import defaultdict

from django.utils import timezone

from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
from core.dates import DatePrecision
from timelines.builders.base import EntrySpec, content_type_id, pair_of, summary, title
from timelines.models import TimelineEntry
from timelines.units import agreement_unit

Status = Agreement.Status
STATUS_PHRASES = {
    Status.PROPOSED: "proposed",
    Status.DRAFTING: "drafting begun",
    Status.NEGOTIATING: "negotiations opened",
    Status.INITIALLED: "initialled",
    Status.SIGNED: "signed",
    Status.RATIFIED: "ratified",
    Status.IN_FORCE: "entered into force",
    Status.SUSPENDED: "suspended",
    Status.TERMINATED: "terminated",
    Status.ABANDONED: "abandoned",
}


def agreement_parties(ids) -> dict[int, set[str]]:
    parties = defaultdict(set)
    for agreement_id, country_id in AgreementParty.objects.filter(agreement_id__in=ids).values_list(
        "agreement_id", "country_id"
    ):
        parties[agreement_id].add(country_id)
    return parties


def agreement_topics(ids) -> dict[int, set[int]]:
    topics = defaultdict(set)
    links = Agreement.topics.through.objects.filter(agreement_id__in=ids)
    for agreement_id, topic_id in links.values_list("agreement_id", "negotiationtopic_id"):
        topics[agreement_id].add(topic_id)
    return topics


def build_agreement_entries(ids: list[str]) -> list[EntrySpec]:
    """Entries for the agreements with these ids, in five queries whatever their number.

    An agreement between two states belongs to their pair's timeline; one between more has
    no pair and is found through its agreement, topics or kind.
    """
    agreements = {agreement.pk: agreement for agreement in Agreement.objects.filter(pk__in=ids)}
    if not agreements:
        return []
    parties = agreement_parties(agreements)
    topics = agreement_topics(agreements)
    changes = defaultdict(list)
    for change in AgreementStatusChange.objects.filter(agreement_id__in=agreements).order_by(
        "agreement_id", "changed_on", "recorded_at", "id"
    ):
        changes[change.agreement_id].append(change)
    drafts = defaultdict(list)
    for draft in (
        DraftVersion.objects.filter(agreement_id__in=agreements).order_by("agreement_id", "number").defer("text")
    ):
        drafts[draft.agreement_id].append(draft)

    agreement_type = content_type_id(Agreement)
    specs = []
    for agreement in agreements.values():
        country_a, country_b = pair_of(parties[agreement.pk])
        common = {
            "unit": agreement_unit(agreement.pk),
            "content_type_id": agreement_type,
            "object_id": str(agreement.pk),
            "source_updated_at": agreement.updated_at,
            "source_version": agreement.version,
            "country_a_id": country_a,
            "country_b_id": country_b,
            "agreement_id": agreement.pk,
            "topic_ids": frozenset(topics[agreement.pk]),
        }
        for change in changes[agreement.pk]:
            specs.append(
                EntrySpec(
                    key=f"agreement_status:{change.pk}",
                    kind=TimelineEntry.Kind.AGREEMENT_STATUS,
                    date=change.changed_on,
                    precision=change.changed_precision,
                    title=title(f"{agreement.title}: {STATUS_PHRASES[change.to_status]}"),
                    summary=summary(change.note),
                    **common,
                )
            )
        for draft in drafts[agreement.pk]:
            which = "first draft" if draft.number == 1 else f"draft {draft.number}"
            specs.append(
                EntrySpec(
                    key=f"agreement_draft:{draft.pk}",
                    kind=TimelineEntry.Kind.AGREEMENT_DRAFT,
                    date=timezone.localdate(draft.created_at),
                    precision=DatePrecision.DAY,
                    title=title(f"{agreement.title}: {which}"),
                    summary=summary(draft.note),
                    **common,
                )
            )
    return specs
