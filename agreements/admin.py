from django.contrib import admin
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
from agreements.services import (
    AGREEMENT_STATUS_MACHINE,
    add_draft_version,
    change_agreement_status,
    record_initial_agreement_status,
)
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
    """Versions are added, never rewritten: earlier ones are read-only, a new one is numbered
    by the service when the agreement is saved."""

    model = DraftVersion
    extra = 0
    fields = ["text", "note"]
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["number", "author", "created_at"] if obj is not None else []


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not DraftVersion:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these three lists.
        formset.changed_objects, formset.deleted_objects = [], []
        formset.new_objects = [
            add_draft_version(
                agreement=form.instance,
                text=draft_form.cleaned_data["text"],
                author=request.user,
                note=draft_form.cleaned_data.get("note", ""),
            )
            for draft_form in formset.extra_forms
            if draft_form.has_changed()
        ]

    def record_initial_status(self, obj, *, user):
        record_initial_agreement_status(
            agreement=obj, on=timezone.localdate(), user=user, note="Recorded in the admin."
        )
