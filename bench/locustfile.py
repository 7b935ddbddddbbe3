"""The load test's users (run by bench/load.sh: `make load`): analysts, API clients and editors at once.

- Analysts log in through the login form (CSRF token and all) and read pages: home, country,
  pair, visit, agreement, topic, the trade explorer and search.
- API clients read with a token: visits, agreements, topics, the timeline, trade flows,
  pair series and stated claims, lists and details.
- Editors write with a token, each on records of its own: they create visits, agreements,
  topics and trade claims, and move their visits and agreements along their status lines with
  If-Match (reading the record first, conditionally, as a careful client does); they also move
  visits through the status form on the visit page, logged in like an analyst.

Every request is checked: a page must answer 200 (a redirect to the login page is an error),
an API read 200 (304 to a conditional read), a write its documented success code. Anything
else (5xx, an unexpected 4xx, a connection failure) is a failure in locust's statistics. A 412
on a conditional write is counted apart (extra.json) and is not a failure: the answer is
right, the edit was stale. Each editor owns its records, so none is expected.

Reads LOAD_FIXTURE (written by `bench/load.py prepare`); LOAD_EXTRA_OUT names the file for the
extra counts; LOAD_USERS must equal locust's --users (load.sh passes both).
"""

import datetime
import itertools
import json
import os
import random
import re
import time
import uuid

import gevent.event
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.exceptions import ConnectionError as RequestConnectionError  # after locust: it patches ssl first

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())
EXTRA = {"conflicts_412": 0, "not_modified_304": 0, "keepalive_resets_retried": 0}

# The mix: every editor account (LOAD_EDITORS) is one user; of the other users, two analysts
# for every API client. Fixed counts, so each run has exactly this mix.
USERS = int(os.environ.get("LOAD_USERS", "50"))
EDITORS = len(FIXTURE["editors"])
ANALYSTS = (USERS - EDITORS) * 2 // 3
API_CLIENTS = USERS - EDITORS - ANALYSTS

_analyst_accounts = itertools.cycle(FIXTURE["analysts"])
_client_accounts = itertools.cycle(FIXTURE["api_clients"])
_editor_accounts = iter(FIXTURE["editors"])

