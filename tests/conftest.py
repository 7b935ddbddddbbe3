import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from tests.data import make_demo, make_imported
from tests.factories import UserFactory
from visits.models import Visit

# Fails the run if anything reads beside the repository (tests/outside_reads.py).
pytest_plugins = ["tests.outside_reads"]


def pytest_configure(config):
    # The production hasher is slow on purpose; tests create many users (Django's advice).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client loads the middleware afresh, and WhiteNoise indexes every static file
    # (the finders' thousands, in development) when it loads: half a second per test. Looking
    # files up when they are asked for, as WhiteNoise does under DEBUG, serves the same files.
    settings.WHITENOISE_AUTOREFRESH = True


def shared_by_the_module(django_db_blocker, make):
    """For a module-scoped fixture: runs make() once for the module's tests; undone after them.

    Django's TestCase.setUpTestData, for pytest: what make() writes stays in a transaction held
    open until the module's last test, then rolled back. Each test still runs in a savepoint of
    its own (pytest-django's `db` nests in the open transaction), so what one test changes is
    gone before the next. Only for modules whose every test uses the data, none of them
    transactional (a flush or a live server would not see it). Use with `yield from`.
    """
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            make()
        except BaseException:
            module_transaction.__exit__(*sys.exc_info())
            raise
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture
def empty_cache():
    """The shared cache (Redis under `make test`) emptied before and after: cached tokens,
    role permissions and rate counters of other tests out of the way."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role="analyst")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="session")
def celery_app():
    from chancery.celery import app

    return app


@pytest.fixture
def celery_worker(celery_app, django_db_serialized_rollback, transactional_db):
    """A real Celery worker, in a thread of this process, consuming from the real Redis.

    Tasks go through the broker and run against the test database (a thread sees the same
    settings), so a test proves the whole path: enqueue, Redis, worker, database, result.
    The test database must be transactional so the worker thread sees committed rows, and
    rolled back by serialisation so the migration-loaded countries survive for later tests.
    """
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it; set it to run this test alone.")
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        celery_app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker
        _until_the_worker_is_idle(celery_app)


def _until_the_worker_is_idle(app, timeout: float = 30.0) -> None:
    """Wait (at most `timeout`) until the queue is empty and the worker runs and holds nothing,
    seen twice in a row: what a test's writes sent on after its own task (the timeline refresh
    an import asks for) must be done before the database is flushed, or the flush deadlocks
    with it or the task finds the database gone."""
    import redis
    from celery.worker import state

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline, idle = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and idle < 2:
        busy = broker.llen(app.conf.task_default_queue) or state.active_requests or state.reserved_requests
        idle = 0 if busy else idle + 1
        time.sleep(0.05)


# --- the demo case and real imports, for tests that read pages and answers -----------------


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """`demo` made once for a module's tests (see shared_by_the_module): for modules whose
    every test reads the demo case; they say so with pytest.mark.usefixtures("shared_demo")."""
    yield from shared_by_the_module(django_db_blocker, make_demo)


@pytest.fixture(scope="module")
def shared_imported(django_db_setup, django_db_blocker):
    """`imported` made once for a module's tests, as shared_demo is."""
    yield from shared_by_the_module(django_db_blocker, make_imported)


@pytest.fixture
def demo(request, db):
    """The demo case with the pair's trade figures and its timelines built."""
    if "shared_demo" not in request.fixturenames:
        make_demo()
    return {
        "dushanbe": Visit.objects.get(external_id="putin-dushanbe-2017-02"),
        "groundwork": Visit.objects.get(external_id="shuvalov-dushanbe-2017-01-27"),
    }


@pytest.fixture
def imported(request, db):
    """Real records through the real importers: a decade of leaders' visits to the United States,
    a president's travels, and 2021 total exports from UN Comtrade."""
    if "shared_imported" not in request.fixturenames:
        make_imported()
