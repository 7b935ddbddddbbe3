"""The OpenAPI schema documents the errors every operation can answer with, in their one shape."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.api import idempotency


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    current_version = serializers.IntegerField(required=False, help_text="With 412: the record's version now.")
    allowed = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="With 409: the statuses allowed."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ALWAYS = {
    "400": "A parameter or field is not valid; `fields` names each one.",
    "401": "No credentials, or a revoked or expired token.",
    "403": "The user's role does not allow this.",
    "404": "No such record.",
    "405": "The method is not allowed here.",
    "406": "The Accept header asks for a format this endpoint does not give.",
    "429": "Over the rate limit; Retry-After says when to come back.",
}
_WRITES = {
    "409": "The state machine does not allow this status change; `allowed` lists what it does.",
    "412": "The record changed since it was read (If-Match is stale).",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
    "428": "If-Match is required: send the record's ETag.",
}
_IDEMPOTENT_CREATES = {
    "422": "This Idempotency-Key was first sent with another request.",
}


def _idempotent_create(view) -> bool:
    # Here, not at the top: DRF imports this module (DEFAULT_SCHEMA_CLASS) before the apps are
    # ready, and conditional reaches the models.
    from core.api.conditional import ConditionalMixin

    return getattr(view, "action", None) == "create" and isinstance(view, ConditionalMixin)


class ChanceryAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = dict(_ALWAYS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.update(_WRITES)
        if _idempotent_create(self.view):
            codes.update(_IDEMPOTENT_CREATES)
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                if "text/csv" in response.get("content", {}):
                    # Asked for CSV, an error is a line of CSV text (core.api.csv.CSVRenderer).
                    response["content"]["text/csv"] = {"schema": {"type": "string"}}
                responses[code] = response
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if _idempotent_create(self.view):
            parameters = [
                *parameters,
                OpenApiParameter(
                    idempotency.HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    description=(
                        "Any 1 to 255 printable ASCII characters (a UUID, say), new for each new record. A retry with the "
                        "same key and body gets the record the first attempt created (201, `Idempotent-Replayed: true`) "
                        f"instead of a second one. Keys are kept for {idempotency.IdempotencyKey.LIFETIME_HOURS} hours."
                    ),
                ),
            ]
        return parameters
