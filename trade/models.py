"""Trade figures as each side reports them, and figures officials state.

Reporter-side and partner-side (mirror) figures differ and are both kept; derived
indicators (turnover, year-on-year change, partner share) are computed from stored flows in
trade.indicators, never typed in.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import TrackedModel
from core.quantities import format_usd
from core.values import guard_stored_values
from directory.models import Citation, Country, Organisation, Person, Source

TOTAL = "TOTAL"  # commodity code for all goods


class TradeFlowQuerySet(models.QuerySet):
    def for_pair(self, a: Country | str, b: Country | str):
        """Both sides' reports of trade between a and b."""
        return self.filter(Q(reporter=a, partner=b) | Q(reporter=b, partner=a))

    def reported_by(self, reporter: Country | str):
        return self.filter(reporter=reporter)

    def annual(self):
        return self.filter(month__isnull=True)

    def all_goods(self):
        return self.filter(commodity_code=TOTAL)


class TradeFlow(TrackedModel):
    """One figure: what `reporter` says it traded with `partner` in a period."""

    class Flow(models.TextChoices):
        EXPORT = "export", "Export"
        IMPORT = "import", "Import"
        RE_EXPORT = "re_export", "Re-export"
        RE_IMPORT = "re_import", "Re-import"

    class Valuation(models.TextChoices):
        FOB = "fob", "FOB"
        CIF = "cif", "CIF"

    # No single-column indexes on the two countries (nor the text-pattern copies PostgreSQL
    # adds to text keys): the composite indexes below all start with one of them, and every
    # extra index is written on each of the millions of rows an import inserts.
    reporter = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="trade_reported", db_index=False)
    partner = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="trade_as_partner",
        db_index=False,
        help_text="The partner country, or World (W00) for the reporter's total.",
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for an annual figure.")
    flow = models.CharField(max_length=10, choices=Flow.choices)
    commodity_code = models.CharField(max_length=12, default=TOTAL, help_text="HS code, or TOTAL for all goods.")
    value_usd = models.DecimalField(max_digits=20, decimal_places=2, help_text="Value in US dollars.")
    valuation = models.CharField(
        max_length=3,
        choices=Valuation.choices,
        blank=True,
        help_text="How the reporter valued the goods: FOB (exports, at the border) or CIF (imports, with "
        "cost, insurance and freight); empty where the dataset does not say.",
    )
    estimated = models.BooleanField(default=False, help_text="The publisher marks the figure as its own estimate.")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="trade_flows")
    dataset = models.CharField(max_length=40, help_text="e.g. 'comtrade', 'imf-dots'.")
    release = models.CharField(max_length=40, blank=True, help_text="Release or vintage of the dataset.")
    external_key = models.CharField(max_length=200, blank=True, help_text="The figure's key in its dataset.")

    objects = TradeFlowQuerySet.as_manager()
    # History rows are read per record (by id) and by date, never by country or source.
    history = HistoricalRecords(no_db_index=["reporter", "partner", "source"])

    class Meta:
        ordering = ["reporter", "partner", "year", "month", "flow"]
        constraints = [
            models.CheckConstraint(condition=Q(value_usd__gte=0), name="tradeflow_value_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=1800) & Q(year__lte=2200), name="tradeflow_year_plausible"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)), name="tradeflow_month_valid"
            ),
            models.CheckConstraint(condition=~Q(reporter=models.F("partner")), name="tradeflow_reporter_not_partner"),
            # One figure per reporter, partner, period, flow, goods and dataset; a new release
            # of the same dataset updates it. Two partial constraints because NULL months
            # would otherwise never collide.
            models.UniqueConstraint(
                fields=["reporter", "partner", "year", "flow", "commodity_code", "dataset"],
                condition=Q(month__isnull=True),
                name="tradeflow_annual_unique",
            ),
            models.UniqueConstraint(
                fields=["reporter", "partner", "year", "month", "flow", "commodity_code", "dataset"],
                condition=Q(month__isnull=False),
                name="tradeflow_monthly_unique",
            ),
            models.UniqueConstraint(
                fields=["dataset", "external_key"], condition=~Q(external_key=""), name="tradeflow_external_key_unique"
            ),
        ]
        indexes = [
            # for_pair() and series: one reporter-partner pair over the years
            models.Index(fields=["reporter", "partner", "year"], name="tradeflow_pair_year_idx"),
            # mirror side and "who reports trade with X"
            models.Index(fields=["partner", "year"], name="tradeflow_partner_year_idx"),
            # the API's flows list, keyset-paginated by id within a reporter, a partner or a
            # year (a year's page read 1.6 s of the primary key at 12.5M flows without it; the
            # latest year and year-and-flow reads use its prefix)
            models.Index(fields=["year", "id"], name="tradeflow_year_id_idx"),
            models.Index(fields=["reporter", "id"], name="tradeflow_reporter_id_idx"),
            models.Index(fields=["partner", "id"], name="tradeflow_partner_id_idx"),
        ]

    def __str__(self):
        period = f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        return f"{self.reporter_id} {self.get_flow_display().lower()} {self.partner_id} {period}: {self.value_usd} USD"

    def clean(self):
        errors = {}
        if self.value_usd is not None and self.value_usd < 0:
            errors["value_usd"] = "A trade value cannot be negative."
        if self.reporter_id and self.reporter_id == self.partner_id:
            errors["partner"] = "A country does not trade with itself."
        if errors:
            raise ValidationError(errors)


