"""What every analysts' page shares: who may see it, how lists page, and htmx partial answers.

Pages live in each app's views.py (and, for pages that bring several apps together, in
timelines/pages/, the one app that reads all the others). They are plain function views:

    @page_view("visits.view_visit")
    def visit_detail(request, pk): ...

Every page needs a signed-in user with the model's view permission: anonymous visitors are
sent to the login page, signed-in users without the permission get a 403. Pages only read, so
they answer GET and HEAD alone (405 otherwise); editors' writes go to editorial/editing.py.

Filters and paging work as plain links and GET forms; with htmx the same request carries an
`HX-Target` header and the view answers with only the fragment being replaced (see
`render_page`), so the page is readable without JavaScript and quicker with it.
"""

import datetime
import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from core.dates import DatePrecision

LOGIN_URL = reverse_lazy("login")
DEFAULT_PAGE_SIZE = 25


def page_view(permission: str) -> Callable:
    """Sign-in (redirect to the login page), GET or HEAD (405 otherwise) and the view permission (403 without it)."""

    def decorate(view):
        guarded = login_required(
            require_safe(permission_required(permission, raise_exception=True)(view)), login_url=LOGIN_URL
        )
        return functools.wraps(view)(guarded)

    return decorate


def paginate(request, queryset, *, per_page: int = DEFAULT_PAGE_SIZE, param: str = "page") -> Page:
    """The requested page of a list (the first for a missing or bad number, the last past the end).

    Two queries whatever the list's length: its count and the page's rows.
    """
    paginator = Paginator(queryset, per_page)
    number = request.GET.get(param, 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def htmx_target(request) -> str | None:
    """The id of the element an htmx request replaces; None for a full page load."""
    if request.headers.get("HX-Request") != "true" or request.headers.get("HX-History-Restore-Request") == "true":
        return None
    return request.headers.get("HX-Target") or None


def render_page(request, template: str, context: dict, *, fragments: dict[str, str] | None = None):
    """The whole page, or only the fragment an htmx request targets.

    `fragments` maps an element id to the template that renders that element alone (the
    page template includes the same file, so both answers show the same markup).
    """
    target = htmx_target(request)
    chosen = (fragments or {}).get(target, template) if target else template
    response = render(request, chosen, context)
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def query_without(request, *names: str) -> str:
    """The current query string without some parameters (for links that change only those)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def wants(request, fragment: str) -> bool:
    """Whether this request renders a fragment: always on a full page, else only the one targeted."""
    target = htmx_target(request)
    return target is None or target == fragment


def date_span(start, precision: str, end=None, end_precision: str | None = None):
    """The whole period an imprecise date (or span) covers, as [first day, day after the last).

    '27 Feb 2017' is one day; 'Feb 2017' is all of February; '2017' and 'c. 2017' the whole
    year. A span runs to the end of its last date's period. Timelines and charts draw this,
    so a date known to the month is never shown as a made-up day.
    """
    first = DatePrecision(precision or DatePrecision.DAY).truncate(start)
    last = end if end is not None and end >= start else start
    last_precision = DatePrecision((end_precision or precision) if end is not None else precision or DatePrecision.DAY)
    last = last_precision.truncate(last)
    try:
        if last_precision == DatePrecision.DAY:
            return first, last + datetime.timedelta(days=1)
        if last_precision == DatePrecision.MONTH:
            return first, (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return first, last.replace(year=last.year + 1)
    except (OverflowError, ValueError):
        # A period ending in 9999, the last year a date holds: its day after cannot be written.
        return first, datetime.date.max
