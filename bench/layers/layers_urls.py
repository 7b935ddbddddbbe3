"""Where a flows page's time goes: the bare app's work in Django, one layer added at a time.

Each view runs the bare app's code (bench/bare_app.py: its SQL, through Django's database
connection, and its JSON with the next link); what differs is what surrounds it:

    /layers/django/      a plain Django view (served with and without the app's middleware)
    /layers/drf/         a DRF APIView: no authentication, permissions or throttling
    /layers/drf-auth/    a DRF APIView with the app's token authentication, role permission
                         and rate limiting (a Redis round trip), as every API view has

bench_api.py measures each beside the bare app and the real endpoint, which adds to the last
one the filter form, the keyset paginator and content negotiation over three renderers.
"""

import bare_app
import orjson
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trade.models import TradeFlow


def page(request) -> dict:
    """The bare app's page, its SQL sent through Django's connection."""
    with connection.cursor() as cursor:
        return bare_app.flows_result(cursor, request.META, request.GET.dict())


def plain(request):
    return HttpResponse(orjson.dumps(page(request), option=orjson.OPT_UTC_Z), content_type="application/json")


class Bare(APIView):
    renderer_classes = [ORJSONRenderer]
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get(self, request):
        return Response(page(request))


class Authenticated(APIView):
    """The project's defaults: token or session authentication, RolePermission, rate limits."""

    renderer_classes = [ORJSONRenderer]
    permission_model = TradeFlow

    def get(self, request):
        return Response(page(request))


urlpatterns = [
    path("layers/django/", plain),
    path("layers/drf/", Bare.as_view()),
    path("layers/drf-auth/", Authenticated.as_view()),
]
