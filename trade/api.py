"""API for trade data users: flows in bulk (JSON or streamed CSV), pair series, stated claims."""

import django_filters
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.conditional import ConditionalMixin
from core.api.csv import CSVRenderer, stream_queryset_csv, stream_rows_csv, wants_csv
from core.api.filters import SafeFilterBackend, TrackedFilterSet
from core.api.pagination import CursorPagination
from core.api.serializers import LabelledChoicesMixin
from directory.filters import CountryCodeFilter, EitherSideFilter, PairFilter, country_code
from directory.serializers import CitationSerializer, CountryField
from trade.flow_sql import flow_page
from trade.models import TOTAL, TradeClaim, TradeFlow
from trade.series import pair_series

YEAR_LIMITS = {"min_value": 1800, "max_value": 2200}
RENDERERS = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class TradeFlowSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    reporter = CountryField()
    partner = CountryField()

    class Meta:
        model = TradeFlow
        fields = [
            "id",
            "reporter",
            "partner",
            "year",
            "month",
            "flow",
            "commodity_code",
            "value_usd",
            "dataset",
            "release",
            "source",
            "updated_at",
        ]


# The CSV carries the same values as the JSON, one column each (labels and timestamps aside).
FLOW_CSV_COLUMNS = {
    "id": "id",
    "reporter": "reporter_id",
    "partner": "partner_id",
    "year": "year",
    "month": "month",
    "flow": "flow",
    "commodity_code": "commodity_code",
    "value_usd": "value_usd",
    "dataset": "dataset",
    "release": "release",
    "source": "source_id",
}


FLOW_VALUES = [
    "id",
    "reporter_id",
    "partner_id",
    "year",
    "month",
    "flow",
    "commodity_code",
    "value_usd",
    "dataset",
    "release",
    "source_id",
    "updated_at",
]
_FLOW_LABELS = dict(TradeFlow.Flow.choices)


def flows_as_json(rows) -> list[dict]:
    """Flows as TradeFlowSerializer shows them, from values_list(*FLOW_VALUES) rows.

    updated_at stays a datetime: the renderer writes it as DRF would (ISO 8601, UTC, "Z").
    value_usd arrives with its two decimal places (numeric(20, 2), or quantized by Django's
    SQLite converter), which str() writes as DRF does, and at a quarter of format()'s cost.
    """
    labels = _FLOW_LABELS
    return [
        {
            "id": id_,
            "reporter": reporter,
            "partner": partner,
            "year": year,
            "month": month,
            "flow": flow,
            "commodity_code": commodity_code,
            "value_usd": str(value_usd),
            "dataset": dataset,
            "release": release,
            "source": source,
            "updated_at": updated_at,
            "flow_label": labels[flow],
        }
        for id_, reporter, partner, year, month, flow, commodity_code, value_usd, dataset, release, source, updated_at in rows
    ]


class TradeFlowFilter(TrackedFilterSet):
    reporter = CountryCodeFilter(help_text="The reporting country (alpha-3).")
    partner = CountryCodeFilter(help_text="The partner country (alpha-3), W00 for the reporter's total with the world.")
    pair = PairFilter(
        sides=("reporter", "partner"), help_text="Both sides' reports between two countries, e.g. TJK-RUS."
    )
    country = EitherSideFilter(sides=("reporter", "partner"))
    flow = django_filters.MultipleChoiceFilter(choices=TradeFlow.Flow.choices)
    year = django_filters.NumberFilter(**YEAR_LIMITS)
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte", **YEAR_LIMITS)
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte", **YEAR_LIMITS)
    month = django_filters.NumberFilter(min_value=1, max_value=12)
    annual = django_filters.BooleanFilter(
        field_name="month", lookup_expr="isnull", help_text="true: annual figures only; false: monthly only."
    )
    commodity = django_filters.CharFilter(
        field_name="commodity_code", max_length=12, help_text="HS code, or TOTAL for all goods."
    )
    dataset = django_filters.CharFilter(max_length=40)

    class Meta:
        model = TradeFlow
        fields = []


class TradeFlowViewSet(viewsets.ReadOnlyModelViewSet):
    """Trade flows, each as its reporter reports it. `?format=csv` (or Accept: text/csv) streams every matching row."""

    queryset = TradeFlow.objects.all()
    serializer_class = TradeFlowSerializer
    filterset_class = TradeFlowFilter
    pagination_class = CursorPagination
    ordering = ["id"]
    ordering_fields = ["id"]
    renderer_classes = RENDERERS
    search_fields = []

    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            return stream_queryset_csv(
                self.filter_queryset(self.get_queryset()).order_by("id"), FLOW_CSV_COLUMNS, "trade-flows.csv"
            )
        return Response(self.page(request))

    def page(self, request) -> dict:
        """A page of the list as JSON data: what `list` answers."""
        # The bulk read data users hammer: the filter form validates, hand-written SQL reads
        # (trade/flow_sql.py), rows become JSON without model instances or a serializer per
        # row. test_trade checks both against the FilterSet and TradeFlowSerializer.
        filters = SafeFilterBackend().valid_filters(request, self)
        # The class's queryset, unevaluated, as get_ordering reads only its model.
        ordering = OrderingFilter().get_ordering(request, self.queryset, self)
        descending = ordering[0].startswith("-")
        paginator = self.paginator
        after, size = paginator.start_keyset(request, TradeFlow, ["-id" if descending else "id"], FLOW_VALUES)
        after_id = after[0] if after else None
        rows = flow_page(FLOW_VALUES, filters, descending=descending, after_id=after_id, limit=size + 1)
        return paginator.paginated(flows_as_json(paginator.finish_keyset(rows, size)))


class TradeClaimSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    reporter = CountryField()
    partner = CountryField()
    stated_by_name = serializers.CharField(source="stated_by.name", read_only=True, default=None, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = TradeClaim
        fields = [
            "id",
            "reporter",
            "partner",
            "year",
            "month",
            "metric",
            "value",
            "unit",
            "qualifier",
            "stated_by",
            "stated_by_name",
            "note",
            "citations",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]

    def validate(self, attrs):
        current = (
            {}
            if self.instance is None
            else {f.name: getattr(self.instance, f.name) for f in TradeClaim._meta.concrete_fields if not f.primary_key}
        )
        TradeClaim(**{**current, **attrs}).clean()
        return attrs


class TradeClaimFilter(TrackedFilterSet):
    pair = PairFilter(sides=("reporter", "partner"))
    reporter = CountryCodeFilter()
    metric = django_filters.MultipleChoiceFilter(choices=TradeClaim.Metric.choices)
    year = django_filters.NumberFilter(**YEAR_LIMITS)

    class Meta:
        model = TradeClaim
        fields = ["stated_by"]


class TradeClaimViewSet(ConditionalMixin, viewsets.ModelViewSet):
    """Figures someone stated, kept beside the statistics (see trade/series for the gap)."""

    queryset = TradeClaim.objects.select_related("stated_by").prefetch_related("citations__source")
    serializer_class = TradeClaimSerializer
    filterset_class = TradeClaimFilter
    ordering_fields = ["year", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


SERIES_CSV_HEADER = [
    "year",
    "month",
    "a",
    "b",
    "a_exports_to_b",
    "a_imports_from_b",
    "a_turnover_with_b",
    "b_exports_to_a",
    "b_imports_from_a",
    "b_turnover_with_a",
    "a_turnover_yoy_percent",
    "b_share_of_a_turnover_percent",
    "dataset",
]


class TradeSeriesView(APIView):
    """What each side of a pair reports, period by period, with derived indicators and stated claims."""

    permission_model = TradeFlow
    renderer_classes = RENDERERS

    @extend_schema(
        parameters=[
            OpenApiParameter("a", str, required=True, description="First country (alpha-3), e.g. TJK."),
            OpenApiParameter("b", str, required=True, description="Second country (alpha-3), e.g. RUS."),
            OpenApiParameter("dataset", str, description="Dataset to read (default comtrade)."),
            OpenApiParameter("year_from", int),
            OpenApiParameter("year_to", int),
            OpenApiParameter("commodity", str, description=f"HS code (default {TOTAL})."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        params = request.query_params
        errors = {}
        codes = {}
        for name in ("a", "b"):
            try:
                codes[name] = country_code(params.get(name, ""))
            except Exception as exc:
                errors[name] = [
                    getattr(exc, "messages", [str(exc)])[0] if params.get(name) else "Required: an alpha-3 code."
                ]
        if not errors and codes["a"] == codes["b"]:
            errors["b"] = ["Choose two different countries."]
        years = {}
        for name in ("year_from", "year_to"):
            raw = params.get(name)
            if raw is None:
                continue
            if not raw.isdigit() or not 1800 <= int(raw) <= 2200:
                errors[name] = ["A year between 1800 and 2200."]
            else:
                years[name] = int(raw)
        dataset = params.get("dataset", "comtrade")[:40]
        commodity = params.get("commodity", TOTAL)[:12]
        if "\x00" in dataset + commodity:
            errors["dataset"] = ["A parameter may not contain NUL bytes."]
        if errors:
            raise ValidationError(errors)
        series = pair_series(a=codes["a"], b=codes["b"], dataset=dataset, commodity=commodity, **years)
        if wants_csv(request):
            rows = (
                [
                    p["year"],
                    p["month"],
                    codes["a"],
                    codes["b"],
                    p["a_reports"]["exports_to_partner"],
                    p["a_reports"]["imports_from_partner"],
                    p["a_reports"]["turnover"],
                    p["b_reports"]["exports_to_partner"],
                    p["b_reports"]["imports_from_partner"],
                    p["b_reports"]["turnover"],
                    p["a_turnover_yoy_percent"],
                    p["b_share_of_a_turnover_percent"],
                    dataset,
                ]
                for p in series["periods"]
            )
            return stream_rows_csv(rows, SERIES_CSV_HEADER, f"trade-series-{codes['a']}-{codes['b']}.csv")
        return Response(series)
