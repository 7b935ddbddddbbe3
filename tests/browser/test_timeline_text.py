"""Editors' text on the interactive timeline is shown as text, in the items and their tooltips
(issue 19, finding 2: vis-timeline put a string tooltip into innerHTML, so a name could place a
link and a large image there)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import (  # noqa: F401 (in_process_tasks: a fixture)
    DRAWN,
    editor_session,
    in_process_tasks,
)
from tests.data import build_timelines
from tests.factories import PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MARKUP = '<a href="https://example.invalid/">Jane</a><img src="x" style="width:900px">'


def test_a_name_with_markup_is_text_in_the_timeline_and_its_tooltip(in_process_tasks, live_server):  # noqa: F811
    VisitFactory(visitor=PersonFactory(name=MARKUP))
    build_timelines()
    with editor_session(live_server.url, "maria", viewport={"width": 1280, "height": 900}) as page:
        page.goto("/pairs/RUS-TJK/")
        expect(page.locator("[data-timeline]")).to_have_attribute("data-ready", "true")
        item = page.locator(DRAWN).filter(has_text="Jane").first
        expect(item).to_contain_text(MARKUP)
        item.hover()
        tooltip = page.locator(".vis-tooltip")
        expect(tooltip).to_be_visible()
        expect(tooltip).to_contain_text(MARKUP)
        canvas = page.locator(".timeline-canvas")
        assert canvas.locator("img").count() == 0
        assert canvas.locator('a[href="https://example.invalid/"]').count() == 0
        assert tooltip.locator("a, img").count() == 0
