"""Pages that bring every app together around a timeline: home, country, pair, topic, search.

They live here because timelines is the one app that reads all the others (ARCHITECTURE.md);
the other apps' own pages are in their views.py. Timelines are read through
timelines.selectors, a page at a time with keyset cursors, so a page deep in a long
timeline costs what the first does.

Each page makes a fixed number of queries whatever the amount of data (tests/pages
asserts it): lists are paginated, relations are joined or prefetched, and aggregates are
computed in the database.
"""

import datetime
import json
import re

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Case, CharField, Count, Exists, F, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from agreements.models import Agreement, AgreementStatusChange
from agreements.views import with_parties
from chancery.dates import format_imprecise_date
from chancery.pages import date_span, htmx_target, page_view, paginate, query_without, render_page, wants
from directory.models import Country, Person, PersonAlias, Source
from directory.views import country_choices
from timelines import selectors
from timelines.models import TimelineEntry
from trade.models import TradeFlow
from trade.series import pair_series
from trade.views import chart_marks, pair_chart_data
from visits.models import NegotiationTopic, TopicStance, Visit, VisitStatusChange
from visits.views import VISIT_RELATIONS, upcoming_visits, visit_mark

PAGE_ENTRIES = 25  # entries per page of a timeline list
ITEMS_PER_REQUEST = selectors.MAX_PAGE_SIZE  # entries per request of the interactive timeline
MARKED_VISITS = 300  # visits a pair's trade chart marks at most, the newest
KINDS = TimelineEntry.Kind


# --- timeline entries as pages show them ----------------------------------------------------


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


# --- home -----------------------------------------------------------------------------------


def topics_in_motion(limit: int = 8):
    """Open topics ordered by their latest sign of life: a stance taken or a visit that discussed it."""
    last_stance = TopicStance.objects.filter(topic=OuterRef("pk")).order_by("-as_of").values("as_of")[:1]
    last_visit = (
        Visit.objects.filter(agenda_items__topic=OuterRef("pk")).order_by("-start_date").values("start_date")[:1]
    )
    never = datetime.date(1, 1, 1)
    return (
        NegotiationTopic.objects.exclude(status__in=[NegotiationTopic.Status.RESOLVED, NegotiationTopic.Status.DROPPED])
        .annotate(last_stance=Subquery(last_stance), last_visit=Subquery(last_visit))
        .annotate(last_activity=Coalesce("last_visit", "last_stance", Value(never)))
        .prefetch_related("countries")
        .order_by("-last_activity", "title")[:limit]
    )


@page_view("visits.view_visit")
def home(request):
    """Upcoming visits, what changed this week, topics in motion, and a way into any pair."""
    since = timezone.now() - datetime.timedelta(days=7)
    context = {
        "upcoming": upcoming_visits()[:8],
        "latest": Visit.objects.filter(start_date__lte=timezone.localdate())
        .select_related(*VISIT_RELATIONS)
        .order_by("-start_date", "-id")[:8],
        "visit_changes": VisitStatusChange.objects.filter(recorded_at__gte=since)
        .select_related("visit__visitor", "visit__visitor_country", "visit__host_country")
        .order_by("-recorded_at", "-id")[:10],
        "agreement_changes": AgreementStatusChange.objects.filter(recorded_at__gte=since)
        .select_related("agreement")
        .order_by("-recorded_at", "-id")[:10],
        "new_figures": TradeFlow.objects.filter(updated_at__gte=since)
        .values("reporter__name", "reporter", "partner__name", "partner", "dataset")
        .annotate(figures=Count("id"), first_year=Min("year"), last_year=Max("year"), latest=Max("updated_at"))
        .order_by("-latest")[:10],
        "topics": topics_in_motion(),
        "pair_form": PairForm(),
    }
    return render_page(request, "timelines/home.html", context)


class PairForm(forms.Form):
    a = forms.ChoiceField(label="First country")
    b = forms.ChoiceField(label="Second country")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose…")] + country_choices()
        self.fields["a"].choices = self.fields["b"].choices = choices


@page_view("timelines.view_timelineentry")
def pair_picker(request):
    """The home page's 'compare two countries' form lands here and goes on to the pair page."""
    a, b = request.GET.get("a", "").upper(), request.GET.get("b", "").upper()
    if a and b and a != b:
        return redirect("pair", pair=f"{a}-{b}")
    return redirect("home")


# --- country --------------------------------------------------------------------------------


