"""Forms the admin and the pages share."""

from django import forms

from core.dates import DatePrecision
from core.status import change_status


class StatusChangeForm(forms.Form):
    """An editor's status change: only the targets the record's machine allows are offered.

    `citations` are the ones the change may name as its source (the record's own); the form
    carries the version it was loaded with, so a stale edit is refused.
    """

    to_status = forms.ChoiceField(label="New status")
    on = forms.DateField(
        label="When it happened",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="With month or year precision any day in it will do.",
    )
    precision = forms.ChoiceField(choices=DatePrecision.choices, initial=DatePrecision.DAY)
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    citation = forms.ModelChoiceField(queryset=None, required=False, label="Source of the change")
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, record, citations, **kwargs):
        super().__init__(*args, **kwargs)
        machine = type(record).status_machine
        self.fields["to_status"].choices = [(s, machine.labels[s]) for s in machine.allowed_targets(record.status)]
        self.fields["citation"].queryset = citations
        self.fields["loaded_version"].initial = record.version

    def change_status(self, record, *, user):
        """The change this valid form asks for, through core.status.change_status, against the
        version the form was loaded with (StaleEdit if the record moved on since)."""
        data = self.cleaned_data
        return change_status(
            record,
            to_status=data["to_status"],
            on=data["on"],
            precision=data["precision"],
            user=user,
            note=data["note"],
            citation=data["citation"],
            expected_version=data["loaded_version"],
        )
