"""Editors' forms on the visit and agreement pages, and any record's history."""

from django.urls import path

from editorial import editing

urlpatterns = [
    path("edit/<str:kind>/<int:pk>/status/", editing.edit_status, name="edit-status"),
    path("edit/<str:kind>/<int:pk>/citation/", editing.edit_citation, name="edit-citation"),
    path("edit/<str:kind>/<int:pk>/dates/", editing.edit_dates, name="edit-dates"),
    path("edit/<str:kind>/<int:pk>/agenda/", editing.edit_agenda, name="edit-agenda"),
    path("edit/<str:kind>/<int:pk>/draft/", editing.edit_draft, name="edit-draft"),
    path("history/<str:kind>/<int:pk>/", editing.history, name="history"),
]
