"""A signed-in person's roles and permissions, read in one query per request.

Django's ModelBackend reads a user's own permissions and their groups' permissions in two
queries, and the navigation read the groups (the roles shown beside the name) in a third,
on every page. `RoleBackend` reads all three in one statement (a UNION of the groups and
the permissions) the first time a request asks for either, and keeps them on the user object
for the rest of the request, as ModelBackend keeps its own. Nothing is kept longer: a role
given or taken away applies from the next request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from clinic.roles import ADMINISTRATOR

#: Each group of the user as (name, ""), then each permission their groups or they
#: themselves hold as (codename, app label). Plain SQL over Django's own auth tables (a
#: test checks the names against the models), as the ORM spends more time building this
#: query than the database spends answering it.
ROLES_AND_PERMISSIONS = """
SELECT g.name, '' FROM auth_group g
JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = %s
UNION ALL
SELECT p.codename, ct.app_label FROM auth_permission p
JOIN django_content_type ct ON ct.id = p.content_type_id
JOIN auth_group_permissions gp ON gp.permission_id = p.id
JOIN auth_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s
UNION ALL
SELECT p.codename, ct.app_label FROM auth_permission p
JOIN django_content_type ct ON ct.id = p.content_type_id
JOIN auth_user_user_permissions up ON up.permission_id = p.id WHERE up.user_id = %s
"""
#: The tables ROLES_AND_PERMISSIONS reads.
TABLES = (
    "auth_group",
    "auth_user_groups",
    "auth_permission",
    "django_content_type",
    "auth_group_permissions",
    "auth_user_user_permissions",
)


def _load(user: Any) -> None:
    """Fill the user's role and permission caches: a group row has no app label."""
    with connection.cursor() as cursor:
        cursor.execute(ROLES_AND_PERMISSIONS, [user.pk] * 3)
        rows = cursor.fetchall()
    roles, held = set(), set()
    for name, app_label in rows:
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
