"""A counter on any of Django's caches: the rate limits' (core.api.throttling)."""


def hit(cache, key, timeout: int) -> int:
    """Add one to the counter `key`, which expires `timeout` seconds after its first hit, and
    return the new count: add() starts it, incr() counts (each one atomic on Redis)."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
