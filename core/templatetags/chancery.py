"""Template filters and tags for the analysts' pages: dates at their precision, money, figures.

    {% load chancery %}
    {{ visit.start_date|imprecise:visit.start_precision }}   <time datetime="2017-02">Feb 2017</time>
    {% imprecise_range visit.start_date visit.start_precision visit.end_date visit.end_precision %}
    {{ figure|usd }}                                          USD 1.01 bn

A date is never shown more precisely than it is known, and its machine-readable form says
as much ("2017-02", not "2017-02-01").
"""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from core.dates import DatePrecision, format_imprecise_date, format_imprecise_range
from core.quantities import format_usd

register = template.Library()


def machine_date(value: datetime.date, precision: str) -> str:
    """The HTML `datetime` form of a date known to this precision: '2017-02-27', '2017-02' or '2017'."""
    if precision == DatePrecision.DAY:
        return value.isoformat()
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return f"{value:%Y}"


@register.filter
def imprecise(value: datetime.date | None, precision: str = DatePrecision.DAY):
    """A <time> showing the date as precisely as it is known."""
    if value is None:
        return ""
    precision = precision or DatePrecision.DAY
    template = (
        '<time datetime="{}" title="approximate">{}</time>'
        if precision == DatePrecision.APPROXIMATE
        else '<time datetime="{}">{}</time>'
    )
    return format_html(template, machine_date(value, precision), format_imprecise_date(value, precision))


@register.simple_tag
def imprecise_range(start, start_precision, end=None, end_precision=DatePrecision.DAY):
    """A span such as '27–28 Feb 2017' in a <time> whose datetime is its start."""
    if start is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        machine_date(start, start_precision or DatePrecision.DAY),
        format_imprecise_range(start, start_precision or DatePrecision.DAY, end, end_precision or DatePrecision.DAY),
    )


@register.simple_tag(takes_context=True)
def page_query(context, param: str, value) -> str:
    """This page's query string with one parameter changed: '?country=TJK&page=3'."""
    params = context["request"].GET.copy()
    params[param] = value
    return "?" + params.urlencode()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def usd(value) -> str:
    """'USD 1.01 bn', 'USD 350.2 m', 'USD 12,345'; an em dash for no figure."""
    return format_usd(_decimal(value))


@register.filter
def percent(value) -> str:
    """'-6.3 %', '+1.2 %' with `signed`; an em dash for no figure."""
    amount = _decimal(value)
    return "—" if amount is None else f"{amount.normalize():f} %"


@register.filter
def signed_percent(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{'+' if amount > 0 else '−' if amount < 0 else ''}{abs(amount).normalize():f} %"


@register.filter
def claim_value(claim: dict) -> str:
    """A stated figure with its qualifier: 'A little over USD 1.00 bn', 'Exactly -6.3 %'."""
    shown = usd(claim["value"]) if claim["unit"] == "usd" else percent(claim["value"])
    return f"{claim['qualifier_label']} {shown}"


@register.filter
def statistic_value(claim: dict) -> str:
    """The statistic a claim is set against, in the claim's unit."""
    return usd(claim["statistic"]) if claim["unit"] == "usd" else percent(claim["statistic"])


@register.filter
def gap_value(claim: dict) -> str:
    """How far the claim is from the statistic: 'USD -12.0 m (-1.2 %)', or percentage points."""
    if claim["gap"] is None:
        return "no statistic to compare"
    if claim["unit"] == "usd":
        text = usd(claim["gap"])
        return f"{text} ({signed_percent(claim['gap_percent'])})" if claim["gap_percent"] is not None else text
    gap = _decimal(claim["gap"])
    return f"{'+' if gap > 0 else '−' if gap < 0 else ''}{abs(gap).normalize():f} points"
