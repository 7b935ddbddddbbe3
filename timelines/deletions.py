"""`GET /api/v1/deletions/?since=...`: what was deleted, for clients that mirror by change feed.

Lists read `updated_since` for what changed; deleted rows are no longer there to list, so
their audit history (which records deletions) answers instead.
"""

from django.apps import apps
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

# API record type -> model, for every record the API serves that can be deleted.
DELETABLE = {
    "visit": "visits.Visit",
    "topic": "visits.NegotiationTopic",
    "agreement": "agreements.Agreement",
    "person": "directory.Person",
    "organisation": "directory.Organisation",
    "source": "directory.Source",
    "citation": "directory.Citation",
    "trade_flow": "trade.TradeFlow",
    "trade_claim": "trade.TradeClaim",
}
MAX_ROWS = 10_000


class DeletionsView(APIView):
    permission_model = None  # any signed-in reader; the rows carry only ids and times

    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, required=True, description="ISO 8601 date-time."),
            OpenApiParameter("type", str, enum=list(DELETABLE), description="Only this record type."),
        ],
        responses=inline_serializer(
            "Deletion",
            {"type": serializers.CharField(), "id": serializers.CharField(), "deleted_at": serializers.DateTimeField()},
            many=True,
        ),
    )
    def get(self, request):
        field = serializers.DateTimeField()
        try:
            since = field.to_internal_value(request.query_params.get("since", ""))
        except serializers.ValidationError as exc:
            raise ValidationError({"since": exc.detail}) from None
        wanted = request.query_params.get("type")
        if wanted is not None and wanted not in DELETABLE:
            raise ValidationError({"type": [f"Unknown type {wanted!r}; one of {', '.join(DELETABLE)}."]})
        rows = []
        for record_type, label in DELETABLE.items():
            if wanted and record_type != wanted:
                continue
            history = apps.get_model(label).history
            for pk, when in history.filter(history_type="-", history_date__gte=since).values_list("id", "history_date")[
                :MAX_ROWS
            ]:
                rows.append({"type": record_type, "id": str(pk), "deleted_at": when})
        rows.sort(key=lambda row: row["deleted_at"])
        return Response(rows[:MAX_ROWS])
