"""The three roles as Django groups, and the permissions each carries.

analyst: reads everything. editor: enters and corrects content (not the country list, which
comes from ISO 3166, nor the materialised timeline, which is computed). admin: everything,
users included. Defined here once; `sync_role_groups` runs after every migrate.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Computed or reference data: editors read these but do not write them (a figure's revisions
# are written by the imports that revise it).
READ_ONLY_FOR_EDITORS = {("directory", "country"), ("trade", "flowrevision")}
READ_ONLY_APPS_FOR_EDITORS = {"timelines"}

ANALYST = "analyst"
EDITOR = "editor"
ADMIN = "admin"
ROLES = (ANALYST, EDITOR, ADMIN)


def _content_permissions():
    return Permission.objects.filter(content_type__app_label__in=settings.CHANCERY_CONTENT_APPS).select_related(
        "content_type"
    )


def permissions_for_role(role: str) -> list[Permission]:
    perms = list(_content_permissions())
    if role == ANALYST:
        return [p for p in perms if p.codename.startswith("view_")]
    if role == EDITOR:
        # Editors start imports and watch them; runs are never edited or deleted.
        imports = Permission.objects.filter(
            content_type__app_label="imports", codename__in=["add_importrun", "view_importrun"]
        )
        return list(imports) + [
            p
            for p in perms
            if p.codename.startswith("view_")
            or (
                (p.content_type.app_label, p.content_type.model) not in READ_ONLY_FOR_EDITORS
                and p.content_type.app_label not in READ_ONLY_APPS_FOR_EDITORS
                # audit history rows are written by simple-history alone
                and not p.content_type.model.startswith("historical")
            )
        ]
    if role == ADMIN:
        extra = Permission.objects.filter(
            content_type__app_label__in=["auth", "chancery", "imports", "django_celery_beat", "axes"]
        )
        return perms + list(extra)
    raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")


def sync_role_groups(**kwargs):
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for_role(role))


PERMISSIONS_CACHE_SECONDS = 300


def _permissions_key(user_id, joined) -> str:
    # date_joined too: ids can be reused (SQLite, a recreated database) while the cache lives on.
    return f"role-permissions:{user_id}:{joined.timestamp()}"


def cached_permissions(user) -> frozenset[str]:
    """The user's permissions, from the shared cache: every API request checks them (the role
    permission), and reading them from the database costs two queries each time. Changes to a
    user's groups or to a group's permissions clear the entry (forget_permissions)."""
    permissions = getattr(user, "_role_permissions", None)  # set by the API's token check
    if permissions is not None:
        return permissions
    if not user.is_active:
        return frozenset()  # Django gives an inactive user none; nothing to keep
    key = _permissions_key(user.pk, user.date_joined)
    try:
        permissions = cache.get(key)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        # Redis down must not take the API down: read them from the database meanwhile.
        logger.warning("permissions read from the database: the cache cannot be reached (%s)", exc)
        return _from_database(user)
    if permissions is None:
        permissions = _from_database(user)
        cache.set(key, permissions, PERMISSIONS_CACHE_SECONDS)
    return permissions


def _from_database(user) -> frozenset[str]:
    # Django's backend itself: user.get_all_permissions() would also ask axes' backend, which
    # grants nothing.
    return frozenset(ModelBackend().get_all_permissions(user))


def users_affected(instance, pk_set, model) -> set:
    """The ids of the users whose permissions an m2m change of groups or permissions touches."""
    user_model = get_user_model()
    if isinstance(instance, user_model):
        return {instance.pk}
    if isinstance(instance, Group):
        # For group.user_set changes pk_set holds the users (removed ones are no longer members).
        return set(instance.user_set.values_list("pk", flat=True)) | (
            set(pk_set or ()) if model is user_model else set()
        )
    if isinstance(instance, Permission) and pk_set:
        # permission.group_set / permission.user_set changes: pk_set holds groups or users.
        related = (
            user_model.objects.filter(groups__in=pk_set) if model is Group else user_model.objects.filter(pk__in=pk_set)
        )
        return set(related.values_list("pk", flat=True))
    return set()


def forget_permissions(sender, instance, action="", pk_set=None, model=None, **kwargs):
    """Clear cached permissions when a user's groups or permissions, or a group's, change.

    (API tokens carry their user's permissions in the cache too: core.api.auth forgets them on
    the same signal.)"""
    if not action.startswith("post_"):
        return
    user_ids = users_affected(instance, pk_set, model)
    joined = get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "date_joined")
    cache.delete_many([_permissions_key(pk, when) for pk, when in joined])
