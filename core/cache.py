"""The Redis cache, with a client kept per connection pool and a one-command counter.

Django's RedisCache builds a new redis-py client object for every operation; building one
costs more than the round trip itself (redis-py fills a table of response callbacks each
time), and the API does a cache operation or two on every request. The client is thread
safe and only wraps the pool, so one per pool is kept.

The counter every API request bumps (core.api.throttling), with the token entry read
beside it (core.api.auth), is one Lua script: one command to pack and one reply to parse,
where a pipeline of GET, INCR and EXPIRE cost redis-py nearly twice the CPU (about 85 against
47 microseconds a call on the benchmark machine).
Redis runs a script atomically; redis-py sends it by its digest and loads it again when the
server has forgotten it (a restart).
"""

import pickle

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# KEYS[1]: the counter; KEYS[2], if given: a key to read in the same command.
# ARGV[1]: the counter's lifetime, set when the counter has none (EXPIRE ... NX).
# The reply: {count, value or false}.
HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
if KEYS[2] then
    return {count, redis.call('GET', KEYS[2])}
end
return {count}
"""


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
        self._hit_script = None  # a script is its text and digest: one serves every server

    def hit(self, key, timeout: int) -> int:
        """Add one to the counter `key`, which expires `timeout` seconds after its first hit;
        return the new count. One command."""
        return self._hit(key, None, timeout)[0]

    def get_and_hit(self, key, counter_key, timeout: int):
        """get(key) and hit(counter_key, timeout) in one command: (value or None, count)."""
        count, value = self._hit(counter_key, key, timeout)
        return value, count

    def _hit(self, counter_key, key, timeout: int) -> tuple[int, object]:
        keys = [self.make_and_validate_key(counter_key)]
        if key is not None:
            keys.append(self.make_and_validate_key(key))
        client = self._cache.get_client(keys[0], write=True)
        if self._hit_script is None:
            self._hit_script = client.register_script(HIT_SCRIPT)
        count, *found = self._hit_script(keys=keys, args=[int(timeout)], client=client)
        value = found[0] if found else None
        if value is None:  # Lua's false: no such key
            return count, None
        # Django stores an int as its digits and anything else pickled (a protocol 2+ pickle
        # starts with 0x80); its own loads() tries int() first and pays for an exception.
        return count, pickle.loads(value) if value[:1] == b"\x80" else self._cache._serializer.loads(value)


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
