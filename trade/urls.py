"""The trade explorer."""

from django.urls import path

from trade import views

urlpatterns = [
    path("trade/", views.explorer, name="trade-explorer"),
]
