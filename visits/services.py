"""Writes with side effects for visits beyond their status (core.status.change_status): new
visits, tour legs, participants, agenda items, topics and stances, dates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from core.dates import DatePrecision
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit


@transaction.atomic
def change_visit_dates(
    visit: Visit,
    *,
    start_date: datetime.date,
    start_precision: str,
    end_date: datetime.date | None,
    end_precision: str,
) -> Visit:
    """New dates for a visit, each kept only as precisely as it is known."""
    visit.start_date = DatePrecision(start_precision).truncate(start_date)
    visit.start_precision = start_precision
    visit.end_date = DatePrecision(end_precision).truncate(end_date) if end_date else None
    visit.end_precision = end_precision
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def add_agenda_item(
    visit: Visit, *, topic: NegotiationTopic, expectation: str, note: str = "", **outcome
) -> AgendaItem:
    """A topic on a visit's agenda, with its counted outcome when reported (`outcome_count`,
    `outcome_qualifier`, `outcome_noun`); the visit's version moves with it."""
    item = AgendaItem(visit=visit, topic=topic, expectation=expectation, note=note, **outcome)
    item.full_clean()
    item.save()
    visit.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def add_visit(
    *, start_date: datetime.date, start_precision: str, end_date=None, end_precision=DatePrecision.DAY, **fields
) -> Visit:
    """A new visit (its first status row is the caller's: core.status.record_first_status)."""
    visit = Visit(
        start_date=DatePrecision(start_precision).truncate(start_date),
        start_precision=start_precision,
        end_date=DatePrecision(end_precision).truncate(end_date) if end_date else None,
        end_precision=end_precision,
        **fields,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def join_tour(visit: Visit, leg: Visit) -> Tour:
    """Put `leg` on `visit`'s tour, starting the tour when the visit has none yet."""
    tour = visit.tour
    if tour is None:
        who = visit.visitor.name if visit.visitor_id else visit.visitor_country.name
        tour = Tour.objects.create(
            title=f"{who}: {visit.host_country.name} and on, {visit.start_date:%b %Y}", traveller=visit.visitor
        )
        visit.tour = tour
        visit.save(update_fields=["tour"])
    leg.tour = tour
    leg.save(update_fields=["tour"])
    return tour


@transaction.atomic
def add_participant(visit: Visit, *, person, role: str = "") -> Participant:
    participant = Participant(visit=visit, person=person, role=role)
    participant.full_clean()
    participant.save()
    visit.save(update_fields=["updated_at"])
    return participant


def set_prepares(visit: Visit, prepared: Visit) -> Visit:
    """Record that `visit` laid the ground for `prepared` (a deputy's trip before the president's)."""
    if visit.pk == prepared.pk:
        raise ValidationError({"prepares": "A visit does not prepare itself."})
    visit.prepares = prepared
    visit.full_clean()
    visit.save(update_fields=["prepares"])
    return visit


def find_or_add_topic(title: str) -> NegotiationTopic:
    """The topic of that title (ignoring case), or a new open one."""
    title = " ".join(title.split())
    topic = NegotiationTopic.objects.filter(title__iexact=title).first()
    if topic is not None:
        return topic
    base = slugify(title)[:180] or "topic"
    slug, n = base, 1
    while NegotiationTopic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    topic = NegotiationTopic(title=title, slug=slug)
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def add_topic_stance(
    *, topic: NegotiationTopic, country, stance: str, as_of: datetime.date, as_of_precision: str, note: str = ""
) -> TopicStance:
    row = TopicStance(
        topic=topic,
        country=country,
        stance=stance,
        as_of=DatePrecision(as_of_precision).truncate(as_of),
        as_of_precision=as_of_precision,
        note=note,
    )
    row.full_clean()
    row.save()
    return row
