"""The names matcher, built from the directory once per process and built again when the
directory changes.

Every save or delete of a country, person, alias or post, once committed, moves a version kept
in the shared cache (Redis, so every web and worker process sees it); a process compares it
with the version its matcher was built at before it reads a report. Without a reachable cache a
process keeps the matcher it has (logged) rather than refuse to read.
"""

import logging
import threading
import uuid

from django.core.cache import cache

from core.on_commit import Pending, pending_on_commit
from directory.selectors import names_for_matching

logger = logging.getLogger(__name__)
VERSION_KEY = "intake:directory-version"

_lock = threading.Lock()
_built: dict = {}


class _NewVersion(Pending):
    """One transaction's "the directory changed", run once when it commits."""

    def run(self):
        _new_version()


def directory_changed(sender=None, using=None, **kwargs) -> None:
    """A receiver of the directory's saves and deletes: one new version per transaction, once
    it commits (none if it rolls back)."""
    if pending_on_commit("intake_new_version", _NewVersion, using=using) is None:
        _new_version()


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:
        logger.error("could not mark the directory changed: intake reads with older names", exc_info=True)


def _version() -> str | None:
    try:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        return cache.get(VERSION_KEY)
    except Exception:
        logger.warning("directory version unreadable: intake keeps the names it has", exc_info=True)
        return None


def current() -> tuple:
    """The matcher and the posts (intake.extract.names), as the directory stands now."""
    # Imported here: spaCy takes a second and tens of MB to import, which every process that
    # loads the app (web, worker, each manage.py command) would pay at start-up for nothing.
    from intake.extract.names import NameMatcher, Post

    version = _version()
    with _lock:
        if _built and (version is None or _built["version"] == version):
            return _built["matcher"], _built["posts"]
        rows = names_for_matching()
        matcher = NameMatcher.build(rows["people"], rows["aliases"], rows["countries"])
        posts = [
            Post(str(person), name, title, country, start, end)
            for person, name, title, country, start, end in rows["posts"]
        ]
        _built.update(version=version, matcher=matcher, posts=posts)
        return matcher, posts
