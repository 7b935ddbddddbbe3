"""Admin pieces shared by the content apps."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from chancery.concurrency import VersionedModelForm, stale_edit_message
from chancery.dates import DatePrecision
from chancery.statemachine import StaleEdit, StatusMachine
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


class StatusChangeForm(forms.Form):
    """An editor's status change: only the targets the machine allows are offered."""

    to_status = forms.ChoiceField(label="New status")
    on = forms.DateField(
        label="When it happened", help_text="YYYY-MM-DD; with month or year precision any day in it will do."
    )
    precision = forms.ChoiceField(choices=DatePrecision.choices, initial=DatePrecision.DAY)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    citation = forms.ModelChoiceField(
        queryset=Citation.objects.none(), required=False, help_text="The source that reports the change."
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, machine, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, machine.labels[s]) for s in machine.allowed_targets(record.status)]
        self.fields["citation"].queryset = Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
        ).select_related("source")
        self.fields["loaded_version"].initial = record.version


class StatusMachineAdmin(TrackedAdmin):
    """Status is set once at creation; after that only the status service changes it.

    The admin form shows status read-only, with a link to a page that offers the allowed
    transitions and calls the service, so nothing bypasses the transition table and the
    append-only history.
    """

    status_machine: StatusMachine
    record_argument: str

    def change_status(self, **kwargs):
        raise NotImplementedError

    def record_initial_status(self, obj, *, user):
        raise NotImplementedError

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
            path("<path:object_id>/status/", self.admin_site.admin_view(self.status_view), name="%s_%s_status" % info),
            *super().get_urls(),
        ]

    def status_view(self, request, object_id):
        record = self.get_object(request, object_id)
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        form = StatusChangeForm(request.POST or None, machine=self.status_machine, record=record)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                self.change_status(
                    **{self.record_argument: record},
                    to_status=data["to_status"],
                    on=data["on"],
                    precision=data["precision"],
                    user=request.user,
                    note=data["note"],
                    citation=data["citation"],
                    expected_version=data["loaded_version"],
                )
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


@admin.action(description="Merge the two selected records into one", permissions=["change", "delete"])
def merge_selected(modeladmin, request, queryset):
    """Ask which of two selected records survives, then merge the other into it."""
    from directory.merging import merge_records

    records = list(queryset[:3])
    if len(records) != 2:
        modeladmin.message_user(request, "Select exactly two records to merge.", messages.WARNING)
        return None
    if request.POST.get("survivor"):
        survivor = next((r for r in records if str(r.pk) == request.POST["survivor"]), None)
        if survivor is None:
            modeladmin.message_user(request, "Choose one of the two records to keep.", messages.ERROR)
            return None
        duplicate = records[1] if survivor is records[0] else records[0]
        try:
            moved = merge_records(survivor=survivor, duplicate=duplicate, user=request.user)
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        summary = ", ".join(f"{count} {name}" for name, count in moved.items()) or "no references"
        modeladmin.message_user(request, f"Merged {duplicate} into {survivor}; moved {summary}.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "records": records,
        "title": f"Merge two {modeladmin.model._meta.verbose_name_plural}",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/merge_confirm.html", context)
