"""Chancery's middleware: a 503 (not a 500) when the database cannot be reached, the CSP
header built once, and message storage made only when a message is read or written."""

import functools
import logging

import csp.constants
import csp.middleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# Paths whose clients read JSON: the API (in its error shape) and the health check.
JSON_PATHS = ("/api/", "/health/")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chancery is briefly unavailable</title></head>
<body><h1>Chancery is briefly unavailable</h1>
<p>The database cannot be reached just now. Nothing you saved before this page is lost;
please try again in a few seconds.</p></body></html>
"""


class DatabaseUnavailableMiddleware:
    """Turn a lost or refused database connection raised by a view into a 503.

    OperationalError and InterfaceError are what the driver raises while the database restarts
    or is out of reach. An atomic block open at the time is rolled back; a write that committed
    before the failure (while its response was being built) stays, so a client retrying a POST
    should look for its record first. Django closes the broken connection at the end of the request and the
    next one connects afresh (CONN_HEALTH_CHECKS), so no restart of the web process is needed.
    Rendered without templates or the user: both may need the database that is gone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        if request.path.startswith(JSON_PATHS):
            message = "The database cannot be reached just now. Try again shortly."
            body = {"error": {"status": 503, "code": "database_unavailable", "message": message}}
            response = JsonResponse(body, status=503)
        else:
            response = HttpResponse(PAGE, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, building the policy header once rather than for every response.

    django-csp rebuilds both policies (enforced and report-only) from the settings on every
    response, copying each directive: about a tenth of a cheap API request's time. The header
    depends on the settings alone unless a view changes the policy for its response (django-csp's
    decorators set `response._csp_*`) or the page asked for a nonce; Chancery does neither today,
    and such a response is still handed to django-csp as it is. The plain header is taken from
    what django-csp itself wrote for the first plain response, and forgotten when the settings
    change (tests' override_settings).
    """

    _PARTS = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
    _HEADERS = (csp.constants.HEADER, csp.constants.HEADER_REPORT_ONLY)
    _plain: dict[str, str | None] | None = None

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, part, None) is not None for part in self._PARTS
        ):
            return super().process_response(request, response)
        cls = type(self)
        special = any(header in response for header in self._HEADERS) or self._excepted(request, response)
        if cls._plain is None or special:
            # The first plain response, or one django-csp treats specially: django-csp decides.
            response = super().process_response(request, response)
            if not special:
                cls._plain = {header: response.get(header) for header in self._HEADERS}
            return response
        for header, value in cls._plain.items():
            if value:
                response[header] = value
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _excepted(request, response) -> bool:
        """Exempted by a decorator, a debug page django-csp leaves alone, or an excluded path."""
        if getattr(response, "_csp_exempt", False) or getattr(response, "_csp_exempt_ro", False):
            return True
        if response.status_code in (500, 404) and settings.DEBUG:
            return True
        prefixes = [
            prefix
            for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            for prefix in ((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        ]
        return bool(prefixes) and request.path_info.startswith(tuple(prefixes))


@receiver(setting_changed)
def _forget_the_plain_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        CSPMiddleware._plain = None


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with the storage made on first use.

    Django makes the message storage for every request (a cookie signer and the session's
    storage behind it: about 1 % of an API request's instructions, measured under valgrind),
    though only pages that say "saved" or show what was said read or write messages, and API requests
    never do. Here the storage is made when a view or template first touches it; a response to
    a request that never did has nothing to store.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(functools.partial(default_storage, request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
