"""Timeline entries as the pages show them: links, list filters, the interactive timeline's items.

Timelines are read through timelines.selectors, a page at a time with keyset cursors, so a page
deep in a long timeline costs what the first does.
"""

import datetime
import json
import re

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode

from core.dates import format_imprecise_date
from core.pages import date_span, page_view, query_without
from timelines import selectors
from timelines.models import TimelineEntry
from visits.models import NegotiationTopic

PAGE_ENTRIES = 25  # entries per page of a timeline list


ITEMS_PER_REQUEST = selectors.MAX_PAGE_SIZE  # entries per request of the interactive timeline


KINDS = TimelineEntry.Kind


def entry_url(entry: TimelineEntry) -> str:
    """The page of the record an entry was computed from (its unit names it, see timelines/units.py),
    else the page of what it is about: its pair, agreement or country."""
    kind, _, rest = entry.unit.partition(":")
    topics = list(entry.topics.all())
    if kind == "visit":
        return reverse("visit", args=[rest])
    if kind == "agreement":
        return reverse("agreement", args=[rest])
    if kind == "stances" and topics:
        return reverse("topic", args=[topics[0].slug])
    if kind == "trade":
        reporter, _, partner = rest.partition(":")
        return reverse("trade-explorer") + "?" + urlencode({"reporter": reporter, "partner": partner})
    if kind == "citations":
        label, _, object_id = rest.rpartition(":")
        if label == "visits.visit":
            return reverse("visit", args=[object_id])
        if label == "agreements.agreement":
            return reverse("agreement", args=[object_id])
        if topics:
            return reverse("topic", args=[topics[0].slug])
    if entry.country_a_id and entry.country_b_id:
        return reverse("pair", args=[f"{entry.country_a_id}-{entry.country_b_id}"])
    if entry.agreement_id:
        return reverse("agreement", args=[entry.agreement_id])
    if entry.country_a_id:
        return reverse("country", args=[entry.country_a_id])
    return reverse("home")


def with_links(page: selectors.TimelinePage) -> selectors.TimelinePage:
    for entry in page.entries:
        entry.url = entry_url(entry)
        entry.date_label = format_imprecise_date(entry.date, entry.precision)
    return page


def timeline_item(entry: TimelineEntry) -> dict:
    """An entry for vis-timeline: an imprecise date is a span over its whole period, never a fake day."""
    first, after = date_span(entry.date, entry.precision, entry.end_date, entry.precision)
    single_day = entry.precision == "day" and (after - first).days == 1
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kindLabel": entry.get_kind_display(),
        "title": entry.title,
        "summary": entry.summary[:300],
        "start": first.isoformat(),
        "end": None if single_day else after.isoformat(),
        "precision": entry.precision,
        "dateLabel": format_imprecise_date(entry.date, entry.precision)
        + (
            f" – {format_imprecise_date(entry.end_date, entry.precision)}"
            if entry.end_date and entry.end_date != entry.date
            else ""
        ),
        "url": entry_url(entry),
    }


class TimelineFilterForm(forms.Form):
    """What the timeline list and the interactive timeline show: kinds and years."""

    kind = forms.MultipleChoiceField(
        choices=KINDS.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Show"
    )
    year_from = forms.IntegerField(min_value=1700, max_value=2200, required=False, label="From year")
    year_to = forms.IntegerField(min_value=1700, max_value=2200, required=False, label="To year")
    newest_first = forms.BooleanField(required=False, label="Newest first")

    def options(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        options = {"newest_first": bool(data.get("newest_first"))}
        if data.get("kind"):
            options["kinds"] = data["kind"]
        if data.get("year_from"):
            options["start"] = datetime.date(data["year_from"], 1, 1)
        if data.get("year_to"):
            options["end"] = datetime.date(data["year_to"], 12, 31)
        return options


def timeline_section(request, read, *, items_url: str, feed_url: str | None = None) -> dict:
    """The filter form, one page of entries and the links to the next page and the JSON items.

    `read(**options)` is a selector bound to its timeline (pair, country, person, topic).
    """
    form = TimelineFilterForm(request.GET or None)
    options = form.options()
    try:
        page = read(**options, after=request.GET.get("after") or None, limit=PAGE_ENTRIES)
    except selectors.InvalidCursor:
        page = read(**options, limit=PAGE_ENTRIES)
    params = request.GET.copy()
    params.pop("after", None)
    if page.next_cursor:
        params["after"] = page.next_cursor
    return {
        "form": form,
        "page": with_links(page),
        "next_query": params.urlencode() if page.next_cursor else None,
        "at_start": not request.GET.get("after"),
        "first_query": query_without(request, "after"),
        "items_url": items_url,
        "feed_url": feed_url,
        "kinds": KINDS.choices,
        "kind_labels_json": json.dumps(dict(KINDS.choices)),
    }


@page_view("timelines.view_timelineentry")
def timeline_items(request, scope: str, key: str):
    """The interactive timeline's items, 500 a request, with the URL of the next batch."""
    read = _reader(scope, key)
    options = {}
    for name, field in (("year_from", "start"), ("year_to", "end")):
        value = request.GET.get(name, "")
        if value.isdigit() and 1700 <= int(value) <= 2200:
            options[field] = datetime.date(int(value), 1, 1) if field == "start" else datetime.date(int(value), 12, 31)
    try:
        page = read(after=request.GET.get("after") or None, limit=ITEMS_PER_REQUEST, **options)
    except selectors.InvalidCursor:
        return JsonResponse({"error": "bad cursor"}, status=400)
    next_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["after"] = page.next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    return JsonResponse({"items": [timeline_item(entry) for entry in page.entries], "next": next_url})


def _reader(scope: str, key: str):
    """The selector for one timeline, bound to its subject; 404 for a subject that does not exist."""
    if scope == "pair":
        a, b = pair_codes(key)
        return lambda **options: selectors.pair_timeline(a, b, **options)
    if scope == "country":
        code = key.upper()
        return lambda **options: selectors.country_timeline(code, **options)
    if scope == "person":
        return lambda **options: selectors.person_timeline(int(key), **options)
    if scope == "topic":
        topic_id = get_object_or_404(NegotiationTopic.objects.only("id"), slug=key).pk
        return lambda **options: selectors.topic_timeline(topic_id, **options)
    if scope == "agreement":
        return lambda **options: selectors.agreement_timeline(int(key), **options)
    raise Http404("No such timeline.")


def pair_codes(pair: str) -> tuple[str, str]:
    first, _, second = pair.upper().partition("-")
    if not (re.fullmatch(r"[A-Z][A-Z0-9]{2}", first) and re.fullmatch(r"[A-Z][A-Z0-9]{2}", second)) or first == second:
        raise Http404("A pair is two different alpha-3 codes joined by a hyphen, e.g. RUS-TJK.")
    return first, second
