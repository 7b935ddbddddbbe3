"""Editors' forms on the visit and agreement pages, and any record's history."""

from django.urls import path

from editorial import corrections, editing, entry

urlpatterns = [
    path("edit/<str:kind>/<int:pk>/status/", editing.edit_status, name="edit-status"),
    path("edit/<str:kind>/<int:pk>/citation/", editing.edit_citation, name="edit-citation"),
    path("edit/<str:kind>/<int:pk>/dates/", editing.edit_dates, name="edit-dates"),
    path("edit/<str:kind>/<int:pk>/agenda/", editing.edit_agenda, name="edit-agenda"),
    path("edit/<str:kind>/<int:pk>/draft/", editing.edit_draft, name="edit-draft"),
    path("edit/<str:kind>/<int:pk>/status/<int:row_pk>/", corrections.edit_status_row, name="edit-status-row"),
    path("sources/new/", entry.new_source, name="source-new"),
    path("sources/open/", entry.open_source, name="source-open"),
    path("entry/<int:pk>/<str:name>/", entry.enter, name="entry"),
    path("entry/lookup/<str:kind>/", entry.lookup, name="entry-lookup"),
    path("history/<str:kind>/<int:pk>/", editing.history, name="history"),
]
