"""Getting refreshes to a worker: after the change commits, once per transaction, never failing it.

Receivers call `refresh_after_commit(units)`. Units named in one transaction are collected
and sent as one task (in chunks) when it commits; nothing is sent for a transaction that
rolls back. If the broker cannot be reached, the units go to the outbox table instead and a
beat task refreshes them later: an editor's save never fails because Redis is down.
"""

import logging
from collections.abc import Iterable

from core.on_commit import Pending, pending_on_commit
from timelines.models import TimelineOutbox
from timelines.tasks import refresh_timeline_units

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 500  # units per task message
# Give up publishing quickly: a web request must not hang while the broker is down.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


class _PendingRefresh(Pending):
    """The units one transaction changed; sent once, when it commits."""

    def __init__(self):
        self.units: set[str] = set()

    def run(self):
        enqueue_refresh(self.units)


def refresh_after_commit(units: Iterable[str], *, using: str | None = None) -> None:
    """Refresh these units once the current transaction commits (at once outside a transaction)."""
    units = set(units)
    if not units:
        return
    pending = pending_on_commit("timelines_pending_refresh", _PendingRefresh, using=using, robust=True)
    if pending is None:
        enqueue_refresh(units)
        return
    pending.units |= units


def enqueue_refresh(units: Iterable[str]) -> None:
    """Send refresh tasks for these units now; what cannot be sent is kept in the outbox."""
    ordered = sorted(units)
    for start in range(0, len(ordered), ENQUEUE_CHUNK):
        chunk = ordered[start : start + ENQUEUE_CHUNK]
        try:
            refresh_timeline_units.apply_async((chunk,), retry=True, retry_policy=PUBLISH_RETRY_POLICY)
        except Exception as exc:  # any broker failure: kombu, redis-py and socket errors alike
            logger.warning("timeline refresh of %d unit(s) kept in the outbox: %s", len(chunk), exc)
            TimelineOutbox.objects.create(units=chunk, last_error=f"{type(exc).__name__}: {exc}"[:1000])
