"""One form per fact a report gives (editorial.entry): a visit, a tour leg, the agreements
expected at a visit, stated trade figures, an agenda item, a stance, a participant."""

from django import forms
from django.core.exceptions import ValidationError

from agreements.models import Agreement
from agreements.services import add_agreement
from core.fields import AmountField, ImpreciseDateField
from core.quantities import CountQualifier
from directory.models import Person
from editorial.entry_base import FactForm, NamedRecordField, VisitFactForm, check_span, person_named, span_of
from trade.models import TradeClaim
from trade.services import add_trade_claim
from visits.models import AgendaItem, NegotiationTopic, TopicStance, Visit
from visits.services import (
    add_agenda_item,
    add_participant,
    add_topic_stance,
    add_visit,
    find_or_add_topic,
    join_tour,
)


class VisitEntryForm(FactForm):
    visitor = NamedRecordField(model=Person, required=False, help_text="Empty while the report names no one.")
    visitor_post = forms.CharField(
        required=False, max_length=200, label="A new visitor's post", help_text="e.g. President"
    )
    visitor_country = forms.ModelChoiceField(queryset=None, label="From")
    host_country = forms.ModelChoiceField(queryset=None, label="To")
    locale = forms.CharField(required=False, max_length=200, label="City or place")
    start = ImpreciseDateField(label="Starts")
    end = ImpreciseDateField(required=False, label="Ends")
    kind = forms.ChoiceField(required=False, choices=[("", "—")] + list(Visit.Kind.choices))
    level = forms.ChoiceField(required=False, choices=[("", "—")] + list(Visit.Level.choices))
    status = forms.ChoiceField(
        choices=[("", "— choose —")] + list(Visit.Status.choices), help_text="As the report has it."
    )
    summary = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = [
        "visitor",
        "visitor_post",
        "visitor_country",
        "host_country",
        "locale",
        "start",
        "end",
        "kind",
        "level",
        "status",
        "summary",
    ]

    def clean(self):
        cleaned = super().clean()
        check_span(self)
        if cleaned.get("visitor_country") and cleaned.get("visitor_country") == cleaned.get("host_country"):
            self.add_error("host_country", "A visit goes to another country than the visitor's.")
        return cleaned

    def save(self, user):
        data = self.cleaned_data
        visit = add_visit(
            visitor=person_named(self, "visitor", "visitor_post", data["visitor_country"]),
            visitor_country=data["visitor_country"],
            host_country=data["host_country"],
            locale=data["locale"],
            **span_of(data),
            kind=data["kind"],
            level=data["level"],
            status=data["status"],
            summary=data["summary"],
        )
        citation = self.cite(visit, **self.speaker_records())
        self.first_status(visit, citation, user)
        return visit, f"Visit added: {visit}."


class TourLegForm(VisitFactForm):
    visit = forms.ModelChoiceField(queryset=None, label="Leg after", help_text="The visit the traveller goes on from.")
    host_country = forms.ModelChoiceField(queryset=None, label="To")
    locale = forms.CharField(required=False, max_length=200, label="City or place")
    start = ImpreciseDateField(label="Starts")
    end = ImpreciseDateField(required=False, label="Ends")
    kind = forms.ChoiceField(required=False, choices=[("", "—")] + list(Visit.Kind.choices))
    status = forms.ChoiceField(choices=[("", "— choose —")] + list(Visit.Status.choices))

    field_order = ["visit", "host_country", "locale", "start", "end", "kind", "status"]

    def clean(self):
        cleaned = super().clean()
        check_span(self)
        return cleaned

    def save(self, user):
        data = self.cleaned_data
        after = data["visit"]
        leg = add_visit(
            visitor=after.visitor,
            visitor_country=after.visitor_country,
            host_country=data["host_country"],
            locale=data["locale"],
            **span_of(data),
            kind=data["kind"],
            level=after.level,
            status=data["status"],
        )
        join_tour(after, leg)
        citation = self.cite(leg, **self.speaker_records())
        self.first_status(leg, citation, user)
        return leg, f"Tour leg added: {leg}."


AGREEMENT_ROWS = 3


