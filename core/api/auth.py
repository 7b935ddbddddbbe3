"""Token authentication for API clients: knox's hashed tokens, remembered briefly in the cache.

Clients send their token with every request, and the bulk readers send many. knox looks the
token up in the database each time and, on top, sweeps every other token of the same user
(one more query and a model instance per token). Here:

- the token is hashed first and looked up in the shared cache by its hash; what is kept there
  is what a request needs (the user's id, name, flags and permissions, the token's expiry),
  for TOKEN_CACHE_SECONDS at most;
- on a miss, the database answers as in knox (one query), and only the presented token is
  checked for expiry: an expired one is refused and deleted; expired tokens nobody presents
  are harmless (they are hashes, and refused if ever shown);
- anything that changes what a token may do clears its entry at once: revoking the token,
  saving or deleting its user, and any change to the user's groups or permissions
  (core.roles.forget_permissions). Only a bulk `UPDATE` that sends no signals could
  leave an entry standing, and then for TOKEN_CACHE_SECONDS at most.

If the cache cannot be reached, the database answers alone.
"""

import binascii
import datetime
import logging
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.signals import token_expired
from rest_framework import exceptions

from core.roles import cached_permissions, users_affected

logger = logging.getLogger(__name__)

TOKEN_CACHE_SECONDS = 60
USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser", "date_joined")


def _cache_key(digest: str) -> str:
    return f"api-token:{digest[:64]}"


def forget_tokens(user_ids) -> None:
    """Drop the cached entries of these users' tokens (their rights or state changed)."""
    digests = get_token_model().objects.filter(user_id__in=list(user_ids)).values_list("digest", flat=True)
    _delete([_cache_key(digest) for digest in digests])


def forget_token(sender, instance, **kwargs) -> None:
    _delete([_cache_key(instance.digest)])


def forget_user_tokens(sender, instance, **kwargs) -> None:
    forget_tokens([instance.pk])


def forget_tokens_of_changed_rights(sender, instance, action="", pk_set=None, model=None, **kwargs) -> None:
    """A change of groups or permissions (m2m_changed) drops the cached tokens of the users it touches."""
    if action.startswith("post_"):
        forget_tokens(users_affected(instance, pk_set, model))


def _delete(keys) -> None:
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:
        # An entry left behind would outlive a revocation: say so loudly. It expires on its own.
        logger.error(
            "could not clear %d cached API token(s); they lapse within %ss",
            len(keys),
            TOKEN_CACHE_SECONDS,
            exc_info=True,
        )


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's tokens, each checked once a minute at most against the database: the checked token
    (its user, rights and expiry) is kept in the shared cache for TOKEN_CACHE_SECONDS, dropped at
    once when the token is revoked or its user or rights change (the receivers above)."""

    def authenticate_credentials(self, token: bytes):
        try:
            digest = hash_token(token.decode("utf-8"))
        except (UnicodeDecodeError, TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        key = _cache_key(digest)
        entry = self._read(key)
        if entry is not None and compare_digest(entry["digest"], digest) and not _expired(entry["expiry"]):
            return _from_entry(entry)
        user, auth_token = super().authenticate_credentials(token)
        try:
            cache.set(key, _entry(auth_token), TOKEN_CACHE_SECONDS)
        except Exception:
            logger.warning("API token cache unreachable; not remembering the token", exc_info=True)
        return user, auth_token

    @staticmethod
    def _read(key: str):
        try:
            return cache.get(key)
        except Exception:
            logger.warning("API token cache unreachable; checking the token in the database", exc_info=True)
            return None

    def _cleanup_token(self, auth_token) -> bool:
        if _expired(auth_token.expiry):
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


def _expired(expiry: datetime.datetime | None) -> bool:
    return expiry is not None and expiry < timezone.now()


def _entry(auth_token) -> dict:
    user = auth_token.user
    return {
        "digest": auth_token.digest,
        "token_key": auth_token.token_key,
        "expiry": auth_token.expiry,
        "user": {name: getattr(user, name) for name in USER_FIELDS},
        "permissions": sorted(cached_permissions(user)),
    }


def _from_entry(entry: dict):
    user = _from_values(get_user_model(), entry["user"])
    # core.roles.cached_permissions reads this before asking the cache again.
    user._role_permissions = frozenset(entry["permissions"])
    auth_token = _from_values(
        get_token_model(),
        {"digest": entry["digest"], "token_key": entry["token_key"], "expiry": entry["expiry"], "user_id": user.pk},
    )
    auth_token._state.fields_cache["user"] = user
    return user, auth_token


def _from_values(model, values: dict):
    """A saved `model` row from {field attname: value}, built as a queryset builds rows
    (from_db: positional, without the related-object setter, half the cost of keyword
    construction); the fields not given are left deferred."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI description of these tokens: knox's, for this subclass."""

    target_class = TokenAuthentication
