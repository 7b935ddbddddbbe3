"""A new editor enters a whole report through the pages, in headless Chromium, and an analyst
then reads it on the pair page: every record, date and citation as the report gives them.

The report is data/reports/state-visit-2026.txt (written by the project; the people and figures
are invented): a state visit announced by the host's presidential press service, an onward leg
only unnamed diplomats mention, two documents the foreign minister expects to be signed ("more
than ten" in all), the trade ministry's figures for last year; then a second report that the
visit took place. The issue's target is at most 8 form submissions, none in the admin.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from directory.models import Citation, Organisation, Person, Source
from tests.browser.test_pages import editor_session, in_process_tasks  # noqa: F401 (a fixture)
from timelines.models import TimelineEntry
from trade.models import TradeClaim, TradeFlow
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOST_SUBMISSIONS = 8  # the target
RECORDED_SUBMISSIONS = 7  # what this report takes today: a form or a step more is a regression
# Only Uzbekistan reports this trade (as in many real extracts): the minister's claim for
# Kyrgyzstan is set against Uzbekistan's mirror figures.
UZB_EXPORTS = {2024: Decimal("900000000"), 2025: Decimal("1000000000")}
UZB_IMPORTS = {2024: Decimal("450000000"), 2025: Decimal("520000000")}


@pytest.fixture
def editor(in_process_tasks, live_server):  # noqa: F811
    TradeFlow.objects.bulk_create(
        TradeFlow(reporter_id="UZB", partner_id="KGZ", year=year, flow=flow, dataset="comtrade", value_usd=value)
        for flow, values in (("export", UZB_EXPORTS), ("import", UZB_IMPORTS))
        for year, value in values.items()
    )
    with editor_session(live_server.url, "nadia") as page:
        posts = []
        page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
        yield page, posts


def fill_form(page, name: str, values: dict) -> None:
    """Open the source page's form `name`, fill it (selects by value), and save it."""
    form = page.locator(f"details[data-entry={name}]")
    form.locator("summary").click()
    for field, value in values.items():
        control = form.locator(f"[name={field}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator(f"button[name=submit-{name}]").click()


def saved(page, message: str) -> None:
    expect(page.locator(".messages")).to_contain_text(message)


def test_a_report_goes_in_from_its_source_in_at_most_eight_submissions(editor):
    page, posts = editor
    page.goto("/pairs/KGZ-UZB/")
    page.click("text=A new source…")
    page.fill("[name=title]", "Uzbek president to pay state visit")
    page.select_option("[name=kind]", "news_report")
    page.fill("[name=outlet]", "Kabar")
    page.fill("[name=url]", "https://example.org/reports/state-visit")
    page.fill("[name=published]", "2026-02-16")
    page.fill("[name=language]", "en")
    page.click("button[name=submit-source]")  # 1
    saved(page, "Source added")

    fill_form(
        page,
        "visit",
        {
            "visitor": "Bakhrom Yusupov",
            "visitor_post": "President",
            "visitor_country": "UZB",
            "host_country": "KGZ",
            "locale": "Bishkek",
            "start": "2026-03-02",
            "end": "2026-03-03",
            "kind": "state",
            "level": "head",
            "status": "announced",
            "quote": "will pay a state visit",
            "reliability": "official_statement",
            "speaker_is": "organisation",
            "speaker": "Press service of the President of Kyrgyzstan",
            "speaker_country": "KGZ",
        },
    )  # 2
    saved(page, "Visit added")
    fill_form(
        page,
        "leg",
        {
            "host_country": "KAZ",
            "locale": "Astana",
            "start": "2026-03",
            "kind": "summit",
            "status": "rumoured",
            "quote": "would travel on to a regional summit",
            "reliability": "anonymous_source",
        },
    )  # 3
    saved(page, "Tour leg added")
    minister = {
        "reliability": "named_official",
        "speaker": "Nurlan Toktomushev",
        "speaker_post": "Minister of Foreign Affairs",
        "speaker_country": "KGZ",
    }
    fill_form(
        page,
        "agreements",
        {
            "title_1": "Agreement on cross-border transit",
            "kind_1": "intergovernmental",
            "title_2": "Memorandum on water management",
            "kind_2": "mou",
            "quote": "expected to be signed during the visit",
            **minister,
        },
    )  # 4
    saved(page, "Expected at the visit")
    fill_form(
        page,
        "agenda",
        {
            "topic": "Trade and transit",
            "expectation": "expected",
            "outcome_qualifier": "more_than",
            "outcome_count": "10",
            "outcome_noun": "documents",
            "quote": "more than ten documents",
            **{**minister, "speaker": f"Nurlan Toktomushev #{Person.objects.get(name='Nurlan Toktomushev').pk}"},
        },
    )  # 5
    saved(page, "On the agenda")
    fill_form(
        page,
        "claims",
        {
            "reporter": "KGZ",
            "partner": "UZB",
            "year": "2025",
            "turnover": "USD 1.5 bn",
            "turnover_qualifier": "more_than",
            "yoy_change": "12.4",
            "quote": "a little more than USD 1.5 billion",
            "reliability": "official_statement",
            "speaker_is": "organisation",
            "speaker": "Ministry of Economy and Commerce",
            "speaker_country": "KGZ",
        },
    )  # 6
    saved(page, "Figures added for 2025")

    visit = Visit.objects.get(host_country="KGZ")
    page.goto(f"/visits/{visit.pk}/")
    status = page.locator("details:has(summary:has-text('Change status'))")
    status.locator("summary").click()
    status.locator("select[name=to_status]").select_option("completed")
    status.locator("input[name=on]").fill("2026-03-03")
    status.locator("input[name=new_source_title]").fill("Uzbek president wraps up state visit")
    status.locator("select[name=new_source_kind]").select_option("news_report")
    status.locator("input[name=new_source_published_on]").fill("2026-03-03")
    status.locator("select[name=reliability]").select_option("media_report")
    status.locator("button[name=submit-status]").click()  # 7
    saved(page, "Status changed to completed")

    assert len(posts) == RECORDED_SUBMISSIONS <= MOST_SUBMISSIONS, posts
    assert not [url for url in posts if "/admin/" in url]  # all on the pages
    print(f"\nThe report took {len(posts)} form submissions.")  # the count the issue asks to record

    # -- every record as the report gives it --------------------------------------------------
    visit.refresh_from_db()
    assert visit.visitor.name == "Bakhrom Yusupov" and visit.visitor.positions.get().title == "President"
    assert (visit.visitor_country_id, visit.status, visit.date_display) == ("UZB", "completed", "2–3 Mar 2026")
    history = [(c.to_status, c.changed_on) for c in visit.status_changes.all()]
    assert history == [("announced", datetime.date(2026, 2, 16)), ("completed", datetime.date(2026, 3, 3))]
    announced = visit.citations.get(source__title="Uzbek president to pay state visit")
    assert announced.speaker_organisation.name == "Press service of the President of Kyrgyzstan"
    assert announced.source.outlet.name == "Kabar"
    assert visit.status_changes.last().citation.source.title == "Uzbek president wraps up state visit"

    leg = Visit.objects.get(host_country="KAZ")
    assert leg.tour == visit.tour and (leg.status, leg.start_precision) == ("rumoured", "month")
    assert leg.citations.get().reliability == "anonymous_source"

    agreements = Agreement.objects.order_by("title")
    assert [(a.title, a.kind, a.expected_at_visit_id, a.signed_at_visit_id) for a in agreements] == [
        ("Agreement on cross-border transit", "intergovernmental", visit.pk, None),
        ("Memorandum on water management", "mou", visit.pk, None),
    ]
    assert {a.status_changes.get().changed_on for a in agreements} == {datetime.date(2026, 2, 16)}
    minister = Person.objects.get(name="Nurlan Toktomushev")
    assert {c.speaker for c in Citation.objects.filter(agreement__in=agreements)} == {minister}
    assert visit.agenda_items.get().outcome_display == "More than 10 documents"

    turnover = TradeClaim.objects.get(metric="turnover")
    assert (turnover.value, turnover.qualifier, turnover.year) == (Decimal("1500000000"), "more_than", 2025)
    assert turnover.stated_by_organisation == Organisation.objects.get(name="Ministry of Economy and Commerce")
    assert TradeClaim.objects.get(metric="yoy_change").value == Decimal("12.4")
    assert Source.objects.count() == 2

    # -- what an analyst sees on the pair page ------------------------------------------------
    entries = TimelineEntry.objects.for_pair("KGZ", "UZB")
    assert not entries.filter(date__gte=datetime.date(2026, 12, 1)).exists()  # nothing at the day of typing
    dated = {(e.kind, e.date) for e in entries}
    assert ("visit", datetime.date(2026, 3, 2)) in dated
    page.goto("/pairs/KGZ-UZB/")
    claims = page.locator("#claims-table, table:has(caption:has-text('Stated'))").first
    expect(claims).to_contain_text("USD 1.50 bn")
    # Kyrgyzstan reports nothing: the claim is set beside Uzbekistan's mirror figure (1.52 bn).
    expect(claims).to_contain_text("USD 1.52 bn")
    page.goto(f"/visits/{visit.pk}/")
    expect(page.locator("main")).to_contain_text("Agreements expected")
    expect(page.locator("main")).to_contain_text("Memorandum on water management")