class ExpectedAgreementsForm(VisitFactForm):
    """Agreements a report expects to be signed at a visit, up to three in one post."""

    visit = forms.ModelChoiceField(queryset=None, label="Expected at", help_text="The visit they are to be signed at.")
    status = forms.ChoiceField(
        choices=[(s, Agreement.Status(s).label) for s in ("proposed", "drafting", "negotiating", "initialled")],
        initial="proposed",
        label="Where they stand",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, AGREEMENT_ROWS + 1):
            self.fields[f"title_{n}"] = forms.CharField(required=n == 1, max_length=300, label=f"Agreement {n}: title")
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                required=False, choices=[("", "—")] + list(Agreement.Kind.choices), label=f"Agreement {n}: kind"
            )
        self.order_fields(
            ["visit", "status"] + [f"{f}_{n}" for n in range(1, AGREEMENT_ROWS + 1) for f in ("title", "kind")]
        )

    def clean(self):
        cleaned = super().clean()
        for n in range(1, AGREEMENT_ROWS + 1):
            if cleaned.get(f"title_{n}") and not cleaned.get(f"kind_{n}"):
                self.add_error(f"kind_{n}", "Say what kind of agreement it is.")
        return cleaned

    def save(self, user):
        data = self.cleaned_data
        visit = data["visit"]
        speaker = self.speaker_records()
        made = []
        for n in range(1, AGREEMENT_ROWS + 1):
            if not data.get(f"title_{n}"):
                continue
            agreement = add_agreement(
                title=data[f"title_{n}"],
                kind=data[f"kind_{n}"],
                parties=[visit.visitor_country, visit.host_country],
                status=data["status"],
                expected_at_visit=visit,
            )
            self.first_status(agreement, self.cite(agreement, **speaker), user)
            made.append(agreement)
        return made[0], f"Expected at the visit: {', '.join(a.title for a in made)}."


def _claim_metrics():
    return [(m, TradeClaim.Metric(m).label) for m in TradeClaim.Metric.values]


class TradeClaimsForm(FactForm):
    """Trade figures someone stated for one year, each kept as a claim beside the statistics."""

    reporter = forms.ModelChoiceField(queryset=None, label="Whose trade", help_text="The side whose figures these are.")
    partner = forms.ModelChoiceField(queryset=None, label="With")
    year = forms.IntegerField(min_value=1900, max_value=2100, help_text="'Last year' is the year before the report.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qualifiers = list(TradeClaim.Qualifier.choices)
        for metric, label in _claim_metrics():
            percent = metric in TradeClaim.PERCENT_METRICS
            self.fields[metric] = (
                forms.DecimalField(required=False, max_digits=9, decimal_places=4, label=f"{label} (%)")
                if percent
                else AmountField(required=False, label=label)
            )
            self.fields[f"{metric}_qualifier"] = forms.ChoiceField(
                required=False, choices=qualifiers, initial="exact", label=f"{label}: stated as"
            )
        self.order_fields(
            ["reporter", "partner", "year"] + [f for m, _ in _claim_metrics() for f in (m, f"{m}_qualifier")]
        )
        if self.source.published_on and not self.fields["year"].initial:
            self.fields["year"].initial = self.source.published_on.year - 1

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(m) is not None for m, _ in _claim_metrics()):
            raise ValidationError("Give at least one figure.")
        if cleaned.get("reporter") and cleaned.get("reporter") == cleaned.get("partner"):
            self.add_error("partner", "A country's trade is with another country.")
        return cleaned

    def save(self, user):
        data = self.cleaned_data
        speaker = self.speaker_records()
        stated = {"stated_by": speaker.get("speaker"), "stated_by_organisation": speaker.get("speaker_organisation")}
        made = []
        for metric, label in _claim_metrics():
            if data.get(metric) is None:
                continue
            claim = add_trade_claim(
                reporter=data["reporter"],
                partner=data["partner"],
                year=data["year"],
                metric=metric,
                value=data[metric],
                qualifier=data[f"{metric}_qualifier"] or TradeClaim.Qualifier.EXACT,
                **stated,
            )
            self.cite(claim, **speaker)
            made.append((claim, label.split(" (")[0].lower()))
        return made[0][0], f"Figures added for {data['year']}: {', '.join(label for _, label in made)}."


