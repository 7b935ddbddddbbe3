"""The analysts' pages, included at the site root by chancery/urls.py.

Each app's pages come from its views.py; pages built around a timeline (home, country, pair,
topic, search) and the feeds from timelines/urls.py.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from agreements import views as agreements
from chancery import editing
from chancery.accounts import LoginForm
from directory import views as directory
from trade import views as trade
from visits import views as visits

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, next_page="home", authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("countries/", directory.country_list, name="country-list"),
    path("visits/", visits.visit_list, name="visit-list"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit"),
    path("people/<int:pk>/", visits.person_detail, name="person"),
    path("topics/", visits.topic_list, name="topic-list"),
    path("agreements/", agreements.agreement_list, name="agreement-list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/drafts/<int:number>/", agreements.draft_detail, name="agreement-draft"),
    path("agreements/<int:pk>/drafts/compare/", agreements.draft_compare, name="agreement-draft-compare"),
    path("trade/", trade.explorer, name="trade-explorer"),
    # Editors' forms on the visit and agreement pages, and any record's history.
    path("edit/<str:kind>/<int:pk>/status/", editing.edit_status, name="edit-status"),
    path("edit/<str:kind>/<int:pk>/citation/", editing.edit_citation, name="edit-citation"),
    path("edit/<str:kind>/<int:pk>/dates/", editing.edit_dates, name="edit-dates"),
    path("edit/<str:kind>/<int:pk>/agenda/", editing.edit_agenda, name="edit-agenda"),
    path("edit/<str:kind>/<int:pk>/draft/", editing.edit_draft, name="edit-draft"),
    path("history/<str:kind>/<int:pk>/", editing.history, name="history"),
    path("", include("timelines.urls")),
]
