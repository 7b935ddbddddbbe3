"""Reports read for proposals, where each was published, the proposals an editor decides on,
and the feeds reports come from.

A report is one text: the same wire story published by three outlets is one report with three
publications, and an accepted fact is cited to each publication's source. Proposals are
stored as the pipeline made them (fields named as the API's create bodies name them) and
never change after an editor's decision; what accepting one wrote is kept on it.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import TrackedModel, precision_field
from core.values import guard_stored_values
from directory.models import Citation, Source


class Feed(TrackedModel):
    """An RSS or Atom feed an editor subscribed to; beat polls it every `poll_minutes`."""

    title = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, unique=True)
    outlet_name = models.CharField(max_length=200, blank=True, help_text="Who publishes it.")
    language = models.CharField(max_length=8, blank=True, default="en")
    active = models.BooleanField(default=True)
    poll_minutes = models.PositiveIntegerField(default=60, help_text="How often beat polls it, in minutes.")
    # What the last answer said, for conditional requests (ETag / Last-Modified).
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    last_result = models.TextField(blank=True, help_text="What the last poll read, or why it failed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "url"]

    def __str__(self):
        return self.title or self.url


class Report(TrackedModel):
    """A report's text as received, the date it is read against, and who brought it in."""

    class Origin(models.TextChoices):
        PASTED = "pasted", "Pasted"
        UPLOADED = "uploaded", "Uploaded"
        FETCHED = "fetched", "Fetched from its URL"
        FEED = "feed", "From a feed"
        COMMAND = "command", "From the command line"

    title = models.CharField(max_length=300)
    text = models.TextField()
    language = models.CharField(max_length=8, blank=True, default="en")
    published_on = models.DateField(help_text="The report's relative dates ('next week') are read from it.")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    # sha256 of the normalised words (intake.dedup): the same text twice is one report.
    fingerprint = models.CharField(max_length=64, unique=True)
    signature = models.JSONField(default=list, blank=True, help_text="For near-identical texts (intake.dedup).")
    reason = models.TextField(blank=True, help_text="Why the report gave no proposals, when it gave none.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["text", "signature"])  # the text never changes

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="intake_report_recent_idx")]

    def __str__(self):
        return self.title


class Publication(models.Model):
    """One place a report was published: its outlet, link and date, and the source it is cited as."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(max_length=300)
    # A name, not yet an organisation: the directory is written only when a proposal is accepted.
    outlet_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField()
    published_precision = precision_field()
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="publications")
    guid = models.CharField(max_length=500, blank=True, help_text="The feed item's id.")
    # Made when the first proposal is accepted: an unread feed item is not yet a source.
    source = models.OneToOneField(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="intake_publication"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="intake_publication_url_unique"),
            models.UniqueConstraint(
                fields=["feed", "guid"], condition=~Q(guid=""), name="intake_publication_feed_guid_unique"
            ),
        ]

    def __str__(self):
        return f"{self.outlet_name}: {self.title}" if self.outlet_name else self.title


class Proposal(TrackedModel):
    """A record the report proposes, with the words behind it; pending until an editor decides."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        VISIT_STATUS = "visit_status", "A visit's new status"
        TOUR = "tour", "Tour"
        AGREEMENT = "agreement", "Agreement"
        TRADE_CLAIM = "trade_claim", "Trade claim"
        TOPIC = "topic", "Negotiation topic"
        COMMISSION_SESSION = "commission_session", "Commission session"
        STANCE = "stance", "Stance"
        PERSON = "person", "Person"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveIntegerField(help_text="Its place among the report's proposals.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    fields = models.JSONField(default=dict)
    quote = models.TextField()
    span_start = models.PositiveIntegerField()
    span_end = models.PositiveIntegerField()
    reliability = models.CharField(max_length=20, choices=Citation.Reliability.choices)
    speaker = models.CharField(max_length=200, blank=True)
    confidence = models.FloatField()
    matches = models.JSONField(default=list, blank=True, help_text="Existing records it may be (intake.matching).")
    # One of its matches contradicts the record: the review queue lists it.
    conflict = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="What accepting it wrote, or why it was rejected.")
    # The record accepting it created or cited.
    record_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    record_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="intake_proposal_position_unique"),
            models.CheckConstraint(condition=Q(span_end__gte=models.F("span_start")), name="intake_proposal_span"),
        ]
        indexes = [
            models.Index(fields=["state", "report"], name="intake_proposal_state_idx"),
            models.Index(
                fields=["report"], condition=Q(conflict=True, state="pending"), name="intake_proposal_conflict_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from report {self.report_id} ({self.get_state_display().lower()})"

    @property
    def conflicts(self) -> list[dict]:
        return [match for match in self.matches if match.get("relation") == "conflict"]

    @property
    def record(self):
        if self.record_type_id is None:
            return None
        return self.record_type.get_object_for_this_type(pk=self.record_id)


guard_stored_values(Feed, Report, Publication, Proposal)
