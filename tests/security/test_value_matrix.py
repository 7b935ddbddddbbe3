"""The stored-values matrix (issue 19, item 2): the nastiest values the rule lets in, and some it
no longer lets in, on every read that shows them.

Each *world* is one pair of countries with a full set of records between them: two visits on a
tour (status rows, a participant, an agenda item), an agreement (parties, status rows, two
drafts), people with an alias and a post, an organisation, a source and its citations (one
denying another, for the review queue), a topic and a stance, trade figures and stated claims
at the smallest and largest amounts the rule allows.
Every free-text field of every record (found by core.values.guarded_fields, so a new field is
filled too) holds one kind of nasty text: the longest the field allows, right-to-left
overrides and combining marks, emoji, or markup with a script; every date is at the earliest
(1000-01-01) or the latest (2999-12-31) allowed day, at one precision. All of it is stored
through full_clean. The last world is *legacy*: its records are then rewritten with
queryset.update, as rows from before the rule or from a bulk import would be, with control
characters in every text and 31 Dec 9999 in every date (at month precision for visits, the
finding's case; a year, or roughly a year, for the rest), and a claim for the year 9999.

The reads: the pages and their htmx fragments, the Atom feeds, the iCalendar feeds, the
timeline and visit-mark JSON, the CSV exports, the API's details and lists, the admin's
changelists, change, status and history pages, the review queue. Each must answer 200 and
parse as what it is; in HTML the script never becomes a live element and, in the markup world,
the markup is shown escaped.
"""

import csv
import datetime
import io
import itertools
import json
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import feedparser
import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from agreements.models import Agreement, AgreementParty
from agreements.services import add_draft_version
from core.dates import DatePrecision
from core.status import change_status, record_first_status
from core.values import guarded_fields, validate_text, validate_year
from directory.models import Citation, Organisation, Person, PersonAlias, Position, Source
from tests.conftest import shared_by_the_module
from tests.data import build_timelines
from tests.factories import UserFactory
from timelines.models import TimelineEntry
from trade.models import TOTAL, TradeClaim, TradeFlow
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit

pytestmark = pytest.mark.django_db

SCRIPT = "<b>x</b><script>alert(1)</script>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
TEXTS = {
    "rtl": "\u202eebmahsuD\u202c e\u0301\u0301\u0301 a\u0308\u0323 \u05e9\u05dc\u05d5\u05dd",
    "emoji": "Talks 🇹🇯🤝🇷🇺 👨\u200d👩\u200d👧 🏔",
    "markup": f"{SCRIPT} Rogun",  # a word, for PostgreSQL's full-text search to find
}
SEARCH = {"longest": "WWWW", "rtl": "ebmahsuD", "emoji": "Talks", "markup": "Rogun", "legacy": "Legacy"}
LONGEST_TEXT = 20_000  # a TextField has no limit of its own; the request body's is 5 MB
LEGACY_TEXT = "Legacy\x0bline\x01\x07\x7f\x85\ufffe end"
LEGACY_DAY = datetime.date(9999, 12, 31)
# The finding's month for visits; a year, and roughly a year, for the rest.
LEGACY_PRECISION = {"visit": DatePrecision.MONTH, "visitstatuschange": DatePrecision.MONTH}
LEGACY_PRECISION |= {"agreement": DatePrecision.YEAR, "agreementstatuschange": DatePrecision.YEAR}
EARLIEST, LATEST = datetime.date(1000, 1, 1), datetime.date(2999, 12, 31)
PAIRS = ["RUS-TJK", "KAZ-UZB", "KGZ-TKM", "ARM-GEO", "AZE-TUR", "MNG-CHN", "IRN-AFG", "PAK-IND", "BLR-UKR"]
KINDS = ["longest", "rtl", "emoji", "markup"]
DAYS = [(day, precision) for precision in DatePrecision for day in (EARLIEST, LATEST)]
WORLDS = {
    f"{kind} text, {day} at {precision.value}": (pair, kind, day, precision)
    for pair, kind, (day, precision) in zip(PAIRS, itertools.cycle(KINDS), DAYS, strict=False)
}
WORLDS["legacy: control characters and 9999-12-31"] = (PAIRS[8], "markup", LATEST, DatePrecision.DAY)
SERIAL = itertools.count(1)


