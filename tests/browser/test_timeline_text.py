"""Editors' text on the interactive timeline is shown as text, in the items and their tooltips
(issue 19, finding 2: vis-timeline put a string tooltip into innerHTML, through a whitelist that
lets a link and an image in, so a name could place a link and a 900-pixel image there).

Markup is stored in each text an item is built from: a person's name and a visit's locale (the
visit's span), an agreement's title (its status entry) and a topic's title (a stance on it).
Each must show literally in its item and, hovered, in its tooltip, and no element of it may
exist anywhere on the page.
"""

import datetime

import pytest
from playwright.sync_api import expect

from core.status import record_first_status
from tests.browser.test_pages import (  # noqa: F401 (in_process_tasks: a fixture)
    DRAWN,
    editor_session,
    in_process_tasks,
)
from tests.data import build_timelines
from tests.factories import (
    AgreementFactory,
    NegotiationTopicFactory,
    PersonFactory,
    TopicStanceFactory,
    VisitFactory,
    country,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def markup(word: str) -> str:
    return f'<a href="https://example.invalid/">{word}</a><img src="x" style="width:900px">'


NAME, LOCALE, AGREEMENT, TOPIC = markup("Jane"), markup("Khujand"), markup("Accord"), markup("Water")


def test_markup_in_names_places_and_titles_is_text_in_the_timeline_and_its_tooltips(
    in_process_tasks,  # noqa: F811
    live_server,
):
    VisitFactory(visitor=PersonFactory(name=NAME), locale=LOCALE)
    agreement = AgreementFactory(title=AGREEMENT)
    record_first_status(agreement, on=datetime.date(2017, 1, 20))
    topic = NegotiationTopicFactory(title=TOPIC)
    topic.countries.set([country("RUS"), country("TJK")])
    TopicStanceFactory(topic=topic)
    build_timelines()

    with editor_session(live_server.url, "maria", viewport={"width": 1280, "height": 900}) as page:
        page.goto("/pairs/RUS-TJK/")
        expect(page.locator("[data-timeline]")).to_have_attribute("data-ready", "true")
        tooltip = page.locator(".vis-tooltip")
        for word, texts in (("Jane", [NAME, LOCALE]), ("Accord", [AGREEMENT]), ("Water", [TOPIC])):
            item = page.locator(DRAWN).filter(has_text=word).first
            for text in texts:
                expect(item).to_contain_text(text)
            item.hover()
            expect(tooltip).to_be_visible()
            for text in texts:
                expect(tooltip).to_contain_text(text)
            assert tooltip.locator("a, img").count() == 0, tooltip.inner_html()
            page.mouse.move(0, 0)
        # Nowhere on the page (the timeline, its tooltips, its group labels, the list below).
        assert page.locator('a[href="https://example.invalid/"]').count() == 0
        assert page.locator('img[src="x"]').count() == 0
