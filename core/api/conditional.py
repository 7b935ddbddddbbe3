"""Conditional requests on versioned records: ETag on reads, If-Match required on writes.

The ETag is the record's id and version, so it changes exactly when the record does: a GET
with a matching If-None-Match gets 304, and a write whose If-Match no longer matches gets
412 with the current version instead of overwriting someone else's edit.
"""

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from core.api import idempotency
from core.api.errors import PreconditionFailed, PreconditionRequired


def etag_for(instance) -> str:
    return f'"{instance._meta.model_name}-{instance.pk}-v{instance.version}"'


def _listed(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def check_if_match(request, instance) -> None:
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    current = etag_for(instance)
    if "*" not in _listed(header) and current not in _listed(header):
        raise PreconditionFailed(current_version=instance.version, etag=current)


class ConditionalMixin:
    """For ModelViewSets over TrackedModel: ETags on retrieve, If-Match on update."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = etag_for(instance)
        if etag in _listed(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(self.get_serializer(instance).data, headers={"ETag": etag})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            # Lock the row so the version compared is the version overwritten.
            instance = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
            check_if_match(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        instance = serializer.instance
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    def create(self, request, *args, **kwargs):
        key = idempotency.request_key(request)
        if key is None:
            return self._create(request, *args, **kwargs)
        with transaction.atomic():
            entry, record = idempotency.claim(request, key)
            if record is not None:
                headers = {"ETag": etag_for(record), idempotency.REPLAYED_HEADER: "true"}
                return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED, headers=headers)
            response = self._create(request, *args, **kwargs)
            idempotency.remember(entry, self.created_instance)
        return response

    def _create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        instance = getattr(self, "created_instance", None)
        if instance is not None:
            response["ETag"] = etag_for(instance)
        return response

    def perform_create(self, serializer):
        self.created_instance = serializer.save()
