"""The pages in headless Chromium: the pair page draws its timeline and chart, filters change
what is shown, search finds a person by part of the name, the keyboard reaches every control.

Full-page screenshots of the main pages are saved under var/screenshots/ (git-ignored) for a
person to look at. Few tests, each doing much, to keep the suite fast.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.data import add_pair_trade, build_timelines
from tests.factories import UserFactory
from timelines.models import TimelineEntry
from visits.models import Visit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "correct horse battery staple"
# One element per drawn entry (a point also has a .vis-item dot inside it).
DRAWN = ".timeline-canvas :is(.vis-item.vis-point, .vis-item.vis-range, .vis-item.vis-box)"

# The live server needs committed data; serialized rollback puts the migration-loaded countries back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def in_process_tasks(celery_app):
    """Saves in these tests commit, so timeline refreshes are queued: run them here, not on Redis."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def demo_site(in_process_tasks, live_server):
    from demo.loader import load_demo

    load_demo()
    add_pair_trade()
    build_timelines()
    UserFactory(username="reader", role="analyst")
    return live_server.url


@contextlib.contextmanager
def playwright_session():
    """sync_playwright(), with what Django needs around it.

    Playwright's sync API runs an event loop in this thread while it is open, and Django then
    treats the thread as async: the ORM calls the tests make meanwhile are plain synchronous
    code (Playwright's advice for Django). Django also gives the thread other database
    connections while the loop runs; they are closed before it stops, or one would outlive
    the test database and hold up its removal at the end of the run (PostgreSQL waits 5 s).
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            try:
                yield playwright
            finally:
                connections.close_all()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def browser(demo_site):
    """Chromium for one test, started after its data is committed and stopped before the database
    is reset: the database's own setup and teardown run outside Playwright's event loop, on the
    test's usual connection."""
    with playwright_session() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in_page(context, base_url: str, username: str):
    """A page of `context` signed in as `username` (password PASSWORD), and the list its
    script errors and CSP violations are gathered into: the caller asserts it is empty."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The Content-Security-Policy allows no inline script: a violation is a bug in a template.
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base_url + "/")
    return page, errors


@contextlib.contextmanager
def editor_session(base_url: str, username: str, **context_options):
    """A headless Chromium page signed in as a new editor `username`, for the editors' browser
    tests; at the end, no script error or CSP violation may have been logged."""
    UserFactory(username=username, role="editor", password=PASSWORD)
    with playwright_session() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, **context_options)
        page, errors = signed_in_page(context, base_url, username)
        yield page
        browser.close()
        assert not errors, errors


@pytest.fixture
def page(demo_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=demo_site)
    page, errors = signed_in_page(context, demo_site, "reader")
    yield page
    context.close()
    assert not errors, errors


def screenshot(page, name) -> int:
    """Save a full-page screenshot as var/screenshots/NAME.png; returns its size in bytes.

    Written beside it, then renamed into place: both passes of `make test` run at once and
    save the same names, so the file is never seen half-written."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partial = SCREENSHOTS / f".{name}.{os.getpid()}.png"
    page.screenshot(path=partial, full_page=True)
    size = partial.stat().st_size
    partial.replace(SCREENSHOTS / f"{name}.png")
    return size


def test_the_pair_page_draws_its_timeline_and_chart_and_filters_change_them(page):
    entries = TimelineEntry.objects.for_pair("RUS", "TJK")
    visits = entries.filter(kind=TimelineEntry.Kind.VISIT).count()
    marks = Visit.objects.for_pair("RUS", "TJK").count()

    page.goto("/pairs/TJK-RUS/")

    box = page.locator("[data-timeline]")
    expect(box).to_have_attribute("data-ready", "true")
    assert box.get_attribute("data-item-count") == str(entries.count())
    assert page.locator(DRAWN).count() == entries.count()
    assert page.locator(".vis-item.precision-month.vis-range").count() == entries.filter(precision="month").count() > 0
    chart = page.locator("#pair-trade-chart + figure canvas, canvas[data-trade-chart='pair-trade-chart']").first
    expect(chart).to_have_attribute("data-ready", "true")
    assert chart.get_attribute("data-visible-lines") == "2"  # turnover as each side reports it
    assert chart.get_attribute("data-visible-points") == "14"  # seven years each
    assert chart.get_attribute("data-mark-count") == str(marks)
    assert chart.get_attribute("data-claim-count") == "1"  # the minister's USD figure
    screenshot(page, "pair")

    page.get_by_label("Visit", exact=True).check()  # only visits, on the timeline and in the list
    expect(box).to_have_attribute("data-item-count", str(visits))
    expect(page.locator("#timeline ol.entries > li")).to_have_count(visits)
    assert page.locator(DRAWN).count() == visits
    assert "kind=visit" in page.url

    page.get_by_label("Exports to Tajikistan, as Russia reports").check()
    expect(chart).to_have_attribute("data-visible-lines", "3")


def test_search_finds_a_person_by_part_of_the_name(page):
    page.get_by_label("Search Chancery").fill("rahm")
    page.keyboard.press("Enter")

    page.get_by_role("link", name="Emomali Rahmon", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emomali Rahmon")

    page.goto("/search/")
    page.locator("#search-q").fill("shuv")  # htmx searches as one types
    expect(page.locator("#search-results").get_by_role("link", name="Igor Shuvalov", exact=True)).to_be_visible()


def focus_path(page, presses):
    """What the keyboard reaches, Tab by Tab, described by label, name or text."""
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                   return [e.tagName, e.getAttribute('aria-label') || e.name || '', (e.textContent || '').trim().slice(0, 40), e.value || ''].join('|'); }"""
            )
        )
    return reached


def test_the_keyboard_reaches_the_main_controls_starting_with_the_skip_link(page):
    page.goto("/pairs/RUS-TJK/")
    expect(page.locator("[data-timeline]")).to_have_attribute("data-ready", "true")

    reached = focus_path(page, 60)

    assert "Skip to main content" in reached[0]
    assert any(step.startswith("INPUT|Search Chancery") for step in reached)
    assert any(step.startswith("INPUT|kind||visit") for step in reached)  # the timeline's kind filter
    assert any("Zoom in" in step for step in reached)
    assert any(step.startswith("INPUT|year_from") for step in reached)
    page.keyboard.press("Shift+Tab")
    page.goto("/pairs/RUS-TJK/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link moves focus to the content
    assert page.evaluate("document.activeElement.id") == "main"
    focus = page.locator("input[name=kind][value=visit]")
    focus.focus()
    page.keyboard.press("Space")
    expect(page.locator("[data-timeline]")).to_have_attribute(
        "data-item-count", str(TimelineEntry.objects.for_pair("RUS", "TJK").filter(kind="visit").count())
    )


def test_screenshots_of_the_main_pages(page):
    dushanbe = Visit.objects.get(external_id="putin-dushanbe-2017-02")
    from agreements.models import Agreement

    for name, url in [
        ("home", "/"),
        ("visit", f"/visits/{dushanbe.pk}/"),
        ("agreement", f"/agreements/{Agreement.objects.get().pk}/"),
        ("trade-explorer", "/trade/?reporter=TJK&partner=RUS&flow=turnover"),
    ]:
        page.goto(url)
        for canvas in page.locator("canvas[data-trade-chart]").all():
            expect(canvas).to_have_attribute("data-ready", "true")
        assert screenshot(page, name) > 10_000
