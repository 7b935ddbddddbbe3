import datetime

import pytest

from core.dates import DatePrecision, format_imprecise_date, format_imprecise_range

FEB_28 = datetime.date(2017, 2, 28)


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (DatePrecision.DAY, "28 Feb 2017"),
        (DatePrecision.MONTH, "Feb 2017"),
        (DatePrecision.YEAR, "2017"),
        (DatePrecision.APPROXIMATE, "c. 2017"),
    ],
)
def test_a_date_is_shown_no_more_precisely_than_it_is_known(precision, expected):
    assert format_imprecise_date(FEB_28, precision) == expected


def test_no_date_is_shown_as_nothing():
    assert format_imprecise_date(None, DatePrecision.DAY) == ""


def test_a_span_within_one_month_is_shown_compactly():
    assert format_imprecise_range(datetime.date(2017, 2, 27), "day", FEB_28, "day") == "27–28 Feb 2017"


def test_a_span_across_months_names_both_months_once_each():
    assert (
        format_imprecise_range(datetime.date(2017, 1, 30), "day", datetime.date(2017, 2, 2), "day")
        == "30 Jan – 2 Feb 2017"
    )


def test_a_span_with_imprecise_ends_shows_each_end_at_its_own_precision():
    assert format_imprecise_range(datetime.date(2016, 1, 1), "year", FEB_28, "month") == "2016 – Feb 2017"


def test_an_open_span_is_shown_as_its_start():
    assert format_imprecise_range(FEB_28, "month", None, "day") == "Feb 2017"


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (DatePrecision.DAY, FEB_28),
        (DatePrecision.MONTH, datetime.date(2017, 2, 1)),
        (DatePrecision.YEAR, datetime.date(2017, 1, 1)),
        (DatePrecision.APPROXIMATE, datetime.date(2017, 1, 1)),
    ],
)
def test_truncation_keeps_only_what_the_precision_knows(precision, expected):
    assert precision.truncate(FEB_28) == expected
