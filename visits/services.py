"""Writes with side effects for visits beyond their status (core.status.change_status)."""

import datetime

from django.db import transaction

from core.dates import DatePrecision
from visits.models import AgendaItem, NegotiationTopic, Visit


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
def add_agenda_item(visit: Visit, *, topic: NegotiationTopic, expectation: str, note: str = "") -> AgendaItem:
    """A topic on a visit's agenda; the visit's version moves with it."""
    item = AgendaItem(visit=visit, topic=topic, expectation=expectation, note=note)
    item.full_clean()
    item.save()
    visit.save(update_fields=["updated_at"])
    return item
