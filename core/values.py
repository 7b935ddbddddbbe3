"""What a content record may store: the years of its dates, the characters of its text, its amounts.

    years       1000–2999 in every date (a DateField, the date of a date and precision pair)
                and in every year a record keeps as a number (a trade claim's year)
    characters  any Unicode text but the control characters (C0 except tab, line feed and
                carriage return, which textareas send as CRLF; DEL; C1), lone surrogates and
                the 66 noncharacters (U+FDD0–U+FDEF, U+FFFE and U+FFFF of every plane), which
                XML 1.0 or PostgreSQL cannot hold and no editor means to type
    amounts     at most 15 significant digits and under 10^15 (a thousand trillion), beside
                each field's own max_digits and decimal_places: what every database Chancery
                runs on gives back exactly (SQLite keeps decimals as 8-byte floats and reads
                them back to 15 digits; a value at a field's full max_digits came back
                rounded past it, and reading it failed)

`guard_stored_values(Model, ...)`, called at the end of each content app's models.py, puts
these validators on every date, free-text and decimal field of the models given, so every path
that validates a model (ModelForms in the admin and on the pages, DRF ModelSerializers,
services calling full_clean) refuses a value outside the rule on the field that holds it.
tests/core/test_values.py fails if a content model's field is left without them.
Values already stored before the rule, or written by bulk paths that do not validate, are
shown defensively (core.pages.date_span, the Atom feeds).
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

FIRST_YEAR, LAST_YEAR = 1000, 2999
AMOUNT_DIGITS = 15

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
REFUSED_CHARACTERS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")


def validate_year(value: datetime.date | int | None) -> None:
    """A date's (or a numeric year's) year is one Chancery records: 1000–2999."""
    if value is None:
        return
    year = value if isinstance(value, int) else value.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            "%(year)s is outside the years Chancery records (%(first)s–%(last)s).",
            code="year_out_of_range",
            params={"year": year, "first": FIRST_YEAR, "last": LAST_YEAR},
        )


def validate_text(value: str | None) -> None:
    """Text holds no control character but tab and line breaks, and no noncharacter."""
    if not isinstance(value, str):
        return
    found = REFUSED_CHARACTERS.search(value)
    if found:
        raise ValidationError(
            "Remove the invisible character U+%(code)04X at position %(position)s: text may hold "
            "tabs and line breaks, but no other control character.",
            code="control_character",
            params={"code": ord(found.group()), "position": found.start() + 1},
        )


def validate_amount(value: Decimal | None) -> None:
    """An amount of at most 15 significant digits, under 10^15 (NaN and infinities are the
    field's own DecimalValidator's to refuse)."""
    if value is None or not value.is_finite():
        return
    _, digits, exponent = value.normalize().as_tuple()
    if len(digits) > AMOUNT_DIGITS or len(digits) + exponent > AMOUNT_DIGITS:
        raise ValidationError(
            "Keep an amount under 10^%(digits)s and to %(digits)s significant digits.",
            code="amount_out_of_range",
            params={"digits": AMOUNT_DIGITS},
        )


def guarded_fields(model) -> dict[str, list]:
    """{field name: the validators the rule puts on it} for a model's own concrete fields: dates
    get validate_year (not datetimes: the clock writes those), text without choices validate_text,
    decimals validate_amount."""
    rules = {}
    for field in model._meta.local_concrete_fields:
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            rules[field.name] = [validate_year]
        elif isinstance(field, models.CharField | models.TextField) and not field.choices:
            rules[field.name] = [validate_text]
        elif isinstance(field, models.DecimalField):
            rules[field.name] = [validate_amount]
    return rules


def guard_stored_values(*content_models, years: tuple[str, ...] = ()) -> None:
    """Put the rule's validators on the models' date, text and decimal fields, and validate_year on the
    integer fields named in `years` (a trade claim's "year"). Called once, after the classes."""
    for model in content_models:
        rules = guarded_fields(model)
        rules.update({name: [validate_year] for name in years if _has_field(model, name)})
        for name, validators in rules.items():
            field = model._meta.get_field(name)
            missing = [v for v in validators if v not in field._validators]
            # New lists, not the old ones extended: simple_history's copies of the field keep theirs.
            field._validators = [*field._validators, *missing]
            if "validators" in field.__dict__:  # a CharField's, cached with its MaxLengthValidator
                field.__dict__["validators"] = [*field.__dict__["validators"], *missing]


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.local_concrete_fields)
