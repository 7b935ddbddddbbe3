"""Country, pair and topic pages: every app brought together around a timeline.

They live in timelines because it is the one app that reads all the others
(docs/architecture.md). Each page makes a fixed number of queries whatever the amount of data
(tests/pages asserts it): lists are paginated, relations are joined or prefetched, aggregates
are computed in the database.
"""

from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode

from agreements.models import Agreement
from agreements.selectors import with_parties
from core.pages import htmx_target, page_view, paginate, render_page, wants
from directory.models import Country
from timelines import selectors
from timelines.pages.entries import pair_codes, timeline_section
from trade.charts import chart_marks, pair_chart_data
from trade.indicators import claims_with_mirrors
from trade.selectors import pair_revisions, partners_by_trade
from trade.series import pair_series
from visits.models import NegotiationTopic, Visit
from visits.selectors import VISIT_RELATIONS, partners_by_visits, upcoming_visits, visit_mark

MARKED_VISITS = 300  # visits a pair's trade chart marks at most, the newest


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
        # The dataset asked for (?dataset=imf-dots), else the pair's longest (trade.series).
        asked = request.GET.get("dataset", "").strip()
        series = pair_series(a=a.pk, b=b.pk, dataset=asked if 0 < len(asked) <= 40 and asked.isprintable() else None)
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
            claims=claims_with_mirrors(series),
            revisions=pair_revisions(a.pk, b.pk, dataset=series["dataset"]),
            other_datasets=[
                other | {"url": "?" + urlencode({"dataset": other["dataset"]}) + "#trade-heading"}
                for other in series["datasets"]
                if other["dataset"] != series["dataset"]
            ],
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
