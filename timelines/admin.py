from django.contrib import admin

from timelines.models import RefreshRun, TimelineEntry, TimelineOutbox, TimelineRepair


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the refresh jobs write: readable for checking, never added or edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "title", "country_a", "country_b"]
    list_filter = [
        "kind",
        ("country_a", admin.RelatedOnlyFieldListFilter),
        ("country_b", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "summary", "key", "unit"]
    date_hierarchy = "date"
    list_select_related = ["country_a", "country_b"]


class TimelineRepairInline(admin.TabularInline):
    model = TimelineRepair
    fields = ["key", "action", "fields", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RefreshRun)
class RefreshRunAdmin(ReadOnlyAdmin):
    """Reconciliation runs and the drift each repaired; runs are started by beat or refresh_timelines."""

    list_display = [
        "__str__",
        "trigger",
        "started_at",
        "finished_at",
        "units_total",
        "entries_created",
        "entries_updated",
        "entries_deleted",
    ]
    list_filter = ["status", "scope", "trigger"]
    inlines = [TimelineRepairInline]


@admin.register(TimelineOutbox)
class TimelineOutboxAdmin(ReadOnlyAdmin):
    """Refreshes that could not be queued while the broker was down, until beat drains them."""

    list_display = ["__str__", "created_at", "attempts", "last_error"]
