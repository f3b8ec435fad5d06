"""Pages viewed at the same moment each append their audit event: the chain stays one
chain, every event sealed to the one written just before it."""

from functools import partial

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from clinic import audit
from clinic.models import AuditEvent
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")

CLIENTS = 6
ROUNDS = 10


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_events_appended_at_once_each_seal_to_the_one_before(front_desk):
    clients = [Client() for _ in range(CLIENTS)]
    for client in clients:
        client.force_login(front_desk)
    url = reverse("patient_list")
    for round_ in range(ROUNDS):
        answers = at_once(*(partial(client.get, url) for client in clients))
        assert [a.status_code for a in answers] == [200] * CLIENTS, f"round {round_}"
    assert AuditEvent.objects.filter(path=url).count() == CLIENTS * ROUNDS
    assert "every seal intact" in verify()


def test_an_event_waiting_for_the_chain_reads_the_seal_committed_while_it_waited(front_desk):
    """The slow case: one transaction holds the chain while the others queue for it."""

    def append_slowly(i: int) -> None:
        with transaction.atomic():
            audit.append(username=f"writer {i}", action="view", object_type="page")

    at_once(*(partial(append_slowly, i) for i in range(CLIENTS)))
    assert AuditEvent.objects.count() == CLIENTS
    assert "every seal intact" in verify()
