import pytest
from django.db import connection

from directory.models import Country
from directory.tasks import database_probe


@pytest.mark.celery_worker
def test_a_task_runs_through_redis_on_a_real_worker_and_reads_the_database(celery_worker):
    result = database_probe.delay()

    answer = result.get(timeout=30)

    assert result.successful()
    assert answer == {"vendor": connection.vendor, "countries": Country.objects.count()}
    assert answer["countries"] > 250  # the migration-loaded country list, seen from the worker
