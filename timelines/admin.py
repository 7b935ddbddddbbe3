from django.contrib import admin

from timelines.models import TimelineEntry


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    """Computed rows: readable for checking, never edited (the refresh jobs own them)."""

    list_display = ["date", "kind", "title", "country_a", "country_b"]
    list_filter = ["kind", ("country_a", admin.RelatedOnlyFieldListFilter), ("country_b", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "summary", "key"]
    date_hierarchy = "date"
    list_select_related = ["country_a", "country_b"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
