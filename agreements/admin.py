from django.contrib import admin

from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
from agreements.services import add_draft_version
from core.admin_mixins import StatusHistoryInline, StatusMachineAdmin
from directory.admin_mixins import CitationInline
from directory.selectors import citations_of


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["country"]


class AgreementStatusChangeInline(StatusHistoryInline):
    model = AgreementStatusChange


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
    autocomplete_fields = ["topics", "signed_at_visit", "expected_at_visit"]
    date_hierarchy = "signed_on"
    inlines = [AgreementPartyInline, AgreementStatusChangeInline, DraftVersionInline, CitationInline]

    citations_of = staticmethod(citations_of)

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
