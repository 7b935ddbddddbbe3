"""Editors' forms on the visit and agreement pages, and any record's history."""

from django.urls import path

from editorial import corrections, editing, entry

urlpatterns = [
    path("edit/<str:kind>/<id:pk>/status/", editing.edit_status, name="edit-status"),
    path("edit/<str:kind>/<id:pk>/citation/", editing.edit_citation, name="edit-citation"),
    path("edit/<str:kind>/<id:pk>/dates/", editing.edit_dates, name="edit-dates"),
    path("edit/<str:kind>/<id:pk>/agenda/", editing.edit_agenda, name="edit-agenda"),
    path("edit/<str:kind>/<id:pk>/draft/", editing.edit_draft, name="edit-draft"),
    path("edit/<str:kind>/<id:pk>/status/<id:row_pk>/", corrections.edit_status_row, name="edit-status-row"),
    path("sources/new/", entry.new_source, name="source-new"),
    path("sources/open/", entry.open_source, name="source-open"),
    path("entry/<id:pk>/<str:name>/", entry.enter, name="entry"),
    path("entry/lookup/<str:kind>/", entry.lookup, name="entry-lookup"),
    path("history/<str:kind>/<id:pk>/", editing.history, name="history"),
]
