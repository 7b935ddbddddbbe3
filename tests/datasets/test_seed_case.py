"""The seed case from the shipped files: the demo's minister against both sides' IMF figures.

load_demo and `load_datasets --only imf-dots` read the repository's data/ as `make run` does;
the numbers below are data/imf-dots/SOURCE.md's spot check, computed from the workbooks' cells.
"""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.loader import load_demo
from tests.api.conftest import token_client
from tests.conftest import shared_by_the_module
from trade.models import TradeFlow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_case")]

MILLION = Decimal(10**6)


@pytest.fixture(scope="module")
def seed_case(django_db_setup, django_db_blocker):
    def make():
        load_demo()
        call_command("load_datasets", only=["imf-dots"], no_progress=True, verbosity=0)

    yield from shared_by_the_module(django_db_blocker, make)


def millions(text: str | None) -> Decimal:
    return (Decimal(text) / MILLION).quantize(Decimal("0.1"))


def one_decimal(text: str | None) -> Decimal:
    return Decimal(text).quantize(Decimal("0.1"))


def test_the_workbooks_give_each_sides_figures_with_valuation_and_no_rows_beyond_the_cells():
    tajik = TradeFlow.objects.filter(dataset="imf-dots", reporter="TJK", partner="RUS", year=2016)
    assert {(f.flow, f.valuation): millions(str(f.value_usd)) for f in tajik} == {
        ("export", "fob"): Decimal("50.6"),
        ("import", "cif"): Decimal("985.9"),
    }
    assert (
        TradeFlow.objects.filter(dataset="imf-dots", reporter="RUS", partner="TJK").values("year").distinct().count()
        >= 25
    )


def test_the_series_gives_tajikistans_and_russias_figures_and_sets_the_three_claims_beside_them(analyst):
    answer = token_client(analyst).get(reverse("trade-series"), {"a": "TJK", "b": "RUS"}).json()

    assert answer["dataset"] == "imf-dots"
    assert answer["citation"] == "Source: IMF, Direction of Trade Statistics (DOTS)"
    year = next(period for period in answer["periods"] if period["year"] == 2016)
    tajik, russian = year["a_reports"], year["b_reports"]
    assert millions(tajik["turnover"]) == Decimal("1036.5")
    assert one_decimal(year["a_turnover_yoy_percent"]) == Decimal("-7.8")
    assert one_decimal(year["b_share_of_a_turnover_percent"]) == Decimal("25.9")
    assert millions(russian["turnover"]) == Decimal("687.9")
    assert one_decimal(year["b_turnover_yoy_percent"]) == Decimal("-15.6")
    assert year["a_marks"]["imports_from_partner"]["valuation"] == "cif"
    assert year["a_marks"]["exports_to_partner"]["valuation"] == "fob"

    claims = {claim["metric"]: claim for claim in year["claims"]}
    assert set(claims) == {"turnover", "yoy_change", "partner_share"}
    turnover = claims["turnover"]
    assert (turnover["qualifier"], millions(turnover["value"])) == ("more_than", Decimal("1000.0"))
    assert millions(turnover["statistic"]) == Decimal("1036.5")
    assert millions(turnover["gap"]) == Decimal("-36.5")
    assert millions(turnover["mirror_statistic"]) == Decimal("687.9")
    assert one_decimal(claims["yoy_change"]["statistic"]) == Decimal("-7.8")
    assert one_decimal(claims["yoy_change"]["gap"]) == Decimal("1.5")
    assert one_decimal(claims["yoy_change"]["mirror_statistic"]) == Decimal("-15.6")
    assert one_decimal(claims["partner_share"]["statistic"]) == Decimal("25.9")
    assert one_decimal(claims["partner_share"]["gap"]) == Decimal("0.5")


def test_the_pair_page_shows_both_sides_over_the_years_the_claims_compared_and_what_the_figures_are(analyst_client):
    page = analyst_client.get("/pairs/RUS-TJK/")
    assert page.status_code == 200
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode())))

    assert "Source: IMF, Direction of Trade Statistics (DOTS) (dataset imf-dots: 28 years, 1993–2020)" in text
    assert "2016 USD 661.5 m USD 26.4 m USD 687.9 m USD 50.6 m USD 985.9 m USD 1.04 bn" in text
    assert "1993" in text and "2020" in text  # the years of the series, not one
    assert "The first three columns are Russia’s own figures, the last three Tajikistan’s." in text
    assert "Imports are valued CIF" in text and "exports FOB" in text
    assert "The IMF marks the figures it estimated itself" in text
    assert "A little over USD 1.00 bn USD 1.04 bn by TJK −USD 36.5 m" in text
    assert "Exactly -6.3 % -7.78 % by TJK +1.48 points -15.57 % by RUS" in text
    assert "Exactly 26.4 % 25.93 % by TJK +0.47 points" in text
    # The chart's visit marks come from their own URL, for the years the chart has figures for.
    marks = analyst_client.get(reverse("pair-visit-marks", args=["RUS-TJK"]), {"from": 1993, "to": 2020}).json()
    assert len(marks["marks"]) >= 2
