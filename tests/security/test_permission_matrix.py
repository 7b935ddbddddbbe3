"""Who may do what at every URL: one table, checked against the URL configuration itself.

The table (EXPECTED) has one entry per route pattern the resolver knows, pages, admin, API,
feeds and exports alike. `test_every_route_is_in_the_table` walks the URL configuration and
fails on a route without an entry, and on an entry whose route is gone; `test_route_answers_
each_role_as_the_table_says` then sends every listed method as every role to each route.

Conventions
-----------
* Keys are route patterns spelled as the resolver spells them: the patterns of the includes on
  the way down joined to the route's own (`api/v1/^visits/(?P<pk>[^/.]+)/$`), format-suffix
  variants included.
* Roles, the columns of every row (ByRole):
    anonymous        no credentials
    analyst_session  an analyst signed in with a session
    analyst_token    the same analyst's API token, no session
    revoked_token    a token that has been revoked (deleted)
    editor, admin    signed in with a session and holding a token: the API tries the token
                     first, the pages and the admin use the session
* Outcomes: the status code; a redirect to a sign-in page is named by where it goes, LOGIN
  (the analysts' login page) or ADMIN_LOGIN, so it is never mistaken for a redirect after a
  successful write. Any other redirect is its bare status code.
* Methods: GET everywhere; POST, PUT, PATCH and DELETE on pages, feeds and the API. The admin
  treats every method but POST as a read, so admin routes are checked with GET and POST, or
  GET alone where the view reads a POST as a GET too (history lists, redirects, not-found).
* Bodies: writes are sent empty. A refusal of the body (400, an invalid form redisplayed as 200,
  428 for a missing If-Match) means the role got past the permission check; 401/403 (and the
  sign-in redirects) mean it did not; 405 means nobody may use that method there.
* Each request runs in a savepoint rolled back after it, and the client's cookies are put back:
  an allowed delete or a logout does not change what the next request sees.
* CSRF checks are off (the test client's default): the matrix tests the views' own decisions.
* API throttling is switched off for these tests (see `no_throttling`): hundreds of requests from
  one address and a handful of users would otherwise trip the anonymous 60/min rate, and counters
  in the shared Redis cache outlive each test's transaction.
* settings.API_ANONYMOUS_READ is left at its default, off.
* Admin routes come from rules (ADMIN_MODELS x ADMIN_VIEWS): each registered model lists what
  editors and admins may do with it, each kind of admin view says which right it needs.
"""

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from agreements.services import add_draft_version
from core.api.throttling import AnonymousRateThrottle, ClientRateThrottle
from core.models import ApiToken
from core.status import record_first_status
from directory.models import Country
from imports.models import ImportRun
from intake.models import Feed, Proposal, Publication, Report
from tests.factories import (
    AgendaItemFactory,
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SourceFactory,
    TopicStanceFactory,
    TourFactory,
    TradeClaimFactory,
    TradeFlowFactory,
    UserFactory,
    VisitFactory,
)
from timelines.models import RefreshRun, TimelineEntry, TimelineOutbox

LOGIN = "302 login"
ADMIN_LOGIN = "302 admin login"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class ByRole(NamedTuple):
    anonymous: int | str
    analyst_session: int | str
    analyst_token: int | str
    revoked_token: int | str
    editor: int | str
    admin: int | str


def everyone(outcome) -> ByRole:
    return ByRole(*[outcome] * 6)


# --- the records route parameters point at ----------------------------------------------------


class Records:
    """What detail routes resolve to, each built the first time a route asks for it."""

    @functools.cached_property
    def visit(self):
        return VisitFactory()

    @functools.cached_property
    def person(self):
        return PersonFactory()

    @functools.cached_property
    def organisation(self):
        return SourceFactory().outlet

    @functools.cached_property
    def topic(self):
        return NegotiationTopicFactory(slug="ayni-airfield")

    @functools.cached_property
    def agreement(self):
        return AgreementFactory()

    @functools.cached_property
    def draft(self):
        return add_draft_version(agreement=self.agreement, text="Article 1. The parties agree.")

    @functools.cached_property
    def second_draft(self):
        return add_draft_version(agreement=self.draft.agreement, text="Article 1. The parties agree to talk.")

    @functools.cached_property
    def user(self):
        return UserFactory(username="someone-else", role="analyst")

    @functools.cached_property
    def timeline_entry(self):
        visit = self.visit
        return TimelineEntry.objects.create(
            key=f"visit:{visit.pk}:start",
            unit=f"visit:{visit.pk}",
            kind=TimelineEntry.Kind.VISIT,
            date=visit.start_date,
            title=str(visit),
            content_type=ContentType.objects.get_for_model(visit),
            object_id=str(visit.pk),
            source_updated_at=visit.updated_at,
        )

    @functools.cached_property
    def status_row(self):
        """The visit's first status-history row, which editors may correct."""
        return self.visit.status_changes.first() or record_first_status(self.visit, on=self.visit.start_date)

    @functools.cached_property
    def agreement_status_row(self):
        return self.agreement.status_changes.first() or record_first_status(self.agreement, on=timezone.localdate())

    @functools.cached_property
    def source(self):
        return SourceFactory()

    @functools.cached_property
    def report(self):
        report = Report.objects.create(
            title="A report",
            text="Nothing much.",
            published_on=timezone.localdate(),
            origin="pasted",
            fingerprint="0" * 64,
        )
        Publication.objects.create(report=report, title="A report", published_on=report.published_on)
        return report

    @functools.cached_property
    def proposal(self):
        """A person proposed: accepting it (as the editors' empty POST does) adds the person."""
        return Proposal.objects.create(
            report=self.report,
            position=0,
            kind="person",
            fields={"name": "Ana Example", "country": None, "post_title": ""},
            quote="Nothing",
            span_start=0,
            span_end=7,
            reliability="media_report",
            confidence=1.0,
        )

    @functools.cached_property
    def visit_proposal(self):
        return Proposal.objects.create(
            report=self.report,
            position=1,
            kind="visit",
            fields={"visitor_country": "RUS", "host_country": "TJK", "start_date": "2017-02-28", "status": "announced"},
            quote="Nothing",
            span_start=0,
            span_end=7,
            reliability="media_report",
            confidence=0.5,
        )

    @functools.cached_property
    def feed(self):
        return Feed.objects.create(url="https://feeds.example/world.xml")

    def history_id(self, record) -> int:
        return record.history.latest("history_id").history_id


