"""Charts and the interactive timeline are drawn again when htmx swaps the page's main content
in place (an editor's form posted with htmx), without a reload, once per new element."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import (  # noqa: F401 (in_process_tasks: a fixture)
    DRAWN,
    editor_session,
    in_process_tasks,
)
from tests.data import add_pair_trade, build_timelines
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What the page's chart is after the swap: its Chart.js instance, how many instances the page
# holds (the swapped-out chart destroyed, the new one drawn once), and whether the canvas has
# any painted pixel.
CHART_STATE = """canvas => ({
    charted: Chart.getChart(canvas) !== undefined,
    instances: Object.keys(Chart.instances).length,
    painted: (() => {
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { return true; } }
        return false;
    })(),
    replaced: canvas !== window.__firstCanvas,
})"""


@pytest.fixture
def editor_page(in_process_tasks, live_server):  # noqa: F811
    with editor_session(live_server.url, "maria", viewport={"width": 1280, "height": 900}) as page:
        yield page


def test_the_visit_pages_trade_chart_is_drawn_again_after_a_form_posted_in_place(editor_page):
    add_pair_trade()
    visit = VisitFactory(status="announced")  # February 2017, within the pair's figures
    page = editor_page
    page.goto(f"/visits/{visit.pk}/")
    chart = page.locator("canvas[data-trade-chart]")
    expect(chart).to_have_attribute("data-ready", "true")
    page.evaluate(
        "window.__notReloaded = true; window.__firstCanvas = document.querySelector('canvas[data-trade-chart]')"
    )

    page.click("summary:has-text('Change status')")
    page.select_option("select[name=to_status]", "completed")
    page.fill("input[name=on]", "2017-02-28")
    page.click("button[name=submit-status]")
    expect(page.locator(".messages")).to_contain_text("Status changed to completed.")

    expect(chart).to_have_attribute("data-ready", "true")
    state = chart.evaluate(CHART_STATE)
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, never reloaded
    assert state == {"charted": True, "instances": 1, "painted": True, "replaced": True}
    expect(page.locator("#trade-around-chart-legend")).to_be_visible()
    expect(page.locator("#trade-around-chart-legend")).to_contain_text("as Russia reports")


def test_the_pair_pages_chart_and_timeline_are_set_up_again_in_swapped_in_content(editor_page):
    add_pair_trade()
    VisitFactory(status="announced")
    build_timelines()
    page = editor_page
    page.goto("/pairs/RUS-TJK/")
    box = page.locator("[data-timeline]")
    expect(box).to_have_attribute("data-ready", "true")
    drawn = page.locator(DRAWN).count()
    page.evaluate(
        "window.__notReloaded = true; window.__firstCanvas = document.querySelector('canvas[data-trade-chart]')"
    )

    # What an in-place form does (hx-select="main" hx-swap="outerHTML"): the page's new main
    # content swapped in for the old.
    page.evaluate(
        "fetch(location.pathname).then(r => r.text())"
        ".then(html => htmx.swap('main', html, {swapStyle: 'outerHTML'}, {select: 'main'}))"
    )
    page.wait_for_function("window.__firstCanvas && !window.__firstCanvas.isConnected")

    expect(box).to_have_attribute("data-ready", "true")
    expect(page.locator(DRAWN)).to_have_count(drawn)
    expect(page.locator(".timeline-canvas .vis-timeline")).to_have_count(1)  # one timeline, not two
    expect(page.locator("canvas[data-trade-chart]")).to_have_attribute("data-ready", "true")
    state = page.locator("canvas[data-trade-chart]").evaluate(CHART_STATE)
    assert page.evaluate("window.__notReloaded") is True
    assert drawn > 0
    assert state == {"charted": True, "instances": 1, "painted": True, "replaced": True}
