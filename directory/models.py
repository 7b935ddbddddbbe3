"""Who and where: countries, organisations, people and their posts, sources and citations."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from core.dates import format_imprecise_date, format_imprecise_range
from core.models import TrackedModel, precision_field
from core.values import guard_stored_values
from directory.citable import is_citable


class CountryQuerySet(models.QuerySet):
    def current(self):
        return self.filter(kind=Country.Kind.STATE)

    def historical(self):
        return self.filter(kind=Country.Kind.HISTORICAL)

    def by_code(self, code: str):
        """Look a country up by alpha-3, alpha-2 or numeric (M49) code, as importers meet them."""
        code = code.strip().upper()
        if code.isdigit():
            return self.filter(numeric=code.zfill(3))
        if len(code) == 2:
            return self.filter(alpha2=code)
        return self.filter(alpha3=code)


class Country(models.Model):
    """A state, keyed by ISO 3166-1 alpha-3; withdrawn ISO 3166-3 states are kept as historical.

    Rows come from pycountry in a data migration, not from editors: `kind` says whether a
    row is a current state, a state that no longer exists, or an aggregate such as World
    (the partner of a reporter's total trade).
    """

    class Kind(models.TextChoices):
        STATE = "state", "State"
        HISTORICAL = "historical", "Historical state"
        AGGREGATE = "aggregate", "Aggregate"

    WORLD = "W00"  # Comtrade's code for the world as a trade partner

    alpha3 = models.CharField(
        primary_key=True, max_length=3, help_text="ISO 3166-1 alpha-3 (or ISO 3166-3 for withdrawn states)."
    )
    alpha2 = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; withdrawn states keep their old code."
    )
    numeric = models.CharField(max_length=3, blank=True, help_text="ISO 3166-1 numeric, the UN M49 code Comtrade uses.")
    name = models.CharField(max_length=100)
    official_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STATE)
    withdrawn_on = models.DateField(null=True, blank=True, help_text="When ISO withdrew the code (historical states).")

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            # Current codes are unique; withdrawn ones may repeat a code ISO later reassigned.
            models.UniqueConstraint(fields=["alpha2"], condition=Q(kind="state"), name="country_alpha2_unique_current"),
            models.UniqueConstraint(
                fields=["numeric"], condition=Q(kind="state"), name="country_numeric_unique_current"
            ),
            models.CheckConstraint(condition=Q(alpha3__regex=r"^[A-Z][A-Z0-9]{2}$"), name="country_alpha3_format"),
        ]
        indexes = [
            # by_code() for the codes importers carry
            models.Index(fields=["alpha2"], name="country_alpha2_idx"),
            models.Index(fields=["numeric"], name="country_numeric_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_historical(self) -> bool:
        return self.kind == self.Kind.HISTORICAL


class Organisation(TrackedModel):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", "Ministry"
        GOVERNMENT = "government", "Government"
        HEAD_OF_STATE_OFFICE = "head_of_state_office", "Office of the head of state"
        COMMISSION = "commission", "Intergovernmental commission"
        BLOC = "bloc", "Bloc or international organisation"
        NEWS_OUTLET = "news_outlet", "News outlet"
        STATISTICS_OFFICE = "statistics_office", "Statistics office"
        ARCHIVE = "archive", "Archive or historical office"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # A country's ministries go with it only by a deliberate act: PROTECT.
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text="Empty for international bodies (a bloc, a bilateral commission, a wire service).",
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    url = models.URLField(blank=True)
    external_id = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_name_country_unique"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="organisation_external_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="organisation_kind_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class PersonQuerySet(models.QuerySet):
    def named(self, name: str):
        """People whose name or any alias matches, ignoring case ('Emomali Rakhmonov' finds Rahmon)."""
        name = " ".join(name.split())
        return self.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name)).distinct()


class Person(TrackedModel):
    name = models.CharField(max_length=200, help_text="The name as Chancery shows it.")
    sort_name = models.CharField(max_length=200, blank=True, help_text="e.g. 'Rahmon, Emomali'.")
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="The state the person serves or is a national of.",
    )
    birth_date = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="Id in the dataset the person was imported from."
    )

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="person_external_id_unique"
            ),
        ]
        indexes = [
            # PersonQuerySet.named(): case-insensitive lookup by name
            models.Index(Lower("name"), name="person_name_lower_idx"),
        ]

    def __str__(self):
        return self.name

    def current_positions(self):
        return self.positions.filter(end_date__isnull=True)


class PersonAlias(TrackedModel):
    class Kind(models.TextChoices):
        SPELLING = "spelling", "Other spelling"
        TRANSLITERATION = "transliteration", "Transliteration"
        FORMER = "former", "Former name"
        NATIVE = "native", "Name in native script"

    # An alias means nothing without its person.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SPELLING)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "person aliases"
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="personalias_person_name_unique")]
        indexes = [models.Index(Lower("name"), name="personalias_name_lower_idx")]

    def __str__(self):
        return self.name


class Position(TrackedModel):
    """A post a person held: 'Deputy Prime Minister' of Russia, 'Minister' at a ministry."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="positions")
    start_date = models.DateField(null=True, blank=True)
    start_precision = precision_field()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while the post is held.")
    end_precision = precision_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="position_end_not_before_start",
            ),
        ]
        indexes = [
            # posts held on a date: person, then the date range
            models.Index(fields=["person", "start_date"], name="position_person_start_idx"),
            models.Index(fields=["title"], name="position_title_idx"),
        ]

    def __str__(self):
        where = self.organisation or self.country
        return f"{self.person}: {self.title}" + (f", {where}" if where else "")

    @property
    def period_display(self) -> str:
        if self.end_date is None:
            return f"since {format_imprecise_date(self.start_date, self.start_precision)}" if self.start_date else ""
        return format_imprecise_range(self.start_date, self.start_precision, self.end_date, self.end_precision)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A post cannot end before it starts."})


