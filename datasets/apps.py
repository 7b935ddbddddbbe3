from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    """The real datasets shipped in data/, what each one is, and their loader (load_datasets)."""

    name = "datasets"
    verbose_name = "Shipped datasets"
