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
from core.fields import ImpreciseDate, ImpreciseDateField
from core.forms import StatusChangeForm
from core.statemachine import StaleEdit
from directory.citation_forms import CitationChoiceField, SourceChoiceField, outlets
from directory.models import Citation, Organisation, Person, Source
from directory.selectors import citations_of
from directory.services import add_source, cite
from editorial.history import history_events
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


# No grade is preselected: the editor must say how far the source can be trusted.
RELIABILITY_CHOICES = [("", "— choose —"), *Citation.Reliability.choices]


class NewSourceFields(forms.Form):
    """A new source described in the same post as what it reports."""

    new_source_title = forms.CharField(required=False, max_length=300, label="New source: title")
    new_source_outlet = forms.ModelChoiceField(
        queryset=outlets(), required=False, label="New source: outlet", help_text="The news outlet that published it."
    )
    new_source_kind = forms.ChoiceField(
        required=False, choices=[("", "—"), *Source.Kind.choices], label="New source: kind"
    )
    new_source_url = forms.URLField(required=False, max_length=500, label="New source: link", assume_scheme="https")
    new_source_published_on = ImpreciseDateField(required=False, label="New source: published")

    def describes_new_source(self) -> bool:
        return bool(self.cleaned_data.get("new_source_title"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_source_title") and not cleaned.get("new_source_kind"):
            self.add_error("new_source_kind", "Say what kind of source it is.")
        return cleaned

    def add_new_source(self) -> Source:
        data = self.cleaned_data
        published = data["new_source_published_on"]
        return add_source(
            title=data["new_source_title"],
            kind=data["new_source_kind"],
            url=data["new_source_url"],
            outlet=data["new_source_outlet"],
            **_imprecise_kwargs("published", published),
        )


class CitedFields(forms.Form):
    """What a citation says besides its source: the words quoted, how reliable, who spoke."""

    quote = forms.CharField(required=False, max_length=500, help_text="Only the words whose exact wording matters.")
    reliability = forms.ChoiceField(choices=RELIABILITY_CHOICES)
    speaker = forms.ModelChoiceField(
        queryset=Person.objects.order_by("name"), required=False, label="Speaker", help_text="The person quoted."
    )
    speaker_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label="Or the body speaking",
        help_text="A ministry or press service, when no person is named.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("speaker") and cleaned.get("speaker_organisation"):
            self.add_error("speaker_organisation", "Give the person who spoke or the body, not both.")
        return cleaned

    def citation_details(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("quote", "reliability", "speaker", "speaker_organisation")}


def _imprecise_kwargs(prefix: str, value: ImpreciseDate | None) -> dict:
    """{prefix_on, prefix_precision} for a service, from an ImpreciseDateField's value."""
    if value is None:
        return {f"{prefix}_on": None}
    return {f"{prefix}_on": value.date, f"{prefix}_precision": value.precision}


class CitationForm(VersionedForm, NewSourceFields, CitedFields):
    source = SourceChoiceField(
        queryset=Source.objects.select_related("outlet").order_by("-published_on", "title"),
        required=False,
        help_text="Or describe a new source below.",
    )
    field_name = forms.ChoiceField(required=False, label="About the field")
    stance = forms.ChoiceField(choices=Citation.Stance.choices, initial=Citation.Stance.REPORTS)
    reported_on = ImpreciseDateField(required=False, label="Reported on")

    field_order = ["source", *NewSourceFields.base_fields, "field_name", *CitedFields.base_fields, "stance"]

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
        return cleaned


class StatusForm(StatusChangeForm, NewSourceFields, CitedFields):
    """The page's status change, which may cite a source described in the same post: the source,
    the record's citation of it and the change citing it are saved together or not at all."""

    citation = CitationChoiceField(
        queryset=Citation.objects.none(),
        required=False,
        label="Source of the change",
        help_text="A source already attached, or describe a new one below.",
    )

    field_order = ["to_status", "on", "note", "citation", *NewSourceFields.base_fields, *CitedFields.base_fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked only of a new source.
        self.fields["reliability"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.describes_new_source():
            if cleaned.get("citation"):
                self.add_error("citation", "Choose an attached source or describe a new one, not both.")
            if not cleaned.get("reliability"):
                self.add_error("reliability", "Say how reliable the new source is.")
        elif any(cleaned.get(name) for name in [*NewSourceFields.base_fields, *CitedFields.base_fields]):
            self.add_error("new_source_title", "Give the new source's title, or clear what you typed about it.")
        return cleaned


class DatesForm(VersionedForm):
    start_date = ImpreciseDateField(label="Starts")
    end_date = ImpreciseDateField(required=False, label="Ends")

    @classmethod
    def initial_for(cls, visit) -> dict:
        end = ImpreciseDate(visit.end_date, visit.end_precision) if visit.end_date else None
        return {"start_date": ImpreciseDate(visit.start_date, visit.start_precision), "end_date": end}


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
        result["status"] = StatusForm(record=record, citations=citations_of(record), initial=initial)
    if kind == "visit":
        result["dates"] = DatesForm(initial={**initial, **DatesForm.initial_for(record)})
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
            if kind not in FORM_KINDS.get(name, EDITABLE):
                raise Http404  # no such form for that kind of record
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
                    _add_errors(form, exc)
                else:
                    return _done(request, record, message)
            return _page_with_errors(request, kind, pk, name, form)

        view.__name__ = f"edit_{name}"
        return view

    return decorate


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on the field it names where the form has one."""
    for field, errors in (getattr(exc, "message_dict", None) or {None: exc.messages}).items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, f"{field.replace('_', ' ')}: {' '.join(errors)}" if field else errors)


def _form_kwargs(name, record):
    if name == "status":
        return {"record": record, "citations": citations_of(record)}
    if name == "citation":
        return {"record": record}
    return {}


FORMS = {
    "status": StatusForm,
    "citation": CitationForm,
    "dates": DatesForm,
    "agenda": AgendaForm,
    "draft": DraftForm,
}
# The kinds of record each form is for: a visit has dates and an agenda, an agreement drafts.
FORM_KINDS = {"dates": {"visit"}, "agenda": {"visit"}, "draft": {"agreement"}}


@_edit_view("status")
def edit_status(request, record, form):
    label = dict(type(record).Status.choices)[form.cleaned_data["to_status"]].lower()
    if not form.describes_new_source():
        form.change_status(record, user=request.user)
        return f"Status changed to {label}."
    source = form.add_new_source()
    citation = cite(record, source=source, field_name="status", **form.citation_details())
    # Citing moved the record's version on, in this transaction, after the form's was checked.
    form.change_status(record, user=request.user, citation=citation, expected_version=record.version)
    return f"Status changed to {label}, citing {source.title}."


@_edit_view("citation")
def edit_citation(request, record, form):
    data = form.cleaned_data
    source = data["source"] or form.add_new_source()
    cite(
        record,
        source=source,
        field_name=data["field_name"],
        stance=data["stance"],
        **_imprecise_kwargs("reported", data["reported_on"]),
        **form.citation_details(),
    )
    return f"Source added: {source.title}."


@_edit_view("dates")
def edit_dates(request, record, form):
    start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
    change_visit_dates(
        record,
        start_date=start.date,
        start_precision=start.precision,
        end_date=end.date if end else None,
        end_precision=end.precision if end else DatePrecision.DAY,
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
    events = history_events(model, pk)
    if events is None:
        raise Http404
    record = model._default_manager.filter(pk=pk).first()
    title = str(record) if record is not None else f"{model._meta.verbose_name} {pk} (deleted)"
    return render(
        request,
        "editing/history.html",
        {"kind": kind, "record": record, "title": title, "events": events, "pk": pk},
    )