def nasty(kind: str, field) -> str:
    """The world's text for one field, as long as the field takes; unique where a key must be."""
    limit = getattr(field, "max_length", None)
    if isinstance(field, models.TextField):
        return "W" * LONGEST_TEXT if kind == "longest" else TEXTS[kind]
    tag = f"-{next(SERIAL)}"
    if isinstance(field, models.SlugField):
        return ("s" * limit if kind == "longest" else f"topic-{kind}")[: limit - len(tag)] + tag
    if isinstance(field, models.URLField):
        body = "w" * limit if kind == "longest" else "?q=" + TEXTS[kind].replace(" ", "-")
        return ("https://example.org/" + body)[: limit - len(tag)] + tag
    return ("W" * limit if kind == "longest" else TEXTS[kind])[: limit - len(tag)] + tag


def precision_of(model, date_field: str) -> str | None:
    name = date_field.removesuffix("_date").removesuffix("_on") + "_precision"
    return name if name in {f.name for f in model._meta.concrete_fields} else None


def make(world, model, **fixed):
    """A record with every free-text and date field the rule guards filled from the world, stored through full_clean."""
    values = {}
    for name, validators in guarded_fields(model).items():
        if name in fixed or name in ("object_id", "field_name"):
            continue
        field = model._meta.get_field(name)
        if validate_year in validators:
            values[name] = world.precision.truncate(world.day)
            if precision := precision_of(model, name):
                values[precision] = world.precision
        elif validate_text in validators:
            values[name] = nasty(world.kind, field)
    record = model(**{**values, **fixed})
    record.full_clean()
    record.save()
    world.records.append(record)
    return record


def build_world(name: str, editor) -> SimpleNamespace:
    pair, kind, day, precision = WORLDS[name]
    a, b = pair.split("-")
    w = SimpleNamespace(name=name, pair=pair, a=a, b=b, kind=kind, day=day, precision=precision, records=[])
    on = precision.truncate(day)
    w.org = make(w, Organisation, kind=Organisation.Kind.MINISTRY, country_id=a)
    w.person = make(w, Person, country_id=a)
    w.participant = make(w, Person, country_id=a)
    make(w, PersonAlias, person=w.person)
    make(w, Position, person=w.person, organisation=w.org, country_id=a)
    w.tour = make(w, Tour, traveller=w.person)
    visit_fields = {"visitor_country_id": a, "host_country_id": b, "visitor": w.person, "tour": w.tour}
    visit_fields["status"] = Visit.Status.ANNOUNCED
    w.leg = make(w, Visit, kind=Visit.Kind.OFFICIAL, level=Visit.Level.HEAD, **visit_fields)
    w.visit = make(w, Visit, kind=Visit.Kind.STATE, level=Visit.Level.HEAD, prepares=w.leg, **visit_fields)
    w.topic = make(w, NegotiationTopic)
    w.topic.countries.add(a, b)
    make(w, Participant, visit=w.visit, person=w.participant)
    make(w, AgendaItem, visit=w.visit, topic=w.topic, outcome_count=10, expectation=AgendaItem.Expectation.AGREED)
    make(w, TopicStance, topic=w.topic, country_id=b, stance=TopicStance.Stance.RELUCTANT)
    w.agreement = make(w, Agreement, kind=Agreement.Kind.TREATY, signed_at_visit=w.visit, expected_at_visit=w.leg)
    for code in (a, b):
        AgreementParty.objects.create(agreement=w.agreement, country_id=code)
    w.agreement.topics.add(w.topic)
    for text in (nasty(kind, Visit._meta.get_field("summary")), TEXTS["markup"] + " and more"):
        add_draft_version(
            agreement=w.agreement, text=text, author=editor, note=nasty(kind, Source._meta.get_field("title"))
        )
    for record, to_status in ((w.visit, Visit.Status.CONFIRMED), (w.agreement, Agreement.Status.SIGNED)):
        note = nasty(kind, Visit._meta.get_field("summary"))
        record_first_status(record, on=on, precision=precision, user=editor, note=note)
        change_status(record, to_status=to_status, on=on, precision=precision, user=editor, note=note)
        w.records += list(record.status_changes.all())
    w.records += list(w.agreement.drafts.all())
    w.source = make(w, Source, kind=Source.Kind.NEWS_REPORT, outlet=w.org)
    w.denial = make(w, Source, kind=Source.Kind.OFFICIAL_STATEMENT, outlet=w.org)
    w.claim = make(
        w,
        TradeClaim,
        reporter_id=a,
        partner_id=b,
        year=day.year,
        month=12,
        metric="turnover",
        unit="usd",
        value=Decimal("99999999999.9999"),
        stated_by=w.person,
    )
    make(
        w,
        TradeClaim,
        reporter_id=b,
        partner_id=a,
        year=2016,
        metric="turnover",
        unit="usd",
        value=Decimal("0.0001"),
        stated_by_organisation=w.org,
    )
    make(
        w,
        TradeClaim,
        reporter_id=b,
        partner_id=a,
        year=2017,
        metric="yoy_change",
        unit="percent",
        value=Decimal("-99999999999.9999"),
    )
    for year, reporter, partner, value in [
        (2016, a, b, "0.00"),
        (2016, b, a, "9999999999999.99"),
        (2017, a, b, "0.01"),
        (2017, b, a, "999999999999999"),
    ]:
        w.flow = make(
            w,
            TradeFlow,
            reporter_id=reporter,
            partner_id=partner,
            year=year,
            flow="export",
            value_usd=Decimal(value),
            dataset="comtrade",
            commodity_code=TOTAL,
        )
    cite = {"reliability": Citation.Reliability.MEDIA_REPORT, "speaker": w.participant}
    for record in (w.visit, w.agreement, w.claim, w.topic):
        content_type = ContentType.objects.get_for_model(record)
        fields = {"content_type": content_type, "object_id": str(record.pk), "source": w.source, **cite}
        w.citation = make(w, Citation, **fields)
    make(
        w,
        Citation,
        content_type=ContentType.objects.get_for_model(w.visit),
        object_id=str(w.visit.pk),
        source=w.denial,
        stance=Citation.Stance.DENIES,
        **cite,
    )
    return w


