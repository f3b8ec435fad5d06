"""A signed-in person's roles and permissions, read in one query per request.

Django's ModelBackend reads a user's own permissions and their groups' permissions in two
queries, and the navigation read the groups (the roles shown beside the name) in a third,
on every page. `RoleBackend` reads all three in one (a UNION of the groups and the
permissions) the first time a request asks for either, and keeps them on the user object
for the rest of the request, as ModelBackend keeps its own. Nothing is kept longer: a role
given or taken away applies from the next request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Q, Value

from clinic.roles import ADMINISTRATOR


def _load(user: Any) -> None:
    """Fill the user's role and permission caches: a group row has no app label."""
    groups = Group.objects.filter(user=user).order_by().values_list("name", Value("", CharField()))
    permissions = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .order_by()
        .values_list("codename", "content_type__app_label")
    )
    roles, held = set(), set()
    for name, app_label in groups.union(permissions, all=True):
        if app_label:
            held.add(f"{app_label}.{name}")
        else:
            roles.add(name)
    user._role_cache = roles
    if not user.is_superuser:  # a superuser holds every permission: ModelBackend lists them
        user._perm_cache = held


def roles_of(user: Any) -> list[str]:
    """The user's roles (their groups; a superuser is also an administrator), sorted."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_role_cache"):
        _load(user)
    roles = set(user._role_cache)
    if user.is_superuser:
        roles.add(ADMINISTRATOR)
    return sorted(roles)


class RoleBackend(ModelBackend):
    """ModelBackend, with the permissions and roles read together (see the module)."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            _load(user_obj)
        return user_obj._perm_cache
