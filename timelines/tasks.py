"""The timeline's Celery tasks. Thin: they take ids or unit names and call a service.

All of them are idempotent (they recompute from committed records), which is what makes the
project-wide late acknowledgement and reject-on-worker-lost settings safe: a task whose
worker dies is delivered again and does the same thing. Database errors that a retry can
cure (a lost connection, a deadlock, SQLite's "database is locked", a unique key raced by a
concurrent refresh) are retried with exponential backoff and jitter.
"""

import logging

from celery import shared_task
from django.db import IntegrityError, InterfaceError, OperationalError
from django.utils import timezone

from timelines import reconcile
from timelines.models import RefreshRun
from timelines.outbox import drain_outbox
from timelines.refresh import refresh_units

logger = logging.getLogger(__name__)

RETRIED = {
    "autoretry_for": (OperationalError, InterfaceError, IntegrityError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,
}


@shared_task(**RETRIED)
def refresh_timeline_units(units: list[str]) -> None:
    """Recompute the entries of these units (sent after a change commits)."""
    outcome = refresh_units(units)
    logger.info(
        "timeline refresh: %d unit(s), %d created, %d updated, %d deleted",
        outcome.units,
        outcome.created,
        outcome.updated,
        outcome.deleted,
    )


@shared_task(**RETRIED)
def refresh_timeline_batch(batch_id: int) -> None:
    """One batch of a reconciliation run; a batch already done is skipped."""
    reconcile.process_batch(batch_id)


@shared_task(**RETRIED)
def reconcile_timelines(pair: str = "") -> int | None:
    """Plan a reconciliation run (everything, or one pair such as 'RUS-TJK') and queue its batches.

    Scheduled by beat. A run of the same scope still going is left to finish rather than
    doubled; one going for longer than reconcile.STALE_AFTER is abandoned and replaced.
    """
    reconcile.abandon_stale_runs()
    parsed = reconcile.parse_pair(pair) if pair else None
    scope_pair = "-".join(parsed) if parsed else ""
    if reconcile.unfinished_runs().filter(pair=scope_pair).exists():
        logger.info("timeline reconciliation %s: a run is still going; not starting another", scope_pair or "(full)")
        return None
    run = reconcile.plan_run(trigger="schedule", pair=parsed)
    queue_run(run)
    return run.pk


def queue_run(run: RefreshRun) -> int:
    """Send the run's unfinished batches to the workers; returns how many were sent."""
    RefreshRun.objects.filter(pk=run.pk).update(queued_at=timezone.now())
    batch_ids = list(reconcile.pending_batches(run))
    for batch_id in batch_ids:
        refresh_timeline_batch.delay(batch_id)
    return len(batch_ids)


@shared_task(**RETRIED)
def drain_timeline_outbox() -> int:
    """Refresh what could not be queued while the broker was down, and send again the batches
    of runs that stalled (scheduled by beat every minute)."""
    for run in reconcile.stalled_runs():
        sent = queue_run(run)
        logger.warning("%s stalled (a batch's message was lost): sent its %d unfinished batch(es) again", run, sent)
    return drain_outbox()
