"""What every request does: the session's idle time renewed with a write a minute at most,
and the user's roles and permissions read in one query, kept in the session until then."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic import middleware
from clinic.auth import (
    ROLES_AND_PERMISSIONS,
    SESSION_ROLES,
    TABLES,
    RoleBackend,
    kept_in,
    roles_of,
)
from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER
from tests.builders import make_user

pytestmark = pytest.mark.django_db


class Clock:
    """time.time() as the middleware reads it, moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_800_000_000.0
        monkeypatch.setattr(middleware.time, "time", lambda: self.now)


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def session_writes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('"django_session"' in q["sql"] and "UPDATE" in q["sql"] for q in captured)


def test_a_request_renews_the_idle_time_once_a_minute_not_on_every_request(monkeypatch):
    clock = Clock(monkeypatch)
    client = Client()
    client.force_login(make_user(FRONT_DESK))
    url = reverse("patient_list")
    assert session_writes(client, url) == 1  # the first request renews it
    renewed = session_row(client).expire_date
    clock.now += 59
    assert session_writes(client, url) == 0
    assert session_row(client).expire_date == renewed
    clock.now += 1
    assert session_writes(client, url) == 1
    assert session_row(client).expire_date > renewed


def test_the_session_ends_30_minutes_after_its_last_renewal():
    client = Client()
    client.force_login(make_user(FRONT_DESK))
    client.get(reverse("patient_list"))
    left = session_row(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29, seconds=55) < left <= datetime.timedelta(minutes=30)


def test_the_page_is_told_how_long_the_session_lasts_from_its_last_renewal(monkeypatch):
    clock = Clock(monkeypatch)
    client = Client()
    client.force_login(make_user(FRONT_DESK))
    url = reverse("patient_list")
    assert client.get(url).context["idle_seconds"] == 30 * 60
    clock.now += 45  # not renewed yet: 45 seconds of the idle time are gone
    assert client.get(url).context["idle_seconds"] == 30 * 60 - 45


def test_roles_and_permissions_are_read_in_one_query():
    user = make_user(PRACTITIONER)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    fresh = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        assert roles_of(fresh) == [FRONT_DESK, PRACTITIONER]
        assert fresh.has_perm("clinic.record_clinical")
        assert fresh.has_perm("clinic.view_auditevent")  # the user's own permission
        assert not fresh.has_perm("clinic.change_clinicsettings")
    assert len(captured) == 1


@pytest.mark.parametrize("role", [PRACTITIONER, FRONT_DESK, ADMINISTRATOR, None])
def test_each_role_holds_the_same_permissions_as_with_djangos_own_backend(role):
    user = make_user(role)
    ours = RoleBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
    djangos = ModelBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
    assert ours == djangos
    assert bool(ours) == (role is not None)


def test_a_superuser_holds_every_permission_and_is_an_administrator():
    user = make_user(is_superuser=True)
    assert roles_of(user) == [ADMINISTRATOR]
    assert RoleBackend().get_all_permissions(user) == ModelBackend().get_all_permissions(user)


def roles_read(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code in (200, 403)
    return sum("auth_user_groups" in q["sql"] for q in captured)


def test_the_session_keeps_the_roles_from_one_renewal_to_the_next(monkeypatch):
    clock = Clock(monkeypatch)
    client = Client()
    client.force_login(make_user(FRONT_DESK))
    url = reverse("patient_list")
    assert roles_read(client, url) == 1  # read, and kept with the renewal
    assert client.session[SESSION_ROLES][0] == [FRONT_DESK]
    clock.now += 59
    assert roles_read(client, url) == 0
    clock.now += 1
    assert roles_read(client, url) == 1


def test_a_role_changed_straight_in_the_database_applies_within_a_minute(monkeypatch):
    clock = Clock(monkeypatch)
    user = make_user(PRACTITIONER)
    client = Client()
    client.force_login(user)
    url = reverse("course_list")
    assert client.get(url).status_code == 200
    user.groups.through.objects.filter(user=user).delete()  # no signal: nothing forgotten
    clock.now += 30
    assert client.get(url).status_code == 200  # still the roles the session keeps
    clock.now += 30
    assert client.get(url).status_code == 403


def test_a_permission_taken_from_a_role_applies_to_its_holders_from_the_next_request(
    client_for,
):
    client = client_for(make_user(PRACTITIONER))
    url = reverse("course_list")
    assert client.get(url).status_code == 200
    practitioners = Group.objects.get(name=PRACTITIONER)
    practitioners.permissions.remove(Permission.objects.get(codename="view_episode"))
    assert client.get(url).status_code == 403


def test_a_session_keeps_only_its_own_persons_roles(client_for):
    other = make_user(FRONT_DESK)
    session = client_for(make_user(ADMINISTRATOR)).session
    with kept_in(session):
        assert roles_of(type(other).objects.get(pk=other.pk)) == [FRONT_DESK]
    assert session[SESSION_ROLES][0] == [ADMINISTRATOR]


def test_a_role_taken_away_applies_from_the_next_request(client_for):
    user = make_user(PRACTITIONER)
    client = client_for(user)
    episode_list = reverse("course_list")
    assert client.get(episode_list).status_code == 200
    user.groups.clear()
    assert client.get(episode_list).status_code == 403


def test_the_statement_reads_the_tables_the_auth_models_use():
    user_model = get_user_model()
    models = [Group, user_model.groups.through, Permission, ContentType,
              Group.permissions.through, user_model.user_permissions.through]  # fmt: skip
    assert tuple(model._meta.db_table for model in models) == TABLES
    assert all(table in ROLES_AND_PERMISSIONS for table in TABLES)


def test_an_inactive_user_holds_nothing():
    user = make_user(PRACTITIONER, is_active=False)
    assert RoleBackend().get_all_permissions(user) == set()


def test_a_role_change_leaves_sessions_of_another_key_alone_without_a_warning(client_for, caplog):
    client = client_for(make_user(PRACTITIONER))
    Session.objects.create(
        session_key="x" * 32, session_data="signed-with-another-key",
        expire_date=timezone.now() + datetime.timedelta(minutes=5),
    )  # fmt: skip
    make_user(FRONT_DESK)  # a role given: every session forgets the roles it keeps
    assert SESSION_ROLES not in client.session
    assert Session.objects.get(session_key="x" * 32).session_data == "signed-with-another-key"
    assert "Session data corrupted" not in caplog.text
