"""A news feed (RSS or Atom) read for its items, asking the site only for what changed.

Fetched through intake.safe_http, with the same address checks and bounds as a page. A feed is
XML anyone can write, and XML can declare entities that expand a kilobyte into gigabytes
("billion laughs") or read files and URLs from the server that parses it (external entities):
so its bytes are parsed first by defusedxml, which refuses any DTD, and only a document that
is plain XML with an RSS or Atom root goes on to feedparser, which reads the items.

The caller keeps the ETag and Last-Modified a read returns and passes them to the next read:
the site may then answer 304, and the result says not_modified with no items.
"""

import datetime
import html
import io
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from intake.safe_http import FetchError, fetch_bytes

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml", "+xml"}
)
# The root elements of RSS 0.9x/2.0, Atom and RSS 1.0 (RDF), namespace aside.
FEED_ROOTS = {"rss", "feed", "RDF"}
_SPACES = re.compile(r"\s+")


class FeedError(FetchError):
    """A feed that was fetched but cannot be read as one; the message names the URL and says why.

    A kind of FetchError, so that a caller can catch either with one clause."""


@dataclass(frozen=True)
class FeedItem:
    """One item: its guid (the item's id, else its link), link, title, summary as plain text,
    and its publication (else update) date, None if it gives neither."""

    guid: str
    url: str
    title: str
    summary: str
    published: datetime.date | None


@dataclass(frozen=True)
class FeedResult:
    """A read of a feed. `etag` and `modified` are the site's validators, to pass to the next
    read as they are (strings, or None when the site sends none); with not_modified, the ones
    passed in, and no title or items."""

    not_modified: bool
    etag: str | None
    modified: str | None
    title: str = ""
    items: list[FeedItem] = field(default_factory=list)


def read_feed(url: str, etag: str | None = None, modified: str | None = None) -> FeedResult:
    """The feed at `url`, or not_modified when its validators match `etag` / `modified`.

    Raises FetchError when it cannot be fetched, FeedError when what came is not a feed."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    fetched = fetch_bytes(url, media_types=FEED_TYPES, what="an RSS or Atom feed", headers=headers)
    if fetched.not_modified:
        return FeedResult(not_modified=True, etag=fetched.etag or etag, modified=fetched.last_modified or modified)
    _check_xml(url, fetched.body)
    parsed = _parse(fetched.body, fetched.media_type, fetched.charset, fetched.final_url)
    return FeedResult(
        not_modified=False,
        etag=fetched.etag,
        modified=fetched.last_modified,
        title=_plain(parsed.feed.get("title", "")),
        items=[item for entry in parsed.entries if (item := _item(entry)) is not None],
    )


def _check_xml(url: str, body: bytes) -> None:
    """Refuses (FeedError) a body that is not XML, declares a DTD or entities, or is not RSS or Atom."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise FeedError(
            f"{url} was not read: the feed declares a DTD, which feeds are not allowed to.", url=url
        ) from None
    except defusedxml.EntitiesForbidden:
        raise FeedError(
            f"{url} was not read: the feed declares entities, which feeds are not allowed to.", url=url
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise FeedError(f"{url} was not read: the feed refers to outside files.", url=url) from None
    except (ParseError, ValueError):
        raise FeedError(f"{url} is not an RSS or Atom feed (it is not XML).", url=url) from None
    if root.tag.rsplit("}", 1)[-1] not in FEED_ROOTS:
        raise FeedError(f"{url} is not an RSS or Atom feed.", url=url)


def _parse(body: bytes, media_type: str, charset: str | None, base_url: str):
    import feedparser

    content_type = f"{media_type}; charset={charset}" if charset else media_type
    # A stream, never a string: feedparser fetches a string that looks like a URL itself.
    return feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type, "content-location": base_url},
        resolve_relative_uris=True,
        sanitize_html=True,
    )


def _item(entry) -> FeedItem | None:
    """The item, or None for one with neither id nor link (nothing to fetch or tell apart)."""
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip() or link
    if not guid:
        return None
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    return FeedItem(
        guid=guid,
        url=link,
        title=_plain(entry.get("title", "")),
        summary=_plain(entry.get("summary", "")),
        published=datetime.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None,
    )


def _plain(markup: str) -> str:
    """Text without its tags and entities, its spaces collapsed (summaries are HTML)."""
    return _SPACES.sub(" ", html.unescape(strip_tags(markup))).strip()
