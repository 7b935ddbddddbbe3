"""Derived trade indicators, computed from stored flows on every read.

Every function takes the reporting side explicitly: a pair's turnover as Tajikistan reports
it and as Russia reports it (the mirror) are different numbers and stay apart.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from directory.models import Country
from trade.models import TradeFlow

_PERCENT = Decimal("100")


@dataclass(frozen=True)
class TurnoverPoint:
    year: int
    exports: Decimal
    imports: Decimal

    @property
    def turnover(self) -> Decimal:
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
            exports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.EXPORT), default=Decimal(0)),
            imports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.IMPORT), default=Decimal(0)),
        )
        .order_by("year")
    )
    return [TurnoverPoint(year=row["year"], exports=row["exports"], imports=row["imports"]) for row in rows]


def year_on_year_change(series: list[TurnoverPoint]) -> dict[int, Decimal | None]:
    """Turnover change against the previous year, in percent; None where there is no previous year or it was zero."""
    changes: dict[int, Decimal | None] = {}
    previous: TurnoverPoint | None = None
    for point in series:
        if previous is None or previous.year != point.year - 1 or previous.turnover == 0:
            changes[point.year] = None
        else:
            changes[point.year] = ((point.turnover - previous.turnover) / previous.turnover * _PERCENT).quantize(
                Decimal("0.01")
            )
        previous = point
    return changes


def partner_share_of_turnover(*, reporter: Country | str, partner: Country | str, year: int) -> Decimal | None:
    """The partner's share of the reporter's total turnover in a year, in percent, as the reporter reports it."""
    flows = (
        TradeFlow.objects.reported_by(reporter)
        .annual()
        .all_goods()
        .filter(year=year, flow__in=[TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT])
    )
    totals = flows.aggregate(
        with_partner=Sum("value_usd", filter=Q(partner=partner)),
        with_world=Sum("value_usd", filter=Q(partner=Country.WORLD)),
    )
    if not totals["with_partner"] or not totals["with_world"]:
        return None
    return (totals["with_partner"] / totals["with_world"] * _PERCENT).quantize(Decimal("0.01"))
