from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo case (a visit to Dushanbe and what surrounds it) as data, and its loader."""

    name = "demo"
    verbose_name = "Demo"
