"""Forms the admin and the pages share, and how they take dates.

One date format everywhere: an exact date is the browser's date input, whose value is ISO
(IsoDateInput); a date the model keeps with a precision beside it (a visit's start_date and
start_precision, an agreement's proposed_on and proposed_precision, a stance's as_of and
as_of_precision) is one text field that takes "2017", "2017-02", "2017-02-28" or "c. 2017" and
sets both (core.fields.ImpreciseDateField), so no form asks for a precision separately.
"""

import datetime
import re

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from core.fields import ImpreciseDate, ImpreciseDateField
from core.status import change_status
from core.values import validate_text


class IsoDateInput(forms.DateInput):
    """The browser's date picker; its value is always YYYY-MM-DD, whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (DateInput's own name)
        super().__init__(attrs, format=format)


def precision_field_of(model, date_name: str) -> str | None:
    """The precision field kept beside a date field, by the models' naming: start_date ->
    start_precision, proposed_on -> proposed_precision, as_of -> as_of_precision; None if none."""
    stem = re.sub(r"_(date|on)$", "", date_name)
    try:
        model._meta.get_field(f"{stem}_precision")
    except FieldDoesNotExist:
        return None
    return f"{stem}_precision"


class ImpreciseDatesMixin:
    """A ModelForm whose imprecise dates are one text field each (see `with_imprecise_dates`).

    `imprecise_dates` maps each such date field to its precision field. The form shows a stored
    date as it would be typed ("2017-02" for a month) and, once valid, gives the model the date
    and the precision the text says.
    """

    imprecise_dates: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for date_name, precision_name in self.imprecise_dates.items():
            value = self.initial.get(date_name)
            if isinstance(value, datetime.date):
                self.initial[date_name] = ImpreciseDate(value, getattr(self.instance, precision_name))

    def _post_clean(self):
        # Before the ModelForm copies cleaned_data to the instance and validates it.
        for date_name, precision_name in self.imprecise_dates.items():
            value = self.cleaned_data.get(date_name)
            if isinstance(value, ImpreciseDate):
                self.cleaned_data[date_name] = value.date
                setattr(self.instance, precision_name, value.precision)
        super()._post_clean()


def with_imprecise_dates(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`form_class` with each model date that has a precision as one ImpreciseDateField and the
    precision field gone; the class itself when its model has no such date. A date field the
    form declares itself is left as it is."""
    model = form_class._meta.model
    pairs = {
        name: precision
        for name, field in form_class.base_fields.items()
        if type(field) is forms.DateField and (precision := precision_field_of(model, name))
    }
    if not pairs:
        return form_class
    fields = {name: _imprecise_field(model._meta.get_field(name)) for name in pairs}
    fused = type(form_class)(
        form_class.__name__, (ImpreciseDatesMixin, form_class), {**fields, "imprecise_dates": pairs}
    )
    for precision in pairs.values():
        fused.base_fields.pop(precision, None)
    return fused


def _imprecise_field(model_field: models.DateField) -> ImpreciseDateField:
    label = model_field.verbose_name[:1].upper() + model_field.verbose_name[1:]
    return ImpreciseDateField(label=label, required=not model_field.blank)


class StatusChangeForm(forms.Form):
    """An editor's status change: only the targets the record's machine allows are offered.

    `citations` are the ones the change may name as its source (the record's own); the form
    carries the version it was loaded with, so a stale edit is refused.
    """

    to_status = forms.ChoiceField(label="New status")
    on = ImpreciseDateField(label="When it happened")
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), validators=[validate_text]
    )
    citation = forms.ModelChoiceField(queryset=None, required=False, label="Source of the change")
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, record, citations, **kwargs):
        super().__init__(*args, **kwargs)
        machine = type(record).status_machine
        self.fields["to_status"].choices = [(s, machine.labels[s]) for s in machine.allowed_targets(record.status)]
        self.fields["citation"].queryset = citations
        self.fields["loaded_version"].initial = record.version

    def change_status(self, record, *, user, citation=None, expected_version=None):
        """The change this valid form asks for, through core.status.change_status, against the
        version the form was loaded with (StaleEdit if the record moved on since). `citation`
        and `expected_version` are for a caller that cited a new source in the same post."""
        data = self.cleaned_data
        return change_status(
            record,
            to_status=data["to_status"],
            on=data["on"].date,
            precision=data["on"].precision,
            user=user,
            note=data["note"],
            citation=citation or data["citation"],
            expected_version=expected_version or data["loaded_version"],
        )
