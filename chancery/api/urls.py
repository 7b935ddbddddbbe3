from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agreements.api import AgreementViewSet
from chancery.api.deletions import DeletionsView
from timelines.api import TimelineView
from trade.api import TradeClaimViewSet, TradeFlowViewSet, TradeSeriesView
from directory.api import CitationViewSet, CountryViewSet, OrganisationViewSet, PersonViewSet, SourceViewSet
from visits.api import NegotiationTopicViewSet, VisitViewSet

router = DefaultRouter()
# Flows first: URL patterns are tried in order, and the bulk endpoint data users call thousands
# of times in a row should not be matched after some forty others.
router.register("trade/flows", TradeFlowViewSet, basename="trade-flows")
router.register("countries", CountryViewSet, basename="countries")
router.register("people", PersonViewSet, basename="people")
router.register("organisations", OrganisationViewSet, basename="organisations")
router.register("sources", SourceViewSet, basename="sources")
router.register("citations", CitationViewSet, basename="citations")
router.register("visits", VisitViewSet, basename="visits")
router.register("topics", NegotiationTopicViewSet, basename="topics")
router.register("agreements", AgreementViewSet, basename="agreements")
router.register("trade/claims", TradeClaimViewSet, basename="trade-claims")

urlpatterns = [
    path("v1/deletions/", DeletionsView.as_view(), name="api-deletions"),
    path("v1/trade/series/", TradeSeriesView.as_view(), name="trade-series"),
    path("v1/timeline/", TimelineView.as_view(), name="timeline"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
