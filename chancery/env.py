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


def env_database_urls(name: str) -> list[dict]:
    """Comma-separated database URLs (replicas), each parsed as env_database parses one."""
    return [_database(f"{name} (URL {index})", raw) for index, raw in enumerate(env_list(name, []), 1)]


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