# --- what each route expects ------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    url: Callable[[Records], str]
    expect: dict[str, ByRole]
    why: str = ""
    data: dict | None = None  # the body of the POSTs; empty unless a write needs a word to go ahead


#                     anonymous  analyst_session  analyst_token  revoked_token  editor  admin
PAGE_READ = ByRole(LOGIN, 200, LOGIN, LOGIN, 200, 200)
PAGE_WRITE = ByRole(LOGIN, 405, LOGIN, LOGIN, 405, 405)
FEED_READ = ByRole(LOGIN, 200, 200, 401, 200, 200)
FEED_WRITE = ByRole(LOGIN, 405, 405, 401, 405, 405)
EDIT_POST = ByRole(LOGIN, 403, LOGIN, LOGIN, 200, 200)
API_READ = ByRole(401, 200, 200, 401, 200, 200)
API_ADD = ByRole(401, 403, 403, 401, 400, 400)
API_CHANGE = ByRole(401, 403, 403, 401, 428, 428)
API_NO_SUCH_METHOD = ByRole(401, 403, 403, 401, 405, 405)
API_NOBODY_WRITES = ByRole(401, 403, 403, 401, 403, 403)
ADMIN_STAFF_ONLY = ByRole(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200)
ADMIN_STAFF_GET_ONLY = ByRole(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 405, 405)


def page(url, why="") -> Route:
    """A read-only page: signed-in readers only, and no method but GET (HEAD)."""
    return Route(url, {"GET": PAGE_READ, **dict.fromkeys(UNSAFE, PAGE_WRITE)}, why)


def feed(url) -> Route:
    """A feed or calendar: as a page, but an API token also signs a reader in."""
    return Route(url, {"GET": FEED_READ, **dict.fromkeys(UNSAFE, FEED_WRITE)})


def edit_form(url) -> Route:
    """An editor's form on a record's page: POST only, with the change permission."""
    return Route(
        url, {"GET": PAGE_WRITE, "POST": EDIT_POST, "PUT": PAGE_WRITE, "PATCH": PAGE_WRITE, "DELETE": PAGE_WRITE}
    )


def api(
    url, *, get=API_READ, post=API_NO_SUCH_METHOD, put=API_NO_SUCH_METHOD, patch=None, delete=API_NO_SUCH_METHOD, why=""
) -> Route:
    return Route(
        url, {"GET": get, "POST": post, "PUT": put, "PATCH": put if patch is None else patch, "DELETE": delete}, why
    )


def decision(url) -> Route:
    """An editor's decision on a proposal: POST only, back to the report's page."""
    return Route(
        url,
        {
            "GET": PAGE_WRITE,
            "POST": ByRole(LOGIN, 403, LOGIN, LOGIN, 302, 302),
            "PUT": PAGE_WRITE,
            "PATCH": PAGE_WRITE,
            "DELETE": PAGE_WRITE,
        },
    )


def intake_api_routes() -> dict:
    """Reports: read, and a report posted (an empty body is refused: 400); proposals: read, and
    decided on with POST .../accept/ and .../reject/ (the change permission)."""
    routes = viewset_routes("intake/reports", "intake-reports", lambda r: r.report.pk, rights="read-only")
    for pattern in ("api/v1/^intake/reports/$", "api/v1/^intake/reports\\.(?P<format>[a-z0-9]+)/?$"):
        routes[pattern] = Route(routes[pattern].url, {**routes[pattern].expect, "POST": API_ADD})
    routes.update(viewset_routes("intake/proposals", "intake-proposals", lambda r: r.proposal.pk, rights="read-only"))
    for action in ("accept", "reject"):
        expect = {"get": ByRole(401, 405, 405, 401, 405, 405), "post": ByRole(401, 403, 403, 401, 200, 200)}
        pattern = f"api/v1/^intake/proposals/(?P<pk>[^/.]+)/{action}"
        routes[f"{pattern}/$"] = api(
            lambda r, a=action: reverse(f"intake-proposals-{a}", args=[r.proposal.pk]), **expect
        )
        routes[f"{pattern}\\.(?P<format>[a-z0-9]+)/?$"] = api(
            lambda r, a=action: reverse(f"intake-proposals-{a}", kwargs={"pk": r.proposal.pk, "format": "json"}),
            **expect,
        )
    return routes


