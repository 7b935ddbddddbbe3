"""Real-world dates that are known only to a day, a month, a year, or roughly.

A news report says "later this month" or "last year"; Chancery keeps such a date as a
date plus a precision and shows it no more precisely than it is known.
"""

import datetime

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    APPROXIMATE = "approximate", "Approximate"

    def truncate(self, value: datetime.date) -> datetime.date:
        """The canonical stored form: the first day of the month or year that is known."""
        if self == DatePrecision.MONTH:
            return value.replace(day=1)
        if self in (DatePrecision.YEAR, DatePrecision.APPROXIMATE):
            return value.replace(month=1, day=1)
        return value


def format_imprecise_date(value: datetime.date | None, precision: str) -> str:
    """'27 Feb 2017', 'Feb 2017', '2017' or 'c. 2017'; an empty string for no date."""
    if value is None:
        return ""
    precision = DatePrecision(precision)
    if precision == DatePrecision.DAY:
        return f"{value.day} {value:%b %Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%b %Y}"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    return f"c. {value.year}"


def format_imprecise_range(
    start: datetime.date | None,
    start_precision: str,
    end: datetime.date | None,
    end_precision: str,
) -> str:
    """A span shown compactly where both ends are known to the day: '27–28 Feb 2017'."""
    if start is None:
        return ""
    if end is None or (end == start and end_precision == start_precision):
        return format_imprecise_date(start, start_precision)
    if start_precision == end_precision == DatePrecision.DAY:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end:%b %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{format_imprecise_date(start, start_precision)} – {format_imprecise_date(end, end_precision)}"
