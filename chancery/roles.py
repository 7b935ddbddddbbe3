"""The three roles as Django groups, and the permissions each carries.

analyst: reads everything. editor: enters and corrects content (not the country list, which
comes from ISO 3166, nor the materialised timeline, which is computed). admin: everything,
users included. Defined here once; `sync_role_groups` runs after every migrate.
"""

from django.contrib.auth.models import Group, Permission

CONTENT_APPS = ("directory", "visits", "agreements", "trade", "timelines")
# Computed or reference data: editors read these but do not write them.
READ_ONLY_FOR_EDITORS = {("directory", "country")}
READ_ONLY_APPS_FOR_EDITORS = {"timelines"}

ANALYST = "analyst"
EDITOR = "editor"
ADMIN = "admin"
ROLES = (ANALYST, EDITOR, ADMIN)


def _content_permissions():
    return Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).select_related("content_type")


def permissions_for_role(role: str) -> list[Permission]:
    perms = list(_content_permissions())
    if role == ANALYST:
        return [p for p in perms if p.codename.startswith("view_")]
    if role == EDITOR:
        # Editors start imports and watch them; runs are never edited or deleted.
        imports = Permission.objects.filter(content_type__app_label="chancery", codename__in=["add_importrun", "view_importrun"])
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
        extra = Permission.objects.filter(content_type__app_label__in=["auth", "chancery", "django_celery_beat"])
        return perms + list(extra)
    raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")


def sync_role_groups(**kwargs):
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for_role(role))
