"""Rate limits: DRF's throttles counted by the `limits` library, with a budget per token, and
serving when the counter cannot be reached.

DRF's throttle classes say who a client is and what its rate is (DEFAULT_THROTTLE_RATES) and
answer 429 with Retry-After. DRF's own counting reads the client's list of request times out
of the cache and writes it back on every request: at the default 1,200/min a busy client's
list is 1,200 floats, pickled both ways per request. Here the same moving window (the requests
let through in the last `duration` seconds) is kept by `limits` in Redis itself: one script
per request, the times never leave Redis (`MovingWindowRateLimiter`); without Redis, in this
process's memory. Only requests let through are counted, as DRF does. If Redis cannot be
reached the request is let through (logged): a rate limit is not worth an outage.

Budgets: each API token has its own (the issue's "per-token" limit; a client with two
tokens for two jobs gets two budgets); a browser session counts against its user; anonymous
visitors (when anonymous reading is on) against their address, as core.client_ip reads it
(TRUSTED_PROXY_COUNT: a forged X-Forwarded-For does not buy a fresh budget).

Views outside DRF that a client reaches with an API token (the Atom and iCalendar feeds) count
against that token's budget too: `too_many_requests`.
"""

import functools
import logging
import math
import time

from django.conf import settings
from django.http import HttpResponse
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.client_ip import client_ip

logger = logging.getLogger(__name__)


def limiter() -> MovingWindowRateLimiter:
    """The process's counter (API_RATE_STORAGE_URL: Redis, shared by every process, or memory)."""
    return _limiter(settings.API_RATE_STORAGE_URL)


@functools.cache
def _limiter(url: str) -> MovingWindowRateLimiter:
    options = {"socket_timeout": 1, "socket_connect_timeout": 1} if url.startswith("redis") else {}
    return MovingWindowRateLimiter(storage_from_string(url, **options))


class MovingWindowMixin:
    """DRF's throttle (who, at what rate, the 429), its requests counted by `limits`."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.item = self.window()
        try:
            return limiter().hit(self.item, self.key)
        except Exception:  # Redis is down: serve rather than refuse
            logger.warning("rate limit not checked: the counter cannot be reached", exc_info=True)
            return True

    def wait(self):
        """Seconds until the oldest request in the window leaves it, freeing a place."""
        try:
            reset_time, _remaining = limiter().get_window_stats(self.item, self.key)
        except Exception:
            return None
        return max(0.0, reset_time - time.time())

    def window(self) -> RateLimitItemPerSecond:
        """The rate as `limits` counts it: num_requests in a moving window of `duration` seconds."""
        return RateLimitItemPerSecond(self.num_requests, self.duration)

    def counted(self, key: str) -> int:
        """The requests `key`'s window holds now (for tests and operators)."""
        return self.num_requests - limiter().get_window_stats(self.window(), key).remaining

    def get_ident(self, request):
        return client_ip(request)


class AnonymousRateThrottle(MovingWindowMixin, AnonRateThrottle):
    scope = "anonymous"


class ClientRateThrottle(MovingWindowMixin, UserRateThrottle):
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
