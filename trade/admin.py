from django.contrib import admin

from core.admin_mixins import TrackedAdmin
from directory.admin_mixins import CitationInline
from trade.models import TradeClaim, TradeFlow


@admin.register(TradeFlow)
class TradeFlowAdmin(TrackedAdmin):
    list_display = ["reporter", "partner", "year", "month", "flow", "commodity_code", "value_usd", "dataset", "release"]
    list_filter = ["flow", "dataset", "year", ("reporter", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reporter__name", "partner__name", "reporter__alpha3", "partner__alpha3", "external_key"]
    autocomplete_fields = ["reporter", "partner", "source"]
    list_select_related = ["reporter", "partner"]
    # Millions of rows: counting them for every page would dominate the page's cost.
    show_full_result_count = False


@admin.register(TradeClaim)
class TradeClaimAdmin(TrackedAdmin):
    list_display = ["__str__", "reporter", "partner", "year", "metric", "value", "unit", "stated_by"]
    list_filter = ["metric", ("reporter", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reporter__name", "partner__name", "stated_by__name", "note"]
    autocomplete_fields = ["reporter", "partner", "stated_by"]
    inlines = [CitationInline]
    list_select_related = ["reporter", "partner", "stated_by"]
