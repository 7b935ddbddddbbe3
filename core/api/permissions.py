"""Who may do what through the API: the same role permissions as everywhere else.

Reading needs the model's view permission (analysts, editors, admins, and tokens, which act
as their user); writing needs the add/change/delete permission for the method. Anonymous
visitors may read only when settings.API_ANONYMOUS_READ is on.
"""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.roles import cached_permissions

_ACTION_FOR_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class RolePermission(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        model = _model_of(view)
        if request.method in SAFE_METHODS:
            if not user.is_authenticated:
                return settings.API_ANONYMOUS_READ
            return model is None or _allowed(user, _perm(model, "view"))
        if not user.is_authenticated:
            return False
        action = getattr(view, "write_permission", None) or _ACTION_FOR_METHOD.get(request.method)
        return model is not None and action is not None and _allowed(user, _perm(model, action))


def _allowed(user, permission: str) -> bool:
    return user.is_active and (user.is_superuser or permission in cached_permissions(user))


def _model_of(view):
    model = getattr(view, "permission_model", None)
    if model is not None:
        return model
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"