class Source(TrackedModel):
    """Something that reported facts: a news report, a statement, a dataset, an archive record."""

    class Kind(models.TextChoices):
        NEWS_REPORT = "news_report", "News report"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        PRESS_RELEASE = "press_release", "Press release"
        INTERVIEW = "interview", "Interview"
        ANALYSIS = "analysis", "Analysis"
        DATASET = "dataset", "Statistical dataset"
        ARCHIVE = "archive", "Archive record"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outlet = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="The agency, ministry or office that published it.",
    )
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_precision = precision_field()
    retrieved_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, help_text="BCP 47 tag, e.g. 'en', 'ru'.")
    external_id = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="source_external_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["published_on"], name="source_published_idx")]

    def __str__(self):
        return f"{self.outlet}: {self.title}" if self.outlet_id else self.title


class Citation(TrackedModel):
    """Links any record, or one field of it, to a source that reported it.

    Conflicting claims are kept side by side: a citation may deny or correct what others
    report, and an editor marks the conflict resolved rather than deleting either side.
    """

    class Reliability(models.TextChoices):
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        NAMED_OFFICIAL = "named_official", "Named official"
        ANONYMOUS_SOURCE = "anonymous_source", "Anonymous source"
        MEDIA_REPORT = "media_report", "Media report"
        ANALYST_ESTIMATE = "analyst_estimate", "Analyst estimate"

    class Stance(models.TextChoices):
        REPORTS = "reports", "Reports"
        DENIES = "denies", "Denies"
        CORRECTS = "corrects", "Corrects"

    # A source that is cited should not vanish from under its citations.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, help_text="Primary key of the cited record.")
    record = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(
        max_length=64, blank=True, help_text="The one field the source speaks to; empty for the whole record."
    )
    quote = models.CharField(max_length=500, blank=True, help_text="Only the few words whose exact wording matters.")
    reported_on = models.DateField(null=True, blank=True, help_text="When the source reported it.")
    reported_precision = precision_field()
    reliability = models.CharField(max_length=20, choices=Reliability.choices)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.REPORTS)
    speaker = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        help_text="The person quoted, when named.",
    )
    # A ministry or press service speaks as a body: the speaker is a person or an organisation.
    speaker_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        help_text="The body that made the statement (a ministry, a press service), when no person is named.",
    )
    note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolved_citations"
    )
    resolution_note = models.TextField(blank=True)
    prevails = models.BooleanField(
        null=True,
        blank=True,
        help_text="After a conflict is resolved: this claim stands (yes), gave way (no), or both were kept (empty).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["reported_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id", "field_name"],
                name="citation_one_per_source_record_field",
            ),
            models.CheckConstraint(
                condition=Q(speaker__isnull=True) | Q(speaker_organisation__isnull=True),
                name="citation_one_speaker",
            ),
        ]
        indexes = [
            # a record's citations: every record page lists them
            models.Index(fields=["content_type", "object_id"], name="citation_record_idx"),
        ]

    def __str__(self):
        target = f"{self.content_type.model} {self.object_id}" + (f".{self.field_name}" if self.field_name else "")
        return f"{self.source} {self.get_stance_display().lower()} {target}"

    @property
    def speaker_display(self):
        """Who spoke: the person, else the organisation, else None."""
        return self.speaker or self.speaker_organisation

    def clean(self):
        if self.content_type_id and not is_citable(self.content_type.model_class()):
            raise ValidationError(
                {"content_type": "Only Chancery's records can be cited: a visit, an agreement, a claim…"}
            )
        if self.speaker_id and self.speaker_organisation_id:
            raise ValidationError({"speaker_organisation": "Give the person who spoke or the body, not both."})
        if self.field_name and self.content_type_id:
            model = self.content_type.model_class()
            if model is not None and self.field_name not in {f.name for f in model._meta.get_fields()}:
                raise ValidationError({"field_name": f"{model._meta.verbose_name} has no field {self.field_name!r}."})


guard_stored_values(Country, Organisation, Person, PersonAlias, Position, Source, Citation)
