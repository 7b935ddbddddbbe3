"""PostgreSQL restarted under load: clean 503s while it is down, 200s soon after, no write lost.

The app runs under gunicorn, as the Makefile's GUNICORN line runs it, against a PostgreSQL
cluster of the test's own (so it runs the same in both passes of `make test`). Editors' API
writes and analysts' reads keep going while PostgreSQL is stopped for OUTAGE seconds and
started again: `pg_ctl restart -m fast` with a gap, so that requests surely arrive while
nothing listens and the outage window is wide enough to observe.

What may fail, and when: only requests that ended after PostgreSQL began stopping and began
before it was accepting connections again, each a 503 with Retry-After (the API's JSON error
shape for the API, a short page for pages). Nothing else: no 500, no dropped connection
(gunicorn itself stays up and is never restarted). Every write answered 201 is in the
database afterwards; a write that failed is either absent or whole (a commit can succeed just
before the connection drops), never stored twice or without its status history.
"""

import itertools
import threading
import time
from dataclasses import dataclass

import psycopg2
import requests

from tests.reliability.conftest import app_environment, manage
from tests.timelines.test_worker import wait_until

WRITERS = 4  # editors creating visits through the API
API_READERS = 1  # clients listing visits through the API
PAGE_READERS = 1  # analysts (here the editor) reading the visit list page
OUTAGE = 2.0  # seconds PostgreSQL stays stopped
RECOVERY_LIMIT = 10.0  # seconds from PostgreSQL accepting connections to the app answering 200
AFTER_RECOVERY = 2.0  # seconds the clients keep going once the app answers again
PAUSE_AFTER_FAILURE = 0.05  # clients retry, but do not spin
TAG = "reliability-pg-restart"
USERNAME, PASSWORD = "restart-editor", "Ayni airfield lease 2017"


@dataclass
class Outcome:
    kind: str  # "write", "api-read" or "page-read"
    tag: str  # the written visit's summary
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    body: object = None
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Clients:
    """Threads writing visits and reading through the API and the pages, until stopped."""

    def __init__(self, base_url: str, *, token: str, page_session: requests.Session):
        self.base_url = base_url
        self.token = token
        self.page_session = page_session
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.numbers = itertools.count()
        self.threads = [threading.Thread(target=self.write_loop) for _ in range(WRITERS)]
        self.threads += [threading.Thread(target=self.api_read_loop) for _ in range(API_READERS)]
        self.threads += [threading.Thread(target=self.page_read_loop) for _ in range(PAGE_READERS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def api_session(self) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        return session

    def write_loop(self):
        session = self.api_session()
        while not self.stopping.is_set():
            tag = f"{TAG}-{next(self.numbers)}"
            body = {
                "visitor_country": "RUS",
                "host_country": "TJK",
                "locale": "Dushanbe",
                "start_date": "2017-02-28",
                "start_precision": "day",
                "kind": "official",
                "level": "head",
                "status": "announced",
                "summary": tag,
            }
            self.call("write", tag, lambda: session.post(f"{self.base_url}/api/v1/visits/", json=body, timeout=15))

    def api_read_loop(self):
        session = self.api_session()
        while not self.stopping.is_set():
            self.call(
                "api-read",
                "",
                lambda: session.get(f"{self.base_url}/api/v1/visits/?pair=RUS-TJK&page_size=20", timeout=15),
            )

    def page_read_loop(self):
        while not self.stopping.is_set():
            self.call(
                "page-read",
                "",
                lambda: self.page_session.get(f"{self.base_url}/visits/", allow_redirects=False, timeout=15),
            )

    def call(self, kind: str, tag: str, send):
        started = time.monotonic()
        try:
            response = send()
        except requests.RequestException as exc:
            outcome = Outcome(kind, tag, started, time.monotonic(), None, repr(exc))
        else:
            try:
                body = response.json()
            except ValueError:
                body = response.text[:2000]
            outcome = Outcome(
                kind, tag, started, time.monotonic(), response.status_code, body, response.headers.get("Retry-After")
            )
        with self.lock:
            self.outcomes.append(outcome)
        if not outcome.ok:
            time.sleep(PAUSE_AFTER_FAILURE)

    def snapshot(self) -> list[Outcome]:
        with self.lock:
            return list(self.outcomes)


def logged_in(base_url: str) -> requests.Session:
    """A browser session of the editor, logged in through the login form."""
    session = requests.Session()
    assert session.get(f"{base_url}/accounts/login/", timeout=15).status_code == 200
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=15,
    )
    assert response.status_code == 302, response.text[:2000]
    return session


def stored_visits(database_url: str) -> dict[str, tuple[int, int, int]]:
    """Each tagged visit in the database: its id, its status rows and its audit-history rows."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT v.summary, v.id,
                   (SELECT count(*) FROM visits_visitstatuschange c WHERE c.visit_id = v.id),
                   (SELECT count(*) FROM visits_historicalvisit h WHERE h.id = v.id)
            FROM visits_visit v WHERE v.summary LIKE %s
            """,
            [f"{TAG}-%"],
        )
        rows = cursor.fetchall()
    summaries = [row[0] for row in rows]
    assert len(summaries) == len(set(summaries)), "a write was stored twice"
    return {summary: (visit_id, changes, history) for summary, visit_id, changes, history in rows}


