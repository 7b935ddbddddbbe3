"""A run whose process ended mid-run is found and marked stopped; one a live process holds is not.

The "other process" is real on each backend: on PostgreSQL another database session holding
the run's advisory lock (what a running import holds), on SQLite a live or an exited child
process whose host and pid the run names.
"""

import io
import socket
import subprocess
import sys
import time

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from imports import liveness
from imports.models import ImportRun
from imports.tasks import run_import_task
from tests.imports.test_admin import wait_for_run
from trade.models import TradeFlow

HEADER = "freqCode,refYear,refMonth,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,primaryValue\n"
FILE = (
    HEADER
    + "A,2021,52,643,RUS,X,762,TJK,TOTAL,1000\nA,2021,52,643,RUS,M,762,TJK,TOTAL,abc\nA,2021,52,762,TJK,M,643,RUS,TOTAL,900\n"
)


def exited_worker() -> str:
    """host:pid of a process that has ended (its pid not reused: the child is reaped just now)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def held_namespaces() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT classid FROM pg_locks WHERE locktype = 'advisory' AND granted")
        return {int(classid) for (classid,) in cursor.fetchall()}


class OtherProcess:
    """Something other than this test that runs `run`, until `end()`."""

    def __init__(self, run: ImportRun):
        if connection.vendor == "postgresql":
            settings = connection.settings_dict
            self.session = psycopg2.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                password=settings["PASSWORD"],
                host=settings["HOST"],
                port=settings["PORT"],
            )
            with self.session.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [liveness.LOCK_NAMESPACE, run.pk])
            run.worker = "elsewhere:1"
        else:
            self.child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            run.worker = f"{socket.gethostname()}:{self.child.pid}"
        run.save(update_fields=["worker"])

    def end(self):
        if connection.vendor == "postgresql":
            self.session.close()
            # The server drops the lock when its backend has gone, a moment after the close.
            deadline = time.monotonic() + 10
            while liveness.LOCK_NAMESPACE in held_namespaces():
                assert time.monotonic() < deadline, "the closed session's lock is still held"
                time.sleep(0.02)
        else:
            self.child.kill()
            self.child.wait()


def running(**fields) -> ImportRun:
    return ImportRun.objects.create(importer="trade", files="b.csv", status=ImportRun.Status.RUNNING, **fields)


@pytest.mark.django_db
def test_a_run_is_stopped_once_its_process_ends_and_not_before():
    run = running()
    other = OtherProcess(run)
    finished = ImportRun.objects.create(importer="trade", files="a.csv", status=ImportRun.Status.SUCCEEDED)
    try:
        assert liveness.stop_abandoned() == []
        assert ImportRun.objects.get(pk=run.pk).status == "running"
    finally:
        other.end()

    stopped = liveness.stop_abandoned()

    assert [r.pk for r in stopped] == [run.pk]
    run.refresh_from_db()
    assert run.status == "stopped"
    assert run.message.startswith(f"Stopped: the process running it ({run.worker}) ended before the run finished")
    assert "nothing of it was stored; run it again." in run.message
    assert ImportRun.objects.get(pk=finished.pk).status == "succeeded"
    assert liveness.stop_abandoned() == []  # found once


@pytest.mark.django_db
def test_the_command_reports_what_it_stopped():
    run = running(worker=exited_worker())  # on PostgreSQL: and no session holds its lock
    out = io.StringIO()

    call_command("stop_abandoned_imports", stdout=out)

    assert f"#{run.pk} trade (b.csv): Stopped: the process running it" in out.getvalue()
    assert "1 abandoned run(s) marked stopped." in out.getvalue()


@pytest.mark.django_db
def test_a_run_another_process_holds_is_not_run_a_second_time():
    run = running()
    other = OtherProcess(run)
    try:
        if connection.vendor == "postgresql":
            with pytest.raises(liveness.RunHeldElsewhere, match=f"import run #{run.pk} is being run by another"):
                with liveness.held(run):
                    pytest.fail("entered a run another session holds")
        else:  # one machine: the pid is what tells a live run from a dead one
            assert liveness.abandoned() == []
    finally:
        other.end()
    if connection.vendor == "postgresql":
        with liveness.held(run):  # free again, and now this session's
            assert liveness.abandoned() == []
        assert liveness.abandoned() == [run]


@pytest.mark.django_db
def test_the_admin_shows_a_run_whose_process_ended_as_stopped_without_refreshing(editor_client):
    run = running(worker=exited_worker())

    page = editor_client.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()

    assert "Stopped (its process ended; nothing stored)." in page
    assert "nothing of it was stored; run it again." in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.celery_worker
def test_an_upload_keeps_its_release_and_can_store_the_good_rows_of_a_file_with_a_bad_one(
    celery_worker, editor_client, editor, tmp_path
):
    with override_settings(MEDIA_ROOT=tmp_path):
        response = editor_client.post(
            reverse("admin:imports_importrun_add"),
            {
                "importer": "trade",
                "upload": ContentFile(FILE.encode(), name="rus.csv"),
                "release": " 2024-06 ",
                "skip_bad_rows": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        run = wait_for_run(ImportRun.objects.get().pk)

    assert (run.status, run.release, run.skip_bad_rows, run.created, run.rejected) == (
        "succeeded",
        "2024-06",
        True,
        2,
        1,
    ), (run.message, run.errors)
    assert run.worker.startswith(f"{socket.gethostname()}:")
    assert set(TradeFlow.objects.values_list("release", flat=True)) == {"2024-06"}
    assert [e["line"] for e in run.errors] == [3]


@pytest.mark.celery_worker
def test_an_upload_of_a_file_with_a_bad_row_stores_nothing_by_default(celery_worker, editor_client, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        editor_client.post(
            reverse("admin:imports_importrun_add"),
            {"importer": "trade", "upload": ContentFile(FILE.encode(), name="rus.csv")},
        )
        run = wait_for_run(ImportRun.objects.get().pk)

    assert (run.status, run.release, run.skip_bad_rows, run.rejected) == ("refused", "", False, 1)
    assert not TradeFlow.objects.exists()


@pytest.mark.celery_worker
def test_a_stopped_upload_is_run_again_when_its_task_comes_back(celery_worker, editor, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        run = ImportRun(importer="trade", files="rus.csv", user=editor, release="R1", skip_bad_rows=True)
        run.upload.save("rus.csv", ContentFile(FILE.encode()), save=False)
        run.status = ImportRun.Status.STOPPED
        run.save()

        assert run_import_task.delay(run.pk).get(timeout=30) == "succeeded"

    run.refresh_from_db()
    assert (run.created, run.rejected, run.message) == (2, 1, "")
    assert TradeFlow.objects.filter(release="R1").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"release": "2024"}, "Only trade files have a release."),
        ({"skip_bad_rows": "on"}, "This importer always stores a file&#x27;s good rows and lists the bad ones."),
    ],
)
def test_release_and_skip_bad_rows_are_refused_for_importers_without_releases(editor_client, tmp_path, fields, error):
    with override_settings(MEDIA_ROOT=tmp_path):
        response = editor_client.post(
            reverse("admin:imports_importrun_add"),
            {"importer": "hsg-travels", "upload": ContentFile(b"<trips/>", name="t.xml")} | fields,
        )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.celery_worker
def test_beat_sweeps_every_five_minutes_through_the_worker(celery_worker, celery_app):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    task = PeriodicTask.objects.get(task="imports.tasks.stop_abandoned_runs")
    assert (task.interval.every, task.interval.period, task.enabled) == (5, "minutes", True)
    entry = DatabaseScheduler(app=celery_app, lazy=True).Entry(task, app=celery_app)
    assert entry.task in celery_app.tasks
    run = running(worker=exited_worker())

    assert celery_app.send_task(entry.task).get(timeout=30) == 1

    assert ImportRun.objects.get(pk=run.pk).status == "stopped"
