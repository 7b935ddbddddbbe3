"""Visit, person and topic-list pages."""

from django.urls import path

from visits import views

urlpatterns = [
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/<id:pk>/", views.visit_detail, name="visit"),
    path("people/<id:pk>/", views.person_detail, name="person"),
    path("topics/", views.topic_list, name="topic-list"),
]
