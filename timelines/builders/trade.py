"""Trade releases: each year of annual figures a reporter gives for a partner, with the change.

One entry per reporter, partner, dataset and year: the reporter's and the partner's (mirror)
figures are different numbers and stay apart, as are two datasets' figures. The turnover,
year-on-year change and the partner's share of the reporter's total turnover are computed
here from the stored flows, by the same definitions as trade.indicators, so they are
refreshed with the timeline whenever figures are imported or edited.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum

from core.dates import DatePrecision
from core.quantities import format_usd
from directory.models import Country
from timelines.builders.base import EntrySpec, content_type_id, ordered_pair, summary, title
from timelines.models import TimelineEntry
from timelines.units import trade_unit
from trade.indicators import TurnoverPoint, year_on_year_change
from trade.models import TradeFlow

_PERCENT = Decimal("100")
Flow = TradeFlow.Flow


def _figures(pairs: set[tuple[str, str]]):
    """Annual all-goods exports and imports per reporter, partner, dataset and year."""
    flows = (
        TradeFlow.objects.annual()
        .all_goods()
        .filter(
            reporter_id__in={r for r, _ in pairs},
            partner_id__in={p for _, p in pairs},
            flow__in=[Flow.EXPORT, Flow.IMPORT],
        )
        .values("reporter_id", "partner_id", "dataset", "year")
        .annotate(
            # None where the reporter gives no figure for the flow: shown as "—", never as 0.
            exports=Sum("value_usd", filter=Q(flow=Flow.EXPORT)),
            imports=Sum("value_usd", filter=Q(flow=Flow.IMPORT)),
            first_id=Min("id"),
            updated_at=Max("updated_at"),
            version=Max("version"),
        )
    )
    return [row for row in flows if (row["reporter_id"], row["partner_id"]) in pairs]


def _world_turnover(reporters: set[str]) -> dict[tuple[str, str, int], Decimal]:
    flows = (
        TradeFlow.objects.annual()
        .all_goods()
        .filter(reporter_id__in=reporters, partner_id=Country.WORLD, flow__in=[Flow.EXPORT, Flow.IMPORT])
        .values("reporter_id", "dataset", "year")
        .annotate(
            exports=Sum("value_usd", filter=Q(flow=Flow.EXPORT)),
            imports=Sum("value_usd", filter=Q(flow=Flow.IMPORT)),
        )
    )
    # A total of one flow is no turnover: a share over it would be too high.
    return {
        (row["reporter_id"], row["dataset"], row["year"]): TurnoverPoint(
            row["year"], row["exports"], row["imports"]
        ).turnover
        for row in flows
    }


def _headline(point: TurnoverPoint, reporter: str, partner: str) -> str:
    """The turnover where the reporter gives both flows, else the one flow it gives."""
    if point.turnover is not None:
        return f"{reporter} reports {point.year} trade with {partner}: {format_usd(point.turnover)}"
    if point.exports is not None:
        return f"{reporter} reports {point.year} exports to {partner}: {format_usd(point.exports)}"
    return f"{reporter} reports {point.year} imports from {partner}: {format_usd(point.imports)}"


def build_trade_entries(ids: list[str]) -> list[EntrySpec]:
    """Release entries for these reporter–partner units ('TJK:RUS', ...), in four queries."""
    pairs = {tuple(pair.split(":", 1)) for pair in ids}
    rows = _figures(pairs)
    if not rows:
        return []
    world = _world_turnover({reporter for reporter, _ in pairs})
    names = dict(Country.objects.filter(pk__in={code for pair in pairs for code in pair}).values_list("pk", "name"))

    series = defaultdict(list)
    for row in sorted(rows, key=lambda r: r["year"]):
        series[(row["reporter_id"], row["partner_id"], row["dataset"])].append(row)
    flow_type = content_type_id(TradeFlow)
    specs = []
    for (reporter, partner, dataset), years in series.items():
        points = [TurnoverPoint(r["year"], r["exports"], r["imports"]) for r in years]
        changes = year_on_year_change(points)
        for row, point in zip(years, points, strict=True):
            text = _headline(point, names[reporter], names[partner])
            change = changes[row["year"]]
            if change is not None:
                text += f", {change:+.1f} % on {row['year'] - 1}"
            details = f"Exports {format_usd(point.exports)}, imports {format_usd(point.imports)} ({dataset})."
            turnover, total = point.turnover, world.get((reporter, dataset, row["year"]))
            if turnover is not None and total:
                share = (turnover / total * _PERCENT).quantize(Decimal("0.01"))
                details += f" {names[partner]} is {share} % of {names[reporter]}'s trade turnover."
            specs.append(
                EntrySpec(
                    key=f"trade_release:{reporter}:{partner}:{dataset}:{row['year']}",
                    unit=trade_unit(reporter, partner),
                    kind=TimelineEntry.Kind.TRADE_RELEASE,
                    date=datetime.date(row["year"], 1, 1),
                    precision=DatePrecision.YEAR,
                    title=title(text),
                    summary=summary(details),
                    content_type_id=flow_type,
                    object_id=str(row["first_id"]),
                    source_updated_at=row["updated_at"],
                    source_version=row["version"],
                    **dict(zip(("country_a_id", "country_b_id"), ordered_pair(reporter, partner), strict=False)),
                )
            )
    return specs
