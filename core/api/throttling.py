"""Rate limits: DRF's throttles, with a budget per token, and serving when the cache is down.

DRF keeps each client's recent request times in the cache (a sliding window) and answers 429
with Retry-After over the rate. If the cache cannot be reached the request is let through
(logged): a rate limit is not worth an outage.

Budgets: each API token has its own (the issue's "per-token" limit; a client with two
tokens for two jobs gets two budgets); a browser session counts against its user; anonymous
visitors (when anonymous reading is on) against their address, as core.client_ip reads it
(TRUSTED_PROXY_COUNT: a forged X-Forwarded-For does not buy a fresh budget).

Views outside DRF that a client reaches with an API token (the Atom and iCalendar feeds) count
against that token's budget too: `too_many_requests`.
"""

import logging
import math

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.client_ip import client_ip

logger = logging.getLogger(__name__)


class ServeWhenCacheIsDownMixin:
    """DRF's throttle, letting the request through when the cache cannot be reached."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is down: serve rather than refuse
            logger.warning("rate limit not checked: the cache cannot be reached", exc_info=True)
            return True

    def get_ident(self, request):
        return client_ip(request)


class AnonymousRateThrottle(ServeWhenCacheIsDownMixin, AnonRateThrottle):
    scope = "anonymous"


class ClientRateThrottle(ServeWhenCacheIsDownMixin, UserRateThrottle):
    scope = "client"

    def get_cache_key(self, request, view):
        digest = getattr(request.auth, "digest", None)
        if digest:
            return self.token_key(digest)
        return super().get_cache_key(request, view)

    def token_key(self, digest: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"token-{digest[:32]}"}


def too_many_requests(request, auth) -> HttpResponse | None:
    """For a page-side view a client reached with an API token (`request.user` already its user,
    `auth` the token): the API's throttles (DEFAULT_THROTTLE_CLASSES) count the request against
    the same budget an API request with that token uses. Over it: a 429 with Retry-After, as the
    API answers; within it: None."""
    api_request = Request(request)
    api_request.user = request.user
    api_request.auth = auth
    waits = []
    for throttle in (throttle_class() for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES):
        if not throttle.allow_request(api_request, None):
            waits.append(throttle.wait())
    if not waits:
        return None
    seconds = max(1, math.ceil(max((wait for wait in waits if wait is not None), default=1)))
    response = HttpResponse(
        f"Too many requests with this token: try again in {seconds} seconds.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response
