"""DRF's content negotiation, its answer remembered per Accept header.

Every API response is negotiated: DRF parses the Accept header into media types and matches
them against each renderer, on every request, and a bulk reader sends the same header
thousands of times in a row. The answer depends only on the header, the `?format=` value and
the view's renderer classes, so it is computed once by DRF's own code and remembered.

At most CACHE_SIZE answers are kept (least recently used first out), and only for headers
of up to MAX_REMEMBERED_HEADER characters, so a client sending endless distinct headers
costs a bounded amount of memory; such headers are negotiated afresh each time. Refusals
(406, or a 404 for an unknown format) are never remembered.
"""

import functools
from types import SimpleNamespace

from rest_framework.negotiation import DefaultContentNegotiation

CACHE_SIZE = 256
MAX_REMEMBERED_HEADER = 512


class CachedContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        header = request.META.get("HTTP_ACCEPT", "*/*")
        classes = tuple(type(renderer) for renderer in renderers)
        negotiate = _negotiate if len(header) <= MAX_REMEMBERED_HEADER else _negotiate.__wrapped__
        position, media_type = negotiate(header, format_, classes)
        return renderers[position], media_type


@functools.lru_cache(maxsize=CACHE_SIZE)
def _negotiate(header: str, format_: str | None, classes: tuple[type, ...]) -> tuple[int, str]:
    """DRF's answer for this Accept header, format and renderer classes: (which renderer,
    the accepted media type)."""
    # DRF reads only the header and the format from the request, and only media_type and
    # format from the renderers (class attributes), so the classes stand in for instances.
    request = SimpleNamespace(headers={"accept": header}, query_params={}, _parsed_accept_list=None)
    renderer, media_type = DefaultContentNegotiation().select_renderer(request, list(classes), format_)
    return classes.index(renderer), media_type
