"""One shape for every API error, so clients handle them all the same way.

{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"start_date": ["..."]}}}
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError, connection
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.statemachine import StaleEdit


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "This change needs an If-Match header with the record's ETag (read the record first)."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it."
    default_code = "precondition_failed"

    def __init__(self, *, current_version: int, etag: str):
        super().__init__()
        self.current_version = current_version
        self.etag = etag


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _fields_and_message(detail):
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        # DRF's shape for errors that are not about fields (a body that is not JSON, a 404):
        # its text is the message, not a field called "detail".
        return {}, str(detail["detail"])
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            messages = value if isinstance(value, list) else [value]
            fields[name] = [str(m) if not isinstance(m, dict) else m for m in messages]
        non_field = fields.pop("non_field_errors", None)
        message = " ".join(non_field) if non_field else "Some fields are not valid."
        if non_field:
            fields["non_field_errors"] = non_field
        return fields, message
    if isinstance(detail, list):
        return {}, " ".join(str(m) for m in detail)
    return {}, str(detail)


def _check_no_database_error_was_swallowed() -> None:
    """Raise OperationalError if a database error occurred during this request.

    Django's Q.check(), behind the checks of conditional unique constraints (DRF's validators and
    model validation alike), takes a database error for "the constraint is violated". While the
    database is down a valid record would then be refused as a duplicate: a 400 the client will
    not retry. Django flags the connection after such an error (errors_occurred, cleared by the
    next successful connect, commit or rollback); raising makes the refusal the 503 it is
    (core.middleware).
    """
    if connection.errors_occurred:
        raise OperationalError("a database error occurred while the request was being validated")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, exceptions.ValidationError):
        _check_no_database_error_was_swallowed()
    if isinstance(exc, StaleEdit):
        exc = Conflict(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields, message = _fields_and_message(response.data)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "invalid")
    body = {"error": {"status": response.status_code, "code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    if isinstance(exc, PreconditionFailed):
        body["error"]["current_version"] = exc.current_version
        response["ETag"] = exc.etag
    if isinstance(exc, Conflict) and getattr(exc, "allowed", None) is not None:
        body["error"]["allowed"] = exc.allowed
    return Response(body, status=response.status_code, headers=dict(response.items()))
