"""The Redis cache's one-command counter (core.cache), on the suite's real Redis."""

import pytest
from django.conf import settings
from django.core.cache import caches

from core.cache import RedisCache, hit


@pytest.fixture
def redis_cache():
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it; set it to run this test alone.")
    backend = caches["default"]
    assert isinstance(backend, RedisCache), f"the test settings should use core.cache.RedisCache, not {type(backend)}"
    backend.clear()
    yield backend
    backend.clear()


def ttl(backend, key) -> int:
    return backend._cache.get_client(write=True).ttl(backend.make_and_validate_key(key))


def test_hit_counts_and_the_window_starts_at_the_first_hit(redis_cache):
    assert [redis_cache.hit("window", 60) for _ in range(3)] == [1, 2, 3]
    assert 0 < ttl(redis_cache, "window") <= 60
    # A later hit with another lifetime does not move the end of the window.
    redis_cache.hit("window", 3600)
    assert ttl(redis_cache, "window") <= 60
    assert hit(redis_cache, "window", 60) == 5


def test_a_counter_left_without_a_lifetime_gets_one(redis_cache):
    redis_cache._cache.get_client(write=True).set(redis_cache.make_and_validate_key("stuck"), 7)
    assert redis_cache.hit("stuck", 30) == 8
    assert 0 < ttl(redis_cache, "stuck") <= 30


@pytest.mark.parametrize("stored", [{"user": {"id": 1}, "permissions": ["a.b"]}, 12, "text", [1, 2]])
def test_get_and_hit_reads_what_set_stored_and_counts_in_the_same_command(redis_cache, stored):
    redis_cache.set("entry", stored, 60)
    assert redis_cache.get_and_hit("entry", "counter", 60) == (stored, 1)
    assert redis_cache.get_and_hit("entry", "counter", 60) == (stored, 2)


def test_get_and_hit_of_a_missing_key_is_none_and_still_counts(redis_cache):
    assert redis_cache.get_and_hit("nothing", "counter", 60) == (None, 1)
    assert redis_cache.get_and_hit("nothing", "counter", 60) == (None, 2)


def test_the_script_is_sent_again_when_redis_has_forgotten_it(redis_cache):
    assert redis_cache.hit("after-restart", 60) == 1
    redis_cache._cache.get_client(write=True).script_flush()
    assert redis_cache.hit("after-restart", 60) == 2
