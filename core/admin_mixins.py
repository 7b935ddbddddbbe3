"""Admin pieces shared by the content apps."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core.concurrency import VersionedModelForm, stale_edit_message
from core.forms import StatusChangeForm
from core.statemachine import StaleEdit, StatusMachine
from core.status import record_new_status


class ReadOnlyHistoryInline:
    """An append-only history shown in place: readable, never edited from the form."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusHistoryInline(ReadOnlyHistoryInline, admin.TabularInline):
    """A record's status history (a core.models.StatusChange) under its form. Set `model`."""

    fields = ["from_status", "to_status", "changed_on", "changed_precision", "recorded_by", "recorded_at", "note"]
    readonly_fields = fields


class TrackedAdmin(SimpleHistoryAdmin):
    """Shows the version and timestamps every tracked model carries, read-only, and refuses a
    save made over a newer version (see core.concurrency)."""

    form = VersionedModelForm

    readonly_tracking_fields = ("version", "created_at", "updated_at")
    # Links typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.readonly_tracking_fields)


class StatusMachineAdmin(TrackedAdmin):
    """Status is set once at creation; after that only the status service changes it.

    The admin form shows status read-only, with a link to a page that offers the allowed
    transitions and calls the service, so nothing bypasses the transition table and the
    append-only history.
    """

    # The citations a status change may name: a function of the record (the record's own).
    citations_of: Callable

    @property
    def status_machine(self) -> StatusMachine:
        return self.model.status_machine

    def record_initial_status(self, obj, *, user):
        record_new_status(obj, user=user, where="in the admin")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "status_and_actions") if obj is not None else fields

    def get_exclude(self, request, obj=None):
        excluded = super().get_exclude(request, obj) or ()
        return (*excluded, "status") if obj is not None else excluded

    @admin.display(description="Status")
    def status_and_actions(self, obj):
        label = obj.get_status_display()
        if not self.status_machine.allowed_targets(obj.status):
            return f"{label} (final)"
        link = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_status", args=[obj.pk])
        return format_html('{} — <a href="{}">change status</a>', label, link)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.record_initial_status(obj, user=request.user)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="{}_{}_status".format(*info),
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, object_id):
        record = self.get_object(request, object_id)
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        form = StatusChangeForm(request.POST or None, record=record, citations=self.citations_of(record))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                form.change_status(record, user=request.user)
            except StaleEdit:
                form.add_error(
                    None,
                    stale_edit_message(record, data["loaded_version"], type(record).objects.get(pk=record.pk).version),
                )
            except ValidationError as exc:
                for field, field_messages in exc.message_dict.items():
                    form.add_error(None, f"{field}: {' '.join(field_messages)}")
            else:
                messages.success(request, f"{record} is now {self.status_machine.labels[data['to_status']].lower()}.")
                return redirect(
                    reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": record,
            "form": form,
            "title": f"Change the status of {record}",
            "current": record.get_status_display(),
        }
        return TemplateResponse(request, "admin/status_change.html", context)
