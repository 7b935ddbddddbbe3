"""Form fields for what reports say the way they say it: an imprecise date, an amount.

    ImpreciseDateField   "2017" -> (2017-01-01, year), "2017-02" -> (2017-02-01, month),
                         "2017-02-28" -> (2017-02-28, day); "c. 2017" or "~2017" -> approximate
    AmountField          "18 bn", "USD 650 million", "1.2e9" -> Decimal (USD only)

Both are plain text inputs with a pattern hint, so the same value can be typed on the pages,
in the admin and in a test; the error says what was expected.
"""

import datetime
import re
from decimal import Decimal
from typing import NamedTuple

from django import forms

from core.dates import DatePrecision, format_imprecise_date
from core.quantities import AmountError, parse_amount
from core.values import FIRST_YEAR, LAST_YEAR

_IMPRECISE = re.compile(
    r"^\s*(?P<approx>c\.|ca\.|~|about)?\s*(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?\s*$"
)


class ImpreciseDate(NamedTuple):
    date: datetime.date
    precision: str

    def __str__(self):
        return format_imprecise_date(self.date, self.precision)


def parse_imprecise_date(text: str) -> ImpreciseDate:
    """The date and its precision as typed: a year, a year and month, or a day (ISO order);
    'c. 2017' is approximate. Raises ValueError with a message an editor can act on."""
    match = _IMPRECISE.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a date: type a year (2017), a month (2017-02) or a day (2017-02-28).")
    year, month, day = int(match["year"]), match["month"], match["day"]
    if match["approx"]:
        if month:
            raise ValueError("An approximate date is a year: type c. 2017.")
        precision = DatePrecision.APPROXIMATE
    else:
        precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    try:
        value = datetime.date(year, int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text.strip()!r} is not a date in the calendar ({exc}).") from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{year} is outside the years Chancery records ({FIRST_YEAR}–{LAST_YEAR}).")
    return ImpreciseDate(value, precision)


def imprecise_text(value: datetime.date | None, precision: str) -> str:
    """A stored date and precision as an editor would type them back: '2017', '2017-02', 'c. 2017'."""
    if value is None:
        return ""
    precision = DatePrecision(precision)
    if precision == DatePrecision.DAY:
        return value.isoformat()
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    return f"c. {value.year}"


class ParsedTextField(forms.CharField):
    """Text typed as a report gives it, cleaned to a value that is not text: its length is
    checked on the text (the CharField validators would measure the parsed value)."""

    default_error_messages = {"invalid": "%(message)s", "too_long": "Keep it under %(limit)d characters."}
    limit = 40

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(self.limit))

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > self.limit:
            raise forms.ValidationError(self.error_messages["too_long"], code="too_long", params={"limit": self.limit})
        return text


class ImpreciseDateField(ParsedTextField):
    """A date known to a day, a month or a year: cleans to an ImpreciseDate (date, precision)."""

    limit = 20

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "A year (2017), a month (2017-02) or a day (2017-02-28); c. 2017 if approximate."
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", "2017-02-28")
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        if isinstance(value, ImpreciseDate):
            return imprecise_text(value.date, value.precision)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_imprecise_date(text)
        except ValueError as exc:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"message": exc}
            ) from exc


class AmountField(ParsedTextField):
    """A US-dollar amount as reports give it: '18 bn', 'USD 650 million', '1.2e9'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "As the report gives it: 18 bn, USD 650 million, 1.2e9.")
        self.allow_negative = kwargs.pop("allow_negative", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", "18 bn")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        negative = text.lstrip().startswith(("-", "−"))
        try:
            amount, currency = parse_amount(text.lstrip().lstrip("-−") if negative else text)
        except AmountError as exc:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"message": exc}
            ) from exc
        if currency not in (None, "USD"):
            raise forms.ValidationError("Figures are kept in US dollars.", code="currency")
        if negative and not self.allow_negative:
            raise forms.ValidationError("An amount cannot be negative.", code="negative")
        return -amount if negative else amount
