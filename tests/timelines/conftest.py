import pytest
from django.contrib.contenttypes.models import ContentType

from timelines.reconcile import all_units
from timelines.refresh import refresh_units


@pytest.fixture(autouse=True)
def fresh_content_types():
    """Forget content type ids cached by earlier tests.

    Entries store their record's content type id, and a worker process looks the ids up
    afresh; an earlier test that recreated content types (a backup restored) would otherwise
    leave this process comparing against ids that are no longer there.
    """
    ContentType.objects.clear_cache()


@pytest.fixture
def refresh_all():
    """Recompute every timeline unit here, in this process, as a reconciliation batch would."""

    def refresh():
        return refresh_units(all_units(), keep_changes=True)

    return refresh


@pytest.fixture
def purged_queue(celery_app):
    """Start with an empty Redis queue: earlier tests may have left refreshes in it."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()
