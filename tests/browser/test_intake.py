"""An editor takes a report from paste to accepted records on the intake pages, in headless
Chromium, in a handful of submissions; every accepted fact is cited with its quote.

The report is data/reports/state-visit-2026.txt (written by the project; people and figures
invented), its two parts pasted one after the other: the announcement, then that the visit
took place.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from directory.models import Citation
from intake.models import Proposal
from tests.browser.test_pages import editor_session, in_process_tasks  # noqa: F401 (a fixture)
from tests.data import DATA
from trade.models import TradeClaim
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOST_SUBMISSIONS = 8  # "a handful of clicks"
TEXT = (DATA / "reports" / "state-visit-2026.txt").read_text()
FIRST = TEXT.split("Second report")[0].split("\n", 2)[2].strip()
SECOND = TEXT.split("Second report")[1].split("\n", 2)[2].strip()


@pytest.fixture
def editor(in_process_tasks, live_server):  # noqa: F811
    with editor_session(live_server.url, "omar") as page:
        posts = []
        page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
        yield page, posts


def paste(page, text: str, published: str) -> None:
    page.goto("/intake/")
    page.fill("[name=text]", text)
    page.fill("[name=published]", published)
    page.fill("[name=outlet]", "Kabar")
    page.click("button[name=read]")
    expect(page.locator(".messages")).to_contain_text("Report read")


def test_a_report_goes_from_paste_to_cited_records_in_a_handful_of_submissions(editor):
    page, posts = editor
    paste(page, FIRST, "2026-02-16")
    # each proposal is marked on its words in the text
    marks = page.locator(".report-text mark")
    assert marks.count() >= 4
    page.click("button[name=accept-confident]")
    expect(page.locator(".messages")).to_contain_text("Accepted")
    # the figures are less confident (no one named states them): accepted one by one
    pending = page.locator("article[data-kind=trade_claim].proposal-pending")
    for _ in range(pending.count()):
        pending.first.locator("button[name=accept]").click()
        expect(page.locator(".messages")).to_contain_text("Accepted")

    visit = Visit.objects.get(visitor_country="UZB", host_country="KGZ")
    assert (visit.start_date, visit.end_date, visit.status, visit.kind) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 3),
        "announced",
        "state",
    )
    assert visit.status_changes.get().changed_on == datetime.date(2026, 2, 16)  # dated by the report
    # the visitor the directory did not know: added with the visit, given his post by his proposal
    assert visit.visitor.name == "Bakhrom Yusupov" and visit.visitor.country_id == "UZB"
    assert list(visit.visitor.positions.values_list("title", flat=True)) == ["President"]
    agreements = Agreement.objects.filter(expected_at_visit=visit)
    assert sorted(agreements.values_list("kind", flat=True)) == ["intergovernmental", "mou"]
    claims = TradeClaim.objects.filter(reporter="KGZ", partner="UZB", year=2025)
    assert {c.metric: c.value for c in claims} == {"turnover": Decimal("1500000000"), "yoy_change": Decimal("12.4")}
    cited = [visit, *agreements, *claims]
    for record in cited:
        [citation] = Citation.objects.filter(object_id=str(record.pk), content_type__model=record._meta.model_name)
        assert citation.quote and citation.quote in FIRST.replace("\n", " ")
        assert citation.source.outlet.name == "Kabar" and citation.source.published_on == datetime.date(2026, 2, 16)

    # the follow-up: the visit took place
    paste(page, SECOND, "2026-03-03")
    page.locator("article[data-kind=visit_status] button[name=accept]").click()
    expect(page.locator(".messages")).to_contain_text("Accepted")
    visit.refresh_from_db()
    assert visit.status == "completed"
    assert Visit.objects.filter(visitor_country="UZB", host_country="KGZ").count() == 1  # no duplicate

    assert len(posts) <= MOST_SUBMISSIONS, posts
    assert not Proposal.objects.filter(state="pending", kind__in=["visit_status"]).exists()
