"""Subscriptions: an Atom feed for any timeline, an iCalendar feed of upcoming visits.

    /pairs/RUS-TJK/feed.atom      /countries/TJK/feed.atom
    /people/7/feed.atom           /topics/tajikistan-eaeu-accession/feed.atom
    /pairs/RUS-TJK/upcoming.ics   /countries/TJK/upcoming.ics

Feeds need a signed-in user like every page, or an API token in the Authorization header
(`Authorization: Token chy_...`) for feed readers and scripts, acting with the token's user.
Each feed costs a fixed number of queries: one page of the newest timeline entries (or the
next upcoming visits), read through timelines.selectors.
"""

import functools
import re

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from core.api.throttling import too_many_requests
from core.dates import format_imprecise_date
from core.pages import date_span, page_view
from directory.models import Country, Person
from timelines import selectors
from timelines.pages.entries import entry_url, pair_codes
from visits.models import NegotiationTopic, Visit
from visits.selectors import upcoming_visits

FEED_ENTRIES = 50
CALENDAR_VISITS = 200


def token_or_session(permission: str):
    """A page's sign-in and permission check, also accepting an API token for clients without a session;
    a request by token counts against that token's API rate (429 with Retry-After over it)."""

    def decorate(view):
        guarded = page_view(permission)(view)

        @functools.wraps(guarded)
        def wrapper(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not request.user.is_authenticated and header.startswith("Token "):
                try:
                    user, token = TokenAuthentication().authenticate_credentials(
                        header.split(" ", 1)[1].strip().encode()
                    )
                except exceptions.AuthenticationFailed:
                    return HttpResponse("Invalid or expired token.", status=401, content_type="text/plain")
                request.user = user
                if (refused := too_many_requests(request, token)) is not None:
                    return refused
            return guarded(request, *args, **kwargs)

        return wrapper

    return decorate


# What XML 1.0 cannot carry: C0 controls but tab, LF and CR, lone surrogates, U+FFFE/U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    return NOT_XML.sub("", value) if isinstance(value, str) else value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom that drops the characters XML cannot hold, so one stored control character (a row
    from before the rule, or imported) does not fail the whole feed for every reader."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{key: xml_text(value) for key, value in kwargs.items()})

    def add_item(self, *args, categories=(), **kwargs):
        kwargs = {key: xml_text(value) for key, value in kwargs.items()}
        super().add_item(*map(xml_text, args), categories=[xml_text(c) for c in categories or ()], **kwargs)


class TimelineFeed(Feed):
    """The newest entries of one timeline; subclasses say which timeline and what it is called."""

    feed_type = XmlSafeAtom1Feed

    def read(self, obj, **options) -> selectors.TimelinePage:
        raise NotImplementedError

    def items(self, obj):
        return self.read(obj, limit=FEED_ENTRIES, newest_first=True).entries

    def item_title(self, entry):
        return f"{format_imprecise_date(entry.date, entry.precision)}: {entry.title}"

    def item_description(self, entry):
        return entry.summary or entry.get_kind_display()

    def item_link(self, entry):
        return entry_url(entry)

    def item_guid(self, entry):
        return f"urn:chancery:timeline:{entry.key}"

    item_guid_is_permalink = False

    def item_updateddate(self, entry):
        return entry.source_updated_at

    def item_pubdate(self, entry):
        return entry.computed_at

    def item_categories(self, entry):
        return [entry.get_kind_display()]

    def get_object(self, request, *args, **kwargs):
        return self.subject(*args, **kwargs)


class PairFeed(TimelineFeed):
    def subject(self, pair):
        first, second = pair_codes(pair)
        countries = {c.pk: c for c in Country.objects.filter(pk__in=[first, second])}
        if len(countries) != 2:
            raise Http404("No such country.")
        return countries[first], countries[second]

    def read(self, obj, **options):
        return selectors.pair_timeline(obj[0].pk, obj[1].pk, **options)

    def title(self, obj):
        return f"Chancery: {obj[0].name} and {obj[1].name}"

    def link(self, obj):
        return reverse("pair", args=[f"{obj[0].pk}-{obj[1].pk}"])

    def subtitle(self, obj):
        return f"Visits, agreements, topics and trade between {obj[0].name} and {obj[1].name}."


