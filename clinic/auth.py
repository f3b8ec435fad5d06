"""A signed-in person's roles and permissions, read in one query and kept in their session.

Django's ModelBackend reads a user's own permissions and their groups' permissions in two
queries, and the navigation read the groups (the roles shown beside the name) in a third,
on every page. `RoleBackend` reads all three in one statement (a UNION of the groups and
the permissions) the first time a request asks for either, and keeps them on the user object
for the rest of the request, as ModelBackend keeps its own, and in the person's session for
the requests that follow.

What the session keeps is forgotten when a role or a permission changes (any session's: a
change to a role changes what all its holders may do), and at each renewal of the session's
idle time (`clinic.middleware.renew_idle_session`, once a minute at most): a role given or
taken away applies from the next request, and within a minute if the change was made
outside the app and its admin (straight in the database) or while that person's request
was under way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import connection
from django.utils import timezone

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


#: The session key of the signed-in person's [roles, permissions] (see the module).
SESSION_ROLES = "roles"
#: The session of the request under way, set by `kept_in` (the middleware `roles_kept`).
_session: ContextVar[SessionBase | None] = ContextVar("session", default=None)


@contextmanager
def kept_in(session: SessionBase) -> Iterator[None]:
    """Keep the signed-in person's roles in `session` while the block runs."""
    token = _session.set(session)
    try:
        yield
    finally:
        _session.reset(token)


def _own_session(user: Any) -> SessionBase | None:
    """The request's session, if it is `user`'s own (not someone else's being looked at)."""
    session = _session.get()
    if session is None or session.get(SESSION_KEY) != str(user.pk):
        return None
    return session


def read(user: Any) -> tuple[set[str], set[str]]:
    """The user's roles and permissions from the database: a group row has no app label."""
    with connection.cursor() as cursor:
        cursor.execute(ROLES_AND_PERMISSIONS, [user.pk] * 3)
        rows = cursor.fetchall()
    roles, held = set(), set()
    for name, app_label in rows:
        if app_label:
            held.add(f"{app_label}.{name}")
        else:
            roles.add(name)
    return roles, held


def _load(user: Any) -> None:
    """Fill the user's role and permission caches, from their session if it keeps them."""
    session = _own_session(user)
    kept = session.get(SESSION_ROLES) if session is not None else None
    if kept is not None:
        roles, held = set(kept[0]), set(kept[1])
    else:
        roles, held = read(user)
        if session is not None:
            session[SESSION_ROLES] = [sorted(roles), sorted(held)]
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


def forget_kept_roles(**kwargs: Any) -> None:
    """Forget the roles every open session keeps (a signal handler: clinic.apps)."""
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for row in Session.objects.filter(expire_date__gt=timezone.now()):
        try:  # store.decode(), without its warning for a session signed with another key
            data = signing.loads(row.session_data, salt=store.key_salt, serializer=store.serializer)
        except signing.BadSignature:
            continue  # no request of this server can read it: it keeps nothing to forget
        if data.pop(SESSION_ROLES, None) is not None:
            Session.objects.filter(pk=row.pk).update(session_data=store.encode(data))
