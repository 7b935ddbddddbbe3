"""A report's page fetched from its URL, and its article's text, title and date read from it.

An editor pastes a URL; the server fetches it. That makes the server a client anyone with an
editor's account can point anywhere, so every fetch is bounded (intake.safe_http):

- only http and https, and only hosts whose every address is public (no loopback, private,
  link-local, multicast or reserved address, nor an IPv6 form of one), checked again on each
  redirect (at most five), and the connection made to the very address that was checked, so a
  name that resolves to a public address for the check and a private one for the connection
  (DNS rebinding) reaches nothing; INTAKE_FETCH_ALLOW_HOSTS lets named host:port pairs through
  (the tests' local server);
- connect and read timeouts and a deadline for the whole fetch (INTAKE_FETCH_*_TIMEOUT);
- at most INTAKE_FETCH_MAX_BYTES read, a larger Content-Length refused before reading;
- only the document types asked for (a page: HTML, XHTML or plain text).

Each failure is a FetchError whose message names the URL and says what went wrong as an editor
would read it ("https://... could not be fetched: the site answered 500 (Internal Server Error)").

The article is read with trafilatura from the HTML fetched here (trafilatura never fetches):
its main text without navigation, scripts or footers, its title and its publication date.
"""

import datetime
import re
from dataclasses import dataclass

from core.dates import DatePrecision
from intake.safe_http import Fetched, FetchError, fetch_bytes

__all__ = ["PAGE_TYPES", "FetchError", "Fetched", "Page", "article_from_html", "fetch_bytes", "fetch_page"]

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A plain-text page's title is its first line, if it is short enough to be one.
MAX_TITLE_CHARS = 300
_LANG_ATTRIBUTE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """A fetched report: where it was asked for and where it ended up, and what it says.

    `published` is the date the page gives for its publication (its metadata, else its visible
    dates), None when it gives none; `published_precision` is then None too, else "day"
    (core.dates.DatePrecision). `language` is the page's declared language ("en", "fr-CA"),
    None when it declares none. `content_type` is the media type the site sent ("text/html").
    """

    url: str
    final_url: str
    title: str
    text: str
    published: datetime.date | None
    published_precision: str | None
    language: str | None
    content_type: str


@dataclass(frozen=True)
class Article:
    """What trafilatura reads from a page's HTML (shared with uploads of .html files)."""

    title: str
    text: str
    published: datetime.date | None
    language: str | None


def fetch_page(url: str) -> Page:
    """The page at `url` with its article's text, title and date, or a FetchError saying why not."""
    fetched = fetch_bytes(url, media_types=PAGE_TYPES, what="a web page or plain text")
    if fetched.media_type in HTML_TYPES:
        article = article_from_html(fetched.body, url=fetched.final_url, charset=fetched.charset)
        if article is None:
            raise FetchError(f"{url} was fetched but no article text was found on the page.", url=url)
    else:
        article = _article_from_plain_text(fetched)
        if article is None:
            raise FetchError(f"{url} was fetched but the page is empty.", url=url)
    return Page(
        url=url,
        final_url=fetched.final_url,
        title=article.title,
        text=article.text,
        published=article.published,
        published_precision=DatePrecision.DAY.value if article.published else None,
        language=article.language or fetched.content_language,
        content_type=fetched.media_type,
    )


def article_from_html(html: bytes | str, *, url: str | None = None, charset: str | None = None) -> Article | None:
    """The article in `html` (its text, title, date and language), or None if it has no text.

    Bytes without a known charset are decoded by trafilatura, which reads the page's own
    <meta charset> and guesses otherwise; a charset the server named is used as it is.
    """
    import trafilatura

    if isinstance(html, bytes) and charset:
        html = html.decode(_codec(charset), errors="replace")
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=False,
        # The date the page declares or shows as its own, not any date its text mentions:
        # a report's dates are read against it, so a wrong one is worse than none.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        return None
    return Article(
        title=(document.title or "").strip(),
        text=document.text.strip(),
        published=_date(document.date),
        language=document.language or _declared_language(html),
    )


def _article_from_plain_text(fetched: Fetched) -> Article | None:
    if b"\x00" in fetched.body:
        raise FetchError(f"{fetched.url} says it is plain text but holds binary data.", url=fetched.url)
    text = fetched.body.decode(_codec(fetched.charset or "utf-8"), errors="replace").removeprefix("\ufeff").strip()
    if not text:
        return None
    first_line = text.split("\n", 1)[0].strip()
    title = first_line if len(first_line) <= MAX_TITLE_CHARS else ""
    return Article(title=title, text=text, published=None, language=None)


def _codec(charset: str) -> str:
    """A Python codec for `charset`; an unknown one is read as UTF-8 rather than refused."""
    import codecs

    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _declared_language(html: bytes | str) -> str | None:
    head = html[:4096] if isinstance(html, bytes) else html[:4096].encode("utf-8", errors="ignore")
    match = _LANG_ATTRIBUTE.search(head)
    return match.group(1).decode("ascii") if match else None
