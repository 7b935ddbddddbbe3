"""Editors' forms on the visit and agreement pages, and every record's history page.

Each form posts to its own small view, which calls the one service for the change and then
redirects back to the record's page (POST, redirect, GET: works without JavaScript). With
htmx the form posts in place and only the page's main content is swapped for the new one.
An invalid form is answered with the record's page again, the form showing its errors.
Every form carries the version the page was loaded with, so a stale edit is refused.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse
from django.views.decorators.http import require_GET, require_POST

from agreements.drafts import text_from_upload
from agreements.models import Agreement
from agreements.services import add_draft_version
from core.concurrency import stale_edit_message
from core.dates import DatePrecision
from core.forms import StatusChangeForm
from core.statemachine import StaleEdit
from directory.models import Citation, Organisation, Person, Source
from directory.selectors import citations_of
from directory.services import add_source, cite
from visits.models import AgendaItem, NegotiationTopic, Visit
from visits.services import add_agenda_item, change_visit_dates

# Records with edit panels: kind (the URL's and the page's name) -> model.
EDITABLE = {"visit": Visit, "agreement": Agreement}
HISTORY_MODELS = {
    "visit": Visit,
    "agreement": Agreement,
    "person": Person,
    "topic": NegotiationTopic,
    "organisation": Organisation,
    "source": Source,
}


class VersionedForm(forms.Form):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)


class CitationForm(VersionedForm):
    source = forms.ModelChoiceField(
        queryset=Source.objects.order_by("-published_on", "title"),
        required=False,
        help_text="Or describe a new source below.",
    )
    new_source_title = forms.CharField(required=False, max_length=300, label="New source: title")
    new_source_kind = forms.ChoiceField(
        required=False, choices=[("", "—")] + list(Source.Kind.choices), label="New source: kind"
    )
    new_source_url = forms.URLField(required=False, max_length=500, label="New source: link", assume_scheme="https")
    new_source_published_on = forms.DateField(
        required=False, label="New source: published", widget=forms.DateInput(attrs={"type": "date"})
    )
    field_name = forms.ChoiceField(required=False, label="About the field")
    quote = forms.CharField(required=False, max_length=500, help_text="Only the words whose exact wording matters.")
    reliability = forms.ChoiceField(choices=Citation.Reliability.choices)
    stance = forms.ChoiceField(choices=Citation.Stance.choices, initial=Citation.Stance.REPORTS)
    reported_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            f.name
            for f in type(record)._meta.concrete_fields
            if not f.primary_key and f.name not in ("version", "created_at", "updated_at")
        ]
        self.fields["field_name"].choices = [("", "the whole record")] + [
            (name, name.replace("_", " ")) for name in fields
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source") and not cleaned.get("new_source_title"):
            raise forms.ValidationError("Choose a source, or give the new source's title.")
        if not cleaned.get("source") and not cleaned.get("new_source_kind"):
            self.add_error("new_source_kind", "Say what kind of source it is.")
        return cleaned


class DatesForm(VersionedForm):
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_precision = forms.ChoiceField(choices=DatePrecision.choices)
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_precision = forms.ChoiceField(choices=DatePrecision.choices)


class AgendaForm(VersionedForm):
    topic = forms.ModelChoiceField(queryset=NegotiationTopic.objects.order_by("title"))
    expectation = forms.ChoiceField(choices=AgendaItem.Expectation.choices)
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class DraftForm(VersionedForm):
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="Paste the text, or upload a file."
    )
    upload = forms.FileField(required=False, help_text=".txt, .md or .docx, up to 5 MB")
    note = forms.CharField(required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("upload"):
            try:
                cleaned["text"] = text_from_upload(cleaned["upload"])
            except ValidationError as exc:
                self.add_error("upload", exc)
        if not (cleaned.get("text") or "").strip() and "upload" not in self.errors:
            raise forms.ValidationError("Paste the draft's text or upload a file.")
        return cleaned


def blank_forms(record, user) -> dict:
    """The editor's forms for a record's page, each loaded with the record's version."""
    kind = record._meta.model_name
    if kind not in EDITABLE or not user.has_perm(f"{record._meta.app_label}.change_{kind}"):
        return {}
    initial = {"loaded_version": record.version}
    result = {"citation": CitationForm(record=record, initial=initial)}
    if type(record).status_machine.allowed_targets(record.status):
        result["status"] = StatusChangeForm(record=record, citations=citations_of(record), initial=initial)
    if kind == "visit":
        result["dates"] = DatesForm(
            initial={**initial, **{f: getattr(record, f) for f in DatesForm.base_fields if f != "loaded_version"}}
        )
        result["agenda"] = AgendaForm(initial=initial)
    else:
        result["draft"] = DraftForm(initial=initial)
    return result


