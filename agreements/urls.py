"""Agreement pages and their drafts."""

from django.urls import path

from agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<id:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<id:pk>/drafts/<id:number>/", views.draft_detail, name="agreement-draft"),
    path("agreements/<id:pk>/drafts/compare/", views.draft_compare, name="agreement-draft-compare"),
]
