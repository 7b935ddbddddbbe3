"""What load_datasets remembers: the fingerprint of each dataset's files when last loaded."""

from django.db import models

from imports.models import ImportRun


class DatasetLoad(models.Model):
    """The last successful load of one shipped dataset, so an unchanged dataset is not read again."""

    name = models.CharField(max_length=40, unique=True, help_text="The dataset's name in datasets.registry.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 over the files' names and contents.")
    files = models.PositiveIntegerField(help_text="How many files were loaded.")
    import_run = models.ForeignKey(ImportRun, null=True, on_delete=models.SET_NULL, related_name="+")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (loaded {self.loaded_at:%Y-%m-%d %H:%M})"
