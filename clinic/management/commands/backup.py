"""Back up the database (PostgreSQL, pg_dump's custom format) and say how to restore it.

    manage.py backup /var/backups/clinic-2026-03-02.dump

Restore into a fresh, empty database, then check the audit trail came back whole:

    createdb clinic_restored
    pg_restore --no-owner --dbname=clinic_restored /var/backups/clinic-2026-03-02.dump
    DATABASE_URL=postgres://.../clinic_restored manage.py verify_audit

Keep the patients' files (PRIVATE_MEDIA_ROOT) with the dump: they are not in the database.
"""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from clinic.models import AuditEvent


class Command(BaseCommand):
    help = "Write a pg_dump of the database to PATH, with the audit trail's last seal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("backup needs PostgreSQL; with SQLite, copy the database file.")
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError("pg_dump is not installed (apt-get install postgresql-client).")
        db = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
        command = [pg_dump, "--format=custom", "--no-owner", f"--file={options['path']}"]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command.append(f"{flag}={db[key]}")
        command.append(str(db["NAME"]))
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if done.returncode != 0:
            raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        last = AuditEvent.objects.order_by("-pk").first()
        self.stdout.write(
            f"Backed up to {options['path']}. Audit events: {AuditEvent.objects.count()}, "
            f"last seal {last.seal if last else 'none'}."
        )
