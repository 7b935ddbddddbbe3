"""Tags that bring several apps together on one page, where the apps themselves may not.

    {% load composition %}
    {% trade_around visit %}                      the pair's trade in the years around a visit
    {% agreements_signed_at visit as signed %}    what was signed during it
    {% agreements_expected_at visit as expected %}  what reports expected to be signed at it

The visit page belongs to visits, which depends on neither trade nor agreements; its template
loads these, and timelines, which reads every content app, answers them.
"""

from django import template

from agreements.models import Agreement
from agreements.selectors import with_parties
from trade.charts import pair_chart_data
from trade.series import pair_series
from visits.selectors import visit_mark

register = template.Library()


@register.inclusion_tag("trade/_trade_around.html", takes_context=True)
def trade_around(context, visit, years_before: int = 3, years_after: int = 2):
    """What each side of a visit's pair reported in the years around it, with the visit marked.

    Rendered here rather than in the visit's view because visits do not depend on trade
    (docs/architecture.md): the template brings the two together. Two queries, whatever the data.
    """
    a, b = visit.visitor_country_id, visit.host_country_id
    year = visit.start_date.year
    series = pair_series(a=a, b=b, year_from=year - years_before, year_to=year + years_after)
    return {
        "request": context.get("request"),
        "series": series,
        "chart": pair_chart_data(
            series, names={a: visit.visitor_country.name, b: visit.host_country.name}, marks=[visit_mark(visit)]
        ),
        "a": visit.visitor_country,
        "b": visit.host_country,
        "year_from": year - years_before,
        "year_to": year + years_after,
    }


@register.simple_tag
def agreements_signed_at(visit) -> list:
    """The agreements signed during a visit (one query, plus one for their parties).

    A tag for the same reason as trade_around: visits do not depend on agreements.
    """
    return list(with_parties(Agreement.objects.filter(signed_at_visit=visit).order_by("title")))


@register.simple_tag
def agreements_expected_at(visit) -> list:
    """The agreements reported as to be signed at a visit (one query, plus one for their parties)."""
    return list(with_parties(Agreement.objects.filter(expected_at_visit=visit).order_by("title")))
