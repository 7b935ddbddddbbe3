"""Writes with side effects for trade: figures stated in reports (claims). Statistics come in
through the importers (trade/importers/)."""

from django.db import transaction

from trade.models import TradeClaim


@transaction.atomic
def add_trade_claim(**fields) -> TradeClaim:
    """A figure someone stated, kept beside the statistics (the unit follows the metric)."""
    metric = fields["metric"]
    fields.setdefault("unit", TradeClaim.Unit.PERCENT if metric in TradeClaim.PERCENT_METRICS else TradeClaim.Unit.USD)
    claim = TradeClaim(**fields)
    claim.full_clean()
    claim.save()
    return claim