class FlowRevision(models.Model):
    """A figure a later release of its dataset changed: what it was, what it became, in which
    releases, written by which import run (imports.upsert.Revisions). Imported figures keep
    these instead of an audit-history row per figure; a re-import that changes nothing writes
    nothing, and a figure an editor corrects by hand keeps its audit history as every record."""

    flow = models.ForeignKey(TradeFlow, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.DecimalField(max_digits=20, decimal_places=2, help_text="USD, as the older release gave it.")
    new_value = models.DecimalField(max_digits=20, decimal_places=2, help_text="USD, as the newer release gives it.")
    old_release = models.CharField(max_length=40, blank=True)
    new_release = models.CharField(max_length=40, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="flow_revisions"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["flow", "recorded_at", "id"]

    def __str__(self):
        return f"{self.flow_id}: {self.old_value} → {self.new_value} USD ({self.old_release or '?'} → {self.new_release or '?'})"


class TradeClaim(TrackedModel):
    """A figure someone stated ('a little over USD 1 billion'), kept beside the statistics."""

    class Metric(models.TextChoices):
        TURNOVER = "turnover", "Turnover (exports + imports)"
        EXPORTS = "exports", "Exports"
        IMPORTS = "imports", "Imports"
        YOY_CHANGE = "yoy_change", "Year-on-year change"
        PARTNER_SHARE = "partner_share", "Partner's share of total turnover"

    class Unit(models.TextChoices):
        USD = "usd", "US dollars"
        PERCENT = "percent", "Percent"

    class Qualifier(models.TextChoices):
        EXACT = "exact", "Exactly"
        ABOUT = "about", "About"
        MORE_THAN = "more_than", "A little over"
        LESS_THAN = "less_than", "A little under"

    PERCENT_METRICS = {Metric.YOY_CHANGE, Metric.PARTNER_SHARE}

    reporter = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="trade_claims",
        help_text="Whose trade the figure describes (the speaker's side).",
    )
    partner = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="trade_claims_as_partner")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.CharField(max_length=16, choices=Metric.choices)
    value = models.DecimalField(max_digits=20, decimal_places=4)
    unit = models.CharField(max_length=8, choices=Unit.choices)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    stated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="trade_claims")
    # A trade ministry or statistics office states a figure as a body: a person or an organisation.
    stated_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="trade_claims"
    )
    note = models.TextField(blank=True)
    citations = GenericRelation(Citation, related_query_name="trade_claim")

    history = HistoricalRecords()

    class Meta:
        ordering = ["reporter", "partner", "year", "metric"]
        constraints = [
            models.CheckConstraint(
                condition=Q(metric="yoy_change") | Q(value__gte=0), name="tradeclaim_value_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(metric__in=["yoy_change", "partner_share"]) & Q(unit="percent"))
                | (Q(metric__in=["turnover", "exports", "imports"]) & Q(unit="usd")),
                name="tradeclaim_unit_fits_metric",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)), name="tradeclaim_month_valid"
            ),
            models.CheckConstraint(
                condition=Q(stated_by__isnull=True) | Q(stated_by_organisation__isnull=True),
                name="tradeclaim_one_stated_by",
            ),
        ]
        indexes = [models.Index(fields=["reporter", "partner", "year"], name="tradeclaim_pair_year_idx")]

    def __str__(self):
        shown = f"{self.value.normalize():f} %" if self.unit == self.Unit.PERCENT else format_usd(self.value)
        return f"{self.reporter_id}–{self.partner_id} {self.year} {self.get_metric_display().lower()}: {self.get_qualifier_display().lower()} {shown}"

    @property
    def stated_by_display(self):
        """Who stated it: the person, else the organisation, else None."""
        return self.stated_by or self.stated_by_organisation

    def clean(self):
        errors = {}
        if self.metric in self.PERCENT_METRICS and self.unit != self.Unit.PERCENT:
            errors["unit"] = f"{self.get_metric_display()} is stated in percent."
        elif self.metric and self.metric not in self.PERCENT_METRICS and self.unit != self.Unit.USD:
            errors["unit"] = f"{self.get_metric_display()} is stated in US dollars."
        if self.stated_by_id and self.stated_by_organisation_id:
            errors["stated_by_organisation"] = "Give the person who stated it or the body, not both."
        if self.value is not None and self.value < 0 and self.metric != self.Metric.YOY_CHANGE:
            errors["value"] = "Only a year-on-year change can be negative."
        if errors:
            raise ValidationError(errors)


# A claim's year as a date's; a flow's is narrower still (tradeflow_year_plausible).
guard_stored_values(TradeFlow, TradeClaim, FlowRevision, years=("year",))
