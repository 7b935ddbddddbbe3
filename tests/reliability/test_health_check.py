"""A persistent connection the server ended is caught by Django's health check (CONN_HEALTH_CHECKS,
set in the settings for PostgreSQL) and replaced, after a terminated session and after a
restart. Runs on a cluster of the test's own, so it runs the same in both passes of `make test`.
"""

import psycopg2
from django.db import connections
from django.db.utils import load_backend

from tests.services import ThrowawayPostgres
from tests.timelines.test_worker import wait_until


def wrapper_for(cluster: ThrowawayPostgres):
    settings = connections.create_connection("default").settings_dict.copy()
    settings.update(
        ENGINE="django.db.backends.postgresql",
        NAME="chancery",
        USER="postgres",
        PASSWORD="",
        HOST="127.0.0.1",
        PORT=str(cluster.port),
        CONN_MAX_AGE=60,
        CONN_HEALTH_CHECKS=True,
        OPTIONS={},
        TEST={},
    )
    backend = load_backend("django.db.backends.postgresql")
    return backend.DatabaseWrapper(settings, alias="health-check-test")


def last_query(cluster: ThrowawayPostgres, pid: int) -> str | None:
    with psycopg2.connect(cluster.url) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_live_connection_is_kept_and_a_dropped_one_is_caught_and_replaced(throwaway_postgres, django_db_blocker):
    db = wrapper_for(throwaway_postgres)
    with django_db_blocker.unblock():
        check(db, throwaway_postgres)


def check(db, throwaway_postgres):
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
            cursor.execute("SELECT 'marker'")

        assert db.is_usable()
        assert last_query(throwaway_postgres, pid) is not None  # the session is still there

        with psycopg2.connect(throwaway_postgres.url) as admin, admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_until(lambda: last_query(throwaway_postgres, pid) is None, timeout=10, what="the session to end")
        assert not db.is_usable()

        # What a request does first: the dead connection is closed and the next query reconnects.
        db.health_check_done = False
        db.close_if_health_check_failed()
        assert db.connection is None
        with db.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)

        throwaway_postgres.stop("fast")
        throwaway_postgres.start()
        assert not db.is_usable()
    finally:
        db.close()
