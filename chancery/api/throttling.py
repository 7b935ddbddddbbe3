"""Rate limits: a counter per client and fixed window, one cache round trip per request.

DRF's throttles keep a list of every request's time in the cache and read and write it back
whole on each request (two round trips, and a list as long as the rate). A fixed window
counts the same budget with one INCR; Retry-After says when the window ends. If the cache
cannot be reached the request is let through (logged): a rate limit is not worth an outage.
"""

import logging

from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from chancery.cache import hit

logger = logging.getLogger(__name__)


class FixedWindowMixin:
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window, into = divmod(now, self.duration)
        try:
            count = hit(cache, f"{key}:{int(window)}", self.duration)
        except Exception:  # the cache is down: serve rather than refuse
            logger.warning("rate limit not checked: the cache cannot be reached", exc_info=True)
            return True
        self.wait_seconds = self.duration - into
        return count <= self.num_requests

    def wait(self):
        return self.wait_seconds


class AnonymousRateThrottle(FixedWindowMixin, AnonRateThrottle):
    scope = "anonymous"


class ClientRateThrottle(FixedWindowMixin, UserRateThrottle):
    """Per user, so all of one user's tokens and sessions share one budget."""

    scope = "client"
