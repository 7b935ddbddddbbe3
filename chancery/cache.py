"""The Redis cache, with a client kept per connection pool and a one-round-trip counter.

Django's RedisCache builds a new redis-py client object for every operation; building one
costs more than the round trip itself (redis-py fills a table of response callbacks each
time), and the API does a cache operation or two on every request. The client is thread
safe and only wraps the pool, so one per pool is kept.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def hit(self, key, timeout: int) -> int:
        """Add one to the counter `key`, which expires `timeout` seconds after its first hit;
        return the new count. One round trip (INCR and EXPIRE NX pipelined)."""
        return self._pipeline(None, key, timeout)[1]

    def get_and_hit(self, key, counter_key, timeout: int):
        """get(key) and hit(counter_key, timeout) in one round trip: (value or None, count)."""
        return self._pipeline(key, counter_key, timeout)

    def _pipeline(self, key, counter_key, timeout: int):
        counter_key = self.make_and_validate_key(counter_key)
        pipeline = self._cache.get_client(counter_key, write=True).pipeline(transaction=False)
        if key is not None:
            pipeline.get(self.make_and_validate_key(key))
        pipeline.incr(counter_key)
        pipeline.expire(counter_key, timeout, nx=True)
        *raw, count, _ = pipeline.execute()
        value = raw[0] if raw else None
        return (None if value is None else self._cache._serializer.loads(value)), count


def hit(cache, key, timeout: int) -> int:
    """The counter of RedisCache.hit on any cache (the in-memory one of `make run`, say)."""
    counter = getattr(cache, "hit", None)  # `cache` may be django.core.cache's proxy
    if counter is not None:
        return counter(key, timeout)
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