def viewset_routes(
    prefix: str, basename: str, key, *, rights: str, lookup="pk", lookup_regex="[^/.]+", list_suffix="json"
) -> dict:
    """The four routes DRF's router makes for a viewset (list and detail, each also with a
    format suffix), with what they answer. `rights` is "read-write" (a ModelViewSet without
    delete), "read-only" (a ReadOnlyModelViewSet over a model editors may write) or "reference"
    (a ReadOnlyModelViewSet over a model only admins may write)."""
    if rights == "read-write":
        list_writes, detail_writes = {"post": API_ADD}, {"put": API_CHANGE}
    elif rights == "read-only":
        list_writes = detail_writes = {}
    else:
        refused = ByRole(401, 403, 403, 401, 403, 405)
        list_writes = detail_writes = {"post": refused, "put": refused, "delete": refused}

    def detail(records, **extra):
        return reverse(f"{basename}-detail", kwargs={lookup: key(records), **extra})

    suffix = r"\.(?P<format>[a-z0-9]+)/?$"
    detail_pattern = f"api/v1/^{prefix}/(?P<{lookup}>{lookup_regex})"
    return {
        f"api/v1/^{prefix}/$": api(lambda r: reverse(f"{basename}-list"), **list_writes),
        f"api/v1/^{prefix}{suffix}": api(
            lambda r: reverse(f"{basename}-list", kwargs={"format": list_suffix}), **list_writes
        ),
        f"{detail_pattern}/$": api(detail, **detail_writes),
        f"{detail_pattern}{suffix}": api(lambda r: detail(r, format="json"), **detail_writes),
    }


def transitions_routes(prefix: str, basename: str, key) -> dict:
    """POST {record}/transitions/: the change permission (whatever the method), so editors pass."""
    expect = {"get": ByRole(401, 405, 405, 401, 405, 405), "post": API_ADD}
    return {
        f"api/v1/^{prefix}/(?P<pk>[^/.]+)/transitions/$": api(
            lambda r: reverse(f"{basename}-transitions", args=[key(r)]), **expect
        ),
        f"api/v1/^{prefix}/(?P<pk>[^/.]+)/transitions\\.(?P<format>[a-z0-9]+)/?$": api(
            lambda r: reverse(f"{basename}-transitions", kwargs={"pk": key(r), "format": "json"}), **expect
        ),
    }


def status_history_routes(prefix: str, basename: str, keys) -> dict:
    """PATCH {record}/status-history/{row}/: the change permission and an If-Match (428 without)."""
    expect = {"get": ByRole(401, 405, 405, 401, 405, 405), "patch": API_CHANGE}
    pattern = f"api/v1/^{prefix}/(?P<pk>[^/.]+)/status-history/(?P<row>[0-9]+)"
    return {
        f"{pattern}/$": api(lambda r: reverse(f"{basename}-status-history", args=keys(r)), **expect),
        f"{pattern}\\.(?P<format>[a-z0-9]+)/?$": api(
            lambda r: reverse(
                f"{basename}-status-history", kwargs=dict(zip(("pk", "row"), keys(r), strict=True), format="json")
            ),
            **expect,
        ),
    }


