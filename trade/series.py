"""A pair's trade, period by period, as each side reports it, with indicators and claims.

One query for the flows, one for the claims, whatever the number of years or datasets.
Nothing is merged across sides: A's imports from B and B's exports to A are different
figures, shown side by side with who reported them. Nor across datasets or frequencies: an
answer is one dataset's annual figures or its monthly ones, never a mix.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from rest_framework import serializers

from directory.models import Country
from trade.indicators import as_text, claim_against_statistics, percent_of
from trade.models import TradeClaim, TradeFlow

ANNUAL, MONTHLY = "annual", "monthly"
FREQUENCIES = (ANNUAL, MONTHLY)
# How each dataset asks to be cited wherever its figures are shown (data/*/SOURCE.md), and
# whose estimate an estimate mark is.
CITATIONS = {
    "imf-dots": "Source: IMF, Direction of Trade Statistics (DOTS)",
    "comtrade": "Source: UN Comtrade",
}
PUBLISHERS = {"imf-dots": "the IMF", "comtrade": "UN Comtrade"}
# Without a dataset asked for, a pair's series is the dataset with the most periods for it.
# At equal length IMF DOTS comes first: it gives both directions for every reporter in one
# compilation from 1960, with each figure's valuation (exports FOB, imports CIF) and the
# IMF's marks on its own estimates, where a Comtrade extract is often one flow or one year
# and says neither; so the same number of periods tells the reader more.
PREFERENCE = ("imf-dots", "comtrade")
MIXED = "mixed"  # a turnover adding FOB exports to CIF imports

_CENT = Decimal("0.01")
_EXPORT, _IMPORT = TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT


def citation(dataset: str | None) -> str | None:
    return None if dataset is None else CITATIONS.get(dataset, f"Source: {dataset}")


def _rank(dataset: str) -> tuple[int, str]:
    return (PREFERENCE.index(dataset) if dataset in PREFERENCE else len(PREFERENCE), dataset)


@dataclass
class _Figure:
    value: Decimal
    valuation: str
    estimated: bool


def _mark(*figures: _Figure | None) -> dict | None:
    """A figure's (or a sum's) valuation and estimate mark; None where a part is missing."""
    if not figures or any(figure is None for figure in figures):
        return None
    valuations = {figure.valuation for figure in figures}
    valuation = "" if "" in valuations else valuations.pop() if len(valuations) == 1 else MIXED
    return {"valuation": valuation, "estimated": any(figure.estimated for figure in figures)}


def _sum(*figures: _Figure | None) -> Decimal | None:
    return None if any(f is None for f in figures) else sum((f.value for f in figures), Decimal(0))


def _read_flows(flows) -> tuple[dict, dict]:
    """Per dataset: {period: {(reporter, partner, flow): _Figure}} and {(period, reporter): source titles}."""
    figures: dict[str, dict] = defaultdict(lambda: defaultdict(dict))
    sources: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    for row in flows.values(
        "dataset", "year", "month", "reporter", "partner", "flow", "valuation", "estimated", "source__title"
    ).annotate(value=Sum("value_usd")):
        period, key = (row["year"], row["month"]), (row["reporter"], row["partner"], row["flow"])
        # SQLite sums decimals without their scale; money is shown to the cent everywhere.
        value = Decimal(row["value"]).quantize(_CENT)
        known = figures[row["dataset"]][period].get(key)
        if known is None:
            figures[row["dataset"]][period][key] = _Figure(value, row["valuation"], row["estimated"])
        else:  # the same figure under two sources: one figure still
            merged = _mark(known, _Figure(value, row["valuation"], row["estimated"]))
            figures[row["dataset"]][period][key] = _Figure(known.value + value, **merged)
        if row["source__title"]:
            sources[row["dataset"]][period, row["reporter"]].add(row["source__title"])
    return figures, sources


def pair_series(
    *,
    a: str,
    b: str,
    dataset: str | None = None,
    commodity: str = "TOTAL",
    frequency: str = ANNUAL,
    year_from: int | None = None,
    year_to: int | None = None,
) -> dict:
    """Both sides' figures for the pair in one dataset, at one frequency.

    `dataset` None: the dataset with the most periods of the pair's figures in these years at
    this frequency (ties: PREFERENCE); the answer names it and lists every dataset the pair has.
    """
    flows = TradeFlow.objects.filter(
        commodity_code=commodity,
        flow__in=[_EXPORT, _IMPORT],
        reporter__in=[a, b],
        partner__in=[a, b, Country.WORLD],
        month__isnull=frequency == ANNUAL,
    )
    claims = TradeClaim.objects.filter(
        Q(reporter=a, partner=b) | Q(reporter=b, partner=a), month__isnull=frequency == ANNUAL
    ).select_related("stated_by", "stated_by_organisation")
    if year_from is not None:
        flows, claims = flows.filter(year__gte=year_from), claims.filter(year__gte=year_from)
    if year_to is not None:
        flows, claims = flows.filter(year__lte=year_to), claims.filter(year__lte=year_to)
    by_dataset, sources_by_dataset = _read_flows(flows)

    available = []
    for name, periods in by_dataset.items():
        # A period counts where the pair has a figure; the world totals alone are no series.
        years = [p[0] for p, values in periods.items() if any(key[1] in (a, b) for key in values)]
        if years:
            available.append({"dataset": name, "citation": citation(name), "periods": len(years)} | _span(years))
    available.sort(key=lambda d: (-d["periods"], _rank(d["dataset"])))
    if dataset is None and available:
        dataset = available[0]["dataset"]
    figures, sources = by_dataset.get(dataset, {}), sources_by_dataset.get(dataset, {})

    claims_by_period: dict[tuple, list] = defaultdict(list)
    for claim in claims:
        claims_by_period[(claim.year, claim.month)].append(claim)

    shown = sorted(set(figures) | set(claims_by_period), key=lambda p: (p[0], p[1] or 0))
    contexts = {dataset: _contexts(figures, sources, shown, a, b)}
    # A claim for a period the series' dataset has nothing on is set against another of the
    # pair's datasets that has (the 2021 Comtrade extract beside the IMF's series to 2020).
    for other in (d["dataset"] for d in available if d["dataset"] != dataset):
        elsewhere = by_dataset[other]
        contexts[other] = _contexts(elsewhere, sources_by_dataset[other], sorted(elsewhere), a, b)
    periods = []
    for period in shown:
        context = contexts[dataset][period]
        sides, yoy, share = context["sides"], context["yoy"], context["share"]
        periods.append(
            {
                "year": period[0],
                "month": period[1],
                "a_reports": _side_as_text(sides[a]),
                "b_reports": _side_as_text(sides[b]),
                "a_marks": context["marks"][a],
                "b_marks": context["marks"][b],
                "a_turnover_yoy_percent": as_text(yoy[a]),
                "b_turnover_yoy_percent": as_text(yoy[b]),
                "b_share_of_a_turnover_percent": as_text(share[a]),
                "a_share_of_b_turnover_percent": as_text(share[b]),
                "claims": [_compared(c, period, contexts) for c in claims_by_period.get(period, [])],
            }
        )
    return {
        "a": a,
        "b": b,
        "dataset": dataset,
        "citation": citation(dataset),
        "publisher": PUBLISHERS.get(dataset, "the publisher") if dataset else None,
        "frequency": frequency,
        "commodity": commodity,
        "datasets": available,
        **_valuations(figures, a, b),
        "periods": periods,
    }


def _contexts(figures: dict, sources: dict, periods: list[tuple], a: str, b: str) -> dict[tuple, dict]:
    """Per period of one dataset: each side's figures, their marks, the turnover's change on
    the year before and the partner's share (what claim_against_statistics reads)."""
    contexts = {}
    turnover_of: dict[tuple, tuple[Decimal | None, dict | None]] = {}
    for period in periods:
        values = figures.get(period, {})
        sides, marks = {}, {}
        for reporter, partner in ((a, b), (b, a)):
            exports, imports = values.get((reporter, partner, _EXPORT)), values.get((reporter, partner, _IMPORT))
            world = values.get((reporter, Country.WORLD, _EXPORT)), values.get((reporter, Country.WORLD, _IMPORT))
            sides[reporter] = {
                "reported_by": reporter,
                "exports_to_partner": exports and exports.value,
                "imports_from_partner": imports and imports.value,
                "turnover": _sum(exports, imports),
                "turnover_with_world": _sum(*world),
                "sources": sorted(sources.get((period, reporter), ())),
            }
            marks[reporter] = {
                "exports_to_partner": _mark(exports),
                "imports_from_partner": _mark(imports),
                "turnover": _mark(exports, imports),
                "turnover_with_world": _mark(*world),
            }
            turnover_of[reporter, period] = (sides[reporter]["turnover"], marks[reporter]["turnover"])
        yoy, yoy_estimated = {}, {}
        for reporter in (a, b):
            # The same period a year before: the year before, or the same month of it.
            prior, prior_mark = turnover_of.get((reporter, (period[0] - 1, period[1])), (None, None))
            turnover, mark = turnover_of[reporter, period]
            yoy[reporter] = percent_of(turnover - prior, prior) if turnover is not None and prior else None
            yoy_estimated[reporter] = yoy[reporter] is not None and (mark["estimated"] or prior_mark["estimated"])
        share = {r: percent_of(sides[r]["turnover"], sides[r]["turnover_with_world"]) for r in (a, b)}
        contexts[period] = {"sides": sides, "marks": marks, "yoy": yoy, "yoy_estimated": yoy_estimated, "share": share}
    return contexts


