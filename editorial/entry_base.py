"""The parts every entry form shares: a record typed by name ("Name #12" picks one of two
namesakes, a new name is created), the fact form that cites the source with a quote, a
reliability and a speaker, and the form that creates the source itself (editorial.entry)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from core.dates import DatePrecision
from core.fields import ImpreciseDateField
from core.status import record_new_status
from directory.models import Citation, Country, Organisation, Person, Source
from directory.services import add_organisation, add_person, add_source, cite
from visits.models import NegotiationTopic, Visit

PICKED = re.compile(r"^(?P<name>.*?)\s*#(?P<pk>\d{1,18})\s*$")


def countries():
    return Country.objects.exclude(kind=Country.Kind.AGGREGATE).order_by("name")


class NamedRecordField(forms.CharField):
    """A person, organisation or topic typed by name: cleans to ("found", record) or ("new", name).

    "Name #12" picks the record with that id; a plain name finds the one record whose name (or,
    for people, alias) it is; two namesakes are an error that lists both to pick from."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": f"lookup-{model._meta.model_name}", "autocomplete": "off"})
        self.widget.attrs["data-lookup"] = reverse_lazy("entry-lookup", args=[model._meta.model_name])

    def to_python(self, value):
        return resolve_named(self.model, super().to_python(value))


def resolve_named(model, text: str | None):
    """("found", record), ("new", name) or None for empty text; ValidationError for an id that
    does not exist or a name two records share."""
    text = " ".join((text or "").split())
    if not text:
        return None
    picked = PICKED.match(text)
    if picked:
        record = model._default_manager.filter(pk=picked["pk"]).first()
        if record is None:
            raise ValidationError(f"There is no {model._meta.verbose_name} #{picked['pk']}.")
        return ("found", record)
    matches = list(_named(model, text)[:3])
    if len(matches) > 1:
        choices = "; ".join(f"{m} #{m.pk}" for m in matches)
        raise ValidationError(f"More than one {model._meta.verbose_name} is called {text!r}: type one of {choices}.")
    return ("found", matches[0]) if matches else ("new", text)


def _named(model, text):
    if model is Person:
        return Person.objects.named(text).select_related("country")
    field = "title" if model is NegotiationTopic else "name"
    return model._default_manager.filter(**{f"{field}__iexact": text})


