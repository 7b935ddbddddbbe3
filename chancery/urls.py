from django.contrib import admin
from django.urls import include, path

from chancery import views
from chancery.review_views import review_queue

admin.site.site_header = "Chancery"
admin.site.site_title = "Chancery"
admin.site.index_title = "Records"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("admin/review/", admin.site.admin_view(review_queue), name="review-queue"),
    path("admin/", admin.site.urls),
    path("api/", include("chancery.api.urls")),
    # The analysts' pages, the home page among them, last: they own the rest of the URL space.
    path("", include("chancery.page_urls")),
]
handler404 = "chancery.views.not_found"
