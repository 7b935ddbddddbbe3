"""Tiny, strict readers for environment variables.

Each raises ImproperlyConfigured naming the variable when its value cannot be parsed, so a
typo in a deployment fails at start instead of behaving oddly later.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use one of {sorted(_TRUE | _FALSE)}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty item; separate values with single commas")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}")
    return value


def env_database(name: str, default: str) -> dict:
    """Parse a database URL with dj-database-url, accepting only the engines we support."""
    return _database(name, env_str(name, default) or default)


def env_replica_databases(name: str, primary: dict) -> dict[str, dict]:
    """The read replicas of `primary` (comma-separated PostgreSQL URLs), as DATABASES entries
    `replica1`, `replica2`, ... (core/replicas.py routes reads to them)."""
    replicas = {}
    for number, raw in enumerate(env_list(name, []), 1):
        replica = _database(f"{name} (URL {number})", raw)
        if replica["ENGINE"] != primary["ENGINE"] or "postgresql" not in primary["ENGINE"]:
            raise ImproperlyConfigured(f"{name} are replicas of a PostgreSQL DATABASE_URL")
        replica["CONN_MAX_AGE"] = primary["CONN_MAX_AGE"]
        replica["CONN_HEALTH_CHECKS"] = True
        # A replica that does not answer is given up on quickly (the primary serves meanwhile).
        replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
        # Under test a replica alias reads the test database itself (Django's MIRROR).
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas


def _database(name: str, raw: str) -> dict:
    import dj_database_url

    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a supported database URL; "
            "use postgres://user:password@host:port/name or sqlite:///path/to/file"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database")
    return config


def env_redis_url(name: str) -> str:
    value = env_str(name)
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name}={value!r} must start with redis://, rediss:// or unix://")
    return value
