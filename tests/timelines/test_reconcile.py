"""Reconciliation finds drift between the timeline and its records, repairs it and says what it did."""

import datetime
import io

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from core.status import record_first_status
from tests.factories import PersonFactory, VisitFactory, country
from tests.timelines.factories import ParticipantFactory
from tests.timelines.test_worker import wait_until
from timelines.models import RefreshBatch, RefreshRun, TimelineEntry, TimelineOutbox, TimelineRepair
from timelines.reconcile import plan_run, process_batch, stalled_runs
from timelines.tasks import drain_timeline_outbox, reconcile_timelines
from timelines.units import visit_unit
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrupted(refresh_all):
    """A correct timeline of three visits, then damaged: an entry deleted, one altered, one added."""
    visits = [VisitFactory(), VisitFactory(), VisitFactory(host_country=country("KGZ"))]
    for visit in visits:
        record_first_status(visit, on=datetime.date(2017, 2, 1))
    ParticipantFactory(visit=visits[1])
    refresh_all()
    TimelineEntry.objects.get(key=f"visit:{visits[0].pk}").delete()
    altered = TimelineEntry.objects.get(key=f"visit:{visits[1].pk}")
    altered.title = "Somebody went somewhere"
    altered.save()
    altered.persons.clear()
    TimelineEntry.objects.create(
        key="visit:999999",
        unit=visit_unit(999999),
        kind="visit",
        date=datetime.date(2017, 1, 1),
        title="A visit that never was",
        country_a_id="RUS",
        country_b_id="TJK",
        content_type=ContentType.objects.get_for_model(Visit),
        object_id="999999",
        source_updated_at=timezone.now(),
    )
    return visits


def test_a_full_run_repairs_deleted_altered_and_extra_entries_and_reports_them(corrupted):
    out = io.StringIO()

    call_command("refresh_timelines", "--full", "--no-progress", stdout=out)

    run = RefreshRun.objects.get()
    assert (run.status, run.scope, run.trigger) == ("succeeded", "full", "command")
    assert (run.entries_created, run.entries_updated, run.entries_deleted) == (1, 1, 1)
    repairs = {repair.key: repair for repair in run.repairs.all()}
    assert repairs[f"visit:{corrupted[0].pk}"].action == TimelineRepair.Action.CREATED
    assert repairs["visit:999999"].action == TimelineRepair.Action.DELETED
    altered = repairs[f"visit:{corrupted[1].pk}"]
    assert (altered.action, altered.fields) == (TimelineRepair.Action.UPDATED, ["title", "person_ids"])
    assert altered.before["title"] == "Somebody went somewhere"
    assert "Repaired 3 entries: 1 missing, 1 different, 1 without a record." in out.getvalue()
    assert not TimelineEntry.objects.filter(key="visit:999999").exists()
    assert TimelineEntry.objects.get(key=f"visit:{corrupted[1].pk}").persons.count() == 2


def test_a_second_run_finds_nothing_to_repair(corrupted):
    call_command("refresh_timelines", "--full", "--no-progress", stdout=io.StringIO())
    out = io.StringIO()

    call_command("refresh_timelines", "--full", "--no-progress", stdout=out)

    assert "Repaired 0 entries" in out.getvalue()
    assert RefreshRun.objects.latest("id").repairs_total == 0


def test_a_pair_run_repairs_that_pair_and_leaves_the_others_alone(corrupted):
    kyrgyz = TimelineEntry.objects.get(key=f"visit:{corrupted[2].pk}")
    kyrgyz.title = "Tampered"
    kyrgyz.save()

    call_command("refresh_timelines", "--pair", "tjk-rus", "--no-progress", stdout=io.StringIO())

    run = RefreshRun.objects.get()
    assert (run.scope, run.pair, run.repairs_total) == ("pair", "RUS-TJK", 3)
    assert TimelineEntry.objects.get(key=f"visit:{corrupted[2].pk}").title == "Tampered"


@pytest.mark.parametrize("pair", ["RUS", "RUS-RUS", "RUS-XXX"])
def test_a_pair_that_is_not_one_is_refused(pair):
    with pytest.raises(CommandError):
        call_command("refresh_timelines", "--pair", pair, stdout=io.StringIO())


