from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """The import framework: runner, set-based upsert, ImportRun, the admin's upload task."""

    name = "imports"
    verbose_name = "Imports"
