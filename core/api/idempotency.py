"""`Idempotency-Key` on API creates: a retried POST gets the record the first attempt made.

A client whose connection drops after sending a create cannot tell whether it was stored.
Updates and status changes are safe to retry as they are (their If-Match no longer matches
once the first attempt went through: a 412 with the current version), but a second POST
would create a second record. With a key (any 1 to 255 printable ASCII characters the client
chooses, a UUID say), the first attempt stores the key with its record in one transaction;
a retry with the same key and the same request (method, address and body) is answered 201
with that record, and `Idempotent-Replayed: true`; the same key on another request is a 422.
Keys are the user's own and kept for IdempotencyKey.LIFETIME_HOURS.

The header follows the IETF draft "The Idempotency-Key HTTP Header Field".
"""

import datetime
import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.exceptions import ValidationError

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255


class KeyReused(exceptions.APIException):
    status_code = 422
    default_detail = (
        "This Idempotency-Key was first sent with another request (method, address or body); "
        "send a new key with a new request."
    )
    default_code = "idempotency_key_reused"


class CreatedRecordGone(exceptions.NotFound):
    default_detail = "The record this Idempotency-Key created has been deleted since."


def request_key(request) -> str | None:
    """The request's key, None without one; a 400 for a key that is not one."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError({HEADER: [f"A key is 1 to {MAX_LENGTH} printable ASCII characters, e.g. a UUID."]})
    return key


def fingerprint(request) -> str:
    """The request as the key first came with it: method, path and the parsed body (so the
    same JSON with its keys in another order or spaced differently is the same request)."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256("\0".join([request.method, request.path, body]).encode()).hexdigest()


def claim(request, key: str):
    """In the create's transaction: (the new key's row, None) for a first attempt, or (the
    row, the record it created) for a retry. KeyReused if the key came with another request.

    Two attempts at once: the second one's insert waits for the first's transaction, then
    finds its row (or, if the first failed, makes its own).
    """
    IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - datetime.timedelta(hours=IdempotencyKey.LIFETIME_HOURS)
    ).delete()
    request_print = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=request.user, key=key, fingerprint=request_print), None
    except IntegrityError:
        pass
    entry = IdempotencyKey.objects.select_related("content_type").get(user=request.user, key=key)
    if entry.fingerprint != request_print:
        raise KeyReused()
    model = entry.content_type.model_class()
    record = model._default_manager.filter(pk=entry.object_id).first()
    if record is None:
        raise CreatedRecordGone()
    return entry, record


def remember(entry: IdempotencyKey, record) -> None:
    entry.content_type = ContentType.objects.get_for_model(record)
    entry.object_id = str(record.pk)
    entry.save(update_fields=["content_type", "object_id"])
