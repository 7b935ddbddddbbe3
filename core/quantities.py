"""Counts and amounts as reports state them: "more than ten documents", "USD 18 bn".

An editor types an amount the way the report gives it ("18 bn", "USD 650 million", "1.2e9");
`parse_amount` turns it into a number and a currency, and `format_usd` shows a stored
number back at a reader's scale ("USD 18.00 bn").
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import models


class CountQualifier(models.TextChoices):
    EXACT = "exact", "Exactly"
    ABOUT = "about", "About"
    MORE_THAN = "more_than", "More than"
    AT_LEAST = "at_least", "At least"
    UP_TO = "up_to", "Up to"

    @property
    def words(self) -> str:
        """The words put before the number: none for an exact count."""
        return "" if self == CountQualifier.EXACT else self.label.lower()


SCALES = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "billion": 10**9,
    "billions": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}
CURRENCY_WORDS = {"usd": "USD", "us$": "USD", "$": "USD", "dollars": "USD", "us dollars": "USD"}

_AMOUNT = re.compile(
    r"""^\s*
    (?P<before>usd|us\$|\$)?\s*
    (?P<number>[0-9][0-9 ,_]*(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|\.[0-9]+)\s*
    (?P<scale>[a-z]*)\.?\s*
    (?P<after>usd|us\ dollars|dollars)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


class AmountError(ValueError):
    """The text is not an amount; the message says what was expected."""


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """(value, currency or None) of an amount as typed: "18 bn", "USD 650 million", "1.2e9",
    "18,000,000,000", "$1.2bn". A bare number is taken as it is. Raises AmountError."""
    match = _AMOUNT.match(text or "")
    if not match:
        raise AmountError(
            f"{text!r} is not an amount: give a number, optionally with a scale and currency, "
            "such as 18 bn, USD 650 million or 1.2e9."
        )
    scale = match["scale"].lower()
    if scale not in SCALES:
        raise AmountError(f"{match['scale']!r} is not a scale: use thousand, million (m, mn) or billion (bn).")
    try:
        number = Decimal(re.sub(r"[ ,_]", "", match["number"]))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise AmountError(f"{text!r} is not a number.") from exc
    currency = match["before"] or match["after"]
    value = number * SCALES[scale]
    if not value.is_finite() or abs(value) >= Decimal(10) ** 16:
        raise AmountError(f"{text!r} is too large for a trade figure.")
    if value == value.to_integral_value():
        value = value.to_integral_value()
    return value, (CURRENCY_WORDS[currency.lower()] if currency else None)


def format_usd(value: Decimal | None) -> str:
    """'USD 1.01 bn', 'USD 350.2 m', 'USD 12,345'; an em dash for no figure."""
    if value is None:
        return "—"
    sign, amount = ("−" if value < 0 else ""), abs(value)
    if amount >= 10**9:
        return f"{sign}USD {amount / 10**9:,.2f} bn"
    if amount >= 10**6:
        return f"{sign}USD {amount / 10**6:,.1f} m"
    return f"{sign}USD {amount:,.0f}"
