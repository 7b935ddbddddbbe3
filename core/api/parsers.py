"""The API's JSON parser, with the size limit Django puts on every other request body.

DRF reads a JSON body straight from the request stream, so DATA_UPLOAD_MAX_MEMORY_SIZE,
which guards form posts and `request.body`, never applies to it: a 10 MB string in a
visit's summary would be parsed and stored. Here the body is read up to the limit and one
byte more, and a longer one is refused with 413 before anything is parsed.
"""

import io

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from drf_orjson_renderer.parsers import ORJSONParser
from rest_framework import exceptions, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class BoundedJSONParser(ORJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise RequestTooLarge(f"The request body is larger than the {filesizeformat(limit)} limit.")
        return super().parse(io.BytesIO(body), media_type, parser_context)
