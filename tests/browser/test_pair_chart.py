"""The pair page's chart in headless Chromium with IMF DOTS figures: both sides' series drawn,
with the visits between the two marked."""

import datetime

import pytest
from playwright.sync_api import expect

from demo.loader import load_demo
from tests.browser.test_pages import (  # noqa: F401 (in_process_tasks: a fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    in_process_tasks,
    playwright_session,
    signed_in_page,
)
from tests.data import build_timelines
from tests.factories import UserFactory, VisitFactory
from tests.trade.test_api_series import add_dots_seed
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def dots_site(in_process_tasks, live_server):  # noqa: F811
    load_demo()  # the minister's claims; its visits are in 2017, after the figures
    add_dots_seed()
    # Visits within the figures' years, one each way, for the chart to mark.
    VisitFactory(start_date=datetime.date(2015, 10, 5), end_date=datetime.date(2015, 10, 6))
    VisitFactory(
        visitor_country_id="TJK",
        host_country_id="RUS",
        locale="Moscow",
        start_date=datetime.date(2016, 4, 11),
        end_date=datetime.date(2016, 4, 12),
    )
    build_timelines()
    UserFactory(username="reader", role="analyst")
    return live_server.url


def test_the_pair_chart_draws_both_sides_imf_series_with_the_visits_marked(dots_site):
    marks = Visit.objects.for_pair("RUS", "TJK").filter(start_date__year__gte=2015, start_date__year__lte=2016).count()
    with playwright_session() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=dots_site)
        page, errors = signed_in_page(context, dots_site, "reader")

        page.goto("/pairs/RUS-TJK/")
        chart = page.locator("canvas[data-trade-chart='pair-trade-chart']")
        expect(chart).to_have_attribute("data-ready", "true")
        visible = (chart.get_attribute("data-visible-lines"), chart.get_attribute("data-visible-points"))
        mark_count = chart.get_attribute("data-mark-count")
        page.get_by_label("Imports from Tajikistan, as Russia reports").check()
        expect(chart).to_have_attribute("data-visible-lines", "3")
        shown = page.locator("[data-marks-key]").is_visible()
        browser.close()

    assert visible == ("2", "4")  # turnover as each side reports it, 2015 and 2016 each
    assert mark_count == str(marks) == "2"
    assert shown
    assert not errors, errors
