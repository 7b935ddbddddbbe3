"""Dates shown at their precision, in words and in machine-readable form; spans over whole periods."""

import datetime

import pytest
from django.template import Context, Template

from core.pages import date_span

FEB_27 = datetime.date(2017, 2, 27)


def render(source, **context):
    return Template("{% load chancery %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "precision,shown",
    [
        ("day", '<time datetime="2017-02-27">27 Feb 2017</time>'),
        ("month", '<time datetime="2017-02">Feb 2017</time>'),
        ("year", '<time datetime="2017">2017</time>'),
        ("approximate", '<time datetime="2017" title="approximate">c. 2017</time>'),
    ],
)
def test_a_date_shows_no_more_than_is_known(precision, shown):
    assert render("{{ day|imprecise:precision }}", day=FEB_27, precision=precision) == shown


def test_a_span_known_to_the_day_is_compact():
    html = render("{% imprecise_range a 'day' b 'day' %}", a=FEB_27, b=datetime.date(2017, 2, 28))

    assert html == '<time datetime="2017-02-27">27–28 Feb 2017</time>'


@pytest.mark.parametrize(
    "precision,end,expected",
    [
        ("day", None, (FEB_27, datetime.date(2017, 2, 28))),
        ("day", datetime.date(2017, 3, 1), (FEB_27, datetime.date(2017, 3, 2))),
        ("month", None, (datetime.date(2017, 2, 1), datetime.date(2017, 3, 1))),
        ("month", datetime.date(2017, 12, 1), (datetime.date(2017, 2, 1), datetime.date(2018, 1, 1))),
        ("year", None, (datetime.date(2017, 1, 1), datetime.date(2018, 1, 1))),
        ("approximate", None, (datetime.date(2017, 1, 1), datetime.date(2018, 1, 1))),
    ],
)
def test_an_imprecise_date_covers_its_whole_period(precision, end, expected):
    assert date_span(FEB_27, precision, end) == expected


@pytest.mark.parametrize(
    "value,shown",
    [("1012345678.00", "USD 1.01 bn"), ("350200000", "USD 350.2 m"), ("12345", "USD 12,345"), (None, "—")],
)
def test_money_is_shown_in_readable_units(value, shown):
    assert render("{{ value|usd }}", value=value) == shown
