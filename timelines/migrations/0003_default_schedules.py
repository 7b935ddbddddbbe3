"""The timeline's beat schedule, created once: from then on it is edited in the admin.

(Defining it in settings instead would have beat overwrite the admin's edits at each start.)
"""

from django.db import migrations

DRAIN = "Timelines: refresh what waited in the outbox"
RECONCILE = "Timelines: nightly reconciliation"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=DRAIN,
        defaults={
            "task": "timelines.tasks.drain_timeline_outbox",
            "interval": every_minute,
            "description": "Refreshes that could not be queued while the broker was down.",
        },
    )
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=RECONCILE,
        defaults={
            "task": "timelines.tasks.reconcile_timelines",
            "crontab": nightly,
            "description": "Recompute every timeline entry, repair any drift and record it (Timelines › Refresh runs).",
        },
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[DRAIN, RECONCILE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("timelines", "0002_refresh_machinery"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
