"""Admin pieces shared by the content apps."""

from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from chancery.concurrency import VersionedModelForm
from directory.models import Citation


class CitationInline(GenericTabularInline):
    model = Citation
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = ["source", "field_name", "quote", "reported_on", "reliability", "stance", "speaker"]
    autocomplete_fields = ["source", "speaker"]


class ReadOnlyHistoryInline:
    """An append-only status history shown in place: readable, never edited from the form."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrackedAdmin(SimpleHistoryAdmin):
    """Shows the version and timestamps every tracked model carries, read-only, and refuses a
    save made over a newer version (see chancery.concurrency)."""

    form = VersionedModelForm

    readonly_tracking_fields = ("version", "created_at", "updated_at")
    # Links typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.readonly_tracking_fields)


class StatusMachineAdmin(TrackedAdmin):
    """Status is set once at creation; after that only the status service changes it.

    The admin form shows status read-only on existing records so that no change bypasses
    the transition table and the append-only history.
    """

    def record_initial_status(self, obj, *, user):
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "status") if obj is not None else fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.record_initial_status(obj, user=request.user)
