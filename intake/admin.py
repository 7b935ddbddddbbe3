"""Reports, their proposals and feeds in the admin: read-mostly; decisions are made on the
intake pages (intake.views), which go through intake.services."""

from django.contrib import admin

from core.admin_mixins import TrackedAdmin
from intake.models import Feed, Proposal, Publication, Report


class PublicationInline(admin.TabularInline):
    model = Publication
    extra = 0
    fields = ("title", "outlet_name", "url", "published_on", "feed", "guid", "source")
    readonly_fields = fields
    can_delete = False


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ("position", "kind", "state", "confidence", "reliability", "speaker", "quote")
    readonly_fields = fields
    can_delete = False


@admin.register(Report)
class ReportAdmin(TrackedAdmin):
    list_display = ("title", "published_on", "origin", "created_at", "created_by")
    list_filter = ("origin", "language")
    search_fields = ("title",)
    readonly_fields = ("text", "fingerprint", "signature", "reason", "created_by", "origin", "published_on")
    exclude = ("signature",)
    inlines = [PublicationInline, ProposalInline]

    def has_add_permission(self, request):
        return False  # a report comes in through the intake pages, which read it into proposals


@admin.register(Feed)
class FeedAdmin(TrackedAdmin):
    list_display = ("__str__", "url", "active", "poll_minutes", "polled_at")
    list_filter = ("active",)
    search_fields = ("title", "url")
    readonly_fields = ("etag", "last_modified", "polled_at", "last_result", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
