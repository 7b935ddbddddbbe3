from django.contrib import admin

from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
from chancery.admin_mixins import CitationInline, ReadOnlyHistoryInline, TrackedAdmin


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["country"]


class AgreementStatusChangeInline(ReadOnlyHistoryInline, admin.TabularInline):
    model = AgreementStatusChange
    fields = ["from_status", "to_status", "changed_on", "changed_precision", "recorded_by", "recorded_at", "note"]
    readonly_fields = fields


class DraftVersionInline(admin.StackedInline):
    model = DraftVersion
    extra = 0
    fields = ["number", "note", "author", "created_at", "text"]
    readonly_fields = ["author", "created_at"]


@admin.register(Agreement)
class AgreementAdmin(TrackedAdmin):
    list_display = ["title", "kind", "status", "signed_on", "in_force_on"]
    list_filter = ["status", "kind", "parties"]
    search_fields = ["title", "summary", "external_id"]
    autocomplete_fields = ["topics", "signed_at_visit"]
    date_hierarchy = "signed_on"
    inlines = [AgreementPartyInline, AgreementStatusChangeInline, DraftVersionInline, CitationInline]
