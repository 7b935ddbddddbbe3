"""Abstract bases shared by every app's models."""

from django.db import models

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
