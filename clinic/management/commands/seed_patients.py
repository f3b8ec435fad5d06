"""Fill a scratch database with fictional patients, for measuring the patient list and
search at a clinic's scale: `manage.py seed_patients --count 100000` (DEBUG only)."""

from __future__ import annotations

import contextlib
import datetime
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from clinic.models import Episode, Patient, digits, fold

FIRST = [
    "Ada",
    "Aiko",
    "Amir",
    "Anna",
    "Arjun",
    "Beatriz",
    "Chen",
    "Chloé",
    "Dara",
    "Elif",
    "Emil",
    "Farah",
    "Gaspard",
    "Hana",
    "Ines",
    "Ivan",
    "Jonas",
    "Kofi",
    "Lars",
    "Leila",
    "Malik",
    "Maren",
    "Nia",
    "Noor",
    "Oskar",
    "Priya",
    "Rafael",
    "Sana",
    "Tariq",
    "Ula",
    "Vera",
    "Wen",
    "Yusuf",
    "Zoë",
]
LAST = [
    "Abara",
    "Bergström",
    "Castellanos",
    "Demir",
    "Eriksen",
    "Fontaine",
    "Gallagher",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okonkwo",
    "Petrova",
    "Quint",
    "Rahman",
    "Santoro",
    "Takahashi",
    "Ulloa",
    "Varga",
    "Whitlock",
    "Xu",
    "Yilmaz",
    "Zielinski",
]


class Command(BaseCommand):
    help = "Add fictional patients (and an episode for one in three) to a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to add made-up patients with DEBUG off.")
        rng = random.Random(seed)  # noqa: S311  (made-up data, not secrets)
        today = datetime.date.today()
        batch = []
        for _ in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST) + rng.choice(("", "-Lee", "son"))
            phone = f"07{rng.randrange(10**8, 10**9)}"
            batch.append(
                Patient(
                    first_name=first,
                    last_name=last,
                    date_of_birth=today - datetime.timedelta(days=rng.randrange(6570, 32850)),
                    phone=phone,
                    # bulk_create skips save(): the search fields are filled here.
                    search_name=fold(f"{first} {last}"),
                    phone_digits=digits(phone),
                    archived=rng.random() < 0.05,
                )
            )
        patients = Patient.objects.bulk_create(batch, batch_size=5_000)
        episodes = [Episode(patient=p, chief_complaint="Pain down the leg") for p in patients[::3]]
        Episode.objects.bulk_create(episodes, batch_size=5_000)
        analyze()
        self.stdout.write(f"Added {len(patients):,} patients and {len(episodes):,} episodes.")


def analyze() -> None:
    """What autovacuum does in the background, done now: a scratch server may have it off
    (CI's does). Without statistics on the episodes the planner reads all of them to count
    the episodes of the 25 patients on a page (2-3 ms of the list's 5); the trigram rows
    leave the GIN indexes' pending list and the visibility map lets the count read an index
    alone. Then a checkpoint writes out what the seeding left in the server's memory, so
    that a benchmark run next does not time those writes (a scratch server only: it needs
    a superuser or pg_checkpoint, and is skipped without)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (Patient._meta.db_table, Episode._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
        # Not allowed to every user: without it the benchmark may time some writes.
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")