SITE = {
    "health/": Route(
        lambda r: reverse("health"),
        {"GET": everyone(200), **dict.fromkeys(UNSAFE, everyone(405))},
        "liveness, for load balancers",
    ),
    "admin/review/": Route(
        lambda r: reverse("review-queue"),
        {"GET": ADMIN_STAFF_ONLY, "POST": ByRole(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 302, 302)},
        "editors resolve conflicting claims here; a POST with nothing chosen goes back to the queue with a message",
    ),
    "admin/": Route(lambda r: reverse("admin:index"), {"GET": ADMIN_STAFF_ONLY, "POST": ADMIN_STAFF_ONLY}),
    "admin/login/": Route(
        lambda r: reverse("admin:login"),
        {"GET": ByRole(200, 200, 200, 200, 302, 302), "POST": everyone(200)},
        "staff already signed in are sent on to the index; a signed-in analyst is shown the form (not staff)",
    ),
    "admin/logout/": Route(
        lambda r: reverse("admin:logout"),
        {"GET": ByRole(302, 302, 302, 302, 405, 405), "POST": ByRole(302, 302, 302, 302, 200, 200)},
        "non-staff are sent to the admin index (Django's admin_view special case for logout)",
    ),
    "admin/password_change/": Route(
        lambda r: reverse("admin:password_change"), {"GET": ADMIN_STAFF_ONLY, "POST": ADMIN_STAFF_ONLY}
    ),
    "admin/password_change/done/": Route(
        lambda r: reverse("admin:password_change_done"), {"GET": ADMIN_STAFF_ONLY, "POST": ADMIN_STAFF_GET_ONLY}
    ),
    "admin/autocomplete/": Route(
        lambda r: reverse("admin:autocomplete") + "?app_label=visits&model_name=visit&field_name=visitor&term=a",
        {"GET": ADMIN_STAFF_ONLY, "POST": ADMIN_STAFF_GET_ONLY},
        "people for a visit's visitor field: editors may view people",
    ),
    "admin/directory/citation/records/": Route(
        lambda r: (
            reverse("admin:directory_citation_records")
            + f"?content_type={ContentType.objects.get_for_model(r.visit).pk}&term=a"
        ),
        {
            "GET": ByRole(ADMIN_LOGIN, 403, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200),
            "POST": ByRole(ADMIN_LOGIN, 403, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200),
        },
        "the citation form's record picker: staff who may cite; a signed-in analyst is refused, not sent to sign in",
    ),
    "admin/jsi18n/": Route(lambda r: reverse("admin:jsi18n"), {"GET": ADMIN_STAFF_ONLY, "POST": ADMIN_STAFF_GET_ONLY}),
    "admin/r/<path:content_type_id>/<path:object_id>/": Route(
        lambda r: reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(r.visit).pk, r.visit.pk]),
        {"GET": ByRole(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404, 404)},
        "no model has get_absolute_url, so there is nowhere to send staff",
    ),
    "admin/^(?P<app_label>auth|axes|imports|directory|visits|agreements|trade|timelines|intake|django_celery_beat|chancery)/$": Route(
        lambda r: reverse("admin:app_list", args=["auth"]),
        {"GET": ByRole(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404, 200)},
        "the users app: editors have no permission in it, so for them it does not exist",
    ),
    "admin/(?P<url>.*)$": Route(
        lambda r: "/admin/nothing-here/",
        {"GET": ByRole(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404, 404)},
        "the admin's catch-all: unknown admin URLs are not revealed to visitors",
    ),
}

API = {
    "api/v1/deletions/": api(
        lambda r: reverse("api-deletions") + "?since=2000-01-01T00:00:00Z",
        post=API_NOBODY_WRITES,
        put=API_NOBODY_WRITES,
        delete=API_NOBODY_WRITES,
        why="no model behind it: any signed-in reader reads, nobody writes",
    ),
    "api/v1/trade/series/": api(
        lambda r: reverse("trade-series") + "?a=RUS&b=TJK&format=csv",
        why="the CSV export of a pair's series",
    ),
    "api/v1/timeline/": api(
        lambda r: reverse("timeline") + "?pair=RUS-TJK&format=csv",
        post=ByRole(401, 403, 403, 401, 403, 405),
        put=ByRole(401, 403, 403, 401, 403, 405),
        delete=ByRole(401, 403, 403, 401, 403, 405),
        why="the CSV export of a pair's timeline; the timeline is computed, so editors have no write permission",
    ),
    **viewset_routes("countries", "countries", lambda r: "TJK", rights="reference", lookup_regex="[A-Za-z0-9]{3}"),
    **viewset_routes("people", "people", lambda r: r.person.pk, rights="read-write"),
    **viewset_routes("organisations", "organisations", lambda r: r.organisation.pk, rights="read-write"),
    **viewset_routes("sources", "sources", lambda r: SourceFactory().pk, rights="read-write"),
    **viewset_routes("citations", "citations", lambda r: CitationFactory(record=r.visit).pk, rights="read-write"),
    **viewset_routes("visits", "visits", lambda r: r.visit.pk, rights="read-write"),
    **transitions_routes("visits", "visits", lambda r: r.visit.pk),
    **status_history_routes("visits", "visits", lambda r: (r.visit.pk, r.status_row.pk)),
    **viewset_routes("topics", "topics", lambda r: r.topic.slug, rights="read-write", lookup="slug"),
    **viewset_routes("agreements", "agreements", lambda r: r.agreement.pk, rights="read-write"),
    **transitions_routes("agreements", "agreements", lambda r: r.agreement.pk),
    **status_history_routes("agreements", "agreements", lambda r: (r.agreement.pk, r.agreement_status_row.pk)),
    **viewset_routes(
        "trade/flows", "trade-flows", lambda r: TradeFlowFactory().pk, list_suffix="csv", rights="read-only"
    ),
    **{
        pattern: api(url, why="a figure's revisions: read like the figure, written only by imports")
        for pattern, url in [
            (
                r"api/v1/^trade/flows/(?P<pk>[^/.]+)/revisions/$",
                lambda r: reverse("trade-flows-revisions", args=[TradeFlowFactory().pk]),
            ),
            (
                r"api/v1/^trade/flows/(?P<pk>[^/.]+)/revisions\.(?P<format>[a-z0-9]+)/?$",
                lambda r: reverse("trade-flows-revisions", kwargs={"pk": TradeFlowFactory().pk, "format": "json"}),
            ),
        ]
    },
    **viewset_routes("trade/claims", "trade-claims", lambda r: TradeClaimFactory().pk, rights="read-write"),
    **intake_api_routes(),
    "api/v1/": api(
        lambda r: reverse("api-root"), post=API_NOBODY_WRITES, put=API_NOBODY_WRITES, delete=API_NOBODY_WRITES
    ),
    "api/v1/<drf_format_suffix:format>": api(
        lambda r: reverse("api-root", kwargs={"format": "json"}),
        post=API_NOBODY_WRITES,
        put=API_NOBODY_WRITES,
        delete=API_NOBODY_WRITES,
    ),
    "api/schema/": api(
        lambda r: reverse("api-schema"), post=API_NOBODY_WRITES, put=API_NOBODY_WRITES, delete=API_NOBODY_WRITES
    ),
    "api/docs/": api(
        lambda r: reverse("api-docs"), post=API_NOBODY_WRITES, put=API_NOBODY_WRITES, delete=API_NOBODY_WRITES
    ),
    "api/docs/redoc/": api(
        lambda r: reverse("api-redoc"), post=API_NOBODY_WRITES, put=API_NOBODY_WRITES, delete=API_NOBODY_WRITES
    ),
}

