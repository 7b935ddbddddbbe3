"""Reports from a link and from feeds (intake.polling, intake.tasks), served by a local server:
conditional requests, one report per story whichever feeds carry it, items that cannot be read
counted with their reason, and beat's task carried out by a real worker."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from intake.models import Feed, Publication, Report
from intake.polling import due_feeds, poll_feed, report_from_url
from intake.tasks import poll_due_feeds
from tests.intake.local_server import answer, serve

pytestmark = [pytest.mark.usefixtures("empty_cache")]

STORY = (
    "Dushanbe, 4 March 2024. The President of Russia will arrive in Dushanbe on 12 March for an official "
    "visit, a government source said. Trade between Russia and Tajikistan came to a little more than "
    "USD 1 billion last year, the economy ministry said."
)
PAGE = f"""<html lang="en"><head><title>Russian president expected in Dushanbe</title>
<meta property="article:published_time" content="2024-03-04"></head>
<body><nav>Home | World</nav><article><h1>Russian president expected in Dushanbe</h1>
<p>{STORY}</p><p>Officials on both sides said the talks would also cover labour migration and
water, and that several documents were being prepared for signature during the visit.</p></article>
<footer>Copyright</footer></body></html>""".encode()
RSS_TYPE = "application/rss+xml; charset=utf-8"


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(guid: str, link: str, *, date: str | None = "Mon, 04 Mar 2024 09:00:00 GMT", summary: str = "") -> str:
    published = f"<pubDate>{date}</pubDate>" if date else ""
    return f'<item><guid isPermaLink="false">{guid}</guid><link>{link}</link><title>Story {guid}</title>{published}<description>{summary}</description></item>'


def feed_route(body: bytes, etag: str):
    def route(handler):
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.end_headers()
            return
        answer(200, body, content_type=RSS_TYPE, ETag=etag)(handler)

    return route


@pytest.mark.django_db
def test_a_feed_s_items_become_reports_and_an_unchanged_feed_is_asked_with_its_etag():
    routes = {"/story": answer(200, PAGE), "/gone": answer(500, b"down")}
    with serve(routes) as (base, seen):
        routes["/feed"] = feed_route(
            rss(item("a-1", f"{base}/story"), item("a-2", f"{base}/gone", summary=STORY)), '"v1"'
        )
        feed = Feed.objects.create(url=f"{base}/feed", outlet_name="Wire A")
        summary = poll_feed(feed)
        assert (summary.items, summary.new, summary.copies, summary.refused) == (2, 2, 0, [])
        fetched = Publication.objects.get(title="Story a-1").report
        assert fetched.origin == "feed" and fetched.published_on == datetime.date(2024, 3, 4)
        assert fetched.title == "Story a-1" and "labour migration" in fetched.text
        assert fetched.proposals.filter(kind="visit").exists()
        # the page that answered 500 is read from the feed's own summary
        assert Publication.objects.get(title="Story a-2").report.text == STORY
        feed.refresh_from_db()
        assert feed.etag == '"v1"' and "2 new reports" in feed.last_result

        again = poll_feed(feed)
        assert again.not_modified and seen[-1]["if-none-match"] == '"v1"'
        assert Report.objects.count() == 2


@pytest.mark.django_db
def test_the_same_story_in_two_feeds_is_one_report_with_two_publications_and_an_undated_item_is_refused():
    routes = {}
    with serve(routes) as (base, _):
        routes["/story"] = answer(200, PAGE)
        routes["/undated"] = answer(
            200, b"<html><body><p>" + b"An undated note about nothing much. " * 20 + b"</p></body></html>"
        )
        routes["/a"] = feed_route(rss(item("x", f"{base}/story")), '"a"')
        routes["/b"] = feed_route(
            rss(item("y", f"{base}/story?from=b", summary=STORY), item("z", f"{base}/undated", date=None)), '"b"'
        )
        routes["/story?from=b"] = answer(200, PAGE.replace(b"Copyright", b"Another outlet"))
        a = Feed.objects.create(url=f"{base}/a", outlet_name="Wire A")
        b = Feed.objects.create(url=f"{base}/b", outlet_name="Paper B")
        poll_feed(a)
        summary = poll_feed(b)
        assert (summary.copies, len(summary.refused)) == (1, 1) and "no publication date" in summary.refused[0]
        [report] = Report.objects.all()
        assert sorted(report.publications.values_list("outlet_name", flat=True)) == ["Paper B", "Wire A"]


@pytest.mark.django_db
def test_a_feed_that_is_not_xml_fails_with_its_reason_kept_and_nothing_stored():
    with serve({"/feed": answer(200, b"not a feed at all", content_type=RSS_TYPE)}) as (base, _):
        feed = Feed.objects.create(url=f"{base}/feed")
        with pytest.raises(Exception, match="not an RSS or Atom feed"):
            poll_feed(feed)
    feed.refresh_from_db()
    assert feed.last_result.startswith("Failed:") and feed.polled_at is not None
    assert Report.objects.count() == Publication.objects.count() == 0


@pytest.mark.django_db
def test_only_feeds_whose_interval_has_passed_are_due():
    now = datetime.datetime(2024, 3, 4, 12, 0, tzinfo=datetime.UTC)
    never = Feed.objects.create(url="https://a.example/feed")
    recent = Feed.objects.create(url="https://b.example/feed", polled_at=now - datetime.timedelta(minutes=10))
    old = Feed.objects.create(url="https://c.example/feed", polled_at=now - datetime.timedelta(minutes=61))
    Feed.objects.create(url="https://d.example/feed", active=False)
    assert {f.pk for f in due_feeds(now)} == {never.pk, old.pk}
    assert recent not in due_feeds(now)


@pytest.mark.django_db
def test_a_link_is_fetched_and_read_and_a_private_address_is_refused(editor):
    with serve({"/story": answer(200, PAGE)}) as (base, _):
        report, created = report_from_url(url=f"{base}/story", user=editor, outlet_name="Wire A")
    assert created and report.origin == "fetched" and report.published_on == datetime.date(2024, 3, 4)
    assert report.title == "Russian president expected in Dushanbe" and "Copyright" not in report.text
    with pytest.raises(ValidationError) as refused:
        report_from_url(url="http://127.0.0.1:9/story", user=editor)
    assert "url" in refused.value.message_dict and Report.objects.count() == 1


@pytest.mark.celery_worker
def test_beat_s_task_polls_the_due_feeds_through_a_real_worker(celery_worker):
    from tests.timelines.test_worker import wait_until

    routes = {}
    with serve(routes) as (base, _):
        routes["/story"] = answer(200, PAGE)
        routes["/feed"] = feed_route(rss(item("a-1", f"{base}/story")), '"v1"')
        Feed.objects.create(url=f"{base}/feed", outlet_name="Wire A")
        assert poll_due_feeds.delay().get(timeout=30) == 1
        report = wait_until(lambda: Report.objects.first(), timeout=30, what="the feed's report")
    assert report.publications.get().outlet_name == "Wire A"
