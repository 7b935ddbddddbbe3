"""Country filters for the API's lists: alpha-3 codes and pairs, an unknown code a 400 naming the parameter."""

import time

import django_filters
from django import forms
from django.db.models import Q

from directory.models import Country


def country_code(value: str) -> str:
    code = value.strip().upper()
    if code not in _known_codes():
        # The value goes in as a parameter: django-filter %-formats messages, and a value
        # with a % in it would otherwise break that formatting (a 500).
        raise forms.ValidationError(
            "Unknown country code %(value)r; use ISO 3166-1 alpha-3, e.g. RUS.", params={"value": value}
        )
    return code


def _known_codes() -> frozenset[str]:
    """Every country code, read once per process and again after a change to the countries.

    Countries are reference data (migrations add them), so a filter checks a
    code against this set instead of sending a query; `forget_known_codes` empties it when a
    country is saved or deleted in this process, and it is read again at most
    KNOWN_CODES_SECONDS later in the others.
    """
    global _codes, _codes_read_at
    now = time.monotonic()
    if _codes is None or now - _codes_read_at > KNOWN_CODES_SECONDS:
        _codes = frozenset(Country.objects.values_list("alpha3", flat=True))
        _codes_read_at = now
    return _codes


KNOWN_CODES_SECONDS = 300
_codes: frozenset[str] | None = None
_codes_read_at = 0.0


def forget_known_codes(**kwargs) -> None:
    global _codes
    _codes = None


def parse_pair(value: str) -> tuple[str, str]:
    parts = value.split("-")
    if len(parts) != 2:
        raise forms.ValidationError(
            "%(value)r is not a pair; write two alpha-3 codes joined by a hyphen, e.g. RUS-TJK.",
            params={"value": value},
        )
    return country_code(parts[0]), country_code(parts[1])


class CountryCodeField(forms.CharField):
    """An alpha-3 code, checked while the filter form is cleaned, so the 400 names the parameter."""

    def clean(self, value):
        value = super().clean(value)
        return country_code(value) if value else value


class PairField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return parse_pair(value) if value else None


class CountryCodeFilter(django_filters.CharFilter):
    """An alpha-3 code: an unknown code is a 400, not an empty list."""

    field_class = CountryCodeField


class PairFilter(django_filters.CharFilter):
    """`RUS-TJK`: rows between the two, in either direction (`sides` names the two fields).

    With `method=`, the method receives the two codes as a tuple instead.
    """

    field_class = PairField

    def __init__(self, *args, sides: tuple[str, str] | None = None, **kwargs):
        self.sides = sides
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        a, b = value
        first, second = self.sides
        return qs.filter(Q(**{first: a, second: b}) | Q(**{first: b, second: a}))


class EitherSideFilter(django_filters.CharFilter):
    """A country on either side (visitor or host, reporter or partner)."""

    field_class = CountryCodeField

    def __init__(self, *args, sides: tuple[str, str], **kwargs):
        self.sides = sides
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Q(**{self.sides[0]: value}) | Q(**{self.sides[1]: value}))
