"""Abstract bases shared by every app's models."""

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken

from chancery.dates import DatePrecision


class TrackedModel(models.Model):
    """Timestamps and a version number for optimistic concurrency.

    Every save of an existing row increments `version`; an edit made against an older
    version can then be recognised as stale and refused instead of silently overwriting.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)


def precision_field(help_text: str = "How precisely the date is known.") -> models.CharField:
    return models.CharField(
        max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY, help_text=help_text
    )


class ImportRun(models.Model):
    """One run of an importer: who ran it, on what, and what came of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        REFUSED = "refused", "Refused (file not what it claims)"
        FAILED = "failed", "Failed"

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
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["importer", "-created_at"], name="importrun_importer_idx")]

    def __str__(self):
        return f"{self.importer} #{self.pk} ({self.get_status_display().lower()})"

    @property
    def progress_cache_key(self) -> str:
        # created_at too: ids restart when a database is recreated; the cache may outlive it.
        return f"import-run:{self.pk}:{self.created_at.timestamp()}:progress"


class ApiToken(AbstractAuthToken):
    """A client's API token, stored only as a hash (knox); the plain token is shown once.

    Revoking deletes the row: the audit trail of what the token did is in the records'
    history, which names the user.
    """

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'dashboard on host X'.")

    class Meta:
        swappable = "KNOX_TOKEN_MODEL"
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.user}, {self.token_key}…)"


class IdempotencyKey(models.Model):
    """An API create sent with an `Idempotency-Key` header, kept for a day, so that a client
    retrying it (its connection dropped before the answer came) gets the record the first
    attempt created instead of a second one. Written in the create's transaction: there is a
    key exactly when there is its record."""

    LIFETIME_HOURS = 24

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # What the key was first sent with (method, path and body), to refuse it on another request.
    fingerprint = models.CharField(max_length=64)
    content_type = models.ForeignKey("contenttypes.ContentType", null=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_user_key_unique")]

    def __str__(self):
        return f"{self.key} ({self.user_id})"
