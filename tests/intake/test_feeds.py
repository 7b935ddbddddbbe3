"""Reading news feeds: items read, conditional requests answered, hostile XML refused."""

import datetime

import pytest

from intake.feeds import FeedError, FeedItem, read_feed
from intake.safe_http import FetchError
from tests.intake.local_server import answer, redirect, serve

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Example Wire &#8211; World</title><link>https://wire.example/world</link>
<item>
  <guid isPermaLink="false">wire-2024-0305-dushanbe</guid>
  <link>https://wire.example/world/dushanbe-talks</link>
  <title>Minister arrives in Dushanbe</title>
  <description>&lt;p&gt;The minister arrived on &lt;b&gt;Tuesday&lt;/b&gt; for talks.&lt;/p&gt;</description>
  <pubDate>Tue, 05 Mar 2024 09:30:00 GMT</pubDate>
</item>
<item>
  <link>https://wire.example/world/bishkek</link>
  <title>Next stop Bishkek</title>
  <description>No guid: the link stands for it.</description>
</item>
<item><title>Neither guid nor link</title><description>Left out.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Ministry news</title><id>urn:ministry:news</id><updated>2024-03-06T10:00:00Z</updated>
<entry>
  <id>urn:ministry:news:1</id><title>Accord on water signed</title>
  <link rel="alternate" href="/news/1"/>
  <updated>2024-03-06T10:00:00Z</updated>
  <summary>The accord was signed in Dushanbe.</summary>
</entry>
</feed>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>"""

RSS_TYPE = "application/rss+xml; charset=utf-8"


def conditional(body: bytes, *, etag: str | None = None, modified: str | None = None):
    """A feed route that answers 304 when the request's validators match, as a site does."""

    def route(handler):
        if (etag and handler.headers.get("If-None-Match") == etag) or (
            modified and handler.headers.get("If-Modified-Since") == modified
        ):
            handler.send_response(304)
            handler.end_headers()
            return
        headers = {"ETag": etag} if etag else {"Last-Modified": modified}
        answer(200, body, content_type=RSS_TYPE, **headers)(handler)

    return route


def test_an_rss_feed_gives_its_title_and_items():
    with serve({"/rss": answer(200, RSS, content_type=RSS_TYPE)}) as (base, _):
        feed = read_feed(f"{base}/rss")
    assert feed.not_modified is False and feed.title == "Example Wire – World"
    assert feed.items[0] == FeedItem(
        guid="wire-2024-0305-dushanbe",
        url="https://wire.example/world/dushanbe-talks",
        title="Minister arrives in Dushanbe",
        summary="The minister arrived on Tuesday for talks.",
        published=datetime.date(2024, 3, 5),
    )


def test_an_item_without_a_guid_is_known_by_its_link_and_one_with_neither_is_left_out():
    with serve({"/rss": answer(200, RSS, content_type=RSS_TYPE)}) as (base, _):
        items = read_feed(f"{base}/rss").items
    assert len(items) == 2
    assert items[1].guid == items[1].url == "https://wire.example/world/bishkek"
    assert items[1].published is None


def test_an_atom_feed_resolves_its_links_against_its_address():
    with serve(
        {"/atom": redirect("/feeds/atom.xml"), "/feeds/atom.xml": answer(200, ATOM, "application/atom+xml")}
    ) as (
        base,
        _,
    ):
        feed = read_feed(f"{base}/atom")
    assert feed.title == "Ministry news"
    assert feed.items == [
        FeedItem(
            guid="urn:ministry:news:1",
            url=f"{base}/news/1",
            title="Accord on water signed",
            summary="The accord was signed in Dushanbe.",
            published=datetime.date(2024, 3, 6),
        )
    ]


def test_a_feed_with_an_etag_is_not_sent_again_when_it_has_not_changed():
    with serve({"/rss": conditional(RSS, etag='"v1"')}) as (base, seen):
        first = read_feed(f"{base}/rss")
        again = read_feed(f"{base}/rss", etag=first.etag, modified=first.modified)
    assert first.etag == '"v1"' and len(first.items) == 2
    assert again.not_modified is True and again.items == [] and again.etag == '"v1"'
    assert "if-none-match" not in seen[0] and seen[1]["if-none-match"] == '"v1"'


def test_a_feed_with_last_modified_is_asked_for_since_then():
    stamp = "Tue, 05 Mar 2024 10:00:00 GMT"
    with serve({"/rss": conditional(RSS, modified=stamp)}) as (base, seen):
        first = read_feed(f"{base}/rss")
        again = read_feed(f"{base}/rss", modified=first.modified)
        changed = read_feed(f"{base}/rss", modified="Mon, 04 Mar 2024 10:00:00 GMT")
    assert first.modified == stamp and first.etag is None
    assert again.not_modified is True and again.modified == stamp
    assert seen[1]["if-modified-since"] == stamp
    assert changed.not_modified is False and len(changed.items) == 2


@pytest.mark.parametrize(
    "body",
    [b"<html><body><p>Not a feed</p></body></html", b"just some words", b'{"items": []}', b"<rss><channel>"],
)
def test_a_body_that_is_not_xml_is_not_a_feed(body):
    with serve({"/rss": answer(200, body, content_type=RSS_TYPE)}) as (base, _), pytest.raises(FeedError) as refused:
        read_feed(f"{base}/rss")
    assert str(refused.value) == f"{base}/rss is not an RSS or Atom feed (it is not XML)."


def test_xml_that_is_not_rss_or_atom_is_not_a_feed():
    with (
        serve({"/rss": answer(200, b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="text/xml")}) as (
            base,
            _,
        ),
        pytest.raises(FeedError, match="is not an RSS or Atom feed"),
    ):
        read_feed(f"{base}/rss")


def test_a_page_served_as_html_is_not_taken_for_a_feed():
    with serve({"/rss": answer(200, RSS)}) as (base, _), pytest.raises(FetchError) as refused:
        read_feed(f"{base}/rss")
    assert "it is a document of type text/html, not an RSS or Atom feed" in str(refused.value)


@pytest.mark.parametrize(("body", "what"), [(BILLION_LAUGHS, "billion laughs"), (XXE, "external entity")])
def test_a_feed_that_declares_entities_is_refused(body, what):
    with serve({"/rss": answer(200, body, content_type=RSS_TYPE)}) as (base, _), pytest.raises(FeedError) as refused:
        read_feed(f"{base}/rss")
    assert str(refused.value) == f"{base}/rss was not read: the feed declares a DTD, which feeds are not allowed to.", (
        what
    )


def test_a_feed_is_fetched_with_the_page_fetcher_s_bounds():
    with serve({"/rss": redirect("http://169.254.169.254/feed")}) as (base, _), pytest.raises(FetchError) as refused:
        read_feed(f"{base}/rss")
    assert "169.254.169.254, a link-local address" in str(refused.value)
    assert not isinstance(refused.value, FeedError)


def test_a_feed_error_is_a_fetch_error():
    assert issubclass(FeedError, FetchError)