def _compared(claim: TradeClaim, period: tuple, contexts: dict[str | None, dict]) -> dict:
    """The claim against the statistics of the first dataset in which either side has one for
    it: the series' own dataset (the first in `contexts`), else the pair's others, longest
    first. `citation` names the dataset; with none anywhere, the series' own."""
    compared = None
    for dataset, periods in contexts.items():
        if period not in periods:
            continue
        found = claim_against_statistics(claim, **periods[period]) | {"citation": citation(dataset)}
        if found["statistic"] is not None or found["mirror_statistic"] is not None:
            return found
        compared = compared or found
    return compared


def _span(years: list[int]) -> dict:
    return {"first_year": min(years), "last_year": max(years)}


def _valuations(figures: dict, a: str, b: str) -> dict:
    """How the pair's figures in the answer are valued, per flow, and how many are estimates."""
    valuations: dict[str, set] = {_EXPORT: set(), _IMPORT: set()}
    estimated = 0
    for values in figures.values():
        for (_reporter, partner, flow), figure in values.items():
            estimated += figure.estimated
            if partner in (a, b):
                valuations[flow].add(figure.valuation)
    return {
        "valuations": {"exports": sorted(valuations[_EXPORT]), "imports": sorted(valuations[_IMPORT])},
        "estimated_figures": estimated,
    }


