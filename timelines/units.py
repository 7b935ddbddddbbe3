"""Refresh units: the groups of timeline entries that are always recomputed together.

A unit is named by a short string, and every entry records the unit it belongs to:

    visit:12                        a visit's span and each of its status changes
    agreement:5                     an agreement's status changes and draft versions
    stances:3                       every country's stance changes on topic 3
    citations:visits.visit:12       the citations that deny or correct others on one record
    trade:TJK:RUS                   the annual figures Tajikistan reports for its trade with Russia

Entries are grouped so because they depend on each other (a stance is a change only
against the one before it) or on the same rows (every entry of a visit carries its
visitor and participants). Refreshing a unit recomputes all of its entries from the
records and makes the stored ones match, deleting those that no longer have a record.

Some changes name the records they touch only indirectly (a person renamed is in the title
of each visit they made); those are sent as indirect units and expanded here, in the
worker, with a query, so the web request that caused them makes none:

    person:7            the visits person 7 made
    topic:3             topic 3's stances and the citations on it and on its stances
    source:9            the records that source 9 denies or corrects
    trade-reporter:TJK  every trade unit Tajikistan reports (a change in its world total
                        moves every partner's share)
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from directory.models import Citation, Country
from trade.models import TradeFlow
from visits.models import NegotiationTopic, TopicStance, Visit

VISIT = "visit"
AGREEMENT = "agreement"
STANCES = "stances"
CITATIONS = "citations"
TRADE = "trade"
DIRECT_KINDS = (VISIT, AGREEMENT, STANCES, CITATIONS, TRADE)

PERSON = "person"
TOPIC = "topic"
SOURCE = "source"
TRADE_REPORTER = "trade-reporter"
INDIRECT_KINDS = (PERSON, TOPIC, SOURCE, TRADE_REPORTER)

# Citation stances that contradict an earlier report.
CONTRADICTING_STANCES = (Citation.Stance.DENIES, Citation.Stance.CORRECTS)


class UnknownUnit(ValueError):
    pass


def visit_unit(pk) -> str:
    return f"{VISIT}:{pk}"


def agreement_unit(pk) -> str:
    return f"{AGREEMENT}:{pk}"


def stances_unit(topic_pk) -> str:
    return f"{STANCES}:{topic_pk}"


def citations_unit(record_label: str, object_id) -> str:
    """`record_label` is the cited model's 'app_label.model', e.g. 'visits.visit'."""
    return f"{CITATIONS}:{record_label}:{object_id}"


def citations_unit_for(record: Model) -> str:
    return citations_unit(model_label(type(record)), record.pk)


def trade_unit(reporter: str, partner: str) -> str:
    return f"{TRADE}:{reporter}:{partner}"


def model_label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def content_type_label(content_type_id: int) -> str:
    """'app_label.model' of a content type id (cached by Django after the first lookup)."""
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def split(unit: str) -> tuple[str, str]:
    """('visit', '12') for 'visit:12'; ('citations', 'visits.visit:12') for a citations unit."""
    kind, _, rest = unit.partition(":")
    if kind not in DIRECT_KINDS + INDIRECT_KINDS or not rest:
        raise UnknownUnit(f"not a timeline unit: {unit!r}")
    return kind, rest


def sort_key(unit: str) -> tuple:
    """Units grouped by kind, then in id order (numerically where the id is a number)."""
    kind, rest = split(unit)
    return (
        DIRECT_KINDS.index(kind) if kind in DIRECT_KINDS else len(DIRECT_KINDS),
        int(rest) if rest.isdigit() else 0,
        rest,
    )


def expand(units: Iterable[str]) -> set[str]:
    """Direct units for any mix of direct and indirect ones (one query per indirect kind)."""
    direct: set[str] = set()
    indirect: dict[str, set[str]] = {kind: set() for kind in INDIRECT_KINDS}
    for unit in units:
        kind, rest = split(unit)
        if kind in DIRECT_KINDS:
            direct.add(unit)
        else:
            indirect[kind].add(rest)

    if indirect[PERSON]:
        for pk in Visit.objects.filter(visitor_id__in=indirect[PERSON]).values_list("pk", flat=True):
            direct |= {visit_unit(pk), citations_unit(model_label(Visit), pk)}
    if indirect[TOPIC]:
        for pk in indirect[TOPIC]:
            direct |= {stances_unit(pk), citations_unit(model_label(NegotiationTopic), pk)}
        stance_label = model_label(TopicStance)
        for pk in TopicStance.objects.filter(topic_id__in=indirect[TOPIC]).values_list("pk", flat=True):
            direct.add(citations_unit(stance_label, pk))
    if indirect[SOURCE]:
        contradicting = Citation.objects.filter(source_id__in=indirect[SOURCE], stance__in=CONTRADICTING_STANCES)
        for content_type_id, object_id in contradicting.values_list("content_type_id", "object_id").distinct():
            direct.add(citations_unit(content_type_label(content_type_id), object_id))
    if indirect[TRADE_REPORTER]:
        pairs = (
            TradeFlow.objects.filter(reporter_id__in=indirect[TRADE_REPORTER])
            .exclude(partner_id=Country.WORLD)
            .values_list("reporter_id", "partner_id")
            .distinct()
        )
        direct |= {trade_unit(reporter, partner) for reporter, partner in pairs}
    return direct
