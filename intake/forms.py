"""The form a report comes in by: pasted text, an uploaded file or a URL to fetch."""

from django import forms

from core.fields import ImpreciseDateField


class ReportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the report's text, or upload a file, or give its URL.",
    )
    title = forms.CharField(required=False, max_length=300, help_text="Empty: the report's first sentence.")
    outlet = forms.CharField(required=False, max_length=200, help_text="Who published it, e.g. a news agency.")
    url = forms.URLField(required=False, max_length=500, label="Link", assume_scheme="https")
    published = ImpreciseDateField(
        label="Published", help_text="The day it was published: 'next week' and 'last year' are read from it."
    )
    language = forms.CharField(max_length=8, initial="en", help_text="e.g. en; the pipeline reads English.")

    def clean_published(self):
        published = self.cleaned_data["published"]
        if published is not None and published.precision != "day":
            raise forms.ValidationError("Give the day: relative dates in the report are read from it.")
        return published

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip():
            self.add_error("text", "Paste the report's text.")
        return cleaned


class RejectForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)
