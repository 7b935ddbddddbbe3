from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """Editors' work across apps: edit panels on the pages, history, the review queue."""

    name = "editorial"
    verbose_name = "Editorial"
