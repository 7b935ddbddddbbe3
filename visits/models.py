"""Visits, the tours that group them, and the negotiation topics that run through them."""

import datetime

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.dates import format_imprecise_date, format_imprecise_range
from core.models import StatusChange, TrackedModel, precision_field
from core.quantities import CountQualifier
from core.statemachine import StatusMachine, forward_along
from core.values import guard_stored_values
from directory.models import Citation, Country, Person


class Tour(TrackedModel):
    """A trip of several legs, e.g. a president's Central Asia tour taking in two capitals."""

    title = models.CharField(max_length=200)
    traveller = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="tours")
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class VisitQuerySet(models.QuerySet):
    def for_pair(self, a: Country | str, b: Country | str):
        """Visits either way between two countries."""
        return self.filter(Q(visitor_country=a, host_country=b) | Q(visitor_country=b, host_country=a))

    def involving(self, country: Country | str):
        return self.filter(Q(visitor_country=country) | Q(host_country=country))

    def between(self, start: datetime.date, end: datetime.date):
        return self.filter(start_date__gte=start, start_date__lte=end)

    def upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(start_date__gte=today, status__in=Visit.Status.open_values()).order_by("start_date")


def _visit_status_machine(S) -> StatusMachine:
    transitions = forward_along([S.RUMOURED, S.ANNOUNCED, S.CONFIRMED, S.UNDER_WAY, S.COMPLETED])
    for open_status in (S.RUMOURED, S.ANNOUNCED, S.CONFIRMED):
        transitions[open_status] |= {S.POSTPONED, S.CANCELLED}
    transitions[S.UNDER_WAY] |= {S.CANCELLED}  # cut short before it really began
    # A postponed visit is announced again with new dates, or called off.
    transitions[S.POSTPONED] = {S.ANNOUNCED, S.CONFIRMED, S.CANCELLED}
    return StatusMachine(name="visit", choices=S.choices, transitions=transitions)


class Visit(TrackedModel):
    class Status(models.TextChoices):
        RUMOURED = "rumoured", "Rumoured"
        ANNOUNCED = "announced", "Announced"
        CONFIRMED = "confirmed", "Confirmed"
        UNDER_WAY = "under_way", "Under way"
        COMPLETED = "completed", "Completed"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

        @classmethod
        def open_values(cls) -> list[str]:
            """Statuses of a visit that may still happen."""
            return [cls.RUMOURED, cls.ANNOUNCED, cls.CONFIRMED, cls.UNDER_WAY, cls.POSTPONED]

    # Which status may follow which; core.status.change_status enforces it.
    status_machine = _visit_status_machine(Status)

    class Kind(models.TextChoices):
        STATE = "state", "State visit"
        OFFICIAL = "official", "Official visit"
        WORKING = "working", "Working visit"
        PRIVATE = "private", "Private visit"
        SUMMIT = "summit", "Multilateral summit"
        TRANSIT = "transit", "Transit"

    class Level(models.TextChoices):
        HEAD = "head", "Head of state or government"
        MINISTER = "minister", "Minister"
        DEPUTY = "deputy", "Deputy"
        OFFICIAL = "official", "Official"

    visitor = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits_made",
        help_text="The principal visitor; empty while a rumour names no one.",
    )
    # Countries are reference data; a visit must never disappear because one was removed.
    visitor_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="visits_made")
    host_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="visits_hosted")
    locale = models.CharField(max_length=200, blank=True, help_text="City or place, e.g. 'Dushanbe'.")
    start_date = models.DateField()
    start_precision = precision_field()
    end_date = models.DateField(null=True, blank=True)
    end_precision = precision_field()
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUMOURED)
    summary = models.TextField(blank=True)
    tour = models.ForeignKey(Tour, null=True, blank=True, on_delete=models.SET_NULL, related_name="legs")
    prepares = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prepared_by",
        help_text="The visit this one laid the ground for.",
    )
    external_source = models.CharField(
        max_length=40, blank=True, help_text="Importer that created the row, e.g. 'hsg-travels'."
    )
    external_id = models.CharField(max_length=100, blank=True)
    citations = GenericRelation(Citation, related_query_name="visit")

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="visit_end_not_before_start",
            ),
            models.CheckConstraint(condition=~Q(visitor_country=F("host_country")), name="visit_countries_differ"),
            models.UniqueConstraint(
                fields=["external_source", "external_id"], condition=~Q(external_id=""), name="visit_external_id_unique"
            ),
        ]
        indexes = [
            # pair and country pages: visits by one side, newest first
            models.Index(fields=["visitor_country", "host_country", "start_date"], name="visit_pair_date_idx"),
            models.Index(fields=["host_country", "start_date"], name="visit_host_date_idx"),
            # upcoming(): open visits by date
            models.Index(fields=["status", "start_date"], name="visit_status_date_idx"),
            models.Index(fields=["start_date", "id"], name="visit_date_id_idx"),
            models.Index(fields=["visitor", "start_date"], name="visit_visitor_date_idx"),
        ]

    def __str__(self):
        who = self.visitor or self.visitor_country
        return f"{who} to {self.host_country}, {self.date_display}"

    @property
    def date_display(self) -> str:
        return format_imprecise_range(self.start_date, self.start_precision, self.end_date, self.end_precision)

    def first_status_date(self):
        """(date, precision) of the status a new visit is recorded in, where the visit's own dates
        say it: a visit recorded as completed was completed when it ended, one under way was
        under way from its start. An announced or rumoured visit's date is its report's, which
        the record does not hold: None."""
        if self.status == self.Status.COMPLETED:
            return (self.end_date, self.end_precision) if self.end_date else (self.start_date, self.start_precision)
        if self.status == self.Status.UNDER_WAY:
            return self.start_date, self.start_precision
        return None

    def status_changed(
        self,
        to_status: str,
        *,
        on: datetime.date,
        precision: str,
        new_start_date: datetime.date | None = None,
        new_start_precision: str | None = None,
        new_end_date: datetime.date | None = None,
        new_end_precision: str | None = None,
    ) -> None:
        """A status change may come with new dates (a postponed visit announced again)."""
        if new_start_date is not None:
            self.start_date = new_start_date
            self.start_precision = new_start_precision or self.start_precision
        if new_end_date is not None:
            self.end_date = new_end_date
            self.end_precision = new_end_precision or self.end_precision

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "A visit cannot end before it starts."
        if self.visitor_country_id and self.visitor_country_id == self.host_country_id:
            errors["host_country"] = "The host country must differ from the visiting country."
        if errors:
            raise ValidationError(errors)


