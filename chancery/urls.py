from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from chancery import views
from chancery.review_views import review_queue

admin.site.site_header = "Chancery"
admin.site.site_title = "Chancery"
admin.site.index_title = "Records"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("health/", views.health, name="health"),
    path("admin/review/", admin.site.admin_view(review_queue), name="review-queue"),
    path("admin/", admin.site.urls),
    path("api/", include("chancery.api.urls")),
]
handler404 = "chancery.views.not_found"
