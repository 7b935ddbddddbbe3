"""Correcting a row of a record's status history from the visit and agreement pages.

Each row of the page's status history has, for editors, a "Correct" form: the real-world date
as reports give it ("2017", "2017-02", "2017-02-28"), the note, and the source, picked from
the record's own citations. It posts to edit_status_row, which calls
core.status.correct_status_change and redirects back to the page (POST, redirect, GET; with
htmx in place). A refused correction is answered with the page again, that row's form open
and showing what is wrong.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import resolve, reverse
from django.views.decorators.http import require_POST

from core.concurrency import stale_edit_message
from core.dates import format_imprecise_date
from core.fields import ImpreciseDateField, imprecise_text
from core.statemachine import StaleEdit
from core.status import correct_status_change
from directory.selectors import citations_of
from editorial.editing import EDITABLE, VersionedForm, _done, _record


def citation_label(citation) -> str:
    """'Asia-Plus: Putin arrives, 27 Feb 2017 (anonymous source)': the source's outlet, title
    and date, and how reliable it is for the record."""
    source = citation.source
    outlet = f"{source.outlet.name}: " if source.outlet_id else ""
    day = citation.reported_on or source.published_on
    precision = citation.reported_precision if citation.reported_on else source.published_precision
    when = f", {format_imprecise_date(day, precision)}" if day else ""
    return f"{outlet}{source.title}{when} ({citation.get_reliability_display().lower()})"


class StatusRowForm(VersionedForm):
    """A correction of one status row; `citations` are the record's, read once for the page."""

    on = ImpreciseDateField(label="When it happened")
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    citation = forms.TypedChoiceField(required=False, label="Source", coerce=int, empty_value=None)

    def __init__(self, *args, row, record, citations: list, **kwargs):
        kwargs.setdefault("prefix", f"row-{row.pk}")
        kwargs.setdefault(
            "initial",
            {
                "on": imprecise_text(row.changed_on, row.changed_precision),
                "note": row.note,
                "citation": row.citation_id,
                "loaded_version": record.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.row = row
        self.action = reverse("edit-status-row", args=[record._meta.model_name, record.pk, row.pk])
        self.citations = {citation.pk: citation for citation in citations}
        self.fields["citation"].choices = [("", "none")] + [(pk, citation_label(c)) for pk, c in self.citations.items()]

    def correct(self, *, user):
        """The correction this valid form asks for, through core.status.correct_status_change."""
        data = self.cleaned_data
        return correct_status_change(
            self.row,
            on=data["on"].date,
            precision=data["on"].precision,
            note=data["note"],
            citation=self.citations.get(data["citation"]),
            user=user,
            expected_version=data["loaded_version"],
        )


def correction_forms(request, changes: list, citations=None) -> list:
    """(row, form) for each row of a record's status history (`changes`, of one record): a form
    for editors who may change the record, None for everyone else. A form just sent back with
    errors (edit_status_row) takes its row's place. `citations` are the record's, if the page
    has them already; the forms read them once whatever the number of rows."""
    if not changes:
        return []
    record = changes[0].record
    if record._meta.model_name not in EDITABLE or not request.user.has_perm(
        f"{record._meta.app_label}.change_{record._meta.model_name}"
    ):
        return [(row, None) for row in changes]
    citations = list(citations_of(record) if citations is None else citations)
    bound = getattr(request, "status_row_form", None)
    return [
        (
            row,
            bound
            if bound is not None and bound.row.pk == row.pk
            else StatusRowForm(row=row, record=record, citations=citations),
        )
        for row in changes
    ]


def _page_with_row_errors(request, kind: str, pk: int, form):
    """The record's page again (found by URL), its status history showing this row's form bound
    and with its errors. Not editing._page_with_errors: the edit panel shows every form that
    puts on the request, and this one belongs to its row."""
    request.status_row_form = form
    request.method = "GET"
    page = resolve(reverse(kind, args=[pk]))
    return page.func(request, *page.args, **page.kwargs)


@login_required
@require_POST
def edit_status_row(request, kind: str, pk: int, row_pk: int):
    if kind not in EDITABLE:
        raise Http404
    record = _record(kind, pk, request.user)
    row = get_object_or_404(record.status_changes, pk=row_pk)
    form = StatusRowForm(request.POST, row=row, record=record, citations=citations_of(record))
    if form.is_valid():
        try:
            row = form.correct(user=request.user)
        except StaleEdit as exc:
            form.add_error(None, stale_edit_message(record, exc.expected, exc.current))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in form.fields:
                    form.add_error(field, errors)
                else:
                    form.add_error(None, f"{field.replace('_', ' ')}: {' '.join(errors)}")
        else:
            when = format_imprecise_date(row.changed_on, row.changed_precision)
            return _done(request, record, f"Status row corrected: {row.get_to_status_display().lower()} on {when}.")
    return _page_with_row_errors(request, kind, pk, form)