class AgendaEntryForm(VisitFactForm):
    visit = forms.ModelChoiceField(queryset=None)
    topic = NamedRecordField(model=NegotiationTopic, help_text="A topic of that title, or a new one.")
    expectation = forms.ChoiceField(choices=AgendaItem.Expectation.choices)
    outcome_qualifier = forms.ChoiceField(
        choices=CountQualifier.choices, initial=CountQualifier.EXACT, label="Outcome: how many"
    )
    outcome_count = forms.IntegerField(required=False, min_value=0, max_value=100000, label="Outcome: count")
    outcome_noun = forms.CharField(required=False, max_length=60, label="Outcome: of what", help_text="e.g. documents")
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["visit", "topic", "expectation", "outcome_qualifier", "outcome_count", "outcome_noun", "note"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome_noun") and cleaned.get("outcome_count") is None:
            self.add_error("outcome_count", "Give the count the outcome is reported with.")
        return cleaned

    def save(self, user):
        data = self.cleaned_data
        state, topic = data["topic"]
        topic = topic if state == "found" else find_or_add_topic(topic)
        if data["visit"].agenda_items.filter(topic=topic).exists():
            raise ValidationError({"topic": f"{topic} is already on this visit's agenda."})
        item = add_agenda_item(
            data["visit"],
            topic=topic,
            expectation=data["expectation"],
            note=data["note"],
            outcome_count=data["outcome_count"],
            outcome_qualifier=data["outcome_qualifier"] if data["outcome_count"] is not None else "",
            outcome_noun=data["outcome_noun"],
        )
        self.cite(item, **self.speaker_records())
        return data["visit"], f"On the agenda: {topic}."


class StanceEntryForm(FactForm):
    topic = NamedRecordField(model=NegotiationTopic)
    country = forms.ModelChoiceField(queryset=None)
    stance = forms.ChoiceField(choices=[("", "— choose —")] + list(TopicStance.Stance.choices))
    as_of = ImpreciseDateField(required=False, label="As of", help_text="Empty: the report's date.")
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["topic", "country", "stance", "as_of", "note"]

    def save(self, user):
        data = self.cleaned_data
        state, topic = data["topic"]
        topic = topic if state == "found" else find_or_add_topic(topic)
        as_of = data["as_of"]
        stance = add_topic_stance(
            topic=topic,
            country=data["country"],
            stance=data["stance"],
            as_of=as_of.date if as_of else self.source.published_on,
            as_of_precision=as_of.precision if as_of else self.source.published_precision,
            note=data["note"],
        )
        self.cite(stance, **self.speaker_records())
        return stance, f"Stance added: {stance}."


class ParticipantEntryForm(VisitFactForm):
    visit = forms.ModelChoiceField(queryset=None)
    person = NamedRecordField(model=Person)
    person_post = forms.CharField(required=False, max_length=200, label="A new person's post")
    person_country = forms.ModelChoiceField(queryset=None, required=False, label="A new person's country")
    role = forms.CharField(required=False, max_length=200, help_text="e.g. head of delegation")

    field_order = ["visit", "person", "person_post", "person_country", "role"]

    def save(self, user):
        data = self.cleaned_data
        visit = data["visit"]
        person = person_named(self, "person", "person_post", data["person_country"] or visit.visitor_country)
        if visit.participants.filter(person=person).exists():
            raise ValidationError({"person": f"{person} is already in this visit's delegation."})
        participant = add_participant(visit, person=person, role=data["role"])
        self.cite(participant, **self.speaker_records())
        return visit, f"Participant added: {participant}."


# name -> (form, its heading, the permissions it needs beyond adding a citation)
ENTRY_FORMS = {
    "visit": (VisitEntryForm, "Add a visit", ["visits.add_visit"]),
    "leg": (TourLegForm, "Add a tour leg", ["visits.add_visit", "visits.add_tour"]),
    "agreements": (ExpectedAgreementsForm, "Add agreements expected at a visit", ["agreements.add_agreement"]),
    "claims": (TradeClaimsForm, "Add trade figures someone stated", ["trade.add_tradeclaim"]),
    "agenda": (AgendaEntryForm, "Add an agenda item", ["visits.add_agendaitem"]),
    "stance": (StanceEntryForm, "Add a country's stance on a topic", ["visits.add_topicstance"]),
    "participant": (ParticipantEntryForm, "Add a participant", ["visits.add_participant"]),
}
NEEDS_VISIT = {"leg", "agreements", "agenda", "participant"}
