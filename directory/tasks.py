"""Tasks of the directory's."""

from celery import shared_task
from django.db import connection

from directory.models import Country


@shared_task
def database_probe() -> dict:
    """Reads from the database inside a worker: proves the worker reaches the same data as the web."""
    return {"vendor": connection.vendor, "countries": Country.objects.count()}
