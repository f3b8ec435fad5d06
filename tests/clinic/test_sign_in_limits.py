"""Passwords of at least 12 characters, a 30-minute idle timeout, and sign-in paused for
an address that guesses across many names."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clinic.roles import FRONT_DESK
from tests.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["clinic123", "elevenchars", "password1234", "123456789012"])
def test_short_common_or_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_passphrase_is_accepted():
    validate_password("a walk by the river at noon")


def test_a_staff_session_ends_after_30_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_twenty_wrong_passwords_across_names_pause_every_sign_in_from_that_address():
    make_user(FRONT_DESK, username="frontdesk")
    client = Client()
    for n in range(5):
        for guess in range(4):
            sign_in(client, f"name{n}", f"wrong-{guess}")
    page = sign_in(client, "frontdesk", PASSWORD)
    assert page.status_code == 200
    assert "Too many failed sign-ins from this address" in page.text
    other_address = Client(REMOTE_ADDR="198.51.100.9")
    assert sign_in(other_address, "frontdesk", PASSWORD).status_code == 302


def test_a_few_typos_from_a_shared_address_pause_nobody():
    make_user(FRONT_DESK, username="frontdesk")
    client = Client()
    for n in range(4):
        sign_in(client, f"colleague{n}", "typo")
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 302