def health(base_url: str) -> int | None:
    try:
        return requests.get(f"{base_url}/health/", timeout=5).status_code
    except requests.RequestException:
        return None


def test_postgresql_restarted_under_load_gives_clean_503s_then_200s_within_seconds_and_loses_no_write(
    throwaway_postgres, private_redis, gunicorn
):
    *_, token = manage(
        ["migrate", "--noinput"],
        ["create_user", USERNAME, "--role", "editor", "--password-stdin"],
        ["create_api_token", USERNAME, "--name", "reliability test"],
        env=app_environment(database=throwaway_postgres.url, redis=private_redis.url),
        stdin=f"{PASSWORD}\n",
    )
    app = gunicorn(database=throwaway_postgres.url, redis=private_redis.url)

    with Clients(app.url, token=token.strip(), page_session=logged_in(app.url)) as clients:
        wait_until(
            lambda: sum(o.ok and o.kind == "write" for o in clients.snapshot()) >= 5 * WRITERS,
            timeout=30,
            what="writes before the restart",
        )
        stopping = time.monotonic()
        throwaway_postgres.stop("fast")
        time.sleep(OUTAGE)
        throwaway_postgres.start()
        back = time.monotonic()
        wait_until(
            lambda: health(app.url) == 200,
            timeout=RECOVERY_LIMIT,
            what="the app answering 200 after the restart",
            interval=0.05,
        )
        recovered = time.monotonic()
        time.sleep(AFTER_RECOVERY)

    outcomes = clients.outcomes
    failures = [o for o in outcomes if not o.ok]
    writes = [o for o in outcomes if o.kind == "write"]
    stored = stored_visits(throwaway_postgres.url)
    in_flight = [o for o in writes if o.started < stopping < o.ended]
    print(
        f"\nPostgreSQL restart: {len(outcomes)} requests, {len(writes)} writes ({sum(o.ok for o in writes)} succeeded, "
        f"{len(in_flight)} in flight when it stopped, {len(stored)} stored), {len(failures)} failed during the outage; "
        f"first 200 {recovered - back:.2f}s after PostgreSQL was back"
    )

    assert recovered - back < RECOVERY_LIMIT
    assert any(o.started < back and o.ended > stopping for o in failures), (
        "no request saw the outage: it proves nothing"
    )
    for failure in failures:
        assert failure.ended > stopping and failure.started < back, f"{failure} failed outside the outage window"
        assert (failure.status, failure.retry_after) == (503, "5"), failure
        if failure.kind == "page-read":
            assert "Chancery is briefly unavailable" in failure.body, failure.body
        else:
            assert failure.body["error"]["code"] == "database_unavailable", failure.body
    for kind in ("write", "api-read", "page-read"):
        assert any(o.ok and o.kind == kind and o.started > recovered for o in outcomes), (
            f"no {kind} succeeded after recovery"
        )
    assert any(not o.ok and o.kind == "page-read" for o in outcomes), "no page was asked for while PostgreSQL was down"

    succeeded = {o.tag: o.body["id"] for o in writes if o.ok}
    assert {tag: stored[tag][0] for tag in succeeded if tag in stored} == succeeded, (
        "a write that returned 201 is missing"
    )
    assert set(stored) <= {o.tag for o in writes}
    # A write that failed is either absent or whole (committed before its response failed).
    assert {tag: (changes, history >= 1) for tag, (_, changes, history) in stored.items()} == dict.fromkeys(
        stored, (1, True)
    )
