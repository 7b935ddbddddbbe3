"""The rate limits' counter (core.cache.hit) on Django's Redis cache, the suite's real Redis,
and on the in-memory cache `make run` uses without Redis."""

import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from core.cache import hit


@pytest.fixture
def redis_cache():
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it; set it to run this test alone.")
    backend = caches["default"]
    assert isinstance(backend, RedisCache), f"the test settings should use Django's RedisCache, not {type(backend)}"
    backend.clear()
    yield backend
    backend.clear()


def ttl(backend, key) -> int:
    return backend._cache.get_client(write=True).ttl(backend.make_and_validate_key(key))


def test_hit_counts_and_the_window_starts_at_the_first_hit(redis_cache):
    assert [hit(redis_cache, "window", 60) for _ in range(3)] == [1, 2, 3]
    assert 0 < ttl(redis_cache, "window") <= 60
    # A later hit with another lifetime does not move the end of the window.
    hit(redis_cache, "window", 3600)
    assert ttl(redis_cache, "window") <= 60


def test_a_window_that_ended_starts_counting_again(redis_cache):
    assert [hit(redis_cache, "short", 1) for _ in range(2)] == [1, 2]
    time.sleep(1.2)
    assert hit(redis_cache, "short", 1) == 1


def test_counters_are_apart(redis_cache):
    hit(redis_cache, "a", 60)
    hit(redis_cache, "a", 60)
    assert hit(redis_cache, "b", 60) == 1
    assert redis_cache.get("a") == 2


def test_the_in_memory_cache_counts_the_same():
    memory = LocMemCache("counter-test", {})
    assert [hit(memory, "window", 60) for _ in range(3)] == [1, 2, 3]


class ExpiringAtOnce(LocMemCache):
    """A cache whose counter expires between add() and incr(), as one may at a window's end."""

    def add(self, key, value, timeout=None, version=None):
        return True


def test_a_counter_that_expired_between_add_and_incr_starts_at_one():
    assert hit(ExpiringAtOnce("counter-test-expiring", {}), "window", 60) == 1
