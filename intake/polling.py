"""Reports from outside: a URL an editor gives, and the feeds beat polls.

A feed is asked for with the ETag and Last-Modified of its last answer, so an unchanged feed
costs one short request. Each item new to the feed (by its GUID, else its link) is fetched
from its link (intake.fetch: bounded in size and time, public addresses only) and stored as
a report (intake.services.store_report), so the same wire story from three outlets' feeds is
one report with three publications. An item whose page cannot be fetched is read from the
feed's own summary when it has one; one without any date is left out (a report's relative
dates are read from its publication date, never from the day it was polled). Each item is
its own transaction: one that fails is counted with its reason and the others go in.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intake.feeds import FeedError, read_feed
from intake.fetch import FetchError, fetch_page
from intake.models import Feed, Publication, Report
from intake.services import store_report

logger = logging.getLogger(__name__)
ITEMS_PER_POLL = 50  # a feed lists its latest items; more than this at once is a backlog


def report_from_url(*, url: str, user, published_on: datetime.date | None = None, outlet_name: str = "", **extra):
    """(report, created) for the page at `url`: its article's text, title and date read from it.
    A date the editor gives wins over the page's; a page that gives none needs one."""
    try:
        page = fetch_page(url)
    except FetchError as exc:
        raise ValidationError({"url": str(exc)}) from None
    published = published_on or page.published
    if published is None:
        raise ValidationError({"published": "The page gives no publication date: give it."})
    return store_report(
        text=page.text,
        published_on=published,
        title=extra.pop("title", "") or page.title,
        outlet_name=outlet_name,
        url=page.final_url or url,
        language=extra.pop("language", "") or page.language or "en",
        origin=Report.Origin.FETCHED,
        user=user,
        **extra,
    )


def take_report(*, text: str, url: str, published_on: datetime.date | None, origin: str, **common):
    """(report, created) for a report as an editor or a client gives it: its text (with the
    link it was published at, if any), or only the link, to fetch. Pages and API alike."""
    if not text.strip() and url:
        return report_from_url(url=url, published_on=published_on, **common)
    if published_on is None:
        raise ValidationError({"published_on": "Give the day the report was published: its dates are read from it."})
    return store_report(text=text, published_on=published_on, url=url, origin=origin, **common)


@dataclass
class PollSummary:
    items: int = 0
    new: int = 0
    copies: int = 0
    seen: int = 0
    refused: list[str] = field(default_factory=list)
    not_modified: bool = False

    def __str__(self) -> str:
        if self.not_modified:
            return "Not modified since the last poll."
        text = (
            f"{self.items} items: {self.new} new reports, {self.copies} copies of reports read before, "
            f"{self.seen} seen before, {len(self.refused)} refused"
        )
        return text + (f" ({'; '.join(self.refused[:5])})" if self.refused else "") + "."


def due_feeds(now=None):
    """Active feeds whose interval has passed since their last poll (or never polled)."""
    now = now or timezone.now()
    return [
        feed
        for feed in Feed.objects.filter(active=True).order_by("polled_at", "id")
        if feed.polled_at is None or feed.polled_at + datetime.timedelta(minutes=feed.poll_minutes) <= now
    ]


def poll_feed(feed: Feed) -> PollSummary:
    """Read the feed's new items into reports; the summary is kept on the feed."""
    summary = PollSummary()
    try:
        result = read_feed(feed.url, etag=feed.etag or None, modified=feed.last_modified or None)
    except (FeedError, FetchError) as exc:
        _polled(feed, f"Failed: {exc}")
        raise
    if result.not_modified:
        summary.not_modified = True
        _polled(feed, str(summary))
        return summary
    for item in result.items[:ITEMS_PER_POLL]:
        summary.items += 1
        _read_item(feed, item, summary)
    feed.etag, feed.last_modified = (result.etag or "")[:300], (result.modified or "")[:100]
    if result.title and not feed.title:
        feed.title = result.title[:300]
    _polled(feed, str(summary))
    return summary


def _read_item(feed: Feed, item, summary: PollSummary) -> None:
    guid = (item.guid or item.url or "")[:500]
    seen = Publication.objects.filter(feed=feed, guid=guid).exists() if guid else False
    if seen or (item.url and Publication.objects.filter(url=item.url).exists()):
        summary.seen += 1
        return
    text, title, published, url = "", item.title or "", item.published, item.url or ""
    if url:
        try:
            page = fetch_page(url)
        except FetchError as exc:
            logger.info("feed %s: %s", feed.pk, exc)
        else:
            text, title, published, url = page.text, title or page.title, published or page.published, page.final_url
    text = text or item.summary or ""
    if published is None:
        summary.refused.append(f"{title or guid}: no publication date")
        return
    try:
        with transaction.atomic():
            _, created = store_report(
                text=text,
                published_on=published,
                title=title,
                outlet_name=feed.outlet_name,
                url=url,
                language=feed.language,
                origin=Report.Origin.FEED,
                feed=feed,
                guid=guid,
            )
    except ValidationError as exc:
        summary.refused.append(f"{title or guid}: {' '.join(exc.messages)}")
        return
    if created:
        summary.new += 1
    else:
        summary.copies += 1


def _polled(feed: Feed, result: str) -> None:
    feed.polled_at = timezone.now()
    feed.last_result = result[:5000]
    feed.save(update_fields=["polled_at", "last_result", "etag", "last_modified", "title", "updated_at"])
