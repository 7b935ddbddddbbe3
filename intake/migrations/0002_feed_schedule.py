"""Beat asks every five minutes which feeds are due (intake.tasks.poll_due_feeds).

Created once, like the other schedules: from then on it is edited in the admin. Each feed's
own interval is `Feed.poll_minutes`, edited with the feed.
"""

from django.db import migrations

NAME = "Intake: poll the feeds that are due"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "intake.tasks.poll_due_feeds",
            "interval": every_five_minutes,
            "description": "Each active feed whose interval has passed is polled, with conditional requests; "
            "new items become reports for review on the intake pages.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_reports_proposals_feeds"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
