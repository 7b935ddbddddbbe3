"""Rate limits: a counter per client and fixed window, one cache round trip per request.

DRF's throttles keep a list of every request's time in the cache and read and write it back
whole on each request (two round trips, and a list as long as the rate). A fixed window
counts the same budget with one INCR; Retry-After says when the window ends. If the cache
cannot be reached the request is let through (logged): a rate limit is not worth an outage.

Budgets: each API token has its own (the issue's "per-token" limit; a client with two
tokens for two jobs gets two budgets); a browser session counts against its user; anonymous
visitors (when anonymous reading is on) against their address.
"""

import logging

from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.cache import hit

logger = logging.getLogger(__name__)


class FixedWindowMixin:
    def window_key(self, ident_key: str, now: float) -> str:
        return f"{ident_key}:{int(now // self.duration)}"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        key = self.window_key(key, now)
        try:
            count = hit(cache, key, self.duration)
        except Exception:  # the cache is down: serve rather than refuse
            logger.warning("rate limit not checked: the cache cannot be reached", exc_info=True)
            return True
        self.wait_seconds = self.duration - now % self.duration
        return count <= self.num_requests

    def wait(self):
        return self.wait_seconds


class AnonymousRateThrottle(FixedWindowMixin, AnonRateThrottle):
    scope = "anonymous"


class ClientRateThrottle(FixedWindowMixin, UserRateThrottle):
    scope = "client"

    def get_cache_key(self, request, view):
        digest = getattr(request.auth, "digest", None)
        if digest:
            return self.token_key(digest)
        return super().get_cache_key(request, view)

    def token_key(self, digest: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"token-{digest[:32]}"}
