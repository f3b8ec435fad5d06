"""The audit trail is tamper-evident: sealed rows, a verifying command, a refusing trigger;
a change and its event commit together; refusals and admin changes are recorded."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, OperationalError, connection, models, transaction
from django.test import Client
from django.urls import reverse

from clinic.models import AuditEvent, Patient
from clinic.roles import PRACTITIONER
from tests.builders import make_episode, make_user

pytestmark = pytest.mark.django_db

PATIENT_FORM = {"first_name": "Ana", "last_name": "Silva", "date_of_birth": "1970-02-03"}


def some_events(front_desk, client_for, n: int = 4) -> list[AuditEvent]:
    client = client_for(front_desk)
    for _ in range(n):
        client.get(reverse("patient_list"))
    return list(AuditEvent.objects.order_by("pk"))


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list) -> None:
    """What someone with the app's database password could run, triggers aside."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as a superuser could: turn the trigger off
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_an_untouched_trail_verifies(front_desk, client_for):
    some_events(front_desk, client_for)
    assert "4 audit events, every seal intact" in verify()


@pytest.mark.parametrize(
    ("sql", "broken"),
    [
        ("UPDATE clinic_auditevent SET username = 'someone' WHERE id = %s", 0),
        ("UPDATE clinic_auditevent SET detail = 'nothing' WHERE id = %s", 0),
        ("DELETE FROM clinic_auditevent WHERE id = %s", 1),
    ],
    ids=["name changed", "detail changed", "row removed"],
)
def test_a_change_made_in_sql_is_found_at_its_row(sql, broken, front_desk, client_for):
    events = some_events(front_desk, client_for)
    raw(sql, [events[1].pk])
    with pytest.raises(CommandError, match=f"broken at event {events[1 + broken].pk}"):
        verify()


def test_a_row_inserted_in_sql_without_the_key_is_found(front_desk, client_for):
    events = some_events(front_desk, client_for)
    raw(
        "INSERT INTO clinic_auditevent (at, username, action, object_type, object_id, detail,"
        " path, seal) VALUES (%s, 'x', 'view', 'page', '', '', '', %s)",
        [events[-1].at, events[-1].seal],
    )
    with pytest.raises(CommandError, match="broken at event"):
        verify()


def test_the_models_refuse_every_change_even_through_the_base_manager(front_desk, client_for):
    event = some_events(front_desk, client_for, 1)[0]
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="x"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: event.save(),
        lambda: event.delete(),
    ):
        with pytest.raises(PermissionError):
            attempt()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE clinic_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM clinic_auditevent WHERE id = %s",
    ],
)
def test_on_postgresql_the_database_refuses_update_and_delete(sql, front_desk, client_for):
    event = some_events(front_desk, client_for, 1)[0]
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    rows = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet.update(rows, detail="x")  # the model's own refusal stepped round


def test_deleting_a_staff_account_keeps_its_events_and_its_name(front_desk, client_for):
    some_events(front_desk, client_for, 2)
    user_id = front_desk.pk
    front_desk.delete()
    events = AuditEvent.objects.all()
    assert [(e.user_id, e.username) for e in events] == [(user_id, "frontdesk")] * 2
    assert "every seal intact" in verify()


def test_a_change_whose_audit_event_fails_is_not_saved(front_desk, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(front_desk)

    def connection_lost(**fields):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("clinic.audit.append", connection_lost)
    response = client.post(reverse("patient_create"), PATIENT_FORM)
    assert response.status_code == 500
    assert not Patient.objects.exists()
    assert "went wrong" in response.text


def test_a_refusal_is_recorded_with_who_and_where(front_desk, client_for):
    url = reverse("audit_list")
    assert client_for(front_desk).get(url).status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.username, event.path) == ("deny", "frontdesk", url)


def test_an_administrator_changing_roles_or_passwords_in_admin_is_in_the_trail(
    administrator, client_for
):
    colleague = make_user(PRACTITIONER, username="colleague")
    admin = client_for(administrator)
    admin.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"password1": "a long new passphrase 42", "password2": "a long new passphrase 42"},
    )
    group = Group.objects.get(name=PRACTITIONER)
    page = admin.get(reverse("admin:auth_user_change", args=[administrator.pk]))
    assert page.status_code == 200
    form = {
        "username": administrator.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "groups": [*administrator.groups.values_list("pk", flat=True), group.pk],
        "last_login_0": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    admin.post(reverse("admin:auth_user_change", args=[administrator.pk]), form)
    staff = list(AuditEvent.objects.filter(action="staff").order_by("pk"))
    assert [e.object_id for e in staff] == [str(colleague.pk), str(administrator.pk)]
    assert "password" in staff[0].detail.lower()
    assert "groups" in staff[1].detail.lower()
    assert all(e.username == "administrator" for e in staff)


def test_every_event_of_a_busy_day_keeps_the_chain(practitioner, client_for):
    client = client_for(practitioner)
    episode = make_episode(practitioner=practitioner)
    for name in ("episode_detail", "exam_edit", "episode_edit"):
        client.get(reverse(name, args=[episode.pk]))
    client.get(reverse("audit_list"))  # refused: also in the chain
    assert AuditEvent.objects.filter(action="deny").exists()
    assert "every seal intact" in verify()
