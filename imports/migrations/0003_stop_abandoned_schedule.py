"""Beat looks for runs whose process ended mid-run every five minutes (imports.liveness).

Created once, like the timelines' schedules: from then on it is edited in the admin.
"""

from django.db import migrations

NAME = "Imports: mark runs whose process ended as stopped"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "imports.tasks.stop_abandoned_runs",
            "interval": every_five_minutes,
            "description": "A run still 'running' whose process is gone (killed, machine lost) stored nothing; "
            "it is marked stopped so editors know to run it again.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_run_release_and_liveness"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