def partners_by_visits(code: str, limit: int = 10):
    """Countries ranked by visits either way with this one (one grouped query)."""
    partner = Case(
        When(visitor_country=code, then=F("host_country")), default=F("visitor_country"), output_field=CharField()
    )
    partner_name = Case(
        When(visitor_country=code, then=F("host_country__name")),
        default=F("visitor_country__name"),
        output_field=CharField(),
    )
    return (
        Visit.objects.involving(code)
        .annotate(partner=partner, partner_name=partner_name)
        .values("partner", "partner_name")
        .annotate(
            made=Count("id", filter=Q(visitor_country=code)),
            hosted=Count("id", filter=Q(host_country=code)),
            total=Count("id"),
        )
        .order_by("-total", "partner_name")[:limit]
    )


def partners_by_trade(code: str, *, mirror: bool, limit: int = 10):
    """Partners ranked by turnover in the latest year with figures, as `code` reports it or (mirror)
    as each partner reports its trade with `code`. Reporter and mirror are never mixed."""
    flows = (
        TradeFlow.objects.annual()
        .all_goods()
        .filter(flow__in=[TradeFlow.Flow.EXPORT, TradeFlow.Flow.IMPORT], dataset="comtrade")
    )
    if mirror:
        flows, other = flows.filter(partner=code), "reporter"
    else:
        flows, other = flows.filter(reporter=code).exclude(partner=Country.WORLD), "partner"
    latest = flows.aggregate(year=Max("year"))["year"]
    rows = (
        flows.filter(year=latest or 0)
        .values(code_=F(other), name=F(f"{other}__name"))
        .annotate(
            exports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.EXPORT)),
            imports=Sum("value_usd", filter=Q(flow=TradeFlow.Flow.IMPORT)),
            turnover=Sum("value_usd"),
        )
        .order_by("-turnover")[:limit]
    )
    return latest, rows


@page_view("directory.view_country")
def country_page(request, code: str):
    """A country's visits both ways, its partners by visits and by trade, agreements, topics, timeline."""
    country = get_object_or_404(Country, pk=code.upper())
    if country.pk != code:
        return redirect("country", code=country.pk)
    context = {
        "country": country,
        "feed_url": reverse("country-feed", args=[country.pk]),
        "calendar_url": reverse("country-calendar", args=[country.pk]),
    }
    if wants(request, "country-visits"):
        direction = request.GET.get("direction", "")
        visits = Visit.objects.select_related(*VISIT_RELATIONS).order_by("-start_date", "-id")
        visits = {"made": visits.filter(visitor_country=country), "hosted": visits.filter(host_country=country)}.get(
            direction, visits.involving(country)
        )
        context.update(visits=paginate(request, visits, param="visits"), direction=direction)
    if wants(request, "timeline"):
        context["timeline"] = timeline_section(
            request,
            lambda **options: selectors.country_timeline(country.pk, **options),
            items_url=reverse("country-timeline-items", args=[country.pk]),
            feed_url=context["feed_url"],
        )
    if wants(request, "country-agreements"):
        context["agreements"] = paginate(
            request,
            with_parties(Agreement.objects.filter(parties=country).order_by("-updated_at", "-id")),
            param="agreements",
            per_page=10,
        )
    if htmx_target(request) is None:
        context["partners_by_visits"] = partners_by_visits(country.pk)
        context["trade_year"], context["partners_by_trade"] = partners_by_trade(country.pk, mirror=False)
        context["mirror_year"], context["partners_by_mirror"] = partners_by_trade(country.pk, mirror=True)
        context["topics"] = country.topics.order_by("title")[:20]
        context["upcoming"] = upcoming_visits().filter(Q(visitor_country=country) | Q(host_country=country))[:5]
    return render_page(
        request,
        "timelines/country.html",
        context,
        fragments={
            "country-visits": "timelines/_country_visits.html",
            "timeline": "timelines/_timeline.html",
            "country-agreements": "timelines/_country_agreements.html",
        },
    )


# --- pair -----------------------------------------------------------------------------------