PAGES = {
    "intake/": page(lambda r: reverse("intake")),
    "intake/new/": edit_form(lambda r: reverse("intake-new")),
    "intake/reports/<id:pk>/": page(lambda r: reverse("intake-report", args=[r.report.pk])),
    "intake/reports/<id:pk>/accept-confident/": decision(
        lambda r: reverse("intake-accept-confident", args=[r.report.pk])
    ),
    "intake/proposals/<id:pk>/accept/": decision(lambda r: reverse("intake-accept", args=[r.proposal.pk])),
    "intake/proposals/<id:pk>/reject/": decision(lambda r: reverse("intake-reject", args=[r.proposal.pk])),
    "intake/proposals/<id:pk>/edit/": Route(
        lambda r: reverse("intake-edit", args=[r.visit_proposal.pk]),
        {"GET": ByRole(LOGIN, 403, LOGIN, LOGIN, 200, 200), **dict.fromkeys(UNSAFE, PAGE_WRITE)},
        "the entry form a proposal fills, for those who decide on proposals",
    ),
    "accounts/login/": Route(
        lambda r: reverse("login"),
        {
            "GET": ByRole(200, 302, 200, 200, 302, 302),
            "POST": ByRole(200, 302, 200, 200, 302, 302),
            "PUT": ByRole(200, 302, 200, 200, 302, 302),
            "PATCH": ByRole(405, 302, 405, 405, 302, 302),
            "DELETE": ByRole(405, 302, 405, 405, 302, 302),
        },
        "the signed-in are sent home whatever the method; an empty form is shown again (Django's form views take PUT as POST)",
    ),
    "accounts/logout/": Route(
        lambda r: reverse("logout"),
        {
            "GET": everyone(405),
            "POST": everyone(LOGIN),
            "PUT": everyone(405),
            "PATCH": everyone(405),
            "DELETE": everyone(405),
        },
    ),
    "countries/": page(lambda r: reverse("country-list")),
    "visits/": page(lambda r: reverse("visit-list")),
    "visits/<id:pk>/": page(lambda r: reverse("visit", args=[r.visit.pk])),
    "people/<id:pk>/": page(lambda r: reverse("person", args=[r.person.pk])),
    "topics/": page(lambda r: reverse("topic-list")),
    "agreements/": page(lambda r: reverse("agreement-list")),
    "agreements/<id:pk>/": page(lambda r: reverse("agreement", args=[r.agreement.pk])),
    "agreements/<id:pk>/drafts/<id:number>/": page(
        lambda r: reverse("agreement-draft", args=[r.agreement.pk, r.draft.number])
    ),
    "agreements/<id:pk>/drafts/compare/": page(
        lambda r: (
            reverse("agreement-draft-compare", args=[r.second_draft.agreement_id])
            + f"?a={r.draft.number}&b={r.second_draft.number}"
        )
    ),
    "trade/": page(lambda r: reverse("trade-explorer")),
    "edit/<str:kind>/<id:pk>/status/": edit_form(lambda r: reverse("edit-status", args=["visit", r.visit.pk])),
    "edit/<str:kind>/<id:pk>/citation/": edit_form(lambda r: reverse("edit-citation", args=["visit", r.visit.pk])),
    "edit/<str:kind>/<id:pk>/dates/": edit_form(lambda r: reverse("edit-dates", args=["visit", r.visit.pk])),
    "edit/<str:kind>/<id:pk>/agenda/": edit_form(lambda r: reverse("edit-agenda", args=["visit", r.visit.pk])),
    "edit/<str:kind>/<id:pk>/draft/": edit_form(lambda r: reverse("edit-draft", args=["agreement", r.agreement.pk])),
    "edit/<str:kind>/<id:pk>/status/<id:row_pk>/": edit_form(
        lambda r: reverse("edit-status-row", args=["visit", r.visit.pk, r.status_row.pk])
    ),
    "sources/<id:pk>/": page(lambda r: reverse("source", args=[r.source.pk]), "what a source reported, for readers"),
    "sources/new/": Route(
        lambda r: reverse("source-new"),
        {
            "GET": ByRole(LOGIN, 403, LOGIN, LOGIN, 200, 200),
            "POST": ByRole(LOGIN, 403, LOGIN, LOGIN, 200, 200),
            **dict.fromkeys(("PUT", "PATCH", "DELETE"), PAGE_WRITE),
        },
        "an editor creates a report's source; an empty POST is the form again with its errors",
    ),
    "sources/open/": Route(
        lambda r: reverse("source-open") + f"?source={r.source.pk}&context=pair%3DRUS-TJK",
        {"GET": ByRole(LOGIN, 403, LOGIN, LOGIN, 302, 302), **dict.fromkeys(UNSAFE, PAGE_WRITE)},
        "the pair and visit pages' source picker sends editors on to the source's page",
    ),
    "entry/<id:pk>/<str:name>/": edit_form(lambda r: reverse("entry", args=[r.source.pk, "visit"])),
    "entry/lookup/<str:kind>/": Route(
        lambda r: reverse("entry-lookup", args=["person"]) + "?q=Pu",
        {"GET": ByRole(LOGIN, 403, LOGIN, LOGIN, 200, 200), **dict.fromkeys(UNSAFE, PAGE_WRITE)},
        "the entry forms' autocomplete: for those who enter reports",
    ),
    "history/<str:kind>/<id:pk>/": page(lambda r: reverse("history", args=["visit", r.visit.pk])),
    "": page(lambda r: reverse("home")),
    "search/": page(lambda r: reverse("search") + "?q=Dushanbe"),
    "countries/<str:code>/": page(lambda r: reverse("country", args=["TJK"])),
    "countries/<str:key>/timeline.json": page(lambda r: reverse("country-timeline-items", args=["TJK"])),
    "countries/<str:code>/feed.atom": feed(lambda r: reverse("country-feed", args=["TJK"])),
    "countries/<str:code>/upcoming.ics": feed(lambda r: reverse("country-calendar", args=["TJK"])),
    "pairs/": Route(
        lambda r: reverse("pair-picker") + "?a=RUS&b=TJK",
        {"GET": ByRole(LOGIN, 302, LOGIN, LOGIN, 302, 302), **dict.fromkeys(UNSAFE, PAGE_WRITE)},
        "the home page's 'compare two countries' form: readers go on to the pair's page",
    ),
    "pairs/<str:pair>/": page(lambda r: reverse("pair", args=["RUS-TJK"])),
    "pairs/<str:key>/timeline.json": page(lambda r: reverse("pair-timeline-items", args=["RUS-TJK"])),
    "pairs/<str:pair>/visit-marks.json": page(lambda r: reverse("pair-visit-marks", args=["RUS-TJK"])),
    "pairs/<str:pair>/feed.atom": feed(lambda r: reverse("pair-feed", args=["RUS-TJK"])),
    "pairs/<str:pair>/upcoming.ics": feed(lambda r: reverse("pair-calendar", args=["RUS-TJK"])),
    "topics/<slug:slug>/": page(lambda r: reverse("topic", args=[r.topic.slug])),
    "topics/<slug:key>/timeline.json": page(lambda r: reverse("topic-timeline-items", args=[r.topic.slug])),
    "topics/<slug:slug>/feed.atom": feed(lambda r: reverse("topic-feed", args=[r.topic.slug])),
    "people/<id:key>/timeline.json": page(lambda r: reverse("person-timeline-items", args=[r.person.pk])),
    "people/<id:pk>/feed.atom": feed(lambda r: reverse("person-feed", args=[r.person.pk])),
    "agreements/<id:key>/timeline.json": page(lambda r: reverse("agreement-timeline-items", args=[r.agreement.pk])),
}