def _side_as_text(side: dict) -> dict:
    return {
        key: as_text(value) if isinstance(value, Decimal) or value is None else value for key, value in side.items()
    }


# --- The answer's shape, for the API's schema (trade/api.py names TradeSeriesSerializer) ---------
# The view answers pair_series' dict as it is; these document it, field by field, and the
# schema tests (Schemathesis's conformance check, the typed client) hold the two together.


def _money(**kwargs):
    return serializers.DecimalField(max_digits=22, decimal_places=2, allow_null=True, **kwargs)


def _percent(help_text: str):
    return serializers.DecimalField(max_digits=30, decimal_places=2, allow_null=True, help_text=help_text)


class TradeFigureMarkSerializer(serializers.Serializer):
    valuation = serializers.ChoiceField(
        choices=[("fob", "FOB"), ("cif", "CIF"), ("mixed", "FOB exports plus CIF imports"), ("", "Not stated")],
        help_text="How the figure is valued: fob (exports, free on board), cif (imports, with cost, insurance "
        "and freight), mixed (a turnover adding the two), empty where the dataset does not say.",
    )
    estimated = serializers.BooleanField(
        help_text="The publisher marks the figure (or a part of it) as its own estimate."
    )


def _mark_field():
    return TradeFigureMarkSerializer(allow_null=True, help_text="Null where there is no figure.")


class TradeSideFiguresSerializer(serializers.Serializer):
    reported_by = serializers.CharField(help_text="The country whose figures these are (alpha-3).")
    exports_to_partner = _money(help_text="US dollars; null where the side reports nothing.")
    imports_from_partner = _money()
    turnover = _money(help_text="Exports plus imports; null unless the side reports both.")
    turnover_with_world = _money(help_text="The side's total trade with the world (W00).")
    sources = serializers.ListField(child=serializers.CharField(), help_text="Titles of the figures' sources.")


