"""Rate limits: DRF's throttles, with a budget per token, and serving when the cache is down.

DRF keeps each client's recent request times in the cache (a sliding window) and answers 429
with Retry-After over the rate. If the cache cannot be reached the request is let through
(logged): a rate limit is not worth an outage.

Budgets: each API token has its own (the issue's "per-token" limit; a client with two
tokens for two jobs gets two budgets); a browser session counts against its user; anonymous
visitors (when anonymous reading is on) against their address.
"""

import logging

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class ServeWhenCacheIsDownMixin:
    """DRF's throttle, letting the request through when the cache cannot be reached."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is down: serve rather than refuse
            logger.warning("rate limit not checked: the cache cannot be reached", exc_info=True)
            return True


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