# --- the admin, by rules ----------------------------------------------------------------------

# Rights a role has on a model in the admin: v(iew), a(dd), c(hange), d(elete).
ALL = "vacd"


@dataclass(frozen=True)
class AdminModel:
    editor: str
    admin: str
    record: Callable[[Records], object]
    views: tuple[str, ...] = ("changelist", "add", "history", "delete", "change", "object")
    why: str = ""
    saves_unchanged: bool = False  # every field read-only: an empty change form is valid, saved as it was


# Models with an audit history (simple_history's admin): its history list, and each past version as a form.
TRACKED = ("simple_history_form", "changelist", "add", "history", "delete", "change", "object")
WITH_STATUS = ("status", *TRACKED)

ADMIN_MODELS = {
    "auth/group": AdminModel("", ALL, lambda r: Group.objects.get(name="analyst")),
    "auth/user": AdminModel(
        "", ALL, lambda r: r.user, ("password", "changelist", "add", "history", "delete", "change", "object")
    ),
    "axes/accessattempt": AdminModel(
        "",
        "vcd",
        lambda r: AccessAttempt.objects.create(
            username="guess",
            ip_address="192.0.2.1",
            user_agent="x",
            get_data="",
            post_data="",
            failures_since_start=1,
        ),
        why="lockouts are recorded, never added by hand",
        saves_unchanged=True,
    ),
    "axes/accesslog": AdminModel(
        "",
        "vcd",
        lambda r: AccessLog.objects.create(username="guess", ip_address="192.0.2.1", user_agent="x"),
        saves_unchanged=True,
    ),
    "axes/accessfailurelog": AdminModel(
        "",
        "vcd",
        lambda r: AccessFailureLog.objects.create(
            username="guess",
            ip_address="192.0.2.1",
            user_agent="x",
            locked_out=False,
        ),
        saves_unchanged=True,
    ),
    "directory/country": AdminModel(
        "v",
        ALL,
        lambda r: Country.objects.get(pk="ATA"),
        why="ISO 3166 reference data: editors read it; one no record refers to",
    ),
    "directory/organisation": AdminModel(ALL, ALL, lambda r: OrganisationFactory(), TRACKED),
    "directory/person": AdminModel(ALL, ALL, lambda r: r.person, TRACKED),
    "directory/position": AdminModel(ALL, ALL, lambda r: PositionFactory(), TRACKED),
    "directory/source": AdminModel(ALL, ALL, lambda r: SourceFactory(), TRACKED),
    "directory/citation": AdminModel(ALL, ALL, lambda r: CitationFactory(record=r.visit), TRACKED),
    "visits/visit": AdminModel(ALL, ALL, lambda r: r.visit, WITH_STATUS),
    "visits/tour": AdminModel(ALL, ALL, lambda r: TourFactory(), TRACKED),
    "visits/negotiationtopic": AdminModel(ALL, ALL, lambda r: r.topic, TRACKED),
    "visits/agendaitem": AdminModel(ALL, ALL, lambda r: AgendaItemFactory(visit=r.visit, topic=r.topic), TRACKED),
    "visits/topicstance": AdminModel(ALL, ALL, lambda r: TopicStanceFactory(topic=r.topic), TRACKED),
    "agreements/agreement": AdminModel(ALL, ALL, lambda r: r.agreement, WITH_STATUS),
    "trade/tradeflow": AdminModel(ALL, ALL, lambda r: TradeFlowFactory(), TRACKED),
    "trade/tradeclaim": AdminModel(ALL, ALL, lambda r: TradeClaimFactory(), TRACKED),
    "timelines/timelineentry": AdminModel(
        "v", "vd", lambda r: r.timeline_entry, why="computed by the refresh jobs: never added or edited"
    ),
    "timelines/refreshrun": AdminModel("v", "vd", lambda r: RefreshRun.objects.create(scope="full", trigger="command")),
    "timelines/timelineoutbox": AdminModel("v", "vd", lambda r: TimelineOutbox.objects.create(units=["visit:1"])),
    "django_celery_beat/periodictask": AdminModel(
        "",
        ALL,
        lambda r: PeriodicTask.objects.create(
            name="matrix",
            task="timelines.tasks.reconcile",
            interval=IntervalSchedule.objects.create(every=1, period="days"),
        ),
        why="the beat schedule belongs to admins",
    ),
    "django_celery_beat/clockedschedule": AdminModel(
        "", ALL, lambda r: ClockedSchedule.objects.create(clocked_time=timezone.now())
    ),
    "django_celery_beat/crontabschedule": AdminModel("", ALL, lambda r: CrontabSchedule.objects.create()),
    "django_celery_beat/solarschedule": AdminModel(
        "",
        ALL,
        lambda r: SolarSchedule.objects.create(event="sunrise", latitude=38.5, longitude=68.8),
    ),
    "django_celery_beat/intervalschedule": AdminModel(
        "", ALL, lambda r: IntervalSchedule.objects.create(every=5, period="minutes")
    ),
    "imports/importrun": AdminModel(
        "va",
        "va",
        lambda r: ImportRun.objects.create(importer="trade", files="x.csv"),
        why="editors start imports; runs are a log, never edited or deleted",
    ),
    "intake/report": AdminModel(
        "vcd", "vcd", lambda r: r.report, TRACKED, why="reports come in through the intake pages"
    ),
    "intake/feed": AdminModel(ALL, ALL, lambda r: r.feed, TRACKED, why="editors subscribe to feeds here"),
    "chancery/apitoken": AdminModel(
        "",
        "vad",
        lambda r: ApiToken.objects.create(user=r.user, name="matrix")[0],
        why="tokens are issued and revoked, never edited",
    ),
}