@page_view("timelines.view_timelineentry")
def pair_page(request, pair: str):
    """Everything between two countries: timeline, agreements, topics, and trade with the visits on it.

    RUS-TJK and TJK-RUS are the same page; the countries are named in the order asked.
    """
    first, second = pair_codes(pair)
    countries = {country.pk: country for country in Country.objects.filter(pk__in=[first, second])}
    if len(countries) != 2:
        raise Http404("No such country.")
    a, b = countries[first], countries[second]
    canonical = "-".join(sorted([a.pk, b.pk]))
    context = {
        "a": a,
        "b": b,
        "pair": f"{a.pk}-{b.pk}",
        "canonical": canonical,
        "feed_url": reverse("pair-feed", args=[canonical]),
        "calendar_url": reverse("pair-calendar", args=[canonical]),
    }
    if wants(request, "timeline"):
        context["timeline"] = timeline_section(
            request,
            lambda **options: selectors.pair_timeline(a.pk, b.pk, **options),
            items_url=reverse("pair-timeline-items", args=[canonical]),
            feed_url=context["feed_url"],
        )
    if wants(request, "pair-agreements"):
        context["agreements"] = paginate(
            request,
            with_parties(Agreement.objects.between_parties(a, b).order_by("-updated_at", "-id")),
            param="agreements",
            per_page=10,
        )
    if wants(request, "pair-topics"):
        context["topics"] = paginate(
            request,
            NegotiationTopic.objects.filter(countries=a)
            .filter(countries=b)
            .prefetch_related("stances__country")
            .order_by("title"),
            param="topics",
            per_page=10,
        )
    if htmx_target(request) is None:
        series = pair_series(a=a.pk, b=b.pk)
        chart = pair_chart_data(series, names={a.pk: a.name, b.pk: b.name})
        years = [period["year"] for period in series["periods"]]
        # The chart marks visits over the years it has figures for; without figures, none.
        # static/js/charts.js fetches them (up to MARKED_VISITS), so a page, however deep in
        # the timeline, never loads them; without JavaScript there is no chart to mark.
        if years:
            chart["marks_url"] = (
                reverse("pair-visit-marks", args=[canonical]) + "?" + urlencode({"from": min(years), "to": max(years)})
            )
        context.update(
            series=series,
            chart=chart,
            claims=[(period, claim) for period in series["periods"] for claim in period["claims"]],
            upcoming=upcoming_visits().for_pair(a, b)[:5],
        )
    return render_page(
        request,
        "timelines/pair.html",
        context,
        fragments={
            "timeline": "timelines/_timeline.html",
            "pair-agreements": "timelines/_pair_agreements.html",
            "pair-topics": "timelines/_pair_topics.html",
        },
    )


@page_view("timelines.view_timelineentry")
def pair_visit_marks(request, pair: str):
    """The visits either way that the pair page's trade chart marks, newest first, as chart marks.

    `from` and `to` (years, both or neither) limit them to the years the chart has figures for.
    """
    a, b = pair_codes(pair)
    visits = Visit.objects.for_pair(a, b)
    years = [request.GET.get("from", ""), request.GET.get("to", "")]
    if all(year.isdigit() and 1700 <= int(year) <= 2200 for year in years):
        visits = visits.filter(start_date__year__gte=int(years[0]), start_date__year__lte=int(years[1]))
    visits = visits.select_related(*VISIT_RELATIONS).order_by("-start_date", "-id")[:MARKED_VISITS]
    return JsonResponse({"marks": chart_marks([visit_mark(visit) for visit in visits])})


# --- topic ----------------------------------------------------------------------------------


@page_view("visits.view_negotiationtopic")
def topic_page(request, slug: str):
    """A negotiation topic's thread across visits and agreements, and each country's stance over time."""
    topic = get_object_or_404(NegotiationTopic, slug=slug)
    context = {"topic": topic, "feed_url": reverse("topic-feed", args=[topic.slug])}
    if wants(request, "timeline"):
        context["timeline"] = timeline_section(
            request,
            lambda **options: selectors.topic_timeline(topic.pk, **options),
            items_url=reverse("topic-timeline-items", args=[topic.slug]),
            feed_url=context["feed_url"],
        )
    if wants(request, "topic-agenda"):
        context["agenda"] = paginate(
            request,
            topic.agenda_items.select_related(
                "visit__visitor", "visit__visitor_country", "visit__host_country"
            ).order_by("-visit__start_date", "-id"),
            param="agenda",
            per_page=10,
        )
    if htmx_target(request) is None:
        context["countries"] = topic.countries.order_by("name")
        stances = paginate(
            request,
            topic.stances.select_related("country").order_by("country__name", "as_of", "id"),
            param="stances",
            per_page=50,
        )
        by_country: dict[str, dict] = {}
        for stance in stances:
            by_country.setdefault(stance.country_id, {"country": stance.country, "stances": []})["stances"].append(
                stance
            )
        context.update(
            stances=stances,
            stances_by_country=list(by_country.values()),
            agreements=with_parties(topic.agreements.order_by("title"))[:20],
        )
    return render_page(
        request,
        "timelines/topic.html",
        context,
        fragments={"timeline": "timelines/_timeline.html", "topic-agenda": "timelines/_topic_agenda.html"},
    )


# --- search ---------------------------------------------------------------------------------

SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    return re.findall(r"\w+", text)[:SEARCH_WORDS]


