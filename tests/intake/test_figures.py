"""Trade figures read from a report's sentences (intake.extract.figures): value in units, unit,
qualifier, metric and year; a target is read and marked, never taken for a statistic."""

import datetime
from decimal import Decimal

import pytest

from intake.extract.figures import find_figures

PUBLISHED = datetime.date(2017, 2, 20)


def read(sentence):
    return [
        (figure.metric, figure.value, figure.unit, figure.qualifier, figure.year, figure.target)
        for figure in find_figures(sentence, PUBLISHED)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Last year bilateral trade turnover reached USD 18 billion.",
            [("turnover", Decimal("18000000000"), "usd", "exact", 2016, False)],
        ),
        (
            "Exports of 650 million dollars and imports of $1.2bn were recorded in 2016.",
            [
                ("exports", Decimal("650000000"), "usd", "exact", 2016, False),
                ("imports", Decimal("1200000000"), "usd", "exact", 2016, False),
            ],
        ),
        (
            "Turnover was a little more than one billion dollars.",
            [("turnover", Decimal("1000000000"), "usd", "more_than", None, False)],
        ),
        ("Trade stood at about USD 650 million.", [("turnover", Decimal("650000000"), "usd", "about", None, False)]),
        (
            "Trade came to nearly 1.5 bn dollars.",
            [("turnover", Decimal("1500000000"), "usd", "less_than", None, False)],
        ),
        (
            "Trade grew by 12.5 per cent year-on-year.",
            [("yoy_change", Decimal("12.5"), "percent", "exact", None, False)],
        ),
        ("Trade fell by 3% last year.", [("yoy_change", Decimal("-3"), "percent", "exact", 2016, False)]),
        (
            "China's share of the country's trade is 20%.",
            [("partner_share", Decimal("20"), "percent", "exact", None, False)],
        ),
        (
            "Mutual trade this year may reach USD 2,500,000,000.",
            [("turnover", Decimal("2500000000"), "usd", "exact", 2017, False)],
        ),
        # targets: read, marked, and so never proposed as a statistic
        (
            "The sides aim to raise trade to USD 100 billion by 2030.",
            [("turnover", Decimal("100000000000"), "usd", "exact", None, True)],
        ),
        (
            "They plan to double turnover, to USD 5 bn.",
            [("turnover", Decimal("5000000000"), "usd", "exact", None, True)],
        ),
    ],
)
def test_a_figure_is_read_with_its_metric_scale_qualifier_and_year(sentence, expected):
    assert read(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministry has 2016 employees.",
        "A ticket costs 3 dollars.",
        "The talks lasted 3 hours in 2016.",
    ],
)
def test_numbers_that_are_not_trade_figures_give_none(sentence):
    assert read(sentence) == []


def test_each_figure_keeps_its_quote_and_span():
    sentence = "Exports of 650 million dollars and imports of $1.2bn were recorded."
    quotes = [(figure.quote, sentence[figure.span[0] : figure.span[1]]) for figure in find_figures(sentence, PUBLISHED)]
    assert quotes == [("650 million dollars", "650 million dollars"), ("$1.2bn", "$1.2bn")]
    # a full stop after the scale ends the sentence, not the figure
    assert [figure.quote for figure in find_figures("Turnover reached USD 18 billion.", PUBLISHED)] == [
        "USD 18 billion"
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Trade reached USD 630 million in 2016, up 14 percent.",
            [
                ("turnover", Decimal("630000000"), "usd", "exact", 2016, False),
                ("yoy_change", Decimal("14"), "percent", "exact", 2016, False),
            ],
        ),
        (
            "Trade was worth USD 4 billion, down 3.5 percent.",
            [
                ("turnover", Decimal("4000000000"), "usd", "exact", None, False),
                ("yoy_change", Decimal("-3.5"), "percent", "exact", None, False),
            ],
        ),
        ("Turnover rose, a rise of 11 percent.", [("yoy_change", Decimal("11"), "percent", "exact", None, False)]),
        # the year compared with is not the figure's year
        (
            "The figure was 8 percent higher than in 2015.",
            [("yoy_change", Decimal("8"), "percent", "exact", None, False)],
        ),
        # a goal with no date is still a goal
        (
            "They have set a target of raising their trade to USD 2 billion.",
            [("turnover", Decimal("2000000000"), "usd", "exact", None, True)],
        ),
        (
            "They have long spoken of raising trade to USD 30 billion.",
            [("turnover", Decimal("30000000000"), "usd", "exact", None, True)],
        ),
        # a product's figure is not the country's exports
        (
            "Exports of seafood came to about USD 1.1 billion last year.",
            [(None, Decimal("1100000000"), "usd", "about", 2016, False)],
        ),
    ],
)
def test_growth_in_words_goals_without_a_date_and_products_are_read_for_what_they_are(sentence, expected):
    assert read(sentence) == expected
