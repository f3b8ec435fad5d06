"""`python manage.py export_fhir EPISODE_ID [--output FILE]`: one episode as FHIR R4B JSON.

Writes the bundle to standard output, or to FILE; either way one audit event of kind
"export" records it, with the operating-system user who ran the command.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from clinic import audit
from clinic.models import Episode
from plans.fhir import episode_json


class Command(BaseCommand):
    help = "Export one episode as an HL7 FHIR R4B Bundle (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("episode", type=int, help="the episode's id")
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        episode = Episode.objects.select_related("patient").filter(pk=options["episode"]).first()
        if episode is None:
            raise CommandError(f"There is no episode {options['episode']}.")
        content = episode_json(episode)
        with transaction.atomic():
            audit.append(
                user=None,
                username=f"{getpass.getuser()} (command line)",
                action="export",
                patient=episode.patient,
                object_type="episode",
                object_id=str(episode.pk),
                detail="FHIR R4B bundle (manage.py export_fhir)",
                path="manage.py export_fhir",
                ip_address=None,
            )
        if options["output"]:
            try:
                Path(options["output"]).write_text(content, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {options['output']}: {exc.strerror}") from None
        else:
            self.stdout.write(content)
