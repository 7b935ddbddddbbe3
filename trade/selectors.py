"""Reads of trade figures that other apps' pages use."""

from django.db.models import F, Max, Q, Sum

from directory.models import Country
from trade.models import FlowRevision, TradeFlow

PAIR_REVISIONS = 10  # the latest shown on a pair page


def partners_by_trade(code: str, *, mirror: bool, limit: int = 10):
    """Partners ranked by turnover in the latest year with figures, as `code` reports it or (mirror)
    as each partner reports its trade with `code`. Reporter and mirror are never mixed."""
    flows = (
        TradeFlow.objects.annual()
        .all_goods()
        .filter(flow__in=[TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT], dataset="comtrade")
    )
    if mirror:
        flows, other = flows.filter(partner=code), "reporter"
    else:
        flows, other = flows.filter(reporter=code).exclude(partner=Country.WORLD), "partner"
    latest = flows.aggregate(year=Max("year"))["year"]
    rows = (
        flows.filter(year=latest or 0)
        .values(code_=F(other), name=F(f"{other}__name"))
        .annotate(
            exports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.EXPORT)),
            imports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.IMPORT)),
            turnover=Sum("value_usd"),
        )
        .order_by("-turnover")[:limit]
    )
    return latest, rows


def pair_revisions(a: str, b: str, *, dataset: str | None, limit: int = PAIR_REVISIONS) -> list[FlowRevision]:
    """The latest revisions of the pair's figures (either side's reports, all goods) in
    `dataset`, newest first, each with its figure: what a later release changed. One query."""
    flows = TradeFlow.objects.for_pair(a, b).all_goods()
    if dataset:
        flows = flows.filter(dataset=dataset)
    return list(
        FlowRevision.objects.filter(flow__in=flows)
        .select_related("flow__reporter", "flow__partner")
        .order_by("-recorded_at", "-id")[:limit]
    )