class FactForm(forms.Form):
    """What every fact from a report carries: the words, how reliable, who said it."""

    quote = forms.CharField(required=False, max_length=500, help_text="Only the words whose exact wording matters.")
    reliability = forms.ChoiceField(choices=[("", "— choose —")] + list(Citation.Reliability.choices))
    speaker = forms.CharField(
        required=False,
        max_length=200,
        help_text="Who said it, as the report names them; empty if no one is named. A new name is added.",
        widget=forms.TextInput(
            attrs={
                "list": "lookup-person",
                "autocomplete": "off",
                "data-lookup-by": "speaker_is",
                "data-lookup-person": reverse_lazy("entry-lookup", args=["person"]),
                "data-lookup-organisation": reverse_lazy("entry-lookup", args=["organisation"]),
            }
        ),
    )
    speaker_is = forms.ChoiceField(
        choices=[("person", "a person"), ("organisation", "an organisation (ministry, press service…)")],
        initial="person",
        label="The speaker is",
    )
    speaker_post = forms.CharField(
        required=False, max_length=200, label="A new speaker's post", help_text="e.g. Minister of Foreign Affairs"
    )
    speaker_country = forms.ModelChoiceField(queryset=None, required=False, label="A new speaker's country")

    def __init__(self, *args, source: Source, context: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.context = context
        self.fields["speaker_country"].queryset = countries()
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is None:
                field.queryset = countries()
            if name in context.get("initial", {}):
                field.initial = context["initial"][name]

    def clean(self):
        cleaned = super().clean()
        model = Organisation if cleaned.get("speaker_is") == "organisation" else Person
        try:
            cleaned["speaker"] = resolve_named(model, cleaned.get("speaker"))
        except ValidationError as exc:
            self.add_error("speaker", exc)
        self._check_visit_version(cleaned.get("visit"))
        return cleaned

    def _check_visit_version(self, visit) -> None:
        """A fact added to a visit is refused if the visit changed since the page was loaded
        (its version then is in `visit_versions`): the editor sees the visit as it is first.
        The form then carries the current versions, so posting it again goes through."""
        if visit is None or "visit_versions" not in self.fields:
            return
        loaded = dict(
            pair.split(":", 1)
            for pair in self.data.get(self.add_prefix("visit_versions"), "").split(",")
            if ":" in pair
        )
        then = loaded.get(str(visit.pk), "")
        if then.isdigit() and int(then) != visit.version:
            self.add_error(
                "visit",
                f"This visit was changed by someone else since the page was loaded (version {then}, now "
                f"{visit.version}); check it below, then post again.",
            )
            data = self.data.copy()
            data[self.add_prefix("visit_versions")] = versions_of(self.fields["visit"].queryset)
            self.data = data

    # -- writing, inside the view's transaction ------------------------------------------------

    def speaker_records(self) -> dict:
        """The citation's speaker as keyword arguments (person or organisation), created if new."""
        speaker = self.cleaned_data.get("speaker")
        if not speaker:
            return {}
        state, value = speaker
        country = self.cleaned_data.get("speaker_country")
        if self.cleaned_data["speaker_is"] == "organisation":
            organisation = value if state == "found" else add_organisation(name=value, country=country)
            return {"speaker_organisation": organisation}
        person = (
            value
            if state == "found"
            else add_person(name=value, country=country, post=self.cleaned_data["speaker_post"])
        )
        return {"speaker": person}

    def cite(self, record, **speaker):
        """Cite the report for `record`, dated by the source's publication."""
        return cite(
            record,
            source=self.source,
            reliability=self.cleaned_data["reliability"],
            quote=self.cleaned_data["quote"],
            reported_on=self.source.published_on,
            reported_precision=self.source.published_precision,
            **speaker,
        )

    def first_status(self, record, citation, user):
        """The record's first status row, dated as core.status.record_new_status dates every
        new record's: by its own date for that status (a completed visit's end), else by the
        publication of the report that gives it, which the row cites."""
        record_new_status(record, user=user, where="from its source", citation=citation)


def versions_of(visits) -> str:
    """'12:3,14:1': each visit offered and its version, as the page was loaded."""
    return ",".join(f"{pk}:{version}" for pk, version in visits.values_list("pk", "version"))


def visit_choices(form, field="visit"):
    """The visits this report speaks of (and the page's visit), in date order; the page's visit
    is chosen, else the first this report was entered for (the one it is about, before any leg)."""
    visits = Visit.objects.filter(citations__source=form.source) | Visit.objects.filter(
        pk=form.context.get("visit_id") or 0
    )
    form.fields[field].queryset = (
        visits.distinct().select_related("visitor", "visitor_country", "host_country").order_by("start_date", "pk")
    )
    if not form.fields[field].initial:
        first = (
            Citation.objects.filter(source=form.source, visit__isnull=False)
            .order_by("pk")
            .values_list("object_id", flat=True)
            .first()
        )
        form.fields[field].initial = form.context.get("visit_id") or (int(first) if first else None)
    offered = form.fields[field].queryset
    form.fields["visit_versions"] = forms.CharField(
        required=False, widget=forms.HiddenInput, initial=lambda: versions_of(offered)
    )


class VisitFactForm(FactForm):
    """A fact about one of the visits the report speaks of (its `visit` field, visit_choices)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visit_choices(self)


def person_named(form, name_field: str, post_field: str, country):
    value = form.cleaned_data.get(name_field)
    if not value:
        return None
    state, found = value
    return (
        found
        if state == "found"
        else add_person(name=found, country=country, post=form.cleaned_data.get(post_field, ""))
    )


def span_of(data: dict) -> dict:
    """A visit's dates for visits.services.add_visit, from the forms' `start` and `end`."""
    end = data["end"]
    return {
        "start_date": data["start"].date,
        "start_precision": data["start"].precision,
        "end_date": end.date if end else None,
        "end_precision": end.precision if end else DatePrecision.DAY,
    }


def check_span(form, start="start", end="end"):
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last.date < first.date:
        form.add_error(end, f"The end ({last}) is before the start ({first}).")


class SourceEntryForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=[("", "— choose —")] + list(Source.Kind.choices))
    outlet = NamedRecordField(
        model=Organisation, required=False, help_text="The agency or office that published it; a new name is added."
    )
    url = forms.URLField(required=False, max_length=500, label="Link", assume_scheme="https")
    published = ImpreciseDateField(
        label="Published", help_text="The report's date: its facts are dated by it. 2017-02-14, or 2017-02."
    )
    language = forms.CharField(required=False, max_length=8, help_text="e.g. en, ru")

    def save(self):
        data = self.cleaned_data
        outlet = None
        if data["outlet"]:
            state, value = data["outlet"]
            outlet = value if state == "found" else add_organisation(name=value, kind=Organisation.Kind.NEWS_OUTLET)
        return add_source(
            title=data["title"],
            kind=data["kind"],
            url=data["url"],
            published_on=data["published"].date,
            published_precision=data["published"].precision,
            outlet=outlet,
            language=data["language"],
        )
