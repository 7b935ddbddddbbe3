"""`POST {record}/transitions/`: status changes through the one service, core.status.change_status."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.conditional import check_if_match, etag_for
from core.api.errors import Conflict
from core.api.serializers import TransitionSerializer
from core.status import change_status


class TransitionsMixin:
    """Adds the transitions endpoint to a viewset.

    The viewset's model has a status machine (see core.status); `transition_serializer_class`
    may add fields to the request (the citation reporting the change).
    """

    transition_serializer_class = TransitionSerializer
    # The permission an action needs when its HTTP method would suggest another (a POST
    # that changes a record rather than adding one); set per action by @action.
    write_permission: str | None = None

    @extend_schema(
        request=TransitionSerializer,
        parameters=[
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True, description="The record's ETag.")
        ],
        responses={
            201: OpenApiResponse(description="The status changed; the body is the updated record."),
            409: OpenApiResponse(
                description="The state machine does not allow this change; `allowed` lists what it does."
            ),
            412: OpenApiResponse(description="The record changed since it was read."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
        description="Move the record to a new status. Only the transitions of its state machine are accepted.",
    )
    @action(detail=True, methods=["post"], url_path="transitions", write_permission="change")
    def transitions(self, request, pk=None, format=None):  # format: the router's `.json` suffix route passes it
        record = self.get_object()
        request_data = self.transition_serializer_class(data=request.data)
        request_data.is_valid(raise_exception=True)
        data = request_data.validated_data
        with transaction.atomic():
            record = type(record)._default_manager.select_for_update().get(pk=record.pk)
            check_if_match(request, record)
            machine = type(record).status_machine
            allowed = machine.allowed_targets(record.status)
            if data["to_status"] not in allowed:
                conflict = Conflict(f"A {machine.name} cannot go from {record.status} to {data['to_status']}.")
                conflict.allowed = allowed
                raise conflict
            # The request's fields are the service's own: to_status, on, precision, note, citation.
            change_status(record, **data, user=request.user, expected_version=record.version)
        record.refresh_from_db()
        return Response(
            self.get_serializer(record).data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(record)}
        )
