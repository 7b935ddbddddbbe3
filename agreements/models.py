"""Agreements from first proposal to entry into force, with their status history and drafts."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import StatusChange, TrackedModel, precision_field
from core.statemachine import StatusMachine, forward_along
from core.values import guard_stored_values
from directory.models import Citation, Country
from visits.models import NegotiationTopic, Visit


class AgreementQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=Agreement.Status.IN_FORCE)

    def between_parties(self, a: Country | str, b: Country | str):
        return self.filter(parties=a).filter(parties=b)


def _agreement_status_machine(S) -> StatusMachine:
    main_line = [S.PROPOSED, S.DRAFTING, S.NEGOTIATING, S.INITIALLED, S.SIGNED, S.RATIFIED, S.IN_FORCE]
    transitions = forward_along(main_line)
    for open_status in main_line[:-1]:
        transitions[open_status] |= {S.ABANDONED}
    transitions[S.IN_FORCE] = {S.SUSPENDED, S.TERMINATED}
    transitions[S.SUSPENDED] = {S.IN_FORCE, S.TERMINATED}
    return StatusMachine(name="agreement", choices=S.choices, transitions=transitions)


class Agreement(TrackedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        DRAFTING = "drafting", "Drafting"
        NEGOTIATING = "negotiating", "Negotiating"
        INITIALLED = "initialled", "Initialled"
        SIGNED = "signed", "Signed"
        RATIFIED = "ratified", "Ratified"
        IN_FORCE = "in_force", "In force"
        SUSPENDED = "suspended", "Suspended"
        TERMINATED = "terminated", "Terminated"
        ABANDONED = "abandoned", "Abandoned"

    # Which status may follow which; core.status.change_status enforces it.
    status_machine = _agreement_status_machine(Status)
    # Key dates the agreement keeps in step with its history: status -> field prefix.
    KEY_DATES = {Status.PROPOSED: "proposed", Status.SIGNED: "signed", Status.IN_FORCE: "in_force"}

    class Kind(models.TextChoices):
        TREATY = "treaty", "Treaty"
        INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental agreement"
        MOU = "mou", "Memorandum of understanding"
        PROTOCOL = "protocol", "Protocol"
        JOINT_STATEMENT = "joint_statement", "Joint statement"
        CONTRACT = "contract", "Contract"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parties = models.ManyToManyField(Country, through="AgreementParty", related_name="agreements")
    topics = models.ManyToManyField(NegotiationTopic, related_name="agreements", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    summary = models.TextField(blank=True)
    signed_at_visit = models.ForeignKey(
        Visit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements_signed",
        help_text="The visit during which it was signed.",
    )
    # Reports name the visit an agreement is to be signed at before it is; it may then be signed
    # at that visit, at another, or not at all.
    expected_at_visit = models.ForeignKey(
        Visit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements_expected",
        help_text="The visit at which it was expected to be signed, as reported before.",
    )
    proposed_on = models.DateField(null=True, blank=True)
    proposed_precision = precision_field()
    signed_on = models.DateField(null=True, blank=True)
    signed_precision = precision_field()
    in_force_on = models.DateField(null=True, blank=True)
    in_force_precision = precision_field()
    external_source = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    citations = GenericRelation(Citation, related_query_name="agreement")

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True) | Q(signed_on__isnull=True) | Q(in_force_on__gte=F("signed_on")),
                name="agreement_in_force_not_before_signed",
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="agreement_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "signed_on"], name="agreement_status_signed_idx"),
            models.Index(fields=["kind"], name="agreement_kind_idx"),
        ]

    def __str__(self):
        return self.title

    def first_status_date(self):
        """(date, precision) of the status a new agreement is recorded in, from its own key date,
        or None when the record does not say (proposed on for a proposed agreement, and so on)."""
        prefix = self.KEY_DATES.get(self.status)
        day = getattr(self, f"{prefix}_on") if prefix else None
        return (day, getattr(self, f"{prefix}_precision")) if day else None

    def status_changed(self, to_status: str, *, on, precision: str) -> None:
        """Signing, entry into force and proposal dates follow the history."""
        prefix = self.KEY_DATES.get(to_status)
        if prefix:
            setattr(self, f"{prefix}_on", on)
            setattr(self, f"{prefix}_precision", precision)

    def clean(self):
        if self.signed_on and self.in_force_on and self.in_force_on < self.signed_on:
            raise ValidationError({"in_force_on": "An agreement cannot enter into force before it is signed."})


class AgreementParty(TrackedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agreement_party_links")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agreement parties"
        constraints = [models.UniqueConstraint(fields=["agreement", "country"], name="agreementparty_unique")]
        # agreements of a country, and between_parties()
        indexes = [models.Index(fields=["country", "agreement"], name="agreementparty_country_idx")]

    def __str__(self):
        return f"{self.country} — {self.agreement}"


class AgreementStatusChange(StatusChange):
    """History of an agreement's status: one row per change. Rows are appended by
    core.status; an editor may correct a row's date, precision, note and source
    (core.status.correct_status_change), and every correction is in the row's own audit history."""

    record_field = "agreement"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        max_length=12, choices=Agreement.Status.choices, blank=True, help_text="Empty for the first status recorded."
    )
    to_status = models.CharField(max_length=12, choices=Agreement.Status.choices)
    citation = models.ForeignKey(Citation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "changed_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["agreement", "changed_on"], name="agreementstatus_date_idx")]


class DraftVersion(models.Model):
    """One numbered version of an agreement's text; versions are added, never rewritten."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="drafts")
    number = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft_versions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="draftversion_agreement_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="draftversion_number_positive"),
        ]

    def __str__(self):
        return f"{self.agreement} — draft {self.number}"


guard_stored_values(Agreement, AgreementParty, AgreementStatusChange, DraftVersion)
