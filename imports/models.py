"""What the import framework records: one row per run of an importer."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One run of an importer: who ran it, on what, and what came of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        REFUSED = "refused", "Refused (file not what it claims)"
        FAILED = "failed", "Failed"
        # Its process ended mid-run (imports.liveness): nothing of it was stored.
        STOPPED = "stopped", "Stopped (its process ended; nothing stored)"

    MAX_STORED_ERRORS = 500

    importer = models.CharField(max_length=40, help_text="e.g. 'hsg-travels', 'trade'.")
    format = models.CharField(max_length=40, blank=True, help_text="The detected file format.")
    files = models.TextField(help_text="The file names, one per line.")
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True, help_text="A file uploaded in the admin.")
    # Runs are the record of who imported what; keep them if the user goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    dry_run = models.BooleanField(default=False)
    release = models.CharField(
        max_length=40, blank=True, help_text="The dataset's release the files are from (trade files), e.g. '2023-06'."
    )
    skip_bad_rows = models.BooleanField(
        default=False,
        help_text="Store a file's good rows even if some are bad (trade files are otherwise whole or nothing).",
    )
    worker = models.CharField(max_length=255, blank=True, help_text="host:pid of the process that ran it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    extra_counts = models.JSONField(default=dict, blank=True, help_text="Related records created, e.g. people.")
    errors = models.JSONField(default=list, blank=True, help_text=f"The first {MAX_STORED_ERRORS} row errors.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table it had when runs were the kernel's (app label "chancery"); moved here
        # without copying rows (migrations imports 0001, chancery 0004).
        db_table = "chancery_importrun"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["importer", "-created_at"], name="importrun_importer_idx")]

    def __str__(self):
        return f"{self.importer} #{self.pk} ({self.get_status_display().lower()})"

    @property
    def progress_cache_key(self) -> str:
        # created_at too: ids restart when a database is recreated; the cache may outlive it.
        return f"import-run:{self.pk}:{self.created_at.timestamp()}:progress"
