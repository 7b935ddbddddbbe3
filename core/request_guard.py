"""Guards that answer before any view runs: NUL bytes in the address, and oversized bodies.

NUL bytes: no identifier, filter or search in Chancery can contain one, and PostgreSQL refuses
them in text (a ValueError deep in a query, a 500): `/countries/%00/` or `?q=%00` would reach
the database from any page that looks a value up. Form fields are already guarded by Django's
own validators (ProhibitNullCharactersValidator).

Bodies: see LimitRequestBodyMiddleware.
"""

import re
import tempfile

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve

# Room for multipart framing (boundaries, each part's headers) around a route's file and fields.
MULTIPART_FRAMING_BYTES = 64 * 1024
# A body sent without Content-Length is read in pieces of this size.
CHUNK_BYTES = 64 * 1024
DIGITS = re.compile(r"[0-9]+")


def _refuse(request, status: int, code: str, message: str, fields: dict | None = None):
    """The API's error shape on an API path (core/api/errors.py), the message as text elsewhere."""
    if request.path.startswith("/api/"):
        error = {"status": status, "code": code, "message": message}
        if fields:
            error["fields"] = fields
        return JsonResponse({"error": error}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _parameter_with_nul(request) -> str | None:
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name
    return None


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parameter = None if "\x00" in request.path else _parameter_with_nul(request)
        if parameter is None and "\x00" not in request.path:
            return self.get_response(request)
        where = "the address" if parameter is None else f"the parameter {parameter!r}"
        message = f"A NUL byte (%00) in {where}: no Chancery address or parameter may contain one."
        fields = None if parameter is None else {parameter: ["A parameter may not contain NUL bytes."]}
        return _refuse(request, 400, "invalid", message, fields)


def body_limit(request) -> int | None:
    """The largest body this request may send: DATA_UPLOAD_MAX_MEMORY_SIZE (forms, sign-in, the
    API's JSON), or, on a route that takes a file (UPLOAD_ROUTES, by URL name) and for a signed-in
    user, that route's largest file, the form's fields and the multipart framing around them."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if fields is None:
        return None
    try:
        largest_file = settings.UPLOAD_ROUTES.get(resolve(request.path_info).view_name)
    except Resolver404:
        return fields
    user = getattr(request, "user", None)
    if largest_file is None or user is None or not user.is_authenticated:
        return fields
    return largest_file + fields + MULTIPART_FRAMING_BYTES


class LimitRequestBodyMiddleware:
    """Refuse a body over its route's limit (`body_limit`) with 413 before a byte of it is read.

    Django reads a WSGI body only up to its Content-Length (django.core.handlers.wsgi.LimitedStream:
    a longer body is cut off there), so a Content-Length over the limit is refused from the header
    alone. A body sent without one (Transfer-Encoding: chunked), which Django would take for empty,
    is streamed into a spooled file here, at most one byte past the limit: over it, a 413; within
    it, the request goes on with that body and its length. A server that does not say its input
    ends (wsgi.input_terminated) cannot be read without a length: 411. Placed after authentication
    (an upload route's larger limit is for signed-in users) and before anything reads the body
    (CSRF reads it in process_view, after every middleware's request phase). Under ASGI the
    server hands Django the whole body first, so this refuses it but too late to spare the read:
    Chancery is served by gunicorn (WSGI), with the proxy's own limit in front (README).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared:
            if not DIGITS.fullmatch(declared):
                return _refuse(request, 400, "invalid", "The Content-Length header is not a number of bytes.")
            fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if fields is not None and int(declared) > fields:
                limit = body_limit(request)
                if limit is not None and int(declared) > limit:
                    return self.too_large(request, limit)
        elif "HTTP_TRANSFER_ENCODING" in request.META and "wsgi.input" in request.META:
            refused = self.read_unsized_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def too_large(request, limit: int):
        message = f"The request body is larger than the {filesizeformat(limit)} limit."
        return _refuse(request, 413, "request_too_large", message)

    def read_unsized_body(self, request):
        if not request.META.get("wsgi.input_terminated"):
            return _refuse(request, 411, "length_required", "A request body needs a Content-Length header.")
        limit = body_limit(request)
        source = request.META["wsgi.input"]
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
        size = 0
        while chunk := source.read(CHUNK_BYTES if limit is None else min(CHUNK_BYTES, limit + 1 - size)):
            size += len(chunk)
            if limit is not None and size > limit:
                body.close()
                return self.too_large(request, limit)
            body.write(chunk)
        body.seek(0)
        # What Django's ASGI handler does with such a body: the request reads this file, of this length.
        request.META["CONTENT_LENGTH"] = str(size)
        request._stream = body
        return None