@dataclass(frozen=True)
class AdminView:
    """A kind of admin view: its route under the model's, and the right each method needs:
    "a", "c" or "d"; "v" for view or change (Django's rule for reading); "" for none (any staff).
    `post` is None where the view reads a POST as a GET: no POST is sent there."""

    suffix: str
    url: Callable[[str, object, Records], str]
    get: str
    post: str | None
    get_allowed: int = 200
    post_allowed: int = 200
    data: dict | None = None
    why: str = ""


def _admin_url(kind):
    return lambda info, obj, r: reverse(f"admin:{info}_{kind}", args=[obj.pk])


ADMIN_VIEWS = {
    "changelist": AdminView(
        "", lambda info, obj, r: reverse(f"admin:{info}_changelist"), "v", "v", why="an empty POST runs no action"
    ),
    "add": AdminView(
        "add/", lambda info, obj, r: reverse(f"admin:{info}_add"), "a", "a", why="an empty form comes back with errors"
    ),
    "history": AdminView("<path:object_id>/history/", _admin_url("history"), "v", None),
    "simple_history_form": AdminView(
        "^([^/]+)/history/([^/]+)/$",
        lambda info, obj, r: reverse(f"admin:{info}_simple_history", args=[obj.pk, r.history_id(obj)]),
        "v",
        "v",
        post_allowed=405,
        why="a past version shown to read; posting it back (simple_history's revert) is refused",
    ),
    "delete": AdminView(
        "<path:object_id>/delete/",
        _admin_url("delete"),
        "d",
        "d",
        post_allowed=302,
        data={"post": "yes"},
        why="POST with the confirmation: deleted, back to the list",
    ),
    "change": AdminView(
        "<path:object_id>/change/", _admin_url("change"), "v", "c", why="view-only users see the form, cannot save it"
    ),
    "object": AdminView(
        "<path:object_id>/",
        lambda info, obj, r: reverse(f"admin:{info}_change", args=[obj.pk]).removesuffix("change/"),
        "",
        None,
        get_allowed=302,
        why="Django's redirect to the change page, for any staff",
    ),
    "status": AdminView("<path:object_id>/status/", _admin_url("status"), "c", "c"),
    "password": AdminView("<id>/password/", _admin_url("password_change"), "c", "c"),
}