def _record(kind: str, pk: int, user):
    model = EDITABLE[kind]
    if not user.has_perm(f"{model._meta.app_label}.change_{kind}"):
        raise PermissionDenied
    return get_object_or_404(model, pk=pk)


def _page_with_errors(request, kind: str, pk: int, name: str, form):
    """The record's page again (its own app's view, found by URL), with this form bound and
    showing what is wrong."""
    request.editing_forms = {name: form}
    request.method = "GET"
    page = resolve(reverse(kind, args=[pk]))
    return page.func(request, *page.args, **page.kwargs)


def _check_version(record, form) -> None:
    loaded = form.cleaned_data["loaded_version"]
    if loaded != record.version:
        raise StaleEdit(model_name=record._meta.verbose_name, expected=loaded, current=record.version)


def _done(request, record, message):
    messages.success(request, message)
    return redirect(reverse(record._meta.model_name, args=[record.pk]))


def _edit_view(name: str):
    def decorate(handler):
        @login_required
        @require_POST
        def view(request, kind, pk):
            if kind not in EDITABLE:
                raise Http404
            record = _record(kind, pk, request.user)
            form = FORMS[name](request.POST, request.FILES, **_form_kwargs(name, record))
            if form.is_valid():
                try:
                    with transaction.atomic():
                        locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
                        _check_version(locked, form)
                        message = handler(request, locked, form)
                except StaleEdit as exc:
                    form.add_error(None, stale_edit_message(record, exc.expected, exc.current))
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(None, f"{field.replace('_', ' ')}: {' '.join(errors)}")
                else:
                    return _done(request, record, message)
            return _page_with_errors(request, kind, pk, name, form)

        view.__name__ = f"edit_{name}"
        return view

    return decorate


def _form_kwargs(name, record):
    if name == "status":
        return {"record": record, "citations": citations_of(record)}
    if name == "citation":
        return {"record": record}
    return {}


FORMS = {
    "status": StatusChangeForm,
    "citation": CitationForm,
    "dates": DatesForm,
    "agenda": AgendaForm,
    "draft": DraftForm,
}


@_edit_view("status")
def edit_status(request, record, form):
    form.change_status(record, user=request.user)
    label = dict(type(record).Status.choices)[form.cleaned_data["to_status"]]
    return f"Status changed to {label.lower()}."


@_edit_view("citation")
def edit_citation(request, record, form):
    data = form.cleaned_data
    source = data["source"]
    if source is None:
        source = add_source(
            title=data["new_source_title"],
            kind=data["new_source_kind"],
            url=data["new_source_url"],
            published_on=data["new_source_published_on"],
        )
    cite(
        record,
        source=source,
        field_name=data["field_name"],
        quote=data["quote"],
        reliability=data["reliability"],
        stance=data["stance"],
        reported_on=data["reported_on"],
    )
    return f"Source added: {source.title}."


@_edit_view("dates")
def edit_dates(request, record, form):
    data = form.cleaned_data
    change_visit_dates(
        record,
        start_date=data["start_date"],
        start_precision=data["start_precision"],
        end_date=data["end_date"],
        end_precision=data["end_precision"],
    )
    return f"Dates now {record.date_display}."


@_edit_view("agenda")
def edit_agenda(request, record, form):
    data = form.cleaned_data
    add_agenda_item(record, topic=data["topic"], expectation=data["expectation"], note=data["note"])
    return f"Agenda item added: {data['topic'].title}."


@_edit_view("draft")
def edit_draft(request, record, form):
    draft = add_draft_version(
        agreement=record, text=form.cleaned_data["text"], author=request.user, note=form.cleaned_data["note"]
    )
    return f"Draft {draft.number} added."


@login_required
@require_GET
def history(request, kind: str, pk: int):
    """Who changed what and when, newest first, for one record (its audit history)."""
    model = HISTORY_MODELS.get(kind)
    if model is None:
        raise Http404
    if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied
    records = list(
        model.history.filter(id=pk).select_related("history_user").order_by("-history_date", "-history_id")[:200]
    )
    if not records:
        raise Http404
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            changes = [c for c in newer.diff_against(older).changes if c.field not in ("version", "updated_at")]
        rows.append({"record": newer, "changes": changes})
    return render(request, "editing/history.html", {"kind": kind, "current": records[0], "rows": rows, "pk": pk})
