"""The materialised timeline: one row per thing that happened, ready to read in order.

Rows are computed from the other apps' records by the refresh jobs and are never edited by
hand. Each row's `key` is its natural key (kind + source record + event), so a refresh
upserts instead of duplicating, and its `unit` names the group of rows that are always
recomputed together (all of one visit's rows, all of one topic's stances...): see
timelines/units.py.

The other models record the refresh machinery's own work: reconciliation runs, their
batches and the drift each one repaired, and the outbox of refreshes that could not be
queued while the broker was down.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from core.dates import format_imprecise_date
from core.models import precision_field
from core.values import guard_stored_values
from directory.models import Country, Person


class TimelineEntryQuerySet(models.QuerySet):
    def for_pair(self, a: Country | str, b: Country | str):
        first, second = sorted([getattr(a, "pk", a), getattr(b, "pk", b)])
        return self.filter(country_a=first, country_b=second)

    def for_country(self, country: Country | str):
        return self.filter(Q(country_a=country) | Q(country_b=country))

    def chronological(self):
        return self.order_by("date", "id")


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        VISIT_STATUS = "visit_status", "Visit status change"
        AGREEMENT_STATUS = "agreement_status", "Agreement status change"
        AGREEMENT_DRAFT = "agreement_draft", "New agreement draft"
        TOPIC_STANCE = "topic_stance", "Topic stance"
        CONTRADICTION = "contradiction", "Contradicting report"
        TRADE_RELEASE = "trade_release", "Trade figures"

    key = models.CharField(max_length=200, unique=True, help_text="Natural key: kind, source record and event.")
    unit = models.CharField(max_length=200, help_text="The refresh unit the entry is computed in, e.g. 'visit:12'.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    precision = precision_field()
    end_date = models.DateField(null=True, blank=True, help_text="For spans such as a visit.")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    # The pair is stored in alphabetical order so either order of a pair finds the same rows.
    country_a = models.ForeignKey(Country, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    country_b = models.ForeignKey(Country, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    persons = models.ManyToManyField(Person, related_name="timeline_entries", blank=True)
    topics = models.ManyToManyField("visits.NegotiationTopic", related_name="timeline_entries", blank=True)
    agreement = models.ForeignKey(
        "agreements.Agreement", null=True, blank=True, on_delete=models.CASCADE, related_name="timeline_entries"
    )
    # The record the entry was computed from; entries go when their record goes.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    source_updated_at = models.DateTimeField(help_text="The record's updated_at when the entry was computed.")
    source_version = models.PositiveIntegerField(
        default=1, help_text="The record's version when the entry was computed."
    )
    computed_at = models.DateTimeField(auto_now=True)

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name_plural = "timeline entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(country_a__isnull=True) | Q(country_b__isnull=True) | Q(country_a__lt=F("country_b")),
                name="timelineentry_pair_ordered",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="timelineentry_end_not_before_start",
            ),
        ]
        indexes = [
            # pair timeline, keyset-paginated by (date, id)
            models.Index(fields=["country_a", "country_b", "date", "id"], name="timeline_pair_date_idx"),
            # country timeline: either side of the pair, by date
            models.Index(fields=["country_a", "date", "id"], name="timeline_country_a_date_idx"),
            models.Index(fields=["country_b", "date", "id"], name="timeline_country_b_date_idx"),
            models.Index(fields=["agreement", "date", "id"], name="timeline_agreement_date_idx"),
            models.Index(fields=["kind", "date", "id"], name="timeline_kind_date_idx"),
            models.Index(fields=["date", "id"], name="timeline_date_idx"),
            # refresh: all entries computed from one record
            models.Index(fields=["content_type", "object_id"], name="timeline_record_idx"),
            # refresh and reconciliation: all entries of one unit
            models.Index(fields=["unit"], name="timeline_unit_idx"),
        ]

    def __str__(self):
        return f"{format_imprecise_date(self.date, self.precision)}: {self.title}"


class RefreshRun(models.Model):
    """One reconciliation pass: every unit in scope recomputed and compared with what is stored.

    A run is planned as numbered batches (RefreshBatch) that workers process independently,
    so a worker that dies mid-run loses one batch's transaction, not the run. The counts
    are the drift the run found and repaired; each repair is a TimelineRepair row.
    """

    class Scope(models.TextChoices):
        FULL = "full", "Everything"
        PAIR = "pair", "One country pair"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        ABANDONED = "abandoned", "Abandoned (superseded by a later run)"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    pair = models.CharField(max_length=7, blank=True, help_text="For a pair run, e.g. 'RUS-TJK'.")
    trigger = models.CharField(max_length=20, help_text="What started it: 'schedule', 'command'.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When its unfinished batches were last sent to the workers."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    units_total = models.PositiveIntegerField(default=0)
    batches_total = models.PositiveIntegerField(default=0)
    entries_created = models.PositiveIntegerField(default=0, help_text="Missing entries put back.")
    entries_updated = models.PositiveIntegerField(default=0, help_text="Entries that differed from their records.")
    entries_deleted = models.PositiveIntegerField(default=0, help_text="Entries with no record behind them.")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"], name="refreshrun_status_idx")]

    def __str__(self):
        what = f"pair {self.pair}" if self.pair else self.get_scope_display().lower()
        return f"Refresh #{self.pk} ({what}, {self.get_status_display().lower()})"

    @property
    def repairs_total(self) -> int:
        return self.entries_created + self.entries_updated + self.entries_deleted


class RefreshBatch(models.Model):
    """A slice of a run's units; done once, whatever how often its task is delivered."""

    # Batches are the run's plan; they mean nothing without it.
    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    units = models.JSONField(help_text="The unit names to recompute.")
    done_at = models.DateTimeField(null=True, blank=True)
    entries_created = models.PositiveIntegerField(default=0)
    entries_updated = models.PositiveIntegerField(default=0)
    entries_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="refreshbatch_run_number_unique")]
        verbose_name_plural = "refresh batches"

    def __str__(self):
        return f"{self.run} batch {self.number}"


class TimelineRepair(models.Model):
    """One entry a reconciliation run found wrong, and what it did about it."""

    class Action(models.TextChoices):
        CREATED = "created", "Created (was missing)"
        UPDATED = "updated", "Updated (differed)"
        DELETED = "deleted", "Deleted (no record behind it)"

    MAX_PER_RUN = 1000  # the counts on the run stay exact; only the details are capped

    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="repairs")
    key = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    fields = models.JSONField(default=list, blank=True, help_text="The fields that differed.")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"{self.key}: {self.get_action_display().lower()}"


class TimelineOutbox(models.Model):
    """Refreshes that could not be queued (the broker was down); a beat task drains them."""

    units = models.JSONField(help_text="The unit names to refresh.")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "timeline outbox row"

    def __str__(self):
        return f"{len(self.units)} unit(s) waiting since {self.created_at:%Y-%m-%d %H:%M}"


# Entries copy their records' text and dates; the refresh machinery's rows hold no content.
guard_stored_values(TimelineEntry)
