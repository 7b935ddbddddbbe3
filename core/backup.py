"""What a backup holds: every record and its audit history, not what a new database recreates.

Content types and permissions are rebuilt by `migrate` (records refer to them by natural
key), sessions, login-attempt logs, API idempotency keys and beat's change marker are transient. Countries, the role groups and the
beat schedules are in the file too; loading overwrites the copies migrate made.
"""

from django.apps import apps
from django.conf import settings

EXCLUDED_FROM_BACKUP = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    # a day's memory of API creates' Idempotency-Keys
    "chancery.idempotencykey",
    # beat's "schedules changed at" marker: rewritten whenever schedules are saved, loading included
    "django_celery_beat.periodictasks",
]


def content_counts() -> dict[str, int]:
    """Rows per content model, to tell an empty database from one holding records."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in settings.CHANCERY_CONTENT_APPS and model._meta.label != "directory.Country"
    }
