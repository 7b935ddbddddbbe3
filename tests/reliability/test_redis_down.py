"""Redis stopped under the running app: pages, edits and the API keep working; timelines catch up later.

The app runs under gunicorn with REDIS_URL pointing at a redis-server of the test's own, so
everything production keeps in Redis goes down together: the Celery broker, the cache behind
cached role permissions and the API's rate limits. The database is the suite's test database,
which the gunicorn process shares with this one.
"""

import datetime

import pytest
import redis
import requests
from django.test import Client

from core.models import ApiToken
from tests.factories import UserFactory, VisitFactory
from tests.services import tail
from tests.timelines.test_worker import database_url
from timelines.models import TimelineEntry, TimelineOutbox
from timelines.refresh import refresh_units
from timelines.tasks import drain_timeline_outbox
from timelines.units import visit_unit
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Seconds: a request must not hang on the missing Redis (the broker gives up after 2 s), with
# room for a machine busy running the rest of the suite.
QUICK = 15.0
CONFIRMED_TITLE = "Confirmed: official visit from Russia to Tajikistan"


def test_with_redis_stopped_pages_edits_and_api_work_and_the_timeline_catches_up_once_it_is_back(
    private_redis, gunicorn
):
    editor = UserFactory(username="redis-down-editor", role="editor")
    visit = VisitFactory(status=Visit.Status.ANNOUNCED, visitor=None)
    refresh_units({visit_unit(visit.pk)})
    django_client = Client()
    django_client.force_login(editor)
    _, token = ApiToken.objects.create(user=editor, name="reliability test")
    app = gunicorn(database=database_url(), redis=private_redis.url)

    browser = requests.Session()
    browser.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    assert browser.get(f"{app.url}/visits/{visit.pk}/", timeout=QUICK).status_code == 200  # and sets the CSRF cookie
    assert api.get(f"{app.url}/api/v1/visits/{visit.pk}/", timeout=QUICK).status_code == 200
    cache = redis.Redis.from_url(private_redis.url)
    assert cache.dbsize() > 0, "the app does not keep its cache in the test's Redis: stopping it would prove nothing"

    private_redis.stop()

    for path in ("/", "/pairs/RUS-TJK/", f"/visits/{visit.pk}/", "/visits/"):
        response = browser.get(f"{app.url}{path}", timeout=QUICK)
        assert response.status_code == 200, f"{path}: {response.status_code}\n{tail(app.log)}"
    response = api.get(f"{app.url}/api/v1/visits/{visit.pk}/", timeout=QUICK)
    assert response.status_code == 200, f"{response.status_code} {response.text[:500]}\n{tail(app.log)}"

    edit = browser.post(
        f"{app.url}/edit/visit/{visit.pk}/status/",
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "loaded_version": visit.version,
            "to_status": "confirmed",
            "on": "2017-02-20",
            "precision": "day",
            "note": "Confirmed while Redis was down.",
        },
        allow_redirects=False,
        timeout=QUICK,
    )
    assert (edit.status_code, edit.headers.get("Location")) == (302, f"/visits/{visit.pk}/"), (
        f"{edit.status_code}\n{tail(app.log)}"
    )
    created = api.post(
        f"{app.url}/api/v1/visits/",
        json={
            "visitor_country": "RUS",
            "host_country": "TJK",
            "locale": "Dushanbe",
            "start_date": "2017-03-10",
            "start_precision": "day",
            "kind": "working",
            "level": "minister",
            "status": "rumoured",
        },
        timeout=QUICK,
    )
    assert created.status_code == 201, f"{created.status_code} {created.text[:500]}\n{tail(app.log)}"

    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED
    assert list(visit.status_changes.values_list("to_status", flat=True).order_by("id"))[-1] == "confirmed"
    waiting = {unit for row in TimelineOutbox.objects.all() for unit in row.units}
    assert {visit_unit(visit.pk), visit_unit(created.json()["id"])} <= waiting
    assert not TimelineEntry.objects.filter(unit=visit_unit(visit.pk), title=CONFIRMED_TITLE).exists()

    private_redis.start()
    drained = drain_timeline_outbox.apply().get()  # what beat sends every minute, run here

    assert drained >= 1
    assert not TimelineOutbox.objects.exists()
    confirmed = TimelineEntry.objects.get(unit=visit_unit(visit.pk), title=CONFIRMED_TITLE)
    assert confirmed.date == datetime.date(2017, 2, 20)
    assert CONFIRMED_TITLE in browser.get(f"{app.url}/pairs/RUS-TJK/", timeout=QUICK).text
    assert api.get(f"{app.url}/api/v1/visits/{visit.pk}/", timeout=QUICK).status_code == 200
    assert cache.dbsize() > 0, "the app did not go back to its cache once Redis was back"
