import pytest
from django.test import Client

from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER
from tests.builders import make_user


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
        return client

    return signed_in