def rewrite_as_legacy(w) -> None:
    """What a row from before the rule, or from a bulk path, may hold: control characters and 9999-12-31."""
    for record in w.records:
        model, values = type(record), {}
        for name, validators in guarded_fields(model).items():
            field = model._meta.get_field(name)
            if validate_year in validators:
                values[name] = LEGACY_DAY
                if precision := precision_of(model, name):
                    values[precision] = LEGACY_PRECISION.get(model._meta.model_name, DatePrecision.APPROXIMATE)
            elif validate_text in validators and name not in ("object_id", "field_name", "slug", "url"):
                tag = f" {next(SERIAL)}"
                values[name] = (
                    LEGACY_TEXT if field.max_length is None else LEGACY_TEXT[: field.max_length - len(tag)]
                ) + tag
        if model is TradeClaim:
            values["year"] = 9999
        model.objects.filter(pk=record.pk).update(**values)


def make_worlds():
    editor = UserFactory(username="matrix-editor", role="editor")
    UserFactory(username="matrix-admin", role="admin", is_superuser=True, is_staff=True)
    for name in WORLDS:
        world = build_world(name, editor)
        if name.startswith("legacy"):
            rewrite_as_legacy(world)
    build_timelines()


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    yield from shared_by_the_module(django_db_blocker, make_worlds)


# --- the reads --------------------------------------------------------------------------------

ADMIN_MODELS = [Visit, Tour, AgendaItem, TopicStance, NegotiationTopic, Agreement, Person, Organisation, Position]
ADMIN_MODELS += [Source, Citation, TradeClaim, TradeFlow]
FRAGMENTS = {
    "visit-list": ["visit-results"],
    "agreement-list": ["agreement-results"],
    "topic-list": ["topic-results"],
    "search": ["search-results"],
    "country": ["country-visits", "timeline", "country-agreements"],
    "pair": ["timeline", "pair-agreements", "pair-topics"],
    "person": ["visits-made", "visits-hosted", "statements"],
    "topic": ["timeline", "topic-agenda"],
    "agreement": ["drafts"],
    "trade-explorer": ["trade-results"],
}

# Reads that show no free text of the world's records: figures only, or records of others.
NO_TEXT = {"trade-explorer", "trade-explorer #trade-results", "person #visits-hosted", "person #statements"}
NO_TEXT |= {"admin:trade_tradeclaim history", "admin:trade_tradeflow history"}
# On PostgreSQL the flows CSV is COPYed on a connection of its own, which cannot see the
# rows this module keeps in its open transaction: there it is a header alone.
COPIED_CSV = {"flows csv"}


