"""Serializer pieces every app's API uses."""

from rest_framework import serializers

from core.dates import DatePrecision
from core.values import validate_text, validate_year


class LabelledChoicesMixin:
    """Beside every choice field `status: "in_force"`, a read-only `status_label: "In force"`."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in list(fields.items()):
            if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
                fields[f"{name}_label"] = serializers.CharField(
                    source=f"get_{field.source or name}_display", read_only=True
                )
        return fields


class StatusChangeSerializer(LabelledChoicesMixin, serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    changed_on = serializers.DateField()
    changed_precision = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, allow_null=True)
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField()
    citation = serializers.IntegerField(source="citation_id", allow_null=True)


class TransitionSerializer(serializers.Serializer):
    """A request to move a record to a new status."""

    to_status = serializers.CharField(max_length=20)
    on = serializers.DateField(help_text="When it happened in the world (YYYY-MM-DD).", validators=[validate_year])
    precision = serializers.ChoiceField(choices=DatePrecision.choices, default=DatePrecision.DAY)
    note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", validators=[validate_text]
    )
