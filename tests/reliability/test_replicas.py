"""Reads from a real streaming replica (issue 20, item 4; core/replicas.py).

A primary of the test's own and a standby made from it with pg_basebackup, streaming on another
loopback port; the app under gunicorn (the Makefile's line) with DATABASE_URL on the primary and
DATABASE_REPLICA_URLS on the standby. Pausing the standby's replay makes it visibly behind, so
which database answered a read can be seen in the answer: a person written on the primary is
not yet on the replica.
"""

import time

import psycopg2
import requests

from tests.reliability.conftest import Gunicorn, app_environment, manage
from tests.services import ThrowawayPostgres
from tests.timelines.test_worker import wait_until

PASSWORD = "Rogun dam second turbine"
WINDOW = 2  # READ_YOUR_WRITES_SECONDS for the test


def query(url: str, sql: str, params=()):
    connection = psycopg2.connect(url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def caught_up(primary: ThrowawayPostgres, standby: ThrowawayPostgres) -> bool:
    (written,) = query(primary.url, "SELECT pg_current_wal_lsn()")[0]
    return query(standby.url, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])[0][0]


def client(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return session


def test_reads_come_from_the_replica_a_writer_reads_its_writes_and_a_stopped_replica_sends_reads_back(
    throwaway_postgres, private_redis, tmp_path
):
    primary = throwaway_postgres
    environment = app_environment(database=primary.url, redis=private_redis.url)
    *_, writer_token, reader_token = manage(
        ["migrate", "--noinput"],
        ["create_user", "replica-writer", "--role", "editor", "--password-stdin"],
        ["create_user", "replica-reader", "--role", "analyst", "--password-stdin"],
        ["create_api_token", "replica-writer", "--name", "replica test"],
        ["create_api_token", "replica-reader", "--name", "replica test"],
        env=environment,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    standby = ThrowawayPostgres()
    try:
        standby.create_standby_of(primary)
        assert query(standby.url, "SELECT pg_is_in_recovery()")[0][0] is True
        wait_until(lambda: caught_up(primary, standby), timeout=30, what="the standby replaying the migrations")
        app = Gunicorn(
            tmp_path / "gunicorn.log",
            {**environment, "DATABASE_REPLICA_URLS": standby.url, "READ_YOUR_WRITES_SECONDS": str(WINDOW)},
        )
        app.start()
        writer, reader = client(writer_token.strip()), client(reader_token.strip())
        people = f"{app.url}/api/v1/people/"
        try:
            # The replica stops replaying: what the primary gets from now on, it does not have.
            query(standby.url, "SELECT pg_wal_replay_pause()")
            created = writer.post(people, json={"name": "Replica Qodirov"}, timeout=15)
            assert created.status_code == 201, created.text[:500]
            person = f"{people}{created.json()['id']}/"

            # On the primary at once; the writer's next reads are the primary's; another
            # client's are the replica's, which has not replayed the write yet.
            assert query(primary.url, "SELECT name FROM directory_person WHERE id = %s", [created.json()["id"]])
            assert not query(standby.url, "SELECT name FROM directory_person WHERE id = %s", [created.json()["id"]])
            assert [writer.get(person, timeout=15).status_code for _ in range(3)] == [200, 200, 200]
            assert [reader.get(person, timeout=15).status_code for _ in range(3)] == [404, 404, 404]

            # Replayed, the replica serves it to everyone.
            query(standby.url, "SELECT pg_wal_replay_resume()")
            wait_until(lambda: reader.get(person, timeout=15).status_code == 200, timeout=30, what="replication")

            # The writer's window ends: its reads are the replica's again, behind a change
            # made on the primary behind the app's back while replay is paused.
            time.sleep(WINDOW + 0.5)
            query(standby.url, "SELECT pg_wal_replay_pause()")
            query(primary.url, "UPDATE directory_person SET name = 'Renamed' WHERE id = %s", [created.json()["id"]])
            assert writer.get(person, timeout=15).json()["name"] == "Replica Qodirov"
            # Who the client is comes from the primary: a token issued now works at once.
            (fresh_token,) = manage(["create_api_token", "replica-reader", "--name", "fresh"], env=environment)
            fresh = client(fresh_token.strip()).get(person, timeout=15)
            assert (fresh.status_code, fresh.json()["name"]) == (200, "Replica Qodirov")
            query(standby.url, "SELECT pg_wal_replay_resume()")
            wait_until(lambda: caught_up(primary, standby), timeout=30, what="the standby replaying the update")

            # The replica goes away: the primary serves, within a request or two per process.
            standby.stop("immediate")
            answers = [reader.get(person, timeout=15) for _ in range(12)]
            statuses = [answer.status_code for answer in answers]
            assert statuses[2:] == [200] * 10 and statuses.count(200) >= 10, statuses
            assert answers[-1].json()["name"] == "Renamed"
            # Writes never needed it.
            assert writer.post(people, json={"name": "After the replica"}, timeout=15).status_code == 201
        finally:
            app.stop()
    finally:
        standby.destroy()