def test_without_options_it_drains_the_outbox_and_finishes_unfinished_runs(corrupted):
    TimelineOutbox.objects.create(units=[visit_unit(corrupted[0].pk)])
    unfinished = plan_run(trigger="schedule", batch_size=1)
    process_batch(unfinished.batches.first().pk)
    out = io.StringIO()

    call_command("refresh_timelines", "--no-progress", stdout=out)

    assert not TimelineOutbox.objects.exists()
    unfinished.refresh_from_db()
    assert unfinished.status == RefreshRun.Status.SUCCEEDED
    assert "Outbox: 1 waiting refresh(es) done." in out.getvalue()


def test_a_batch_delivered_twice_is_done_once(corrupted):
    run = plan_run(trigger="schedule")
    batch = run.batches.get()

    assert process_batch(batch.pk) is True
    assert process_batch(batch.pk) is False

    run.refresh_from_db()
    assert (run.status, run.repairs_total, run.repairs.count()) == ("succeeded", 3, 3)


@pytest.mark.celery_worker
def test_the_scheduled_task_plans_a_run_whose_batches_the_worker_carries_out(
    transactional_db, django_db_serialized_rollback, celery_app
):
    visit = VisitFactory(visitor=PersonFactory())
    record_first_status(visit, on=datetime.date(2017, 2, 1))
    celery_app.control.purge()  # drop the refreshes those saves queued: the run is to do the work
    TimelineEntry.objects.all().delete()  # (without Redis they ran at once)

    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        reconcile_timelines.delay()  # what beat sends every night
        run = wait_until(
            lambda: RefreshRun.objects.filter(status="succeeded").first(), timeout=20, what="the scheduled run"
        )

    assert (run.trigger, run.entries_created) == ("schedule", 2)
    assert TimelineEntry.objects.filter(unit=visit_unit(visit.pk)).count() == 2


def test_a_run_with_no_progress_and_nothing_sent_for_a_while_counts_as_stalled(corrupted, settings):
    settings.TIMELINE_RUN_STALLED_AFTER = 600
    run = plan_run(trigger="schedule", batch_size=1)
    start = run.started_at

    def stalled(seconds_after_start: int) -> bool:
        return stalled_runs(start + datetime.timedelta(seconds=seconds_after_start)) == [run]

    assert not stalled(0), "just planned"
    assert stalled(601), "nothing done and nothing sent for longer than the setting"

    process_batch(run.batches.order_by("number").first().pk)
    RefreshBatch.objects.filter(run=run, done_at__isnull=False).update(done_at=start + datetime.timedelta(seconds=400))
    assert not stalled(601), "a batch finished since"
    assert stalled(1001)

    RefreshRun.objects.filter(pk=run.pk).update(queued_at=start + datetime.timedelta(seconds=900))
    assert not stalled(1001), "its batches were sent again since"
    assert stalled(1501)

    RefreshRun.objects.filter(pk=run.pk).update(status=RefreshRun.Status.ABANDONED)
    assert not stalled(99999), "only runs still going"


@pytest.mark.celery_worker
def test_beats_minutely_task_sends_a_stalled_runs_lost_batches_again_and_the_run_ends_right(
    transactional_db, django_db_serialized_rollback, celery_app, settings
):
    settings.TIMELINE_RUN_STALLED_AFTER = 1
    visits = [VisitFactory(visitor=PersonFactory()) for _ in range(3)]
    for visit in visits:
        record_first_status(visit, on=datetime.date(2017, 2, 1))
    celery_app.control.purge()
    TimelineEntry.objects.all().delete()
    run = plan_run(trigger="test", batch_size=1)
    process_batch(run.batches.order_by("number").first().pk)
    RefreshRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - datetime.timedelta(seconds=5))
    RefreshBatch.objects.filter(run=run).update(done_at=F("done_at") - datetime.timedelta(seconds=5))
    # The other batches' messages were lost: nothing is queued for them.

    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        drain_timeline_outbox.delay()  # what beat sends every minute
        wait_until(lambda: RefreshRun.objects.get(pk=run.pk).status == "succeeded", timeout=20, what="the resumed run")

    run.refresh_from_db()
    assert run.queued_at is not None
    assert (run.entries_created, run.entries_updated, run.entries_deleted) == (6, 0, 0)
    assert TimelineEntry.objects.count() == 6
