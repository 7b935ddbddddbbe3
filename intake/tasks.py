"""Celery tasks of intake: beat asks every five minutes which feeds are due (each feed's own
interval, `Feed.poll_minutes`, is edited in the admin) and each due feed is polled as a task
of its own, so one slow or broken feed holds up no other."""

import logging

from celery import shared_task
from django.core.cache import cache

from intake.feeds import FeedError
from intake.fetch import FetchError
from intake.models import Feed
from intake.polling import due_feeds, poll_feed

logger = logging.getLogger(__name__)
LOCK_SECONDS = 15 * 60  # longer than any poll (ITEMS_PER_POLL fetches, each bounded in time)


@shared_task
def poll_due_feeds() -> int:
    due = due_feeds()
    for feed in due:
        poll_feed_task.delay(feed.pk)
    return len(due)


@shared_task
def poll_feed_task(feed_id: int) -> str:
    """Poll one feed, once at a time: a poll still running when beat asks again is left alone."""
    lock = f"intake:poll-feed:{feed_id}"
    if not cache.add(lock, "1", LOCK_SECONDS):
        return "already being polled"
    try:
        feed = Feed.objects.filter(pk=feed_id, active=True).first()
        if feed is None:
            return "no such active feed"
        try:
            return str(poll_feed(feed))
        except (FeedError, FetchError) as exc:
            logger.warning("feed %s: %s", feed_id, exc)
            return f"Failed: {exc}"
    finally:
        cache.delete(lock)
