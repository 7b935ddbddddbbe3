"""`PATCH {record}/status-history/{row}/`: correct one row of a record's status history through
core.status.correct_status_change (its date, precision, note and source)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.conditional import check_if_match, etag_for
from core.api.serializers import StatusChangeSerializer
from core.dates import DatePrecision
from core.status import correct_status_change


class StatusRowSerializer(StatusChangeSerializer):
    """A status-history row with its id, the `{row}` a correction is sent to."""

    id = serializers.IntegerField(read_only=True)


class StatusRowCorrectionSerializer(serializers.Serializer):
    """A correction of a status-history row; what it leaves out stays as it is."""

    on = serializers.DateField(required=False, help_text="When it happened in the world (YYYY-MM-DD).")
    precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class StatusHistoryMixin:
    """Adds the status-history correction endpoint to a viewset over a record with a status
    history; `correction_serializer_class` may add fields (the citation naming the source)."""

    correction_serializer_class = StatusRowCorrectionSerializer

    @extend_schema(
        request=StatusRowCorrectionSerializer,
        parameters=[
            OpenApiParameter("row", int, OpenApiParameter.PATH, description="The row's id (its `status_changes` id)."),
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True, description="The record's ETag."),
        ],
        responses={
            200: OpenApiResponse(description="The row is corrected; the body is the updated record."),
            412: OpenApiResponse(description="The record changed since it was read."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
        description="Correct the date, precision, note or source of one status-history row. The row keeps its "
        "place in the history (not before the row before it, not after the next); the correction is in the "
        "row's audit history.",
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"status-history/(?P<row>[0-9]+)",
        url_name="status-history",
        write_permission="change",
    )
    def status_history(self, request, pk=None, row=None, format=None):  # format: the router's `.json` suffix route
        record = self.get_object()
        change = get_object_or_404(record.status_changes, pk=row)
        request_data = self.correction_serializer_class(data=request.data)
        request_data.is_valid(raise_exception=True)
        corrected = {
            "on": change.changed_on,
            "precision": change.changed_precision,
            "note": change.note,
            "citation": change.citation,
            **request_data.validated_data,
        }
        with transaction.atomic():
            locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
            check_if_match(request, locked)
            correct_status_change(change, **corrected, user=request.user, expected_version=locked.version)
        record.refresh_from_db()
        return Response(self.get_serializer(record).data, headers={"ETag": etag_for(record)})
