"""The API's status requests that name the directory's sources and citations: a new record's
first status (`first_status`, on create) and the correction of a status-history row.

The dates and the rules are core.status's (new_status_date, correct_status_change); these
serializers only read the request and find the source or citation it names.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api.status_history import StatusRowCorrectionSerializer
from core.dates import DatePrecision
from core.status import prepare_new_status, record_new_status
from directory.models import Citation, Source
from directory.services import cite


class FirstStatusSerializer(serializers.Serializer):
    """When the record was first in the status it is created in, and who reported it."""

    on = serializers.DateField(
        required=False,
        help_text="When it happened in the world (YYYY-MM-DD; with month or year precision any day in it). "
        "Without it: the record's own date for the status, else the source's publication date, else today.",
    )
    precision = serializers.ChoiceField(choices=DatePrecision.choices, default=DatePrecision.DAY)
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(),
        required=False,
        allow_null=True,
        help_text="The source that reported it (an id from sources/); the record is cited to it.",
    )
    reliability = serializers.ChoiceField(
        choices=Citation.Reliability.choices, required=False, help_text="How reliable the source is for it."
    )
    quote = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("source") is not None:
            if not attrs.get("reliability"):
                raise serializers.ValidationError({"reliability": "Say how reliable the source is for this status."})
        elif attrs.get("reliability") or attrs.get("quote"):
            raise serializers.ValidationError({"source": "Name the source the reliability and the quote are about."})
        return attrs


class FirstStatusMixin(serializers.Serializer):
    """For the serializer of a record with a status history: a write-only `first_status` taken
    on create and refused on update. Errors inside it are named `first_status.on` and so on."""

    first_status = FirstStatusSerializer(
        write_only=True,
        required=False,
        help_text="Only when creating: the first status's real-world date and source. "
        "Correct it later with PATCH .../status-history/{row}/.",
    )

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            nested = exc.detail.get("first_status") if isinstance(exc.detail, dict) else None
            if isinstance(nested, dict):
                detail = {k: v for k, v in exc.detail.items() if k != "first_status"}
                detail.update({f"first_status.{name}": errors for name, errors in nested.items()})
                raise serializers.ValidationError(detail) from exc
            raise

    def validate_first_status(self, value):
        if self.instance is not None:
            raise serializers.ValidationError(
                "The first status is given when the record is created; correct its row with "
                "PATCH .../status-history/{row}/."
            )
        return value

    def check_first_status(self, record, attrs) -> None:
        """Refuse a first-status date the new record's own date contradicts (`record`: the
        unsaved record as the request would make it)."""
        first = attrs.get("first_status")
        if self.instance is not None or not first:
            return
        try:
            prepare_new_status(record, **self._dating(first))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"first_status.on": exc.message_dict["on"]}) from exc

    def save_new_record(self, record, first: dict | None):
        """Save the new record with its own date for its first status filled from `first` where
        it keeps one and has none (prepare_new_status)."""
        prepare_new_status(record, **self._dating(first or {}))
        record.save()
        return record

    def record_first_status(self, record, first: dict | None):
        """The saved record's first status row, dated and cited as `first` says."""
        first = first or {}
        citation = None
        if first.get("source") is not None:
            citation = cite(record, source=first["source"], reliability=first["reliability"], quote=first["quote"])
        return record_new_status(
            record,
            user=self.context["request"].user,
            where="through the API",
            on=first.get("on"),
            precision=first.get("precision", DatePrecision.DAY),
            citation=citation,
            note=first.get("note", ""),
        )

    @staticmethod
    def _dating(first: dict) -> dict:
        return {
            "on": first.get("on"),
            "precision": first.get("precision", DatePrecision.DAY),
            "source": first.get("source"),
        }


class CitedStatusRowCorrectionSerializer(StatusRowCorrectionSerializer):
    """A correction that may name the row's source: one of the record's own citations."""

    citation = serializers.PrimaryKeyRelatedField(
        queryset=Citation.objects.all(),
        required=False,
        allow_null=True,
        help_text="One of the record's citations (its `citations`), or null for none.",
    )
