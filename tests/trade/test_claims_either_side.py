"""A stated figure is set against whichever side reports the trade, and against both when both
do, each saying whose figures they are; a period the series' dataset has nothing on is set
against the pair's dataset that has it, which is named.

The 2021 figures are the Comtrade extract's (data/comtrade): each side's exports, no imports.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import TradeClaimFactory, TradeFlowFactory, country
from trade.indicators import claims_with_mirrors
from trade.models import TradeClaim
from trade.series import pair_series

pytestmark = pytest.mark.django_db

RUS_EXPORTS_2021 = Decimal("1114246510.97")
TJK_EXPORTS_2021 = Decimal("72467326.00")


def comtrade_2021():
    TradeFlowFactory(reporter=country("RUS"), partner=country("TJK"), year=2021, value_usd=RUS_EXPORTS_2021)
    TradeFlowFactory(reporter=country("TJK"), partner=country("RUS"), year=2021, value_usd=TJK_EXPORTS_2021)


def imf_dots(years):
    """Both sides' exports and imports in IMF DOTS, for more years than Comtrade has."""
    for year in years:
        for reporter, partner in (("RUS", "TJK"), ("TJK", "RUS")):
            for flow in ("export", "import"):
                TradeFlowFactory(
                    reporter=country(reporter),
                    partner=country(partner),
                    year=year,
                    flow=flow,
                    dataset="imf-dots",
                    value_usd=Decimal("500000000.00"),
                )


def claim(metric, value, year=2021):
    return TradeClaimFactory(year=year, metric=metric, value=Decimal(value))  # Tajikistan's side


def claims_of(series) -> dict:
    return {c["metric"]: c for period in series["periods"] for c in period["claims"]}


def pair_page(client) -> str:
    response = client.get(reverse("pair", args=["RUS-TJK"]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_claim_only_the_partner_reports_is_set_against_the_partners_figure():
    comtrade_2021()
    claim(TradeClaim.Metric.IMPORTS, "1100000000")  # Tajikistan's imports: only Russia's exports say

    imports = claims_of(pair_series(a="RUS", b="TJK"))["imports"]

    assert imports["statistic"] is None
    assert (imports["mirror_reported_by"], imports["mirror_statistic"]) == ("RUS", str(RUS_EXPORTS_2021))
    assert Decimal(imports["mirror_gap"]) == Decimal("1100000000") - RUS_EXPORTS_2021
    assert imports["citation"] == "Source: UN Comtrade"


def test_a_claim_both_sides_report_is_set_against_both(analyst_client):
    imf_dots([2020, 2021])
    claim(TradeClaim.Metric.TURNOVER, "1100000000")

    turnover = claims_of(pair_series(a="RUS", b="TJK"))["turnover"]
    html = pair_page(analyst_client)

    assert (turnover["reported_by"], turnover["statistic"]) == ("TJK", "1000000000.00")
    assert (turnover["mirror_reported_by"], turnover["mirror_statistic"]) == ("RUS", "1000000000.00")
    assert "by TJK" in html and "by RUS" in html
    assert "no figure from" not in html and "another dataset" not in html


def test_the_pair_page_shows_the_partners_figure_and_says_who_gives_none(analyst_client):
    comtrade_2021()
    claim(TradeClaim.Metric.IMPORTS, "1100000000")
    claim(TradeClaim.Metric.TURNOVER, "1200000000")  # neither side gives both flows: no turnover

    html = pair_page(analyst_client)
    table = html[html.index("What officials stated") :]

    assert "USD 1.11 bn" in table and "by RUS" in table  # Russia's exports, the mirror of the claim
    assert "no figure from TJK" in table  # Tajikistan's own imports: none in the extract
    assert "no figure from RUS" in table  # the turnover, by Russia's figures: exports alone
    assert "no statistic to compare" not in table


def test_a_period_the_series_dataset_lacks_is_set_against_the_dataset_that_has_it(analyst_client):
    imf_dots([2018, 2019, 2020])  # the longest series: the page shows it
    comtrade_2021()
    claim(TradeClaim.Metric.IMPORTS, "1100000000")
    claim(TradeClaim.Metric.TURNOVER, "1000000000", year=2020)

    series = pair_series(a="RUS", b="TJK")
    by_metric = claims_of(series)
    rows = claims_with_mirrors(series)
    html = pair_page(analyst_client)

    assert series["dataset"] == "imf-dots"
    assert (by_metric["imports"]["mirror_statistic"], by_metric["imports"]["citation"]) == (
        str(RUS_EXPORTS_2021),
        "Source: UN Comtrade",
    )
    assert by_metric["turnover"]["citation"] == "Source: IMF, Direction of Trade Statistics (DOTS)"
    assert [elsewhere for _, _, _, elsewhere in rows] == [None, "Source: UN Comtrade"]  # 2020, then 2021
    assert "Statistics from another dataset, which has 2021: Source: UN Comtrade" in html
    assert "USD 1.11 bn" in html[html.index("What officials stated") :]


def test_a_claim_no_dataset_reports_names_the_series_dataset_and_compares_with_nothing():
    imf_dots([2019, 2020])
    claim(TradeClaim.Metric.IMPORTS, "1100000000", year=2021)

    imports = claims_of(pair_series(a="RUS", b="TJK"))["imports"]

    assert (imports["statistic"], imports["mirror_statistic"]) == (None, None)
    assert imports["citation"] == "Source: IMF, Direction of Trade Statistics (DOTS)"
