"""Beat looks for runs whose process ended mid-run every five minutes (imports.liveness).

Created once, like the timelines' schedules: from then on it is edited in the admin.
"""

from django.db import migrations

from core.beat_schedules import add_interval_task, remove_tasks

NAME = "Imports: mark runs whose process ended as stopped"


def create_schedule(apps, schema_editor):
    add_interval_task(
        apps,
        name=NAME,
        task="imports.tasks.stop_abandoned_runs",
        every=5,
        period="minutes",
        description="A run still 'running' whose process is gone (killed, machine lost) stored nothing; "
        "it is marked stopped so editors know to run it again.",
    )


def remove_schedule(apps, schema_editor):
    remove_tasks(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_run_release_and_liveness"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
