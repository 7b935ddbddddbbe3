"""A shorter road through DRF for the request bulk clients repeat all day: a token's GET of a JSON page.

A client walking the trade flows sends the same request thousands of times: a token, a page
of JSON. Of what serving it costs, DRF's own handling (its request wrapper with parsers and a
negotiator, content negotiation, the response rendered through Django's template-response
machinery) was about a sixteenth: 4.90 M instructions per 100-row page, 4.60 M without it
(valgrind; the bare WSGI app of bench/ takes 2.70 M), and the issue's target is a ratio to
that bare app. For that one shape of request the view below checks the token, the role
permissions and the rate limits with the viewset's own classes, builds the page with the
viewset's own `page(request)` (what its `list` returns), and renders it with the viewset's
JSON renderer. The answer equals DRF's, headers and body (tests/api/test_fastpath.py
compares the two).

Everything else goes to the DRF view as before: other methods, formats and Accept headers,
sessions and anonymous visitors, and every refusal. A request refused here (a bad token, no
permission, over its rate, a bad filter or cursor) goes on to DRF, which answers with its own
error body. Its token was already checked and counted against the rate limit: the outcome is
left on the request, and TokenAuthentication takes it from there instead of counting again.
"""

import functools

from django.http import HttpResponse
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from core.api.auth import TokenAuthentication, remember_outcome

PLAIN_ACCEPT = frozenset({"", "*/*", "application/json"})


def token_json_pages(drf_view):
    """`drf_view` (a viewset's list view, whose viewset has `page(request) -> data`), serving
    token-authenticated GETs of JSON itself and handing every other request to `drf_view`."""
    viewset, initkwargs = drf_view.cls, drf_view.initkwargs
    authenticator = TokenAuthentication()
    headers = _response_headers(drf_view)
    renderer = viewset.renderer_classes[0]()
    prefix = authenticator.authenticate_header(None) + " "

    @functools.wraps(drf_view)
    def view(request, *args, **kwargs):
        meta = request.META
        if (
            request.method != "GET"
            or args
            or kwargs
            or "format" in request.GET
            or meta.get("HTTP_ACCEPT", "") not in PLAIN_ACCEPT
            or not meta.get("HTTP_AUTHORIZATION", "").startswith(prefix)
        ):
            return drf_view(request, *args, **kwargs)
        try:
            outcome = authenticator.authenticate(request)
        except APIException as refusal:
            outcome = refusal
        remember_outcome(request, outcome)
        # Without a rate counted with the token (no shared cache), the throttle would count
        # here and DRF again on a refusal: leave it all to DRF.
        if not isinstance(outcome, tuple) or getattr(outcome[1], "rate_counted", None) is None:
            return drf_view(request, *args, **kwargs)
        instance = viewset(**initkwargs)
        instance.action, instance.args, instance.kwargs = "list", args, kwargs
        instance.request = drf_request = Request(request, authenticators=())
        drf_request.user, drf_request.auth = outcome
        try:
            instance.check_permissions(drf_request)
            instance.check_throttles(drf_request)
            data = instance.page(drf_request)
        except APIException:
            return drf_view(request, *args, **kwargs)
        response = HttpResponse(renderer.render(data, renderer.media_type), content_type=renderer.media_type)
        for name, value in headers.items():
            response[name] = value
        return response

    return view


def _response_headers(drf_view) -> dict:
    """The headers DRF gives every response of this view (Allow, Vary): they depend on the
    viewset's class and actions only, so they are read once from an instance set up as DRF's
    as_view sets one up, with its handlers bound."""
    instance = drf_view.cls(**drf_view.initkwargs)
    actions = {**drf_view.actions}
    actions.setdefault("head", actions.get("get"))
    for method, action in actions.items():
        setattr(instance, method, getattr(instance, action))
    return dict(instance.default_response_headers)