class CountryFeed(TimelineFeed):
    def subject(self, code):
        return get_object_or_404(Country, pk=code.upper())

    def read(self, obj, **options):
        return selectors.country_timeline(obj.pk, **options)

    def title(self, obj):
        return f"Chancery: {obj.name}"

    def link(self, obj):
        return reverse("country", args=[obj.pk])


class PersonFeed(TimelineFeed):
    def subject(self, pk):
        return get_object_or_404(Person, pk=pk)

    def read(self, obj, **options):
        return selectors.person_timeline(obj.pk, **options)

    def title(self, obj):
        return f"Chancery: {obj.name}"

    def link(self, obj):
        return reverse("person", args=[obj.pk])


class TopicFeed(TimelineFeed):
    def subject(self, slug):
        return get_object_or_404(NegotiationTopic, slug=slug)

    def read(self, obj, **options):
        return selectors.topic_timeline(obj.pk, **options)

    def title(self, obj):
        return f"Chancery: {obj.title}"

    def link(self, obj):
        return reverse("topic", args=[obj.slug])


pair_feed = token_or_session("timelines.view_timelineentry")(PairFeed())
country_feed = token_or_session("timelines.view_timelineentry")(CountryFeed())
person_feed = token_or_session("timelines.view_timelineentry")(PersonFeed())
topic_feed = token_or_session("timelines.view_timelineentry")(TopicFeed())


# --- iCalendar --------------------------------------------------------------------------------

# How sure a visit is, in iCalendar's terms.
EVENT_STATUS = {
    Visit.Status.RUMOURED: "TENTATIVE",
    Visit.Status.ANNOUNCED: "TENTATIVE",
    Visit.Status.POSTPONED: "TENTATIVE",
    Visit.Status.CONFIRMED: "CONFIRMED",
    Visit.Status.UNDER_WAY: "CONFIRMED",
}


def visits_calendar(request, visits, name: str) -> HttpResponse:
    """All-day events over the whole period each visit's dates cover ('Feb 2017' is all of February)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Chancery//Upcoming visits//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for visit in visits:
        first, after = date_span(visit.start_date, visit.start_precision, visit.end_date, visit.end_precision)
        event = Event()
        event.add("uid", f"visit-{visit.pk}@chancery")
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", after)
        event.add(
            "summary", str(visit) + ("" if visit.start_precision == "day" else " (date not yet known to the day)")
        )
        event.add("status", EVENT_STATUS.get(visit.status, "TENTATIVE"))
        event.add("sequence", visit.version)
        event.add("last-modified", visit.updated_at)
        event.add("location", ", ".join(part for part in (visit.locale, visit.host_country.name) if part))
        event.add("url", request.build_absolute_uri(reverse("visit", args=[visit.pk])))
        event.add("description", f"{visit.get_status_display()}. {visit.summary}".strip())
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="upcoming-visits.ics"'
    return response


@token_or_session("visits.view_visit")
def pair_calendar(request, pair: str):
    first, second = pair_codes(pair)
    countries = {c.pk: c for c in Country.objects.filter(pk__in=[first, second])}
    if len(countries) != 2:
        raise Http404("No such country.")
    visits = upcoming_visits().for_pair(first, second)[:CALENDAR_VISITS]
    return visits_calendar(request, visits, f"Upcoming visits: {countries[first].name} and {countries[second].name}")


@token_or_session("visits.view_visit")
def country_calendar(request, code: str):
    country = get_object_or_404(Country, pk=code.upper())
    visits = upcoming_visits().involving(country)[:CALENDAR_VISITS]
    return visits_calendar(request, visits, f"Upcoming visits: {country.name}")