def _admin_outcome(needs: str, rights: str, allowed: int) -> int:
    granted = {"v", "c"} & set(rights) if needs == "v" else needs in rights
    return allowed if granted else 403


def admin_route(model_path: str, model: AdminModel, kind: str) -> Route:
    view = ADMIN_VIEWS[kind]
    info = model_path.replace("/", "_")
    outsiders = (ADMIN_LOGIN,) * 4
    expect = {
        "GET": ByRole(
            *outsiders, *(_admin_outcome(view.get, rights, view.get_allowed) for rights in (model.editor, model.admin))
        )
    }
    if view.post is not None:
        saved = 302 if kind == "change" and model.saves_unchanged else view.post_allowed
        expect["POST"] = ByRole(
            *outsiders, *(_admin_outcome(view.post, rights, saved) for rights in (model.editor, model.admin))
        )
    why = " ".join(part for part in (model.why, view.why) if part)
    return Route(lambda r: view.url(info, model.record(r), r), expect, why, view.data)


ADMIN = {
    f"admin/{model_path}/{ADMIN_VIEWS[kind].suffix}": admin_route(model_path, model, kind)
    for model_path, model in ADMIN_MODELS.items()
    for kind in model.views
}

EXPECTED: dict[str, Route] = {**SITE, **ADMIN, **API, **PAGES}


# --- the URL configuration --------------------------------------------------------------------


def route_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every route the resolver knows, each as its include prefixes joined to its own pattern."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found += route_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def test_every_route_is_in_the_table():
    routes = route_patterns()
    duplicates = sorted({r for r in routes if routes.count(r) > 1})
    missing = sorted(set(routes) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(routes))
    assert not duplicates, f"routes listed twice by the resolver: {duplicates}"
    assert not missing, "routes without an entry in the permission matrix (add them to EXPECTED):\n  " + "\n  ".join(
        missing
    )
    assert not stale, "entries in the permission matrix for routes that no longer exist:\n  " + "\n  ".join(stale)


# --- sending the requests ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_throttling(monkeypatch):
    """Rate limits off: see the module docstring."""
    for throttle in (AnonymousRateThrottle, ClientRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"anonymous": None, "client": None})


def outcome(response) -> int | str:
    if response.status_code == 302:
        target = urlsplit(response["Location"]).path
        if target == reverse("login"):
            return LOGIN
        if target == reverse("admin:login"):
            return ADMIN_LOGIN
    return response.status_code


def send(client, method: str, url: str, data: dict | None) -> int | str:
    """One request in a savepoint rolled back afterwards, the client's cookies put back."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if data is not None and method == "POST":
            response = client.post(url, data, format="multipart")
        else:
            response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome(response)


@pytest.mark.django_db
@pytest.mark.parametrize("route", list(EXPECTED))
def test_route_answers_each_role_as_the_table_says(matrix_clients, route):
    entry = EXPECTED[route]
    url = entry.url(Records())
    wrong = []
    for method, expected in entry.expect.items():
        for role, want in expected._asdict().items():
            got = send(matrix_clients[role], method, url, entry.data)
            if got != want:
                wrong.append(f"  {method:6} {role:16} expected {want!s:16} got {got}")
    assert not wrong, f"{url} ({route!r}){' — ' + entry.why if entry.why else ''}:\n" + "\n".join(wrong)
