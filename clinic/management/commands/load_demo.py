"""Load a fictional demo clinic: one login per role and a few made-up patients.

Idempotent: running it again changes nothing that is already there. Every name,
date and number here is invented.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from clinic.models import ClinicSettings, Episode, Patient, fold
from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER

# (username, password, first name, last name, role, is Django admin staff)
DEMO_USERS = [
    ("practitioner", "demo-practitioner", "Mira", "Okafor", PRACTITIONER, False),
    ("frontdesk", "demo-frontdesk", "Tom", "Reyes", FRONT_DESK, False),
    ("admin", "demo-admin", "Ada", "Lindqvist", ADMINISTRATOR, True),
]

DEMO_PATIENTS = [
    ("Zoë", "Marchetti", datetime.date(1986, 4, 12), "female", "07700 900123"),
    ("Daniel", "Osei", datetime.date(1971, 9, 30), "male", "07700 900456"),
    ("Priya", "Natarajan", datetime.date(1992, 1, 5), "female", "07700 900789"),
    ("Henrik", "Solberg", datetime.date(1958, 11, 23), "male", "07700 900321"),
]


class Command(BaseCommand):
    help = "Load a fictional demo clinic with one login per role (for trying the app)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when DEBUG is off (never on a clinic's real database).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:  # type: ignore[no-untyped-def]
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to load demo logins with DEBUG off.")
        clinic = ClinicSettings.load()
        if clinic.name == ClinicSettings._meta.get_field("name").default:
            clinic.name = "Willow Lane Acupuncture (demo)"
            clinic.address = "12 Willow Lane\nExampleton EX1 2AB"
            clinic.phone = "01632 960000"
            clinic.email = "hello@willowlane.example"
            clinic.print_footer = "Willow Lane Acupuncture is a fictional clinic for demonstration."
            clinic.save()

        users = {}
        for username, password, first, last, role, staff in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": staff},
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            users[role] = user

        for first, last, born, sex, phone in DEMO_PATIENTS:
            patient, created = Patient.objects.get_or_create(
                first_name=first,
                last_name=last,
                date_of_birth=born,
                defaults={"sex": sex, "phone": phone, "email": f"{fold(first)}@example.com"},
            )
            if created and last in {"Marchetti", "Osei"}:
                Episode.objects.create(
                    patient=patient,
                    practitioner=users[PRACTITIONER],
                    chief_complaint="Pain from the buttock down the back of the leg",
                )

        self.stdout.write(
            self.style.SUCCESS("Demo clinic loaded. Sign in at http://127.0.0.1:8000/")
        )
        for username, password, *_rest, role, _staff in DEMO_USERS:
            self.stdout.write(f"  {role:<13} {username} / {password}")
