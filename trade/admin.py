from decimal import Decimal, InvalidOperation

from django.contrib import admin

from core.admin_mixins import TrackedAdmin
from core.concurrency import VersionedModelForm
from core.fields import AmountField
from core.quantities import format_usd
from directory.admin_mixins import CitationInline
from trade.models import FlowRevision, TradeClaim, TradeFlow


class FlowRevisionInline(admin.TabularInline):
    """What later releases changed in the figure, as the imports recorded it: read-only."""

    model = FlowRevision
    fields = readonly_fields = ["old_value", "new_value", "old_release", "new_release", "import_run", "recorded_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TradeFlow)
class TradeFlowAdmin(TrackedAdmin):
    inlines = [FlowRevisionInline]
    list_display = ["reporter", "partner", "year", "month", "flow", "commodity_code", "value", "dataset", "release"]
    list_filter = ["flow", "dataset", "year", ("reporter", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reporter__name", "partner__name", "reporter__alpha3", "partner__alpha3", "external_key"]
    autocomplete_fields = ["reporter", "partner", "source"]
    list_select_related = ["reporter", "partner"]
    # Millions of rows: counting them for every page would dominate the page's cost.
    show_full_result_count = False

    @admin.display(description="Value", ordering="value_usd")
    def value(self, obj):
        return format_usd(obj.value_usd)


class TradeClaimForm(VersionedModelForm):
    """A claim's figure as the report gives it: US dollars with a scale ("18 bn", "USD 650
    million", "1.2e9"), a percentage as a plain number ("4.5", "-12")."""

    value = AmountField(
        allow_negative=True,
        help_text="US dollars as the report gives them: 18 bn, USD 650 million, 1.2e9. A percentage as a plain number: 4.5.",
    )

    class Meta:
        model = TradeClaim
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("unit") == TradeClaim.Unit.PERCENT
            and "value" in cleaned
            and not _plain_number(self["value"].data)
        ):
            self.add_error("value", "A percentage is a plain number, such as 4.5 or -12, with no scale or currency.")
        return cleaned


def _plain_number(text: str) -> bool:
    try:
        return Decimal(text.strip().replace("−", "-")).is_finite()
    except InvalidOperation:
        return False


@admin.register(TradeClaim)
class TradeClaimAdmin(TrackedAdmin):
    form = TradeClaimForm
    # The figure is in __str__, at a reader's scale ("about USD 18.00 bn").
    list_display = ["__str__", "reporter", "partner", "year", "metric", "stated_by_display"]
    list_filter = ["metric", ("reporter", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reporter__name", "partner__name", "stated_by__name", "stated_by_organisation__name", "note"]
    autocomplete_fields = ["reporter", "partner", "stated_by", "stated_by_organisation"]
    inlines = [CitationInline]
    list_select_related = ["reporter", "partner", "stated_by", "stated_by_organisation"]

    @admin.display(description="Stated by")
    def stated_by_display(self, obj):
        return obj.stated_by_display or "—"
