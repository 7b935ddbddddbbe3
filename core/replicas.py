"""Reads from PostgreSQL streaming replicas, writes and read-your-own-writes on the primary.

With DATABASE_REPLICA_URLS set, settings adds the aliases `replica1`, `replica2`, ... and this
router. A query reads from a replica only when all of these hold:

- it runs inside a request (ReplicaMiddleware marks the request); Celery workers, beat and
  management commands read and write the primary;
- the request is a GET, HEAD or OPTIONS: a request that writes reads what it writes;
- the client has not written in the last READ_YOUR_WRITES_SECONDS: after a successful write,
  the middleware notes the client (its session cookie, its API token) in the cache, shared by
  every web process through Redis, so the page or answer after an editor's own edit shows it
  although a replica may lag a little behind;
- no transaction is open on the primary (a read inside one must see its writes);
- it does not read who the client is (sessions, API tokens, users: PRIMARY_MODELS), so a
  sign-in, a new token or a changed role works at once however far a replica lags;
- a replica is reachable: one that refuses a connection is left alone for
  REPLICA_RETRY_SECONDS and the primary serves meanwhile, from that request on.

Replicas are chosen in turn. Writes always go to the primary, and migrations run there only
(a replica is a copy of it). tests/reliability/test_replicas.py runs it against a real
streaming replica.
"""

import contextvars
import hashlib
import itertools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_MODELS = frozenset({"sessions.session", "chancery.apitoken", "auth.user"})
# Whether the current request may read from a replica; outside requests it may not.
_may_use_replica = contextvars.ContextVar("chancery_may_use_replica", default=False)
_turn = itertools.count()
_down_until: dict[str, float] = {}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            not _may_use_replica.get()
            or model._meta.label_lower in PRIMARY_MODELS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return _reachable_replica() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _reachable_replica() -> str | None:
    """A replica that answers, the next in turn; None when none does."""
    replicas = settings.DATABASE_REPLICAS
    now = time.monotonic()
    start = next(_turn)
    for offset in range(len(replicas)):
        alias = replicas[(start + offset) % len(replicas)]
        if _down_until.get(alias, 0) > now:
            continue
        connection = connections[alias]
        try:
            # A kept connection is checked once per request (CONN_HEALTH_CHECKS), here rather
            # than by the query, so a replica that went away is found before anything fails.
            connection.close_if_health_check_failed()
            if connection.connection is None:
                connection.ensure_connection()
        except OperationalError:
            _down_until[alias] = now + settings.REPLICA_RETRY_SECONDS
            logger.warning(
                "replica %s is out of reach; reading from the primary for %s s", alias, settings.REPLICA_RETRY_SECONDS
            )
            continue
        return alias
    return None


def _client_keys(request, response=None) -> list[str]:
    """Who the client is, as the cache notes it: its session and its API token (hashed)."""
    keys = []
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if response is not None and settings.SESSION_COOKIE_NAME in response.cookies:
        session = response.cookies[settings.SESSION_COOKIE_NAME].value or session  # a sign-in's new session
    if session:
        keys.append("session:" + session)
    authorization = request.headers.get("Authorization", "")
    if authorization:
        keys.append("authorization:" + authorization)
    return ["replicas:wrote:" + hashlib.sha256(key.encode()).hexdigest()[:32] for key in keys]


def _wrote_lately(request) -> bool:
    keys = _client_keys(request)
    try:
        return bool(keys) and bool(cache.get_many(keys))
    except Exception:  # the cache out of reach: the primary, to be safe
        logger.warning("read-your-writes not checked: the cache cannot be reached", exc_info=True)
        return True


class ReplicaMiddleware:
    """Marks a request that may read from a replica, and notes a client that just wrote."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(settings.DATABASE_REPLICAS)

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        reading = request.method in SAFE_METHODS
        token = _may_use_replica.set(reading and not _wrote_lately(request))
        try:
            response = self.get_response(request)
        finally:
            _may_use_replica.reset(token)
        if not reading and response.status_code < 400 and settings.READ_YOUR_WRITES_SECONDS:
            keys = _client_keys(request, response)
            try:
                cache.set_many(dict.fromkeys(keys, True), timeout=settings.READ_YOUR_WRITES_SECONDS)
            except Exception:
                logger.warning("read-your-writes not noted: the cache cannot be reached", exc_info=True)
        return response
