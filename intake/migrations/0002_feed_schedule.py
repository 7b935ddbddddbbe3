"""Beat asks every five minutes which feeds are due (intake.tasks.poll_due_feeds).

Created once, like the other schedules: from then on it is edited in the admin. Each feed's
own interval is `Feed.poll_minutes`, edited with the feed.
"""

from django.db import migrations

from core.beat_schedules import add_interval_task, remove_tasks

NAME = "Intake: poll the feeds that are due"


def create_schedule(apps, schema_editor):
    add_interval_task(
        apps,
        name=NAME,
        task="intake.tasks.poll_due_feeds",
        every=5,
        period="minutes",
        description="Each active feed whose interval has passed is polled, with conditional requests; "
        "new items become reports for review on the intake pages.",
    )


def remove_schedule(apps, schema_editor):
    remove_tasks(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_reports_proposals_feeds"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
