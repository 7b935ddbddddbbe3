"""The site's URLs: each app's pages from its own urls.py, the API's viewsets in one router.

This module and the settings are the only places in the project package that name the apps.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agreements.api import AgreementViewSet
from directory.api import CitationViewSet, CountryViewSet, OrganisationViewSet, PersonViewSet, SourceViewSet
from editorial.views import review_queue
from intake.api import ProposalViewSet, ReportViewSet
from timelines.api import TimelineView
from timelines.deletions import DeletionsView
from trade.api import TradeClaimViewSet, TradeFlowViewSet, TradeSeriesView
from visits.api import NegotiationTopicViewSet, VisitViewSet

admin.site.site_header = "Chancery"
admin.site.site_title = "Chancery"
admin.site.index_title = "Records"

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
router.register("intake/reports", ReportViewSet, basename="intake-reports")
router.register("intake/proposals", ProposalViewSet, basename="intake-proposals")

api_urlpatterns = [
    path("v1/deletions/", DeletionsView.as_view(), name="api-deletions"),
    path("v1/trade/series/", TradeSeriesView.as_view(), name="trade-series"),
    path("v1/timeline/", TimelineView.as_view(), name="timeline"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns = [
    path("admin/review/", admin.site.admin_view(review_queue), name="review-queue"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    # The analysts' pages, each app's own; the timeline pages (the home page among them) last.
    path("", include("core.urls")),
    path("", include("directory.urls")),
    path("", include("visits.urls")),
    path("", include("agreements.urls")),
    path("", include("trade.urls")),
    path("", include("editorial.urls")),
    path("", include("intake.urls")),
    path("", include("timelines.urls")),
]
handler404 = "core.views.not_found"