def reads(w) -> list[tuple[str, str, str | None]]:
    """(name, url, htmx target) of every read that shows the world's records."""
    visit, agreement, person, topic = w.visit, w.agreement, w.person, w.topic
    canonical = "-".join(sorted([w.a, w.b]))
    search = SEARCH["legacy" if w.name.startswith("legacy") else w.kind]
    pages = {
        "visit": reverse("visit", args=[visit.pk]),
        "leg": reverse("visit", args=[w.leg.pk]),
        "agreement": reverse("agreement", args=[agreement.pk]),
        "draft": reverse("agreement-draft", args=[agreement.pk, 1]),
        "compare": reverse("agreement-draft-compare", args=[agreement.pk]) + "?a=1&b=2",
        "pair": reverse("pair", args=[w.pair]),
        "country": reverse("country", args=[w.b]),
        "person": reverse("person", args=[person.pk]),
        "participant": reverse("person", args=[w.participant.pk]),
        "topic": reverse("topic", args=[topic.slug]),
        "source": reverse("source", args=[w.source.pk]),
        "search": reverse("search") + "?q=" + search,
        "visit-list": reverse("visit-list") + f"?country={w.b}",
        "agreement-list": reverse("agreement-list") + f"?country={w.b}",
        "topic-list": reverse("topic-list"),
        "trade-explorer": reverse("trade-explorer") + f"?reporter={w.b}&partner={w.a}",
        "home": reverse("home"),
        **{
            f"history {kind}": reverse("history", args=[kind, record.pk])
            for kind, record in [
                ("visit", visit),
                ("agreement", agreement),
                ("person", person),
                ("topic", topic),
                ("organisation", w.org),
                ("source", w.source),
            ]
        },
        "pair feed": reverse("pair-feed", args=[canonical]),
        "country feed": reverse("country-feed", args=[w.b]),
        "person feed": reverse("person-feed", args=[person.pk]),
        "topic feed": reverse("topic-feed", args=[topic.slug]),
        "pair calendar": reverse("pair-calendar", args=[canonical]),
        "country calendar": reverse("country-calendar", args=[w.b]),
        "pair timeline.json": reverse("pair-timeline-items", args=[canonical]),
        "country timeline.json": reverse("country-timeline-items", args=[w.b]),
        "person timeline.json": reverse("person-timeline-items", args=[person.pk]),
        "topic timeline.json": reverse("topic-timeline-items", args=[topic.slug]),
        "agreement timeline.json": reverse("agreement-timeline-items", args=[agreement.pk]),
        "visit marks": reverse("pair-visit-marks", args=[canonical]),
        "visit marks, charted years": reverse("pair-visit-marks", args=[canonical]) + "?from=2016&to=2017",
        "timeline csv": reverse("timeline") + f"?pair={w.pair}&format=csv",
        "series csv": reverse("trade-series") + f"?a={w.a}&b={w.b}&format=csv",
        "flows csv": reverse("trade-flows-list", kwargs={"format": "csv"}) + f"?reporter={w.b}",
        "timeline api": reverse("timeline") + f"?pair={w.pair}",
        "browsable api": reverse("visits-detail", args=[visit.pk]) + "?format=api",
        "review queue": reverse("review-queue"),
    }
    for basename, record, query in [
        ("visits", visit, f"pair={w.pair}"),
        ("agreements", agreement, f"country={w.b}"),
        ("people", person, f"country={w.a}"),
        ("organisations", w.org, ""),
        ("sources", w.source, ""),
        ("citations", w.citation, ""),
        ("trade-claims", w.claim, f"pair={w.pair}"),
        ("trade-flows", w.flow, f"reporter={w.b}"),
    ]:
        pages[f"api {basename}"] = reverse(f"{basename}-detail", args=[record.pk])
        pages[f"api {basename} list"] = reverse(f"{basename}-list") + f"?{query}"
    pages["api topics"] = reverse("topics-detail", args=[topic.slug])
    pages["api topics list"] = reverse("topics-list")
    for record in [next(r for r in w.records if isinstance(r, model)) for model in ADMIN_MODELS]:
        info = f"admin:{record._meta.app_label}_{record._meta.model_name}"
        pages[f"{info} changelist"] = reverse(f"{info}_changelist") + "?q=" + search
        pages[f"{info} change"] = reverse(f"{info}_change", args=[record.pk])
        pages[f"{info} history"] = reverse(f"{info}_history", args=[record.pk])
    for record in (visit, agreement):
        pages[f"admin status {record._meta.model_name}"] = reverse(
            f"admin:{record._meta.app_label}_{record._meta.model_name}_status", args=[record.pk]
        )
    entry = TimelineEntry.objects.filter(object_id=str(visit.pk), kind=TimelineEntry.Kind.VISIT).first()
    pages["admin timeline entry"] = reverse("admin:timelines_timelineentry_change", args=[entry.pk])
    pages["admin timeline entries"] = reverse("admin:timelines_timelineentry_changelist")
    found = [(name, url, None) for name, url in pages.items()]
    found += [(f"{page} #{target}", pages[page], target) for page, targets in FRAGMENTS.items() for target in targets]
    return found