VISIT_LINE = ["rumoured", "announced", "confirmed", "under_way", "completed"]
AGREEMENT_LINE = ["proposed", "drafting", "negotiating", "initialled", "signed", "ratified", "in_force"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOADED_VERSION = re.compile(r'name="loaded_version" value="(\d+)"')


# The measured period starts once every analyst and editor has logged in: dozens of logins in
# the same second are a storm no real morning sees (each is a deliberately slow password hash),
# so they are measured apart (EXTRA["login"]), then the statistics are reset, every user starts
# its tasks at once, and LOAD_DURATION seconds later the run ends.
SESSION_USERS = ANALYSTS + EDITORS
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
LOGIN_REQUESTS = [("GET", "login: form"), ("POST", "login: submit")]
all_logged_in = gevent.event.Event()
_arrived = 0
_started = time.monotonic()


def _logged_in(environment) -> None:
    """Called once per analyst and editor after its login (or failed login): the last one opens the gate."""
    global _arrived
    _arrived += 1
    if _arrived < SESSION_USERS:
        return
    stats = environment.stats
    logins = [stats.get(name, method) for method, name in LOGIN_REQUESTS]
    submit = logins[1]
    EXTRA["login"] = {
        "sessions": SESSION_USERS,
        "requests": sum(entry.num_requests for entry in logins),
        "failures": sum(entry.num_failures for entry in logins),
        "submit_p50": submit.get_response_time_percentile(0.5),
        "submit_p95": submit.get_response_time_percentile(0.95),
        "submit_max": submit.max_response_time,
        "seconds": round(time.monotonic() - _started, 1),
        "errors": [
            f"{error.method} {error.name}: {error.error} x {error.occurrences}" for error in stats.errors.values()
        ],
    }
    stats.reset_all()
    gevent.spawn_later(DURATION, environment.runner.quit)
    all_logged_in.set()


@events.quitting.add_listener
def _write_extra(environment, **kwargs):
    path = os.environ.get("LOAD_EXTRA_OUT")
    EXTRA["measured"] = all_logged_in.is_set()
    if path:
        with open(path, "w") as handle:
            json.dump(EXTRA, handle)


def expect(response, *statuses: int) -> bool:
    """Mark a catch_response request failed unless its status is one of these."""
    if response.status_code in statuses:
        response.success()
        return True
    detail = repr(response.error) if response.status_code == 0 else (response.text or "")[:300].replace("\n", " ")
    response.failure(f"HTTP {response.status_code} (expected {'/'.join(map(str, statuses))}): {detail}")
    return False


# gunicorn's gthread worker closes a kept-alive connection 2 s after its last response (its
# --keep-alive default), without looking whether a request has arrived on it meanwhile: that
# request is reset (ECONNRESET). Clients that reuse connections therefore close their own idle
# ones first, as a proxy in front of gunicorn must (its idle timeout below gunicorn's)...
CLIENT_IDLE_TIMEOUT = 1.0
# ...and, as browsers do, send a GET again, once, on a new connection when a reused one is
# reset before any answer. On a machine this loaded the worker's event loop can stall for
# over a second between noticing requests and closing idle connections, so it still happens
# now and then; EXTRA counts it, and a reset of a write or of a new connection is an error.


class ChanceryUser(HttpUser):
    abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        send = self.client.request
        last_response = [time.monotonic()]

        def request(method, *args, **kwargs):
            reused = time.monotonic() - last_response[0] <= CLIENT_IDLE_TIMEOUT
            if not reused:
                self.client.close()  # the session stays usable; its next request connects anew
            try:
                response = send(method, *args, **kwargs)
                if reused and method == "GET" and isinstance(response.error, RequestConnectionError):
                    EXTRA["keepalive_resets_retried"] += 1
                    self.client.close()
                    response = send(method, *args, **kwargs)
                return response
            finally:
                last_response[0] = time.monotonic()

        self.client.request = request

    def log_in(self, account: dict) -> None:
        """Log in, then wait until every other session user has too (see _logged_in)."""
        try:
            self._submit_login_form(account)
        finally:
            _logged_in(self.environment)
        all_logged_in.wait()

    def _submit_login_form(self, account: dict) -> None:
        """Through the real form: GET it for the CSRF token, POST the credentials, expect the redirect home."""
        with self.client.get(
            "/accounts/login/", name="login: form", catch_response=True, allow_redirects=False
        ) as response:
            if not expect(response, 200):
                raise StopUser()
            found = CSRF_INPUT.search(response.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": account["username"],
                "password": account["password"],
                "csrfmiddlewaretoken": found.group(1) if found else "",
                "next": "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login: submit",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", ""):
                response.success()
            else:
                # Never retried: retrying a wrong password is what django-axes locks out.
                response.failure(f"login refused: HTTP {response.status_code}")
                raise StopUser()

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            expect(response, 200)
            return response.text or ""


class Analyst(ChanceryUser):
    """Reads pages in a logged-in session, pausing to read each one."""

    fixed_count = ANALYSTS
    wait_time = between(1, 3)

    def on_start(self):
        self.log_in(next(_analyst_accounts))

    @task(2)
    def home(self):
        self.page("/", "page: home")

    @task(2)
    def country(self):
        self.page(f"/countries/{random.choice(FIXTURE['countries'])}/", "page: country")

    @task(3)
    def pair(self):
        self.page(f"/pairs/{random.choice(FIXTURE['pairs'])}/", "page: pair")

    @task(3)
    def visit(self):
        self.page(f"/visits/{random.choice(FIXTURE['visit_ids'])}/", "page: visit")

    @task(2)
    def agreement(self):
        self.page(f"/agreements/{random.choice(FIXTURE['agreement_ids'])}/", "page: agreement")

    @task(1)
    def topic(self):
        self.page(f"/topics/{random.choice(FIXTURE['topic_slugs'])}/", "page: topic")

    @task(2)
    def trade_explorer(self):
        a, b = random.choice(FIXTURE["pairs"]).split("-")
        self.page(
            f"/trade/?reporter={a}&partner={b}&flow={random.choice(['turnover', 'export', 'import'])}",
            "page: trade explorer",
        )

    @task(2)
    def search(self):
        self.page(f"/search/?q={random.choice(FIXTURE['search_terms'])}", "page: search")


class ApiClient(ChanceryUser):
    """A script or dashboard reading the API with a token."""

    fixed_count = API_CLIENTS
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {next(_client_accounts)['token']}"
        all_logged_in.wait()

    def read(self, path: str, name: str) -> dict:
        with self.client.get(path, name=name, catch_response=True) as response:
            if expect(response, 200):
                return response.json()
        return {}

    @task(3)
    def visits_of_a_pair(self):
        page = self.read(f"/api/v1/visits/?pair={random.choice(FIXTURE['pairs'])}", "api: visits list")
        # Now and then the next page, by its cursor, as a client paging through would.
        if page.get("next") and random.random() < 0.3:
            self.read(page["next"], "api: visits list, next page")

    @task(3)
    def visit(self):
        self.read(f"/api/v1/visits/{random.choice(FIXTURE['visit_ids'])}/", "api: visit")

    @task(1)
    def agreements(self):
        self.read("/api/v1/agreements/", "api: agreements list")

    @task(1)
    def agreement(self):
        self.read(f"/api/v1/agreements/{random.choice(FIXTURE['agreement_ids'])}/", "api: agreement")

    @task(1)
    def topics(self):
        self.read("/api/v1/topics/", "api: topics list")

    @task(3)
    def timeline(self):
        if random.random() < 0.7:
            self.read(f"/api/v1/timeline/?pair={random.choice(FIXTURE['pairs'])}", "api: timeline (pair)")
        else:
            self.read(f"/api/v1/timeline/?person={random.choice(FIXTURE['person_ids'])}", "api: timeline (person)")

    @task(3)
    def trade_flows(self):
        self.read(
            f"/api/v1/trade/flows/?reporter={random.choice(FIXTURE['reporters'])}&page_size=100",
            "api: trade flows list",
        )

    @task(2)
    def trade_series(self):
        a, b = random.choice(FIXTURE["pairs"]).split("-")
        self.read(f"/api/v1/trade/series/?a={a}&b={b}", "api: trade series")

    @task(1)
    def trade_claims(self):
        self.read(f"/api/v1/trade/claims/?pair={random.choice(FIXTURE['pairs'])}", "api: trade claims list")


class Editor(ChanceryUser):
    """Enters and moves records of its own, through the API and the visit page's status form."""

    fixed_count = EDITORS
    wait_time = between(2, 5)

    def on_start(self):
        account = next(_editor_accounts)
        self.name = account["username"]
        self.api_headers = {"Authorization": f"Token {account['token']}"}
        # Records this editor made: {"id", "status", "etag"} (etag None when not known).
        self.visits: list[dict] = []
        self.agreements: list[dict] = []
        self.log_in(account)

    def api(self, method: str, path: str, name: str, *, expected: tuple[int, ...], json_body=None, headers=None):
        """An API call with this editor's token; returns the response (or None on a failure)."""
        with self.client.request(
            method,
            path,
            name=name,
            json=json_body,
            headers={**self.api_headers, **(headers or {})},
            catch_response=True,
        ) as response:
            if response.status_code == 412 and 412 in expected:
                EXTRA["conflicts_412"] += 1
                response.success()
                return response
            if response.status_code == 304:
                EXTRA["not_modified_304"] += 1
            return response if expect(response, *expected) else None

    def _two_countries(self) -> tuple[str, str]:
        return tuple(random.sample(FIXTURE["countries"], 2))

    # --- visits -------------------------------------------------------------------------------
    @task(2)
    def create_visit(self):
        visitor, host = self._two_countries()
        start = datetime.date.today() + datetime.timedelta(days=random.randint(1, 365))
        response = self.api(
            "POST",
            "/api/v1/visits/",
            "write: create visit",
            expected=(201,),
            json_body={
                "visitor_country": visitor,
                "host_country": host,
                "start_date": start.isoformat(),
                "start_precision": "day",
                "kind": random.choice(["official", "working", "state"]),
                "level": random.choice(["head", "minister", "deputy"]),
                "status": "rumoured",
                "summary": f"Load test: {self.name} expects a visit from {visitor} to {host}.",
            },
        )
        if response is not None:
            self.visits.append(
                {"id": response.json()["id"], "status": "rumoured", "etag": response.headers.get("ETag")}
            )

    def _open_record(self, records: list[dict], line: list[str]):
        open_records = [r for r in records if r["status"] != line[-1]]
        if not open_records:
            return None
        return random.choice(open_records)

    def _refresh(self, kind: str, record: dict) -> bool:
        """Read the record as the client last saw it: 304 keeps our copy, 200 replaces it."""
        headers = {"If-None-Match": record["etag"]} if record["etag"] else {}
        response = self.api(
            "GET",
            f"/api/v1/{kind}/{record['id']}/",
            f"api: own {kind[:-1]} (conditional)",
            expected=(200, 304),
            headers=headers,
        )
        if response is None:
            return False
        if response.status_code == 200:
            record["status"] = response.json()["status"]
            record["etag"] = response.headers.get("ETag")
        return True

    def _transition(self, kind: str, records: list[dict], line: list[str]) -> None:
        record = self._open_record(records, line)
        if record is None or not self._refresh(kind, record):
            return
        to_status = line[line.index(record["status"]) + 1]
        response = self.api(
            "POST",
            f"/api/v1/{kind}/{record['id']}/transitions/",
            f"write: {kind[:-1]} transition (If-Match)",
            expected=(201, 412),
            headers={"If-Match": record["etag"]},
            json_body={
                "to_status": to_status,
                "on": datetime.date.today().isoformat(),
                "note": f"Load test: {self.name}.",
            },
        )
        if response is None:
            return
        if response.status_code == 412:
            record["etag"] = None  # read it again next time
            return
        record["status"] = response.json()["status"]
        record["etag"] = response.headers.get("ETag")

    @task(3)
    def visit_transition_api(self):
        self._transition("visits", self.visits, VISIT_LINE)

    @task(2)
    def visit_transition_page(self):
        """The visit page's status form, as an editor in a browser: load the page, post the form."""
        record = self._open_record(self.visits, VISIT_LINE)
        if record is None:
            return
        text = self.page(f"/visits/{record['id']}/", "page: own visit (editor)")
        version, csrf = LOADED_VERSION.search(text), CSRF_INPUT.search(text)
        if not (version and csrf):
            return
        to_status = VISIT_LINE[VISIT_LINE.index(record["status"]) + 1]
        with self.client.post(
            f"/edit/visit/{record['id']}/status/",
            data={
                "csrfmiddlewaretoken": csrf.group(1),
                "loaded_version": version.group(1),
                "to_status": to_status,
                "on": datetime.date.today().isoformat(),
                "precision": "day",
                "note": f"Load test: {self.name}, page form.",
            },
            headers={"Referer": f"{self.host}/visits/{record['id']}/"},
            name="write: visit status (page form)",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith(
                f"/visits/{record['id']}/"
            ):
                response.success()
                record["status"], record["etag"] = to_status, None
            elif response.status_code == 200 and "was changed by someone else" in response.text:
                EXTRA["conflicts_412"] += 1
                response.success()
                record["etag"] = None
            else:
                errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text or "", re.S)
                response.failure(
                    f"HTTP {response.status_code}: {' '.join(errors)[:300] or (response.text or '')[:300]}"
                )

    # --- agreements ---------------------------------------------------------------------------
    @task(1)
    def create_agreement(self):
        parties = list(self._two_countries())
        response = self.api(
            "POST",
            "/api/v1/agreements/",
            "write: create agreement",
            expected=(201,),
            json_body={
                "title": f"Load test agreement {uuid.uuid4().hex[:8]} ({self.name})",
                "kind": random.choice(["mou", "intergovernmental", "protocol"]),
                "status": "proposed",
                "parties": parties,
                "summary": "Made by the load test.",
                "proposed_on": datetime.date.today().isoformat(),
                "proposed_precision": "day",
            },
        )
        if response is not None:
            self.agreements.append(
                {"id": response.json()["id"], "status": "proposed", "etag": response.headers.get("ETag")}
            )

    @task(2)
    def agreement_transition_api(self):
        self._transition("agreements", self.agreements, AGREEMENT_LINE)

    # --- topics and claims --------------------------------------------------------------------
    @task(1)
    def create_and_move_topic(self):
        slug = f"load-{self.name}-{uuid.uuid4().hex[:10]}"
        response = self.api(
            "POST",
            "/api/v1/topics/",
            "write: create topic",
            expected=(201,),
            json_body={
                "slug": slug,
                "title": f"Load test topic {slug}",
                "description": "Made by the load test.",
                "countries": list(self._two_countries()),
                "status": "open",
            },
        )
        if response is None:
            return
        self.api(
            "PATCH",
            f"/api/v1/topics/{slug}/",
            "write: update topic (If-Match)",
            expected=(200, 412),
            headers={"If-Match": response.headers.get("ETag", "")},
            json_body={"status": "progressing"},
        )

    @task(2)
    def create_trade_claim(self):
        reporter, partner = random.choice(FIXTURE["pairs"]).split("-")
        self.api(
            "POST",
            "/api/v1/trade/claims/",
            "write: create trade claim",
            expected=(201,),
            json_body={
                "reporter": reporter,
                "partner": partner,
                "year": random.randint(2000, 2023),
                "metric": "turnover",
                "value": f"{random.uniform(1e8, 5e9):.2f}",
                "unit": "usd",
                "qualifier": random.choice(["about", "more_than", "exact"]),
                "note": f"Load test: {self.name}.",
            },
        )
