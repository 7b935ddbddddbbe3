"""Draining the outbox: refreshes that could not be queued while the broker was down."""

import logging

from django.db import transaction
from django.db.models import F

from timelines.models import TimelineOutbox
from timelines.refresh import refresh_units

logger = logging.getLogger(__name__)

ROWS_PER_ROUND = 20  # at most ENQUEUE_CHUNK units each
MAX_ROUNDS = 50  # then stop, well inside the task's time limit; the next beat tick goes on


def drain_outbox() -> int:
    """Refresh the units waiting in the outbox, oldest first; returns the number of rows drained.

    Rows are taken with SKIP LOCKED (PostgreSQL), so two drains at once share the work. A
    round that fails leaves its rows in place with the error and one more attempt counted.
    """
    drained = 0
    for _ in range(MAX_ROUNDS):
        with transaction.atomic():
            rows = list(TimelineOutbox.objects.select_for_update(skip_locked=True).order_by("id")[:ROWS_PER_ROUND])
            if not rows:
                break
            ids = [row.pk for row in rows]
            try:
                with transaction.atomic():
                    refresh_units({unit for row in rows for unit in row.units})
            except Exception as exc:  # recorded on the rows, which stay for the next attempt
                logger.exception("timeline outbox rows %s could not be refreshed", ids)
                TimelineOutbox.objects.filter(pk__in=ids).update(
                    attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:1000]
                )
                break
            TimelineOutbox.objects.filter(pk__in=ids).delete()
            drained += len(rows)
    return drained
