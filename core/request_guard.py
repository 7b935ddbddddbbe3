"""Refuse NUL bytes in a request's path or query string with a 400, before any view runs.

No identifier, filter or search in Chancery can contain one, and PostgreSQL refuses them in
text (a ValueError deep in a query, a 500): `/countries/%00/` or `?q=%00` would reach the
database from any page that looks a value up. Form fields are already guarded by Django's
own validators (ProhibitNullCharactersValidator).
"""

from django.http import HttpResponse, JsonResponse


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
        if request.path.startswith("/api/"):
            error = {"status": 400, "code": "invalid", "message": message}
            if parameter is not None:
                error["fields"] = {parameter: ["A parameter may not contain NUL bytes."]}
            return JsonResponse({"error": error}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
