"""Beat's timeline schedule lives in the database, where administrators change it in the admin."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

import timelines.tasks

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCHEDULED = {"timelines.tasks.drain_timeline_outbox", "timelines.tasks.reconcile_timelines"}


def test_the_outbox_drain_and_the_nightly_reconciliation_are_scheduled_by_default(celery_app):
    tasks = {task.task: task for task in PeriodicTask.objects.filter(task__in=SCHEDULED)}

    assert set(tasks) == SCHEDULED
    assert (
        tasks["timelines.tasks.drain_timeline_outbox"].interval.every,
        tasks["timelines.tasks.drain_timeline_outbox"].interval.period,
    ) == (60, "seconds")
    assert str(tasks["timelines.tasks.reconcile_timelines"].crontab.hour) == "3"
    assert SCHEDULED <= set(celery_app.tasks), timelines.tasks


def test_beat_reads_the_schedule_from_the_database(celery_app):
    makefile = (ROOT / "Makefile").read_text()
    beat = re.search(r"^CELERY_BEAT\s*:=\s*(.*)$", makefile, re.MULTILINE).group(1)
    assert f"--scheduler {settings.CELERY_BEAT_SCHEDULER}" in beat

    scheduler = DatabaseScheduler(app=celery_app, lazy=True)
    entries = [
        scheduler.Entry(task, app=celery_app) for task in PeriodicTask.objects.enabled().filter(task__in=SCHEDULED)
    ]

    assert {entry.task for entry in entries} == SCHEDULED
    assert all(entry.is_due().next > 0 for entry in entries)


def test_an_administrator_can_change_the_schedule_in_the_admin_and_an_editor_cannot(client, admin_user, editor):
    task = PeriodicTask.objects.get(task="timelines.tasks.reconcile_timelines")
    page = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])

    client.force_login(admin_user)
    response = client.get(page)
    assert response.status_code == 200
    assert b'name="crontab"' in response.content
    client.force_login(editor)
    assert client.get(page).status_code == 403
