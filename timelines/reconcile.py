"""Reconciliation: recompute every unit in scope, compare with what is stored, repair drift.

Incremental refreshes keep the timeline fresh; this pass is what makes it converge whatever
happened in between (a task lost with its worker, a refresh that could not be queued, a row
edited by hand). A run is planned as numbered batches of units; each batch is processed in
one transaction, marked done in that same transaction, and skipped if delivered again, so a
worker killed mid-run costs one batch's work and the run still ends with exactly the right
entries. Every difference found is counted on the run and described in a TimelineRepair.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from agreements.models import Agreement
from directory.models import Citation, Country
from timelines import units as unit_names
from timelines.models import RefreshBatch, RefreshRun, TimelineEntry, TimelineRepair
from timelines.refresh import refresh_units
from trade.models import TradeClaim, TradeFlow
from visits.models import TopicStance, Visit

# A run still going after this long died with its worker or its plan; the next one replaces it.
STALE_AFTER = datetime.timedelta(hours=6)


class BadPair(ValueError):
    pass


def parse_pair(text: str) -> tuple[str, str]:
    """('RUS', 'TJK') from 'RUS-TJK' or 'tjk-rus': two different known alpha-3 codes, sorted."""
    codes = [code.strip().upper() for code in text.replace("–", "-").split("-")]
    if len(codes) != 2 or codes[0] == codes[1]:
        raise BadPair(f"{text!r} is not a pair of two different country codes, e.g. RUS-TJK")
    known = set(Country.objects.filter(pk__in=codes).values_list("pk", flat=True))
    if unknown := [code for code in codes if code not in known]:
        raise BadPair(f"unknown country code(s): {', '.join(unknown)}")
    first, second = sorted(codes)
    return first, second


def all_units() -> set[str]:
    """Every unit that has records behind it or entries stored for it."""
    units = {unit_names.visit_unit(pk) for pk in Visit.objects.values_list("pk", flat=True).iterator(chunk_size=10000)}
    units |= {unit_names.agreement_unit(pk) for pk in Agreement.objects.values_list("pk", flat=True)}
    units |= {unit_names.stances_unit(pk) for pk in TopicStance.objects.values_list("topic_id", flat=True).distinct()}
    units |= _contradicted_records(Citation.objects.all())
    units |= {
        unit_names.trade_unit(reporter, partner)
        for reporter, partner in TradeFlow.objects.annual()
        .all_goods()
        .exclude(partner=Country.WORLD)
        .values_list("reporter_id", "partner_id")
        .distinct()
    }
    units |= set(TimelineEntry.objects.values_list("unit", flat=True).distinct().iterator(chunk_size=10000))
    return units


def pair_units(first: str, second: str) -> set[str]:
    """The units whose entries can belong to the pair's timeline (a superset is harmless)."""
    visit_ids = list(Visit.objects.for_pair(first, second).values_list("pk", flat=True))
    agreement_ids = list(Agreement.objects.between_parties(first, second).values_list("pk", flat=True).distinct())
    topic_ids = set(TopicStance.objects.filter(country__in=[first, second]).values_list("topic_id", flat=True))
    claim_ids = list(
        TradeClaim.objects.filter(reporter__in=[first, second], partner__in=[first, second]).values_list(
            "pk", flat=True
        )
    )
    units = {unit_names.visit_unit(pk) for pk in visit_ids}
    units |= {unit_names.agreement_unit(pk) for pk in agreement_ids}
    units |= {unit_names.stances_unit(pk) for pk in topic_ids}
    units |= {unit_names.trade_unit(first, second), unit_names.trade_unit(second, first)}
    candidates = {unit_names.citations_unit("visits.visit", pk) for pk in visit_ids}
    candidates |= {unit_names.citations_unit("agreements.agreement", pk) for pk in agreement_ids}
    candidates |= {unit_names.citations_unit("trade.tradeclaim", pk) for pk in claim_ids}
    cited = Citation.objects.filter(object_id__in=[str(pk) for pk in visit_ids + agreement_ids + claim_ids])
    units |= candidates & _contradicted_records(cited)
    units |= set(TimelineEntry.objects.for_pair(first, second).values_list("unit", flat=True).distinct())
    return units


def _contradicted_records(citations) -> set[str]:
    pairs = (
        citations.filter(stance__in=unit_names.CONTRADICTING_STANCES)
        .values_list("content_type_id", "object_id")
        .distinct()
    )
    return {unit_names.citations_unit(unit_names.content_type_label(ct), object_id) for ct, object_id in pairs}


