"""Derived trade indicators, computed from stored flows on every read, and stated claims set
against them.

Every function takes the reporting side explicitly: a pair's turnover as Tajikistan reports
it and as Russia reports it (the mirror) are different numbers and stay apart.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from directory.models import Country
from trade.models import TradeClaim, TradeFlow

_PERCENT = Decimal("100")
_CENT = Decimal("0.01")


def percent_of(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator in percent, to the hundredth; None without both (or a zero denominator)."""
    if numerator is None or not denominator:
        return None
    return (numerator / denominator * _PERCENT).quantize(_CENT)


def as_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class TurnoverPoint:
    """A year's exports and imports as one side reports them; None where it gives no figure
    (an extract of exports alone has no imports: no figure, not zero)."""

    year: int
    exports: Decimal | None
    imports: Decimal | None

    @property
    def turnover(self) -> Decimal | None:
        """Exports plus imports; None unless the side reports both."""
        if self.exports is None or self.imports is None:
            return None
        return self.exports + self.imports


def trade_turnover_series(
    *, reporter: Country | str, partner: Country | str, dataset: str | None = None
) -> list[TurnoverPoint]:
    """Annual all-goods exports, imports and turnover of `reporter` with `partner`, as `reporter` reports them."""
    flows = TradeFlow.objects.reported_by(reporter).filter(partner=partner).annual().all_goods()
    if dataset:
        flows = flows.filter(dataset=dataset)
    rows = (
        flows.values("year")
        .annotate(
            exports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.EXPORT)),
            imports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.IMPORT)),
        )
        .order_by("year")
    )
    return [TurnoverPoint(year=row["year"], exports=row["exports"], imports=row["imports"]) for row in rows]


def year_on_year_change(series: list[TurnoverPoint]) -> dict[int, Decimal | None]:
    """Turnover change against the previous year, in percent; None where either year has no
    turnover (no previous year, a flow missing) or the previous one was zero."""
    changes: dict[int, Decimal | None] = {}
    previous: TurnoverPoint | None = None
    for point in series:
        if previous is None or previous.year != point.year - 1 or not previous.turnover or point.turnover is None:
            changes[point.year] = None
        else:
            changes[point.year] = ((point.turnover - previous.turnover) / previous.turnover * _PERCENT).quantize(
                Decimal("0.01")
            )
        previous = point
    return changes


def partner_share_of_turnover(*, reporter: Country | str, partner: Country | str, year: int) -> Decimal | None:
    """The partner's share of the reporter's total turnover in a year, in percent, as the
    reporter reports it; None unless it gives both flows with the partner and with the world."""
    flows = TradeFlow.objects.reported_by(reporter).annual().all_goods().filter(year=year)
    totals = flows.aggregate(
        **{
            f"{name}_{flow}": Sum("value_usd", filter=Q(partner=other, flow=flow))
            for name, other in (("partner", partner), ("world", Country.WORLD))
            for flow in (TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT)
        }
    )
    with_partner, with_world = (
        TurnoverPoint(year, totals[f"{name}_export"], totals[f"{name}_import"]).turnover
        for name in ("partner", "world")
    )
    return percent_of(with_partner, with_world)


# --- Claims against the statistics (trade.series sets each period's claims) ---------------


def claims_with_mirrors(series: dict) -> list[tuple[dict, dict, dict, str | None]]:
    """(period, claim, mirror, elsewhere) for every claim in the series: mirror is the claim set
    against the other side's figures, in the claim's own shape (unit, statistic, gap,
    gap_percent); elsewhere the citation of the dataset the claim was set against where it is
    not the series' own (trade.series), else None."""
    return [
        (
            period,
            claim,
            {"unit": claim["unit"], "reported_by": claim["mirror_reported_by"]}
            | {key: claim[f"mirror_{key}"] for key in ("statistic", "statistic_estimated", "gap", "gap_percent")},
            claim["citation"] if claim["citation"] != series["citation"] else None,
        )
        for period in series["periods"]
        for claim in period["claims"]
    ]


_FIELDS = {
    TradeClaim.Metric.TURNOVER: ("turnover", "turnover"),
    TradeClaim.Metric.EXPORTS: ("exports_to_partner", "imports_from_partner"),
    TradeClaim.Metric.IMPORTS: ("imports_from_partner", "exports_to_partner"),
}


def _statistic(metric: str, reporter: str, *, mirror: bool, sides, marks, yoy, yoy_estimated, share):
    """The statistic for `metric` by `reporter`'s figures (mirror: the same trade's fields as the
    other side counts it), and whether an estimate went into it."""
    if metric in _FIELDS:
        field = _FIELDS[metric][mirror]
        mark = marks[reporter][field]
        return sides[reporter][field], bool(mark and mark["estimated"])
    if metric == TradeClaim.Metric.YOY_CHANGE:
        return yoy[reporter], yoy_estimated[reporter]
    # A partner's share of the speaker's turnover needs the speaker's own total: no mirror.
    if mirror:
        return None, False
    marked = [marks[reporter]["turnover"], marks[reporter]["turnover_with_world"]]
    return share[reporter], share[reporter] is not None and any(m["estimated"] for m in marked)


def claim_against_statistics(claim: TradeClaim, **context) -> dict:
    """The claim, the statistic its speaker's side reports for the same thing, and the gap; and
    the same against the other side's figures for the same trade (the mirror)."""
    other = next(reporter for reporter in context["sides"] if reporter != claim.reporter_id)
    statistic, estimated = _statistic(claim.metric, claim.reporter_id, mirror=False, **context)
    mirror, mirror_estimated = _statistic(claim.metric, other, mirror=True, **context)
    in_usd = claim.unit == TradeClaim.Unit.USD
    gap = None if statistic is None else claim.value - statistic
    mirror_gap = None if mirror is None else claim.value - mirror
    return {
        "id": claim.pk,
        "metric": claim.metric,
        "metric_label": claim.get_metric_display(),
        "value": as_text(claim.value),
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "qualifier_label": claim.get_qualifier_display(),
        "stated_by": claim.stated_by_display.name if claim.stated_by_display else None,
        "reported_by": claim.reporter_id,
        "statistic": as_text(statistic),
        "statistic_estimated": estimated,
        "gap": as_text(gap),
        "gap_percent": as_text(percent_of(gap, statistic)) if in_usd else None,
        "mirror_reported_by": other,
        "mirror_statistic": as_text(mirror),
        "mirror_statistic_estimated": mirror_estimated,
        "mirror_gap": as_text(mirror_gap),
        "mirror_gap_percent": as_text(percent_of(mirror_gap, mirror)) if in_usd else None,
    }
