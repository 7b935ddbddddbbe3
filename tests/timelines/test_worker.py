"""The refresh through the real path: Redis, a real Celery worker, the test database."""

import datetime
import itertools
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from core.status import change_status
from tests.factories import PersonFactory, VisitFactory
from timelines.models import RefreshBatch, RefreshRun, TimelineEntry
from timelines.reconcile import all_units, plan_run
from timelines.refresh import refresh_units
from timelines.tasks import drain_timeline_outbox, queue_run
from timelines.units import visit_unit
from visits.models import Visit, VisitStatusChange

pytestmark = pytest.mark.celery_worker


def wait_until(condition, *, timeout: float, what, interval: float = 0.05):
    """Poll until condition() is true; `what` may be a callable, so a log is read when it fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    pytest.fail(f"{what() if callable(what) else what}: not within {timeout:.0f}s")


def test_an_edit_appears_in_the_timeline_within_seconds_through_the_real_worker(purged_queue, celery_worker):
    visit = VisitFactory(status=Visit.Status.ANNOUNCED)
    wait_until(
        lambda: TimelineEntry.objects.filter(unit=visit_unit(visit.pk), kind="visit").exists(),
        timeout=10,
        what="the new visit",
    )

    change_status(visit, to_status=Visit.Status.COMPLETED, on=datetime.date(2017, 2, 28))

    completed = wait_until(
        lambda: TimelineEntry.objects.filter(unit=visit_unit(visit.pk), title__startswith="Completed:").first(),
        timeout=10,
        what="the status change",
    )
    assert completed.date == datetime.date(2017, 2, 28)


# --- a worker killed mid-rebuild ----------------------------------------------------------------
VISITS = 150


def database_url() -> str:
    """The test database, as DATABASE_URL for a separate worker process."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerProcess:
    """`celery -A chancery worker`, as the Makefile runs it, in a process group of its own.

    Time limits of 1 and 2 seconds make the Redis visibility timeout 4 seconds (twice the hard
    limit, as in settings), so a task the killed worker held is delivered again soon; a run
    counts as stalled after STALLED_AFTER seconds without progress instead of some 17 minutes.
    """

    VISIBILITY_TIMEOUT = 4
    STALLED_AFTER = 6

    def __init__(self, log_path):
        self.log_path = log_path
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CHANCERY_ENV": "development",
            "CELERY_TASK_SOFT_TIME_LIMIT": "1",
            "CELERY_TASK_TIME_LIMIT": "2",
            "TIMELINE_RUN_STALLED_AFTER": str(self.STALLED_AFTER),
            "DJANGO_SETTINGS_MODULE": "chancery.settings",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "chancery",
            "worker",
            "-l",
            "info",
            "-c",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-n",
            f"timelines-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def broker_state(celery_app, run) -> str:
    """What a stuck run's failure message needs: its pending batches and where their messages are."""
    pending = list(run.batches.filter(done_at__isnull=True).values_list("number", flat=True))
    with celery_app.connection_for_write() as connection:
        client = connection.default_channel.client
        queued, unacked = client.llen("celery"), client.hlen("unacked")
    return f"pending batches {pending}; {queued} message(s) queued, {unacked} delivered and unacknowledged"


@pytest.fixture
def worker_process(tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it; set it to run this test alone.")
    workers = []

    def start():
        worker = WorkerProcess(tmp_path / f"worker-{len(workers) + 1}.log")
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def test_a_worker_killed_in_the_middle_of_a_full_rebuild_then_restarted_ends_with_exactly_the_expected_entries(
    purged_queue, transactional_db, django_db_serialized_rollback, worker_process, celery_app
):
    visitor = PersonFactory()
    visits = VisitFactory.create_batch(VISITS, visitor=visitor, status=Visit.Status.COMPLETED)
    VisitStatusChange.objects.bulk_create(
        VisitStatusChange(visit=visit, from_status=before, to_status=after, changed_on=on)
        for visit in visits
        for before, after, on in (
            ("", "announced", datetime.date(2017, 2, 1)),
            ("announced", "completed", datetime.date(2017, 2, 28)),
        )
    )
    celery_app.control.purge()  # the refreshes the saves above queued: the rebuild is to do it all
    TimelineEntry.objects.all().delete()
    run = plan_run(trigger="test", batch_size=1)
    queue_run(run)

    first = worker_process()
    done = lambda: RefreshBatch.objects.filter(run=run, done_at__isnull=False).count()  # noqa: E731
    wait_until(
        lambda: done() >= 10, timeout=60, what=lambda: f"the first worker's first batches\n{first.log()}", interval=0.01
    )
    first.kill(signal.SIGKILL)
    done_when_killed = done()
    assert done_when_killed < run.batches_total, "the rebuild finished before the worker could be killed"
    assert RefreshRun.objects.get(pk=run.pk).status == RefreshRun.Status.RUNNING

    time.sleep(WorkerProcess.VISIBILITY_TIMEOUT + 0.5)  # the killed worker's task becomes visible again
    second = worker_process()
    # The killed worker may have taken a message off the queue without recording it as
    # unacknowledged, which loses it (timelines.reconcile.stalled_runs): beat's minutely task
    # then sends the stalled run's batches again. Here it is sent every 2 seconds.
    polls = itertools.count()

    def finished() -> bool:
        if next(polls) % 20 == 19:
            drain_timeline_outbox.delay()
        return RefreshRun.objects.get(pk=run.pk).status == RefreshRun.Status.SUCCEEDED

    wait_until(
        finished,
        timeout=240,
        interval=0.1,
        what=lambda: f"the run to finish after the restart ({broker_state(celery_app, run)})\n{second.log()}",
    )
    second.kill(signal.SIGTERM)

    run.refresh_from_db()
    assert TimelineEntry.objects.count() == VISITS * 3
    # Each entry was created exactly once, whatever was redelivered or rolled back.
    assert (run.entries_created, run.entries_updated, run.entries_deleted) == (VISITS * 3, 0, 0)
    drift = refresh_units(all_units(), keep_changes=True)
    assert drift.changed == 0, f"the stored entries differ from what the records say, e.g. {drift.changes[:2]}"
