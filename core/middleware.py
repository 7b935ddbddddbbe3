"""Chancery's middleware: a 503 (not a 500) when the database cannot be reached."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

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