def plan_run(*, trigger: str, pair: tuple[str, str] | None = None, batch_size: int | None = None) -> RefreshRun:
    """Create a run and its batches (nothing is refreshed yet): everything, or one pair."""
    batch_size = batch_size or settings.TIMELINE_REFRESH_BATCH_SIZE
    units = sorted(pair_units(*pair) if pair else all_units(), key=unit_names.sort_key)
    with transaction.atomic():
        run = RefreshRun.objects.create(
            scope=RefreshRun.Scope.PAIR if pair else RefreshRun.Scope.FULL,
            pair="-".join(pair) if pair else "",
            trigger=trigger,
            units_total=len(units),
            batches_total=(len(units) + batch_size - 1) // batch_size,
        )
        RefreshBatch.objects.bulk_create(
            [
                RefreshBatch(run=run, number=number, units=units[start : start + batch_size])
                for number, start in enumerate(range(0, len(units), batch_size), start=1)
            ],
            batch_size=500,
        )
        if not units:
            finish_run_if_done(run.pk)
    return run


def process_batch(batch_id: int) -> bool:
    """Refresh one batch and record its repairs; False if it was already done (a redelivery)."""
    with transaction.atomic():
        batch = RefreshBatch.objects.select_for_update().select_related("run").get(pk=batch_id)
        if batch.done_at is not None:
            done = False
        else:
            outcome = refresh_units(batch.units, keep_changes=True)
            room = TimelineRepair.MAX_PER_RUN - TimelineRepair.objects.filter(run_id=batch.run_id).count()
            TimelineRepair.objects.bulk_create(
                [
                    TimelineRepair(
                        run_id=batch.run_id, key=c.key, action=c.action, fields=c.fields, before=c.before, after=c.after
                    )
                    for c in outcome.changes[: max(room, 0)]
                ]
            )
            batch.done_at = timezone.now()
            batch.entries_created, batch.entries_updated, batch.entries_deleted = (
                outcome.created,
                outcome.updated,
                outcome.deleted,
            )
            batch.save(update_fields=["done_at", "entries_created", "entries_updated", "entries_deleted"])
            done = True
    # After the commit, so that of two batches finishing together at least one sees both done.
    finish_run_if_done(batch.run_id)
    return done


def finish_run_if_done(run_id: int) -> bool:
    """Close a run whose batches are all done, with their totals; True if this call closed it."""
    if RefreshBatch.objects.filter(run_id=run_id, done_at__isnull=True).exists():
        return False
    totals = RefreshBatch.objects.filter(run_id=run_id).aggregate(
        created=Sum("entries_created", default=0),
        updated=Sum("entries_updated", default=0),
        deleted=Sum("entries_deleted", default=0),
    )
    closed = RefreshRun.objects.filter(pk=run_id, status=RefreshRun.Status.RUNNING).update(
        status=RefreshRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        entries_created=totals["created"],
        entries_updated=totals["updated"],
        entries_deleted=totals["deleted"],
    )
    return bool(closed)


def pending_batches(run: RefreshRun) -> Iterator[int]:
    return iter(run.batches.filter(done_at__isnull=True).order_by("number").values_list("pk", flat=True))


def run_batches(batch_ids: Iterable[int], *, on_batch: Callable[[RefreshBatch], None] | None = None) -> None:
    """Process batches here, in this process (the management command), reporting each one."""
    for batch_id in list(batch_ids):
        process_batch(batch_id)
        if on_batch:
            on_batch(RefreshBatch.objects.get(pk=batch_id))


def abandon_stale_runs(now: datetime.datetime | None = None) -> int:
    """Mark runs that have been going too long as abandoned; a new run covers their ground."""
    now = now or timezone.now()
    return RefreshRun.objects.filter(status=RefreshRun.Status.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=RefreshRun.Status.ABANDONED, finished_at=now
    )


def stalled_runs(now: datetime.datetime | None = None) -> list[RefreshRun]:
    """Runs still going that have neither finished a batch nor had their batches sent for
    settings.TIMELINE_RUN_STALLED_AFTER: a batch's message was lost, and the run would wait for
    it until abandoned.

    Celery's Redis transport loses a message when the worker that popped it dies before
    recording it as unacknowledged (celery/celery#7950): it is then neither in the queue nor
    among the messages given back after the visibility timeout. Sending a run's unfinished
    batches again is safe, as a batch done is skipped (process_batch).
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.TIMELINE_RUN_STALLED_AFTER)
    return list(
        unfinished_runs()
        .filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, started_at__lt=cutoff))
        .annotate(last_done=Max("batches__done_at"))
        .filter(Q(last_done__isnull=True) | Q(last_done__lt=cutoff))
    )


def unfinished_runs():
    return RefreshRun.objects.filter(status=RefreshRun.Status.RUNNING).order_by("started_at")