class LiveElements(HTMLParser):
    """The text of every <script> and <b> element the document really has."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.elements = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "b"):
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            self.elements.append(tuple(self.open.pop()))

    def handle_data(self, data):
        for element in self.open:
            element[1] += data


def problems_with(response, w, read: str) -> str | None:
    """What is wrong with one answer, or None: it must be a 200 that parses as what it says it is."""
    if response.status_code != 200:
        return f"{response.status_code}: {response.content[:200]!r}"
    kind = response.get("Content-Type", "").split(";")[0]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    if kind == "text/html":
        parser = LiveElements()
        parser.feed(text)
        live = [e for e in parser.elements if e in (("script", "alert(1)"), ("b", "x"))]
        if live:
            return f"live markup from the data: {live}"
        if w.kind == "markup" and not w.name.startswith("legacy") and read not in NO_TEXT and ESCAPED not in text:
            return "the markup is not shown, escaped, as text"
    elif kind == "application/json":
        json.loads(text)
    elif kind == "application/atom+xml":
        feed = feedparser.parse(body)
        if feed.bozo or not feed.entries:
            return f"not a feed with entries: {feed.get('bozo_exception')}"
    elif kind == "text/calendar":
        icalendar.Calendar.from_ical(body)
    elif kind == "text/csv":
        if len(list(csv.reader(io.StringIO(text)))) < (1 if read in COPIED_CSV else 2):
            return "a CSV with no rows"
    else:
        return f"an answer of an unexpected type: {kind}"
    return None


def load(name: str) -> SimpleNamespace:
    """The world built by make_worlds, found again by its pair."""
    pair, kind, day, precision = WORLDS[name]
    a, b = pair.split("-")
    w = SimpleNamespace(name=name, pair=pair, a=a, b=b, kind=kind, day=day, precision=precision)
    visits = Visit.objects.filter(visitor_country=a, host_country=b)
    w.visit, w.leg = visits.get(prepares__isnull=False), visits.get(prepares__isnull=True)
    w.agreement = Agreement.objects.get(signed_at_visit=w.visit)
    w.person, w.participant = w.visit.visitor, w.visit.participants.get().person
    w.topic, w.org = w.agreement.topics.get(), Organisation.objects.get(country=a)
    w.source = Source.objects.get(kind=Source.Kind.NEWS_REPORT, outlet=w.org)
    w.claim = TradeClaim.objects.get(reporter=a, partner=b)
    w.flow = TradeFlow.objects.filter(reporter=b).first()
    w.citation = Citation.objects.filter(source=w.source).first()
    w.records = [w.visit, w.leg.tour, w.visit.agenda_items.get(), w.topic.stances.get(), w.topic, w.agreement]
    w.records += [w.person, w.org, w.person.positions.get(), w.source, w.citation, w.claim, w.flow]
    return w


@pytest.mark.parametrize("name", WORLDS)
def test_every_read_of_the_stored_values_answers_and_shows_text_as_text(worlds, client, name):
    client.force_login(get_user_model().objects.get(username="matrix-admin"))
    w = load(name)
    wrong = []
    for read, url, target in reads(w):
        headers = {"HX-Request": "true", "HX-Target": target} if target else {}
        problem = problems_with(client.get(url, headers=headers), w, read)
        if problem:
            wrong.append(f"  {read} ({url}): {problem}")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)
