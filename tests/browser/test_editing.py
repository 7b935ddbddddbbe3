"""An editor changes a status and adds a source from the visit page, in headless Chromium.

With JavaScript on, htmx posts each form in place and swaps only the page's main content;
the page's address stays the same (no full reload) and the new state shows at once.
"""

import pytest
from playwright.sync_api import expect

from directory.models import Citation
from tests.browser.test_pages import (  # noqa: F401 (in_process_tasks: a fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    editor_session,
    in_process_tasks,
    playwright_session,
)
from tests.factories import UserFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def editor_page(in_process_tasks, live_server):  # noqa: F811
    with editor_session(live_server.url, "maria") as page:
        yield page


def test_an_editor_changes_a_status_and_adds_a_source_in_place(editor_page):
    visit = VisitFactory(status="announced", locale="Dushanbe")
    page = editor_page
    page.goto(f"/visits/{visit.pk}/")
    page.evaluate("window.__notReloaded = true")

    page.click("summary:has-text('Change status')")
    page.select_option("select[name=to_status]", "completed")
    page.fill("input[name=on]", "2017-02-28")
    page.fill("textarea[name=note]", "Took place as announced.")
    page.click("button[name=submit-status]")
    expect(page.locator(".messages")).to_contain_text("Status changed to completed.")
    expect(page.locator("main .badge.status-completed").first).to_be_visible()

    page.click("summary:has-text('Add a source')")
    page.fill("input[name=new_source_title]", "Asia-Plus report")
    page.select_option("select[name=new_source_kind]", "news_report")
    page.fill("input[name=quote]", "on February 28")
    page.select_option("select[name=reliability]", "anonymous_source")
    page.click("button[name=submit-citation]")
    expect(page.locator(".messages")).to_contain_text("Source added: Asia-Plus report.")
    expect(page.locator("ul.citations")).to_contain_text("Asia-Plus report")

    assert page.evaluate("window.__notReloaded") is True  # swapped in place, never reloaded
    assert Visit.objects.get(pk=visit.pk).status == "completed"
    assert Citation.objects.get().quote == "on February 28"


def test_the_forms_work_without_javascript_too(in_process_tasks, live_server):  # noqa: F811
    UserFactory(username="maria", role="editor", password=PASSWORD)
    visit = VisitFactory(status="announced")
    with playwright_session() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", "maria")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"/visits/{visit.pk}/")
        page.click("summary:has-text('Change status')")
        page.select_option("select[name=to_status]", "confirmed")
        page.fill("input[name=on]", "2017-02-20")
        page.click("button[name=submit-status]")
        expect(page.locator(".messages")).to_contain_text("Status changed to confirmed.")
        browser.close()
    assert Visit.objects.get(pk=visit.pk).status == "confirmed"
