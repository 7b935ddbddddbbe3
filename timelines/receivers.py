"""How timelines hears that a record changed: signal receivers, connected in TimelinesConfig.ready.

Other apps know nothing of timelines. Their saves and deletes send Django's post_save and
post_delete (and m2m_changed for plain many-to-many fields); their importers' bulk writes
send imports.signals.records_imported. Each receiver names the refresh units the change
touches, from the instance's own fields and without a query, and asks for them to be
refreshed after the transaction commits.
"""

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
from directory.models import Citation, Country, Person, Source
from imports.signals import records_imported
from timelines import units as u
from timelines.queue import refresh_after_commit
from trade.models import TradeClaim, TradeFlow
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Visit, VisitStatusChange


def _trade_units(reporter_id: str, partner_id: str) -> set[str]:
    if partner_id == Country.WORLD:
        return {f"{u.TRADE_REPORTER}:{reporter_id}"}
    return {u.trade_unit(reporter_id, partner_id)}


def _trade_flow_units(flow: TradeFlow) -> set[str]:
    return _trade_units(flow.reporter_id, flow.partner_id)


# For each model whose rows appear in timeline entries: the units one of its rows touches.
UNITS_OF: dict[type[Model], Callable[[Model], set[str]]] = {
    Visit: lambda visit: {u.visit_unit(visit.pk), u.citations_unit_for(visit)},
    VisitStatusChange: lambda change: {u.visit_unit(change.visit_id)},
    Participant: lambda participant: {u.visit_unit(participant.visit_id)},
    AgendaItem: lambda item: {u.visit_unit(item.visit_id), u.citations_unit_for(item)},
    NegotiationTopic: lambda topic: {f"{u.TOPIC}:{topic.pk}"},
    TopicStance: lambda stance: {u.stances_unit(stance.topic_id), u.citations_unit_for(stance)},
    Agreement: lambda agreement: {u.agreement_unit(agreement.pk), u.citations_unit_for(agreement)},
    AgreementParty: lambda party: {u.agreement_unit(party.agreement_id)},
    AgreementStatusChange: lambda change: {u.agreement_unit(change.agreement_id)},
    DraftVersion: lambda draft: {u.agreement_unit(draft.agreement_id)},
    Citation: lambda citation: {u.citations_unit(u.content_type_label(citation.content_type_id), citation.object_id)},
    Person: lambda person: {f"{u.PERSON}:{person.pk}"},
    Source: lambda source: {f"{u.SOURCE}:{source.pk}"},
    TradeFlow: _trade_flow_units,
    TradeClaim: lambda claim: {u.citations_unit_for(claim)},
}


def units_of(instances: Iterable[Model]) -> set[str]:
    units = set()
    for instance in instances:
        units |= UNITS_OF[type(instance)](instance)
    return units


def record_saved_or_deleted(sender, instance, raw=False, using=None, **kwargs):
    if raw:  # loaddata: fixtures are loaded as they are; a reconciliation run catches up
        return
    refresh_after_commit(units_of([instance]), using=using)


def records_imported_in_bulk(sender, pks, **kwargs):
    if sender is TradeFlow:
        # Imports write flows by the ten thousand, or a whole file at once (imports.staged: `pks`
        # is then a subquery): read their two countries, each pair once. order_by(): the model's
        # ordering (names, year, month, flow) would make DISTINCT return a row per figure.
        pairs = (
            sender._default_manager.filter(pk__in=pks).order_by().values_list("reporter_id", "partner_id").distinct()
        )
        refresh_after_commit(set().union(*(_trade_units(*pair) for pair in pairs)))
    elif sender in UNITS_OF:
        refresh_after_commit(units_of(sender._default_manager.filter(pk__in=pks)))


def agreement_topics_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action.startswith("post_"):
        agreement_ids = (pk_set or ()) if reverse else [instance.pk]
        refresh_after_commit({u.agreement_unit(pk) for pk in agreement_ids}, using=using)


def topic_countries_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action.startswith("post_"):
        topic_ids = (pk_set or ()) if reverse else [instance.pk]
        refresh_after_commit({f"{u.TOPIC}:{pk}" for pk in topic_ids}, using=using)


def connect() -> None:
    for model in UNITS_OF:
        uid = f"timelines.{model._meta.label_lower}"
        post_save.connect(record_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(record_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.deleted")
    records_imported.connect(records_imported_in_bulk, dispatch_uid="timelines.records_imported")
    m2m_changed.connect(
        agreement_topics_changed, sender=Agreement.topics.through, dispatch_uid="timelines.agreement_topics"
    )
    m2m_changed.connect(
        topic_countries_changed, sender=NegotiationTopic.countries.through, dispatch_uid="timelines.topic_countries"
    )