class VisitStatusChange(StatusChange):
    """History of a visit's status: one row per change. Rows are appended by core.status; an
    editor may correct a row's date, precision, note and source (core.status.correct_status_change),
    and every correction is in the row's own audit history."""

    record_field = "visit"

    # The history belongs to its visit; the audit log keeps a deleted visit's record.
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        max_length=10, choices=Visit.Status.choices, blank=True, help_text="Empty for the first status recorded."
    )
    to_status = models.CharField(max_length=10, choices=Visit.Status.choices)
    citation = models.ForeignKey(Citation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "changed_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["visit", "changed_on"], name="visitstatus_visit_date_idx")]


class Participant(TrackedModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=200, blank=True, help_text="e.g. 'head of delegation', 'co-chair'.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "person"], name="participant_visit_person_unique")]
        indexes = [models.Index(fields=["person"], name="participant_person_idx")]

    def __str__(self):
        return f"{self.person} ({self.role})" if self.role else str(self.person)


class NegotiationTopic(TrackedModel):
    """A long-running thread: an accession to a bloc, a base lease, an aviation dispute."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PROGRESSING = "progressing", "Progressing"
        STALLED = "stalled", "Stalled"
        RESOLVED = "resolved", "Resolved"
        DROPPED = "dropped", "Dropped"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    keywords = models.CharField(
        max_length=500,
        blank=True,
        help_text="Other words reports name it by, separated by commas (EAEU, Eurasian Economic Union): "
        "news intake finds the topic by its title or any of these.",
    )
    countries = models.ManyToManyField(Country, related_name="topics", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    citations = GenericRelation(Citation, related_query_name="topic")

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status"], name="topic_status_idx")]

    def __str__(self):
        return self.title


class AgendaItem(TrackedModel):
    class Expectation(models.TextChoices):
        EXPECTED = "expected", "Expected"
        DISCUSSED = "discussed", "Discussed"
        AGREED = "agreed", "Agreed"
        DEFERRED = "deferred", "Deferred"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="agenda_items")
    topic = models.ForeignKey(NegotiationTopic, on_delete=models.PROTECT, related_name="agenda_items")
    expectation = models.CharField(max_length=10, choices=Expectation.choices, default=Expectation.EXPECTED)
    # A counted outcome as reported: "more than ten documents" is (more_than, 10, "documents").
    outcome_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many (documents, agreements ...) the item is reported to bring."
    )
    outcome_qualifier = models.CharField(
        max_length=10, choices=CountQualifier.choices, default=CountQualifier.EXACT, blank=True
    )
    outcome_noun = models.CharField(
        max_length=60, blank=True, help_text="What is counted, in the plural: 'documents', 'agreements'."
    )
    note = models.TextField(blank=True)
    citations = GenericRelation(Citation, related_query_name="agenda_item")

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "topic"], name="agendaitem_visit_topic_unique")]
        indexes = [models.Index(fields=["topic"], name="agendaitem_topic_idx")]

    def __str__(self):
        return f"{self.topic} at {self.visit} ({self.get_expectation_display().lower()})"

    @property
    def outcome_display(self) -> str:
        """'More than 10 documents', '3 agreements'; empty when no count was reported."""
        if self.outcome_count is None:
            return ""
        words = CountQualifier(self.outcome_qualifier or CountQualifier.EXACT).words
        return " ".join(w for w in (words, str(self.outcome_count), self.outcome_noun or "items") if w).capitalize()

    def clean(self):
        if self.outcome_noun and self.outcome_count is None:
            raise ValidationError({"outcome_count": "Give the count the outcome is reported with."})


class TopicStance(TrackedModel):
    """Where a country stood on a topic as of a date."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        OPEN = "open", "Open to it"
        UNDECIDED = "undecided", "Undecided, studying"
        RELUCTANT = "reluctant", "Reluctant"
        OPPOSES = "opposes", "Opposes"

    topic = models.ForeignKey(NegotiationTopic, on_delete=models.CASCADE, related_name="stances")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="topic_stances")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    as_of = models.DateField()
    as_of_precision = precision_field()
    note = models.TextField(blank=True)
    citations = GenericRelation(Citation, related_query_name="topic_stance")

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "country", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "country", "as_of"], name="topicstance_topic_country_date_unique"),
        ]

    def __str__(self):
        return f"{self.country} {self.get_stance_display().lower()} {self.topic} ({format_imprecise_date(self.as_of, self.as_of_precision)})"


guard_stored_values(Tour, Visit, VisitStatusChange, Participant, NegotiationTopic, AgendaItem, TopicStance)
