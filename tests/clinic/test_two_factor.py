"""Two-factor sign-in: with it required, or once enrolled, a password alone reaches no page."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AuditEvent, ClinicSettings
from tests.builders import PASSWORD, make_episode

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def pages(episode) -> list[str]:
    return [
        "/",
        reverse("patient_list"),
        reverse("patient_detail", args=[episode.patient_id]),
        reverse("episode_detail", args=[episode.pk]),
        reverse("exam_edit", args=[episode.pk]),
        reverse("questionnaire_dashboard"),
        reverse("audit_list"),
        "/admin/",
        reverse("password_change"),
    ]


def test_with_two_factor_required_a_password_alone_reaches_no_page(practitioner):
    settings_row = ClinicSettings.load()
    settings_row.require_two_factor = True
    settings_row.save()
    client = signed_in_with_password("practitioner")
    for url in pages(make_episode(practitioner=practitioner)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_setup")), url


def test_an_enrolled_person_needs_the_code_and_then_reaches_every_page(practitioner):
    device = enrolled(practitioner)
    client = signed_in_with_password("practitioner")
    episode = make_episode(practitioner=practitioner)
    url = reverse("patient_list")
    assert client.get(url)["Location"].startswith(reverse("two_factor_verify"))
    response = client.post(reverse("two_factor_verify"), {"code": code_of(device), "next": url})
    assert response["Location"] == url
    for page in pages(episode)[1:]:
        assert client.get(page).status_code in (200, 302, 403), page  # 403: not their role
        assert not client.get(page).get("Location", "").startswith("/accounts/two-factor/")


def test_a_wrong_code_counts_as_a_failed_sign_in_and_five_lock_the_account(practitioner):
    enrolled(practitioner)
    client = signed_in_with_password("practitioner")
    for _ in range(5):
        page = client.post(reverse("two_factor_verify"), {"code": "000000"})
        assert "That code is not right" in page.text or page.status_code == 429
    assert AccessAttempt.objects.get(username="practitioner").failures_since_start == 5
    assert client.post(reverse("two_factor_verify"), {"code": "000000"}).status_code == 429
    assert AuditEvent.objects.filter(action="deny", detail="wrong second-factor code").exists()


def test_enrolling_confirms_the_app_and_shows_ten_recovery_codes_that_work_once(practitioner):
    client = signed_in_with_password("practitioner")
    page = client.get(reverse("two_factor_setup"))
    assert "<svg" in page.text and "Type this key instead" in page.text
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    shown = client.post(reverse("two_factor_setup"), {"code": code_of(device)})
    codes = re.findall(r"<li><code>([0-9a-f]{8})</code></li>", shown.text)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=practitioner).confirmed
    later = signed_in_with_password("practitioner")
    assert later.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    again = signed_in_with_password("practitioner")
    assert again.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 200


def test_without_enrolment_or_requirement_the_password_is_enough(front_desk):
    client = signed_in_with_password("frontdesk")
    assert client.get(reverse("patient_list")).status_code == 200
