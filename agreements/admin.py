from django.contrib import admin
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
from agreements.services import AGREEMENT_STATUS_MACHINE, change_agreement_status, record_initial_agreement_status
from chancery.admin_mixins import CitationInline, ReadOnlyHistoryInline, StatusMachineAdmin


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
class AgreementAdmin(StatusMachineAdmin):
    list_display = ["title", "kind", "status", "signed_on", "in_force_on"]
    list_filter = ["status", "kind", "parties"]
    search_fields = ["title", "summary", "external_id"]
    autocomplete_fields = ["topics", "signed_at_visit"]
    date_hierarchy = "signed_on"
    inlines = [AgreementPartyInline, AgreementStatusChangeInline, DraftVersionInline, CitationInline]

    status_machine = AGREEMENT_STATUS_MACHINE
    record_argument = "agreement"
    change_status = staticmethod(change_agreement_status)

    def record_initial_status(self, obj, *, user):
        record_initial_agreement_status(agreement=obj, on=timezone.localdate(), user=user, note="Recorded in the admin.")
