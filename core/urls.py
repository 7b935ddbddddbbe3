"""Signing in and out, and the health check."""

from django.contrib.auth import views as auth_views
from django.urls import path

from core import views
from core.accounts import LoginForm

urlpatterns = [
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, next_page="home", authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
]
