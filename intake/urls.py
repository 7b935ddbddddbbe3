"""The intake pages: reports in, proposals decided."""

from django.urls import path

from intake import views

urlpatterns = [
    path("intake/", views.report_list, name="intake"),
    path("intake/new/", views.new_report, name="intake-new"),
    path("intake/reports/<id:pk>/", views.report_detail, name="intake-report"),
    path("intake/reports/<id:pk>/accept-confident/", views.accept_confident_view, name="intake-accept-confident"),
    path("intake/proposals/<id:pk>/edit/", views.edit_view, name="intake-edit"),
    path("intake/proposals/<id:pk>/accept/", views.accept_view, name="intake-accept"),
    path("intake/proposals/<id:pk>/reject/", views.reject_view, name="intake-reject"),
]
