"""The directory's pages."""

from django.urls import path

from directory import views

urlpatterns = [
    path("countries/", views.country_list, name="country-list"),
]
