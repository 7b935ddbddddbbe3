"""Abstract bases shared by every app's models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken

from core.dates import DatePrecision, format_imprecise_date


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


class StatusChange(models.Model):
    """One row of a record's append-only status history (a visit's, an agreement's).

    A concrete history names its record's field in `record_field`, declares that foreign key
    with `related_name="status_changes"` and the citation reporting the change, and narrows
    `from_status` and `to_status` to its record's statuses. Rows are written by
    core.status.change_status and record_first_status only.
    """

    record_field: str

    from_status = models.CharField(max_length=12, blank=True, help_text="Empty for the first status recorded.")
    to_status = models.CharField(max_length=12)
    changed_on = models.DateField(help_text="When it happened in the world.")
    changed_precision = precision_field()
    # Who recorded it; the row stays if the user goes.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        when = format_imprecise_date(self.changed_on, self.changed_precision)
        return f"{getattr(self, f'{self.record_field}_id')}: {self.from_status or '—'} → {self.to_status} on {when}"

    @property
    def record(self):
        return getattr(self, self.record_field)


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
