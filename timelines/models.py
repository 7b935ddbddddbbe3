"""The materialised timeline: one row per thing that happened, ready to read in order.

Rows are computed from the other apps' records by the refresh jobs and are never edited by
hand. Each row's `key` is its natural key (kind + source record + event), so a refresh
upserts instead of duplicating.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from chancery.dates import format_imprecise_date
from chancery.models import precision_field
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
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")), name="timelineentry_end_not_before_start"
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
        ]

    def __str__(self):
        return f"{format_imprecise_date(self.date, self.precision)}: {self.title}"
