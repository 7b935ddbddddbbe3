"""Beat schedules created once by a data migration, then edited in the admin (defining them in
settings would have beat overwrite the admin's edits at each start). For migrations: they pass
their historical `apps`."""


def add_interval_task(apps, *, name: str, task: str, every: int, period: str, description: str) -> None:
    """The periodic task `name` running `task` every `every` `period`, unless it exists already."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
    PeriodicTask.objects.get_or_create(
        name=name, defaults={"task": task, "interval": interval, "description": description}
    )


def remove_tasks(apps, *names: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()
