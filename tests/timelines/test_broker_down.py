"""With Redis down an edit still saves; its refresh waits in the outbox and catches up later."""

import socket
import subprocess
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse

from tests.timelines.test_worker import wait_until
from timelines.models import TimelineEntry, TimelineOutbox
from timelines.tasks import drain_timeline_outbox
from timelines.units import visit_unit
from visits.models import Visit


class RedisServer:
    """A private redis-server on a free loopback port, to stop and start at will."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: self._answers(client), timeout=10, what="the private redis-server")

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def use_broker(app, url: str) -> None:
    """Point the Celery app at another broker (its connection pools are per broker URL)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(celery_app, tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it; set it to run this test alone.")
    server = RedisServer(tmp_path)
    server.start()
    previous = celery_app.conf.broker_url
    use_broker(celery_app, server.url)
    yield server
    use_broker(celery_app, previous)
    server.stop()


@pytest.mark.celery_worker
def test_with_redis_stopped_an_edit_still_saves_and_the_timeline_catches_up_once_redis_is_back(
    private_broker, transactional_db, django_db_serialized_rollback, editor_client, celery_app
):
    private_broker.stop()

    started = time.monotonic()
    response = editor_client.post(
        reverse("admin:visits_visit_add"),
        {
            "visitor_country": "RUS",
            "host_country": "KGZ",
            "locale": "Bishkek",
            "start_date": "2017-02-28",
            "start_precision": "day",
            "end_precision": "day",
            "kind": "official",
            "level": "head",
            "status": "announced",
            **{
                f"{prefix}-{field}": value
                for prefix in (
                    "participants",
                    "agenda_items",
                    "status_changes",
                    "directory-citation-content_type-object_id",
                )
                for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert time.monotonic() - started < 10, "the request waited too long for the broker"
    visit = Visit.objects.get(host_country="KGZ")
    assert any(visit_unit(visit.pk) in row.units for row in TimelineOutbox.objects.all())
    assert not TimelineEntry.objects.filter(unit=visit_unit(visit.pk)).exists()

    private_broker.start()
    use_broker(celery_app, private_broker.url)
    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        drain_timeline_outbox.delay()  # what beat sends every minute
        wait_until(lambda: not TimelineOutbox.objects.exists(), timeout=20, what="the outbox to drain")

    assert [e.title for e in TimelineEntry.objects.filter(unit=visit_unit(visit.pk)).order_by("kind")] == [
        "Official visit from Russia to Kyrgyzstan, Bishkek",
        "Announced: official visit from Russia to Kyrgyzstan",
    ]