class TradeSideMarksSerializer(serializers.Serializer):
    exports_to_partner = _mark_field()
    imports_from_partner = _mark_field()
    turnover = _mark_field()
    turnover_with_world = _mark_field()


class TradeSeriesClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    metric = serializers.ChoiceField(choices=TradeClaim.Metric.choices)
    metric_label = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    unit = serializers.ChoiceField(choices=TradeClaim.Unit.choices)
    qualifier = serializers.ChoiceField(choices=TradeClaim.Qualifier.choices)
    qualifier_label = serializers.CharField()
    stated_by = serializers.CharField(allow_null=True, help_text="The person or the body that stated it.")
    reported_by = serializers.CharField(help_text="The speaker's side, whose figures the claim is set against.")
    citation = serializers.CharField(
        allow_null=True,
        help_text="Whose statistics the claim is set against: the series' dataset, or, where that has no "
        "figure for the claim on either side, the pair's dataset that has (null without any).",
    )
    statistic = serializers.DecimalField(
        max_digits=30, decimal_places=2, allow_null=True, help_text="The same metric by the speaker's side's figures."
    )
    statistic_estimated = serializers.BooleanField(help_text="An estimated figure went into the statistic.")
    gap = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True, help_text="value - statistic")
    gap_percent = _percent("The gap as a percentage of the statistic (US dollar claims only).")
    mirror_reported_by = serializers.CharField(help_text="The other side.")
    mirror_statistic = _percent("The same metric by the other side's figures for the same trade (no share).")
    mirror_statistic_estimated = serializers.BooleanField()
    mirror_gap = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    mirror_gap_percent = _percent("The mirror gap as a percentage of the mirror statistic.")


class TradeSeriesPeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True, help_text="1-12 in a monthly series; null in an annual one.")
    a_reports = TradeSideFiguresSerializer(help_text="As a reports its trade with b.")
    b_reports = TradeSideFiguresSerializer(help_text="As b reports its trade with a.")
    a_marks = TradeSideMarksSerializer(help_text="Valuation and estimate mark of each of a's figures.")
    b_marks = TradeSideMarksSerializer()
    a_turnover_yoy_percent = _percent("a's turnover against the same period a year before, in percent.")
    b_turnover_yoy_percent = _percent("b's, likewise.")
    b_share_of_a_turnover_percent = _percent("b's share of a's turnover with the world, by a's figures.")
    a_share_of_b_turnover_percent = _percent("a's share of b's turnover with the world, by b's figures.")
    claims = TradeSeriesClaimSerializer(many=True, help_text="Figures stated for the period, beside the statistics.")


class TradeSeriesDatasetSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    citation = serializers.CharField(help_text='e.g. "Source: UN Comtrade".')
    periods = serializers.IntegerField(
        help_text="Periods with figures for the pair (at this frequency, in these years)."
    )
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()


class TradeSeriesValuationsSerializer(serializers.Serializer):
    exports = serializers.ListField(child=serializers.CharField(), help_text="Valuations of the exports shown.")
    imports = serializers.ListField(child=serializers.CharField(), help_text="Valuations of the imports shown.")


class TradeSeriesSerializer(serializers.Serializer):
    a = serializers.CharField()
    b = serializers.CharField()
    dataset = serializers.CharField(allow_null=True, help_text="The dataset read; null if the pair has none.")
    citation = serializers.CharField(allow_null=True, help_text="The dataset's citation line.")
    publisher = serializers.CharField(allow_null=True, help_text="Whose estimates the estimate marks are.")
    frequency = serializers.ChoiceField(choices=FREQUENCIES)
    commodity = serializers.CharField()
    datasets = TradeSeriesDatasetSerializer(
        many=True, help_text="Every dataset with figures for the pair, longest first."
    )
    valuations = TradeSeriesValuationsSerializer()
    estimated_figures = serializers.IntegerField(help_text="How many figures read are the publisher's estimates.")
    periods = TradeSeriesPeriodSerializer(many=True, help_text="Oldest first; all annual or all monthly.")