def _fulltext(queryset, words: list[str], fields: list[str], *, also=None):
    """Rows matching every word (as a word prefix), best first.

    PostgreSQL: full-text search with the 'simple' configuration (names are not English),
    each word a prefix, ranked by SearchRank with the first field weighted highest. SQLite:
    every word somewhere in the fields, case-insensitive. `also` is an extra condition that
    also matches (a person's aliases).
    """
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="simple")
        vector = SearchVector(fields[0], weight="A", config="simple")
        for field in fields[1:]:
            vector += SearchVector(field, weight="B", config="simple")
        matches = Q(_search=query) if also is None else Q(_search=query) | also(query)
        return queryset.annotate(_search=vector, rank=SearchRank(vector, query)).filter(matches).order_by("-rank", "pk")
    condition = Q()
    for word in words:
        condition &= Q(*[Q(**{f"{field}__icontains": word}) for field in fields], _connector=Q.OR)
    if also is not None:
        condition |= also(words)
    return queryset.filter(condition).order_by("pk")


def _alias_match(query_or_words):
    aliases = PersonAlias.objects.filter(person=OuterRef("pk"))
    if isinstance(query_or_words, SearchQuery):
        aliases = aliases.annotate(_search=SearchVector("name", config="simple")).filter(_search=query_or_words)
    else:
        for word in query_or_words:
            aliases = aliases.filter(name__icontains=word)
    return Q(Exists(aliases))


# Each section: permission, queryset, fields searched (first weighs most), how a row shows.
SEARCH_SECTIONS = {
    "people": (
        "directory.view_person",
        lambda: Person.objects.select_related("country"),
        ["name", "sort_name"],
        _alias_match,
        lambda p: (p.name, p.country.name if p.country_id else "", reverse("person", args=[p.pk])),
    ),
    "countries": (
        "directory.view_country",
        lambda: Country.objects.exclude(kind=Country.Kind.AGGREGATE),
        ["name", "official_name", "alpha3"],
        None,
        lambda c: (c.name, c.alpha3 + (" (former state)" if c.is_historical else ""), reverse("country", args=[c.pk])),
    ),
    "visits": (
        "visits.view_visit",
        lambda: Visit.objects.select_related(*VISIT_RELATIONS),
        ["visitor__name", "locale", "summary", "visitor_country__name", "host_country__name"],
        None,
        lambda v: (str(v), v.get_status_display(), reverse("visit", args=[v.pk])),
    ),
    "agreements": (
        "agreements.view_agreement",
        lambda: Agreement.objects.all(),
        ["title", "summary"],
        None,
        lambda a: (a.title, a.get_status_display(), reverse("agreement", args=[a.pk])),
    ),
    "topics": (
        "visits.view_negotiationtopic",
        lambda: NegotiationTopic.objects.all(),
        ["title", "description"],
        None,
        lambda t: (t.title, t.get_status_display(), reverse("topic", args=[t.slug])),
    ),
    "sources": (
        "directory.view_source",
        lambda: Source.objects.select_related("outlet"),
        ["title", "outlet__name"],
        None,
        lambda s: (s.title, s.outlet.name if s.outlet_id else s.get_kind_display(), s.url or None),
    ),
}
SECTION_LABELS = {
    "people": "People",
    "countries": "Countries",
    "visits": "Visits",
    "agreements": "Agreements",
    "topics": "Topics",
    "sources": "Sources",
}
PREVIEW = 5


@page_view("directory.view_person")
def search(request):
    """One box across people, countries, visits, agreements, topics and sources.

    Without `type`, the best five of each kind (one query each); with it, that kind alone,
    paginated.
    """
    text = request.GET.get("q", "").strip()[:200]
    words = search_words(text)
    only = request.GET.get("type", "")
    sections = []
    for name, (permission, rows, fields, also, show) in SEARCH_SECTIONS.items():
        if not words or (only and only != name) or not request.user.has_perm(permission):
            continue
        found = _fulltext(rows(), words, fields, also=also)
        if only:
            page = paginate(request, found)
            sections.append(
                {"name": name, "label": SECTION_LABELS[name], "results": [show(row) for row in page], "page": page}
            )
        else:
            preview = list(found[: PREVIEW + 1])
            sections.append(
                {
                    "name": name,
                    "label": SECTION_LABELS[name],
                    "results": [show(row) for row in preview[:PREVIEW]],
                    "more": len(preview) > PREVIEW,
                }
            )
    return render_page(
        request,
        "timelines/search.html",
        {"q": text, "only": only, "sections": sections, "searched": bool(words), "labels": SECTION_LABELS},
        fragments={"search-results": "timelines/_search_results.html"},
    )
