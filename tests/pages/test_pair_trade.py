"""The pair page's trade and the trade explorer: the dataset shown and cited, the switch to the
pair's other datasets, each figure's valuation and estimate mark, monthly series."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from demo.loader import load_demo
from tests.trade.test_api_series import add_dots_seed, comtrade

pytestmark = pytest.mark.django_db

DOTS_CITATION = "Source: IMF, Direction of Trade Statistics (DOTS)"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_pair_page_sets_the_ministers_claims_beside_both_sides_imf_figures(analyst_client):
    load_demo()
    add_dots_seed()

    html = page(analyst_client, reverse("pair", args=["RUS-TJK"]))

    assert DOTS_CITATION in html and "dataset imf-dots: 2 years, 2015–2016" in html
    assert "Also for this pair" not in html  # no other dataset to switch to
    # The series table: Tajikistan's 2016 turnover with Russia, and Russia's, each as reported.
    assert "USD 1.04 bn" in html and "USD 687.9 m" in html and "USD 26.4 m" in html
    assert 'USD 26.4 m<abbr title="estimate" class="estimate-mark">e</abbr>' in html  # the IMF's estimate
    assert "The first three columns are Russia’s own figures, the last three Tajikistan’s." in html
    assert "Imports are valued CIF" in html and "exports FOB" in html
    assert "the IMF marks it as its own estimate" in html
    # The claims table: the minister's three claims, his side's statistics and Russia's.
    assert "A little over USD 1.00 bn" in html and "Exactly -6.3 %" in html and "Exactly 26.4 %" in html
    assert '-7.78 % <small class="muted">by TJK</small>' in html and "25.93 %" in html  # by Tajikistan's figures
    assert "−USD 36.5 m (−3.52 %)" in html and "+1.48 points" in html and "+0.47 points" in html
    assert '-15.57 %<abbr title="estimate" class="estimate-mark">e</abbr> <small class="muted">by RUS' in html
    assert escape("none: RUS does not report TJK’s trade with the world") in html


def test_the_pair_page_shows_the_longest_dataset_and_links_to_the_others(analyst_client):
    add_dots_seed()
    comtrade("TJK", "RUS", [2013, 2014, 2015])

    default = page(analyst_client, reverse("pair", args=["RUS-TJK"]))
    switched = page(analyst_client, reverse("pair", args=["RUS-TJK"]) + "?dataset=imf-dots")

    assert "Source: UN Comtrade" in default and "dataset comtrade: 3 years, 2013–2015" in default
    assert '<a href="?dataset=imf-dots#trade-heading">' + DOTS_CITATION + " (2 years, 2015–2016)</a>" in default
    assert "Imports are valued CIF" not in default  # Comtrade's figures here do not say
    assert DOTS_CITATION in switched and "Imports are valued CIF" in switched
    assert '<a href="?dataset=comtrade#trade-heading">Source: UN Comtrade (3 years, 2013–2015)</a>' in switched


def test_a_dataset_of_one_year_is_named_as_one_year(analyst_client):
    add_dots_seed()
    comtrade("TJK", "RUS", [2021])

    html = page(analyst_client, reverse("pair", args=["RUS-TJK"]))

    assert "dataset imf-dots: 2 years, 2015–2016" in html
    assert "Source: UN Comtrade (1 year, 2021)</a>" in html


def test_the_explorer_offers_monthly_series_with_their_marks(analyst_client):
    comtrade("RUS", "TJK", [2019], value=12_000_000)
    for month in (1, 2):
        comtrade("RUS", "TJK", [2019, 2020], month=month, value=1_000_000 * month)
    add_dots_seed()

    monthly = page(
        analyst_client, reverse("trade-explorer") + "?reporter=RUS&partner=TJK&flow=import&frequency=monthly"
    )
    annual = page(analyst_client, reverse("trade-explorer") + "?reporter=RUS&partner=TJK&flow=import&dataset=imf-dots")
    bad = analyst_client.get(reverse("trade-explorer") + "?reporter=RUS&partner=TJK&frequency=weekly")

    assert "Monthly figures from comtrade (Source: UN Comtrade)" in monthly
    assert ">2020-02</th>" in monthly and ">2019</th>" not in monthly
    assert "frequency=monthly" in monthly and "annual=false" in monthly  # the downloads are of what is shown
    assert "Annual figures from imf-dots" in annual and DOTS_CITATION in annual
    assert 'USD 26.4 m<abbr title="estimate" class="estimate-mark">e</abbr>' in annual
    assert "Imports are valued CIF" in annual and "the mirror column is Tajikistan’s figures" in annual
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
