import time

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client

from clinic import auth
from clinic.middleware import RENEWED_AT
from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER
from tests.builders import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with what the connection asks the database once (whether SQLite
    has its JSON functions) asked before any test counts its queries."""
    with django_db_blocker.unblock():
        assert connection.features.has_json_object_function


@pytest.fixture
def practitioner(db):
    return make_user(PRACTITIONER, username="practitioner")


@pytest.fixture
def front_desk(db):
    return make_user(FRONT_DESK, username="frontdesk")


@pytest.fixture
def administrator(db):
    return make_user(ADMINISTRATOR, username="administrator", is_staff=True)


@pytest.fixture
def client_for(db):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""

    def signed_in(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
            renewed_just_now(client)
        return client

    return signed_in


def renewed_just_now(client: Client) -> None:
    """As if the client's last request renewed its session's idle time a moment ago, so
    that the next request does not write the session (it does once a minute at most:
    clinic.middleware.renew_idle_session) and a page's query count is the usual one: the
    session keeps the user's roles, as that request left them (clinic.auth)."""
    session = client.session
    session[RENEWED_AT] = time.time()
    roles, held = auth.read(get_user_model().objects.get(pk=session[SESSION_KEY]))
    session[auth.SESSION_ROLES] = [sorted(roles), sorted(held)]
    session.save()
