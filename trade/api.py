"""API for trade data users: flows in bulk (JSON or streamed CSV), pair series, stated claims."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.helpers import lazy_serializer
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
from core.api.lookups import RecordIdLookupMixin
from core.api.pagination import CursorPagination
from core.api.serializers import LabelledChoicesMixin
from directory.filters import CountryCodeFilter, EitherSideFilter, PairFilter, country_code
from directory.serializers import CitationSerializer, CountryField
from trade.api_revisions import FlowRevisionsMixin
from trade.flow_sql import flow_page
from trade.models import TOTAL, TradeClaim, TradeFlow
from trade.series import CITATIONS, pair_series

YEAR_LIMITS = {"min_value": 1800, "max_value": 2200}
FREQUENCIES = ["annual", "monthly"]  # trade.series.FREQUENCIES, which a test holds it to
RENDERERS = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer]
# What the CSV answers are in the schema: text, under their own media type.
CSV_ANSWER = {(200, "text/csv"): OpenApiTypes.STR}


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
            "valuation",
            "estimated",
            "dataset",
            "release",
            "source",
            "updated_at",
        ]


# The CSV carries the same values as the JSON, one column each (labels and timestamps aside);
# `estimated` is written true/false, as in the JSON, by every database (flows_for_csv).
FLOW_CSV_COLUMNS = {
    "id": "id",
    "reporter": "reporter_id",
    "partner": "partner_id",
    "year": "year",
    "month": "month",
    "flow": "flow",
    "commodity_code": "commodity_code",
    "value_usd": "value_usd",
    "valuation": "valuation",
    "estimated": "estimated_text",
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
    "valuation",
    "estimated",
    "dataset",
    "release",
    "source_id",
    "updated_at",
]
_FLOW_LABELS = dict(TradeFlow.Flow.choices)
_VALUATION_LABELS = {"": "", **dict(TradeFlow.Valuation.choices)}


def flows_for_csv(queryset):
    """`queryset` with the `estimated_text` FLOW_CSV_COLUMNS reads (COPY would write t/f)."""
    return queryset.annotate(
        estimated_text=models.Case(
            models.When(estimated=True, then=models.Value("true")), default=models.Value("false")
        )
    )


def flows_as_json(rows) -> list[dict]:
    """Flows as TradeFlowSerializer shows them, from values_list(*FLOW_VALUES) rows.

    updated_at stays a datetime: the renderer writes it as DRF would (ISO 8601, UTC, "Z").
    value_usd arrives with its two decimal places (numeric(20, 2), or quantized by Django's
    SQLite converter), which str() writes as DRF does, and at a quarter of format()'s cost.
    """
    labels, valuations = _FLOW_LABELS, _VALUATION_LABELS
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
            "valuation": valuation,
            "estimated": estimated,
            "dataset": dataset,
            "release": release,
            "source": source,
            "updated_at": updated_at,
            "flow_label": labels[flow],
            "valuation_label": valuations[valuation],
        }
        for (
            id_,
            reporter,
            partner,
            year,
            month,
            flow,
            commodity_code,
            value_usd,
            valuation,
            estimated,
            dataset,
            release,
            source,
            updated_at,
        ) in rows
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


class TradeFlowViewSet(RecordIdLookupMixin, FlowRevisionsMixin, viewsets.ReadOnlyModelViewSet):
    """Trade flows, each as its reporter reports it. `?format=csv` (or Accept: text/csv) streams every matching row."""

    queryset = TradeFlow.objects.all()
    serializer_class = TradeFlowSerializer
    filterset_class = TradeFlowFilter
    pagination_class = CursorPagination
    ordering = ["id"]
    ordering_fields = ["id"]
    renderer_classes = RENDERERS
    search_fields = []

    @extend_schema(responses={(200, "application/json"): TradeFlowSerializer, **CSV_ANSWER})
    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            queryset = flows_for_csv(self.filter_queryset(self.get_queryset()).order_by("id"))
            return stream_queryset_csv(queryset, FLOW_CSV_COLUMNS, "trade-flows.csv")
        return Response(self.page(request))

    @extend_schema(responses={(200, "application/json"): TradeFlowSerializer, **CSV_ANSWER})
    def retrieve(self, request, *args, **kwargs):
        if wants_csv(request):
            flow = self.get_object()
            queryset = flows_for_csv(TradeFlow.objects.filter(pk=flow.pk))
            return stream_queryset_csv(queryset, FLOW_CSV_COLUMNS, f"trade-flow-{flow.pk}.csv")
        return super().retrieve(request, *args, **kwargs)

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
    stated_by_organisation_name = serializers.CharField(
        source="stated_by_organisation.name", read_only=True, default=None, allow_null=True
    )
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
            "stated_by_organisation",
            "stated_by_organisation_name",
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


class TradeClaimViewSet(RecordIdLookupMixin, ConditionalMixin, viewsets.ModelViewSet):
    """Figures someone stated, kept beside the statistics (see trade/series for the gap)."""

    queryset = TradeClaim.objects.select_related("stated_by", "stated_by_organisation").prefetch_related(
        "citations__source"
    )
    serializer_class = TradeClaimSerializer
    filterset_class = TradeClaimFilter
    ordering_fields = ["year", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


# The series as CSV: a row per period. Each side's figures, then (after the columns first
# published) each figure's valuation and estimate mark.
_FIGURES = {"exports_to": "exports_to_partner", "imports_from": "imports_from_partner"}
_SERIES_FIGURES = [
    (side, other, name, field) for side, other in (("a", "b"), ("b", "a")) for name, field in _FIGURES.items()
]
SERIES_CSV_HEADER = [
    *["year", "month", "a", "b", "a_exports_to_b", "a_imports_from_b", "a_turnover_with_b"],
    *["b_exports_to_a", "b_imports_from_a", "b_turnover_with_a", "a_turnover_yoy_percent"],
    *["b_share_of_a_turnover_percent", "dataset"],
    *[
        f"{side}_{name}_{other}_{mark}"
        for side, other, name, _ in _SERIES_FIGURES
        for mark in ("valuation", "estimated")
    ],
]
# Numbers, written as they are (a fall stays -7.80): the columns before `dataset` but a and b. The rest is text.
SERIES_CSV_NUMBERS = set(SERIES_CSV_HEADER[: SERIES_CSV_HEADER.index("dataset")]) - {"a", "b"}


def _series_csv_row(series: dict, p: dict) -> list:
    a, b = p["a_reports"], p["b_reports"]
    figures = [a["exports_to_partner"], a["imports_from_partner"], a["turnover"]]
    figures += [b["exports_to_partner"], b["imports_from_partner"], b["turnover"]]
    marks = []
    for side, _, _, field in _SERIES_FIGURES:
        mark = p[f"{side}_marks"][field]
        marks += [None, None] if mark is None else [mark["valuation"], "true" if mark["estimated"] else "false"]
    head = [p["year"], p["month"], series["a"], series["b"]]
    return head + figures + [p["a_turnover_yoy_percent"], p["b_share_of_a_turnover_percent"], series["dataset"]] + marks


class TradeSeriesQuerySerializer(serializers.Serializer):
    a = serializers.CharField(max_length=3)
    b = serializers.CharField(max_length=3)
    # One of the datasets Chancery knows (the explorer's choices), never an echo of the request.
    dataset = serializers.ChoiceField(choices=list(CITATIONS), required=False, allow_blank=True)
    frequency = serializers.ChoiceField(choices=FREQUENCIES, default="annual")
    year_from = serializers.IntegerField(required=False, **YEAR_LIMITS)
    year_to = serializers.IntegerField(required=False, **YEAR_LIMITS)
    commodity = serializers.CharField(default=TOTAL, max_length=12)

    def validate_a(self, value):
        try:
            return country_code(value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from None

    validate_b = validate_a

    def validate(self, attrs):
        if attrs["a"] == attrs["b"]:
            raise ValidationError({"b": ["Choose two different countries."]})
        if attrs.get("year_to", 2200) < attrs.get("year_from", 1800):
            raise ValidationError({"year_to": ["The last year comes after the first."]})
        return attrs


# The answer's shape is described beside the code that builds it (trade/series.py), and named
# by path: bench/overrides/C-flow-sql.patch is written against this module's import block.
SERIES_ANSWER = lazy_serializer("trade.series.TradeSeriesSerializer")()


# The parameters as the schema shows them, one per field of TradeSeriesQuerySerializer, which
# validates them (tests/trade/test_api_series.py holds the two together).
SERIES_PARAMETERS = [
    OpenApiParameter("a", str, required=True, description="First country (alpha-3), e.g. TJK."),
    OpenApiParameter("b", str, required=True, description="Second country (alpha-3), e.g. RUS."),
    OpenApiParameter(
        "dataset",
        str,
        enum=list(CITATIONS),
        description="Dataset to read, e.g. imf-dots or comtrade. Default: the one with the most periods of the "
        "pair's figures at this frequency and in these years (at equal length imf-dots, then comtrade); the "
        "answer's `dataset` names it and `datasets` lists every one the pair has.",
    ),
    OpenApiParameter(
        "frequency",
        str,
        enum=FREQUENCIES,
        default="annual",
        description="annual, or monthly where the dataset has monthly figures; an answer is never a mix.",
    ),
    OpenApiParameter("year_from", int, description="First year (1800-2200)."),
    OpenApiParameter("year_to", int, description="Last year (1800-2200)."),
    OpenApiParameter("commodity", str, description=f"HS code (default {TOTAL}, all goods)."),
]


class TradeSeriesView(APIView):
    """What each side of a pair reports, period by period, with derived indicators and stated claims."""

    permission_model = TradeFlow
    renderer_classes = RENDERERS

    @extend_schema(
        parameters=SERIES_PARAMETERS,
        responses={(200, "application/json"): SERIES_ANSWER, **CSV_ANSWER},
    )
    def get(self, request):
        query = TradeSeriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {**query.validated_data, "dataset": query.validated_data.get("dataset") or None}
        series = pair_series(**params)
        if wants_csv(request):
            rows = (_series_csv_row(series, p) for p in series["periods"])
            name = f"trade-series-{series['a']}-{series['b']}.csv"
            return stream_rows_csv(rows, SERIES_CSV_HEADER, name, numeric=SERIES_CSV_NUMBERS)
        return Response(series)
