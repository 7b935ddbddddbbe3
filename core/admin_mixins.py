"""Admin pieces shared by the content apps."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core.concurrency import VersionedModelForm, stale_edit_message
from core.dates import DatePrecision
from core.fields import ImpreciseDateField
from core.forms import IsoDateInput, StatusChangeForm, with_imprecise_dates
from core.statemachine import StaleEdit, StatusMachine
from core.status import prepare_new_status, record_new_status


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


class EditorFormsMixin:
    """For a ModelAdmin or an inline: dates and links typed the one way the pages take them.

    An exact date is the browser's date input (ISO, whatever the locale); a date the model
    keeps with a precision is one text field, "2017", "2017-02" or "2017-02-28", that sets
    both (core.forms.with_imprecise_dates), so no form asks for a precision separately.
    """

    formfield_overrides = {
        models.DateField: {"widget": IsoDateInput},
        # Links typed without a scheme are taken as https (Django 6's default, chosen now).
        models.URLField: {"assume_scheme": "https"},
    }

    def get_form(self, request, obj=None, **kwargs):
        return with_imprecise_dates(super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_imprecise_dates(formset.form)
        return formset


class TrackedAdmin(EditorFormsMixin, SimpleHistoryAdmin):
    """Shows the version and timestamps every tracked model carries, read-only, and refuses a
    save made over a newer version (see core.concurrency)."""

    form = VersionedModelForm

    readonly_tracking_fields = ("version", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.readonly_tracking_fields)

    # Past versions are there to read. simple_history's "Revert" would write the old row back
    # over the current one: a status without the history row the status service writes, a
    # version going back (so an old If-Match succeeds again). A record goes back by an edit,
    # on the change page or through the status service, like any other change.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            if not self.has_view_history_or_change_history_permission(request, self.get_object(request, object_id)):
                raise PermissionDenied
            return HttpResponseNotAllowed(["GET", "HEAD"], "A past version is shown to read; it cannot be saved back.")
        return super().history_form_view(request, object_id, version_id, extra_context)


def citation_model_of(model):
    """The citation model a record's status rows name (directory.Citation), found through the
    history's `citation` field, as core imports no app."""
    return model.status_changes.rel.related_model._meta.get_field("citation").related_model


class FirstStatusForm(VersionedModelForm):
    """The add form of a record with a status history: its fields and, all optional, the first
    status's real-world date, the source that reported it, how reliably, and a note."""

    first_status_on = ImpreciseDateField(
        required=False,
        label="First status: when",
        help_text="When the record was first in this status: a year (2017), a month (2017-02) or a day "
        "(2017-02-28). Empty: the record's own date for it, else the source's publication date.",
    )
    first_status_source = forms.ModelChoiceField(queryset=None, required=False, label="First status: source")
    first_status_reliability = forms.ChoiceField(required=False, label="First status: reliability")
    first_status_quote = forms.CharField(required=False, max_length=500, label="First status: quote")
    first_status_note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), label="First status: note"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        citation_model = citation_model_of(self._meta.model)
        self.fields["first_status_source"].queryset = citation_model._meta.get_field("source").related_model.objects
        self.fields["first_status_reliability"].choices = [
            ("", "—"),
            *citation_model._meta.get_field("reliability").choices,
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first_status_source"):
            if not cleaned.get("first_status_reliability"):
                self.add_error("first_status_reliability", "Say how reliable the source is for this status.")
        elif cleaned.get("first_status_reliability") or cleaned.get("first_status_quote"):
            self.add_error("first_status_source", "Choose the source the reliability and the quote are about.")
        return cleaned

    def _post_clean(self):
        # After the model's fields are on the instance: the date must agree with the record's
        # own, and a record that keeps a date for its status takes the one given.
        super()._post_clean()
        dated = self.cleaned_data.get("first_status_on")
        try:
            prepare_new_status(
                self.instance,
                on=dated.date if dated else None,
                precision=dated.precision if dated else DatePrecision.DAY,
                source=self.cleaned_data.get("first_status_source"),
            )
        except ValidationError as exc:
            self.add_error("first_status_on", exc.message_dict["on"])

    def record_first_status(self, *, user):
        """The saved record's first status row, citing the source given (a citation of the
        record made with it)."""
        data = self.cleaned_data
        citation = None
        if data.get("first_status_source"):
            citation = citation_model_of(self._meta.model)(
                source=data["first_status_source"],
                content_type=ContentType.objects.get_for_model(self.instance),
                object_id=str(self.instance.pk),
                reliability=data["first_status_reliability"],
                quote=data["first_status_quote"],
            )
            citation.full_clean()
            citation.save()
        dated = data.get("first_status_on")
        return record_new_status(
            self.instance,
            user=user,
            where="in the admin",
            on=dated.date if dated else None,
            precision=dated.precision if dated else DatePrecision.DAY,
            citation=citation,
            note=data.get("first_status_note", ""),
        )


class StatusMachineAdmin(TrackedAdmin):
    """Status is set once at creation; after that only the status service changes it.

    The admin form shows status read-only, with a link to a page that offers the allowed
    transitions and calls the service, so nothing bypasses the transition table and the
    append-only history. The add form also takes the first status's real-world date and source
    (FirstStatusForm).
    """

    # The citations a status change may name: a function of the record (the record's own).
    citations_of: Callable

    @property
    def status_machine(self) -> StatusMachine:
        return self.model.status_machine

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs.setdefault("form", FirstStatusForm)
        return super().get_form(request, obj, **kwargs)

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
            form.record_first_status(user=request.user)

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
