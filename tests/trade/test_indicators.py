from decimal import Decimal

import pytest

from tests.factories import TradeFlowFactory, country
from trade.indicators import partner_share_of_turnover, trade_turnover_series, year_on_year_change

pytestmark = pytest.mark.django_db


def flows(reporter, partner, year, exports, imports):
    TradeFlowFactory(
        reporter=country(reporter), partner=country(partner), year=year, flow="export", value_usd=Decimal(exports)
    )
    TradeFlowFactory(
        reporter=country(reporter), partner=country(partner), year=year, flow="import", value_usd=Decimal(imports)
    )


def test_turnover_is_exports_plus_imports_as_the_reporter_reports_them():
    flows("TJK", "RUS", 2015, 100, 1000)
    flows("TJK", "RUS", 2016, 72, 958)
    flows("RUS", "TJK", 2016, 1114, 50)  # the mirror: not mixed in

    series = trade_turnover_series(reporter="TJK", partner="RUS")

    assert [(p.year, p.turnover) for p in series] == [(2015, Decimal(1100)), (2016, Decimal(1030))]


def test_year_on_year_change_is_computed_and_gaps_give_none():
    flows("TJK", "RUS", 2013, 10, 10)
    flows("TJK", "RUS", 2015, 100, 1000)
    flows("TJK", "RUS", 2016, 72, 958)

    changes = year_on_year_change(trade_turnover_series(reporter="TJK", partner="RUS"))

    assert changes == {2013: None, 2015: None, 2016: Decimal("-6.36")}


def test_partner_share_is_the_partner_turnover_over_turnover_with_the_world():
    flows("TJK", "RUS", 2016, 72, 958)
    flows("TJK", "W00", 2016, 899, 3000)

    assert partner_share_of_turnover(reporter="TJK", partner="RUS", year=2016) == Decimal("26.42")


def test_partner_share_without_a_world_total_is_unknown_rather_than_wrong():
    flows("TJK", "RUS", 2016, 72, 958)
    assert partner_share_of_turnover(reporter="TJK", partner="RUS", year=2016) is None
