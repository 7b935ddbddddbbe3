"""A pair's trade, period by period, as each side reports it, with indicators and claims.

One query for the flows, one for the claims, whatever the number of years. Nothing is
merged across sides: A's imports from B and B's exports to A are different figures, shown
side by side with who reported them.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from directory.models import Country
from trade.models import TradeClaim, TradeFlow

_PERCENT = Decimal(100)
_CENT = Decimal("0.01")
_EXPORT, _IMPORT = TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT


def _pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator / denominator * _PERCENT).quantize(_CENT)


def _sum(*values: Decimal | None) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if len(present) == len(values) else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def pair_series(
    *,
    a: str,
    b: str,
    dataset: str = "comtrade",
    commodity: str = "TOTAL",
    year_from: int | None = None,
    year_to: int | None = None,
) -> dict:
    flows = TradeFlow.objects.filter(
        dataset=dataset,
        commodity_code=commodity,
        flow__in=[_EXPORT, _IMPORT],
        reporter__in=[a, b],
        partner__in=[a, b, Country.WORLD],
    )
    if year_from is not None:
        flows = flows.filter(year__gte=year_from)
    if year_to is not None:
        flows = flows.filter(year__lte=year_to)
    figures: dict[tuple, dict] = defaultdict(dict)
    sources: dict[tuple, set] = defaultdict(set)
    for row in flows.values("year", "month", "reporter", "partner", "flow", "source__title").annotate(
        value=Sum("value_usd")
    ):
        period = (row["year"], row["month"])
        # SQLite sums decimals without their scale; money is shown to the cent everywhere.
        figures[period][(row["reporter"], row["partner"], row["flow"])] = Decimal(row["value"]).quantize(_CENT)
        if row["source__title"]:
            sources[period, row["reporter"]].add(row["source__title"])

    claims_by_period: dict[tuple, list] = defaultdict(list)
    claims = TradeClaim.objects.filter(Q(reporter=a, partner=b) | Q(reporter=b, partner=a)).select_related("stated_by")
    if year_from is not None:
        claims = claims.filter(year__gte=year_from)
    if year_to is not None:
        claims = claims.filter(year__lte=year_to)
    for claim in claims:
        claims_by_period[(claim.year, claim.month)].append(claim)

    periods = []
    previous_turnover: dict[str, tuple[tuple, Decimal | None]] = {}
    for period in sorted(set(figures) | set(claims_by_period), key=lambda p: (p[0], p[1] or 0)):
        values = figures.get(period, {})
        sides = {}
        for reporter, partner in ((a, b), (b, a)):
            exports = values.get((reporter, partner, _EXPORT))
            imports = values.get((reporter, partner, _IMPORT))
            world = _sum(values.get((reporter, Country.WORLD, _EXPORT)), values.get((reporter, Country.WORLD, _IMPORT)))
            sides[reporter] = {
                "reported_by": reporter,
                "exports_to_partner": exports,
                "imports_from_partner": imports,
                "turnover": _sum(exports, imports),
                "turnover_with_world": world,
                "sources": sorted(sources.get((period, reporter), ())),
            }
        yoy = {}
        for reporter in (a, b):
            turnover = sides[reporter]["turnover"]
            prior_period, prior = previous_turnover.get(reporter, (None, None))
            consecutive = prior_period is not None and period[1] == prior_period[1] and period[0] == prior_period[0] + 1
            yoy[reporter] = _pct(turnover - prior, prior) if consecutive and turnover is not None and prior else None
            previous_turnover[reporter] = (period, turnover)
        share = {r: _pct(sides[r]["turnover"], sides[r]["turnover_with_world"]) for r in (a, b)}
        periods.append(
            {
                "year": period[0],
                "month": period[1],
                "a_reports": _as_text(sides[a]),
                "b_reports": _as_text(sides[b]),
                "a_turnover_yoy_percent": _text(yoy[a]),
                "b_turnover_yoy_percent": _text(yoy[b]),
                "b_share_of_a_turnover_percent": _text(share[a]),
                "a_share_of_b_turnover_percent": _text(share[b]),
                "claims": [_claim_against_statistics(c, sides, yoy, share) for c in claims_by_period.get(period, [])],
            }
        )
    return {"a": a, "b": b, "dataset": dataset, "commodity": commodity, "periods": periods}


def _as_text(side: dict) -> dict:
    return {key: _text(value) if isinstance(value, Decimal) or value is None else value for key, value in side.items()}


def _claim_against_statistics(claim: TradeClaim, sides: dict, yoy: dict, share: dict) -> dict:
    """The claim, the statistic its speaker's side reports for the same thing, and the gap."""
    side = sides[claim.reporter_id]
    statistic = {
        TradeClaim.Metric.TURNOVER: side["turnover"],
        TradeClaim.Metric.EXPORTS: side["exports_to_partner"],
        TradeClaim.Metric.IMPORTS: side["imports_from_partner"],
        TradeClaim.Metric.YOY_CHANGE: yoy[claim.reporter_id],
        TradeClaim.Metric.PARTNER_SHARE: share[claim.reporter_id],
    }[claim.metric]
    gap = None if statistic is None else claim.value - statistic
    return {
        "id": claim.pk,
        "metric": claim.metric,
        "metric_label": claim.get_metric_display(),
        "value": _text(claim.value),
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "qualifier_label": claim.get_qualifier_display(),
        "stated_by": claim.stated_by.name if claim.stated_by else None,
        "reported_by": claim.reporter_id,
        "statistic": _text(statistic),
        "gap": _text(gap),
        "gap_percent": _text(_pct(gap, statistic)) if claim.unit == TradeClaim.Unit.USD else None,
    }
