"""The form a report comes in by: pasted text, an uploaded file or a URL to fetch."""

from django import forms

from core.fields import ImpreciseDateField


class ReportForm(forms.Form):
    """One way in per report: the text pasted, a file, or (neither) the page at its link."""

    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the report's text; or upload a file; or give only its link and it is fetched.",
    )
    file = forms.FileField(required=False, label="Or a file", help_text=".txt, .html or .docx")
    title = forms.CharField(required=False, max_length=300, help_text="Empty: the report's first sentence.")
    outlet = forms.CharField(required=False, max_length=200, help_text="Who published it, e.g. a news agency.")
    url = forms.URLField(required=False, max_length=500, label="Link", assume_scheme="https")
    published = ImpreciseDateField(
        required=False,
        label="Published",
        help_text="The day it was published: 'next week' and 'last year' are read from it. "
        "A fetched page's own date is used when this is empty.",
    )
    language = forms.CharField(max_length=8, initial="en", help_text="e.g. en; the pipeline reads English.")

    def clean_published(self):
        published = self.cleaned_data["published"]
        if published is not None and published.precision != "day":
            raise forms.ValidationError("Give the day: relative dates in the report are read from it.")
        return published

    def clean(self):
        cleaned = super().clean()
        text, upload, url = (cleaned.get("text") or "").strip(), cleaned.get("file"), cleaned.get("url")
        if text and upload:
            self.add_error("file", "Paste the text or upload a file, not both.")
        elif not (text or upload or url or self.errors.get("url")):
            self.add_error("text", "Paste the report's text, upload a file or give its link.")
        elif (text or upload) and cleaned.get("published") is None and "published" not in self.errors:
            self.add_error("published", "Give the day it was published: its relative dates are read from it.")
        return cleaned

    @property
    def way_in(self) -> str:
        """pasted, uploaded or fetched: which of the three the editor used."""
        if (self.cleaned_data.get("text") or "").strip():
            return "pasted"
        return "uploaded" if self.cleaned_data.get("file") else "fetched"


class RejectForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)
