"""Plain builder functions for test data: make_x(**overrides) returns a saved row."""

import datetime
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clinic.models import Episode, Patient

_numbers = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(role: str | None = None, **overrides: Any):
    number = next(_numbers)
    fields = {"username": f"user{number}", "first_name": "Sam", "last_name": f"Staff{number}"}
    fields.update(overrides)
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_patient(**overrides: Any) -> Patient:
    number = next(_numbers)
    fields: dict[str, Any] = {
        "first_name": "Alex",
        "last_name": f"Example{number}",
        "date_of_birth": datetime.date(1980, 1, 1) + datetime.timedelta(days=number),
        "phone": f"07700 9{number:05d}",
    }
    fields.update(overrides)
    return Patient.objects.create(**fields)


def make_episode(**overrides: Any) -> Episode:
    fields: dict[str, Any] = {"chief_complaint": "Pain down the back of the left leg"}
    fields.update(overrides)
    if "patient" not in fields:
        fields["patient"] = make_patient()
    return Episode.objects.create(**fields)


def with_audit(queries: int, events: int = 1) -> int:
    """A page's query count once the request is one transaction and each audit event is
    sealed: counted below, `queries` has the request's savepoint and release to add (in
    the tests' own transaction; in production they are BEGIN and COMMIT), and for each
    event the previous seal read (on PostgreSQL with the chain's lock, in one statement)."""
    return queries + 2 + events
