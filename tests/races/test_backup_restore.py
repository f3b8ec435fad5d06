"""The restore drill: a backup restored into a fresh database has the same rows and an
intact audit chain."""

import io
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from clinic.audit import broken_link
from clinic.models import AuditEvent
from tests.builders import make_episode
from tests.plans.builders import make_approved_plan

pytestmark = pytest.mark.usefixtures("postgres_only")

TABLES = [
    "clinic_patient",
    "clinic_episode",
    "clinic_auditevent",
    "intake_exam",
    "plans_treatmentplan",
    "auth_user",
]


def counts(cursor) -> dict[str, int]:
    found = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
        found[table] = cursor.fetchone()[0]
    return found


def test_a_backup_restores_into_a_fresh_database_with_its_rows_and_its_audit_chain(
    practitioner, tmp_path
):
    client = Client()
    client.force_login(practitioner)
    plan = make_approved_plan(make_episode(practitioner=practitioner), practitioner)
    for name in ("episode_detail", "exam_edit", "plan_edit"):
        client.get(reverse(name, args=[plan.episode_id]))
    dump = tmp_path / "clinic.dump"
    out = io.StringIO()
    call_command("backup", str(dump), stdout=out)
    assert "Backed up" in out.getvalue()

    db = connection.settings_dict
    fresh = f"{db['NAME']}_restored"
    base = ["-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres"]
    subprocess.run(["dropdb", *base, "--if-exists", fresh], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", *base, fresh], check=True)  # noqa: S603,S607
    try:
        subprocess.run(  # noqa: S603
            ["pg_restore", *base, "--no-owner", f"--dbname={fresh}", str(dump)],  # noqa: S607
            check=True,
        )
        with connection.cursor() as cursor:
            before = counts(cursor)
        dsn = f"host={base[1]} user={base[3]} dbname={fresh}"
        with psycopg.connect(dsn) as restored, restored.cursor() as cursor:
            assert counts(cursor) == before
            fields = [f.attname for f in AuditEvent._meta.concrete_fields]
            cursor.execute(f"SELECT {', '.join(fields)} FROM clinic_auditevent ORDER BY id")  # noqa: S608
            rows = [dict(zip(fields, row, strict=True)) for row in cursor]
        for row in rows:  # psycopg reads inet as an address object; Django reads text
            row["ip_address"] = str(row["ip_address"]) if row["ip_address"] else None
        events = [AuditEvent(**row) for row in rows]
        assert len(events) == before["clinic_auditevent"] >= 3
        assert broken_link(events) is None
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", fresh], check=True)  # noqa: S603,S607
