"""The link is the key: hashed, short-lived, exchanged for a session, guarded by the birth date."""

import datetime
import logging

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.logs import RedactLinkTokens
from clinic.models import AuditEvent, ClinicSettings
from intake.models import Invitation, Questionnaire, hash_token, new_token, renew_invitation
from tests.builders import make_episode, make_patient
from tests.intake.questionnaire_builders import (
    BORN,
    answer_everything,
    birth_date,
    make_invitation,
    patient_client,
    step_url,
)

pytestmark = pytest.mark.django_db

WRONG_DAY = datetime.date(1990, 1, 1)


@pytest.fixture(autouse=True)
def clinic_phone(db):
    clinic = ClinicSettings.load()
    clinic.phone = "01632 960000"
    clinic.save()


def open_link(token: str) -> tuple[Client, object]:
    client = Client()
    return client, client.get(reverse("questionnaire_link", args=[token]))


def neutral_page() -> str:
    _client, response = open_link("not-a-real-token")
    assert response.status_code == 404
    return response.content.decode()


def spend(invitation: Invitation, token: str) -> None:
    client = patient_client(token)
    answer_everything(client)
    client.post(
        step_url("consent"),
        {"go": "submit", "agreed": "on", "signed_name": "Zoë Marchetti", "signed_on": "2026-05-02"},
    )
    assert Questionnaire.objects.get(pk=invitation.questionnaire_id).submitted_at is not None


def wrong_tries(token: str, tries: int) -> object:
    client, _response = open_link(token)
    response = None
    for _ in range(tries):
        response = client.post(reverse("questionnaire_check"), birth_date(WRONG_DAY))
    return response


# Each way a link can be unusable: (make the invitation unusable, how to use it).
UNUSABLE = {
    "unknown": lambda inv, token: open_link(token + "x")[1],
    "tampered": lambda inv, token: open_link(token[:-1] + ("A" if token[-1] != "A" else "B"))[1],
    "expired": lambda inv, token: (
        Invitation.objects.filter(pk=inv.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        ),
        open_link(token)[1],
    )[1],
    "revoked": lambda inv, token: (
        Invitation.objects.filter(pk=inv.pk).update(revoked_at=timezone.now()),
        open_link(token)[1],
    )[1],
    "reused after submitting": lambda inv, token: (spend(inv, token), open_link(token)[1])[1],
    "sixth wrong date of birth": lambda inv, token: wrong_tries(token, 6),
    "replaced by a newer link": lambda inv, token: (
        make_invitation(inv.questionnaire.episode),
        open_link(token)[1],
    )[1],
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_every_unusable_link_gets_the_same_neutral_page(case):
    expected = neutral_page()
    invitation, token = make_invitation()
    response = UNUSABLE[case](invitation, token)
    assert response.status_code == 404
    assert response.content.decode() == expected
    assert "01632 960000" in expected
    assert invitation.patient.first_name not in expected


def test_the_neutral_page_sends_no_referrer_and_is_not_cached():
    _client, response = open_link("nothing")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_a_good_link_is_exchanged_for_the_session_and_leaves_the_address():
    invitation, token = make_invitation()
    client, response = open_link(token)
    assert response.status_code == 302
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response["Location"])
    assert token not in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert client.session["intake_invitation"] == invitation.pk
    assert Invitation.objects.get(pk=invitation.pk).opened_at is not None


def test_the_token_is_long_and_random_and_only_its_hash_is_stored():
    invitation, token = make_invitation()
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    assert invitation.token_hash == hash_token(token) != token
    patient_client(token).post(step_url("about"), {"goals": "Walk"})
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                assert token not in repr(row), f"the raw token is stored in {table}"


def test_nothing_of_the_patient_shows_before_the_date_of_birth_is_confirmed():
    invitation, token = make_invitation()
    client, _ = open_link(token)
    page = client.get(reverse("questionnaire_check"))
    assert page.status_code == 200
    assert invitation.patient.first_name not in page.text
    assert invitation.patient.last_name not in page.text
    for slug in ("about", "pain", "consent"):
        assert client.get(step_url(slug))["Location"] == reverse("questionnaire_check")
    assert client.get(reverse("questionnaire_start"))["Location"] == reverse("questionnaire_check")


def test_the_right_date_of_birth_opens_the_questionnaire():
    invitation, token = make_invitation()
    client, _ = open_link(token)
    response = client.post(reverse("questionnaire_check"), birth_date(BORN))
    assert response["Location"] == reverse("questionnaire_start")
    assert f"Hello {invitation.patient.first_name}" in client.get(response["Location"]).text


def test_a_day_that_no_month_has_is_refused_in_plain_words_without_using_a_try():
    invitation, token = make_invitation()
    client, _ = open_link(token)
    response = client.post(reverse("questionnaire_check"), {"day": "45", "month": "3", "year": "x"})
    page = response.content.decode()
    assert "Enter a number from 1 to 31." in page
    assert "Enter a whole number, in figures." in page
    assert "Ensure this value" not in page
    invitation.refresh_from_db()
    assert invitation.failed_attempts == 0


def test_a_wrong_date_of_birth_says_how_many_tries_are_left():
    _invitation, token = make_invitation()
    response = wrong_tries(token, 1)
    assert response.status_code == 200
    assert "you can try 4 more times" in response.text


def test_five_wrong_dates_of_birth_lock_the_link_even_with_the_right_one_after():
    invitation, token = make_invitation()
    wrong_tries(token, 5)
    assert Invitation.objects.get(pk=invitation.pk).locked_at is not None
    client, response = open_link(token)
    assert response.status_code == 404


def test_staff_unlock_lets_the_patient_try_again(front_desk, client_for):
    invitation, token = make_invitation()
    wrong_tries(token, 5)
    client_for(front_desk).post(reverse("invitation_unlock", args=[invitation.pk]))
    assert patient_client(token).get(step_url("about")).status_code == 200


def test_a_link_revoked_while_the_patient_is_answering_stops_working_at_once():
    invitation, token = make_invitation()
    client = patient_client(token)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = client.post(step_url("about"), {"goals": "Walk"})
    assert response.status_code == 404
    assert "goals" not in Questionnaire.objects.get(pk=invitation.questionnaire_id).extra


def test_after_submitting_the_session_shows_a_read_only_confirmation_not_the_form():
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    client.post(
        step_url("consent"),
        {"go": "submit", "agreed": "on", "signed_name": "Zoë Marchetti", "signed_on": "2026-05-02"},
    )
    assert client.get(step_url("pain"))["Location"] == reverse("questionnaire_done")
    page = client.get(reverse("questionnaire_done"))
    assert "your answers are with the clinic" in page.text
    assert "<form" not in page.text
    response = client.post(step_url("about"), {"goals": "Changed"})
    assert response["Location"] == reverse("questionnaire_done")
    assert Questionnaire.objects.get(pk=invitation.questionnaire_id).extra["goals"] != "Changed"


def test_one_patients_link_never_reaches_another_patients_answers():
    mine, my_token = make_invitation()
    other_patient = make_patient(first_name="Quentinella", phone="07700 111222", date_of_birth=BORN)
    theirs, their_token = make_invitation(make_episode(patient=other_patient))
    patient_client(their_token).post(step_url("about"), {"goals": "Their secret goal"})
    client = patient_client(my_token)
    for slug in ("about", "pain", "story", "safety", "health", "scores", "scans", "consent"):
        page = client.get(step_url(slug)).text
        assert "Their secret goal" not in page
        assert "Quentinella" not in page
        assert "07700 111222" not in page
    client.post(step_url("about"), {"goals": "My goal"})
    assert (
        Questionnaire.objects.get(pk=theirs.questionnaire_id).extra["goals"] == "Their secret goal"
    )
    # The session holds one invitation id, set only by opening a link: it cannot be chosen.
    session = client.session
    assert session["intake_invitation"] == mine.pk


def test_a_session_cannot_be_pointed_at_another_link_by_editing_its_id():
    mine, my_token = make_invitation()
    theirs, _ = make_invitation(make_episode(patient=make_patient(date_of_birth=BORN)))
    client = patient_client(my_token)
    session = client.session
    session["intake_invitation"] = theirs.pk
    session.save()
    # The session was opened with my link's token, not theirs.
    response = client.get(step_url("about"))
    assert response.status_code == 404
    assert response.content.decode() == neutral_page()


def test_send_again_ends_the_sessions_opened_with_the_old_link():
    invitation, old_token = make_invitation()
    client = patient_client(old_token)
    assert client.get(step_url("about")).status_code == 200
    renew_invitation(invitation)
    response = client.get(step_url("about"))
    assert response.status_code == 404
    assert response.content.decode() == neutral_page()


@pytest.mark.parametrize("link", ["q", "c"], ids=["the questionnaire's", "the course's"])
def test_a_link_token_is_redacted_from_log_records(link):
    token = new_token()
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/{link}/{token}/",),
        None,
    )
    assert RedactLinkTokens().filter(record)
    assert record.getMessage() == f"Not Found: /{link}/[redacted]/"


def test_a_course_link_refused_logs_its_path_without_the_token(caplog):
    token = new_token()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get(f"/c/{token}/")
    logged = " ".join(RedactLinkTokens().filter(r) and r.getMessage() for r in caplog.records)
    assert token not in logged


def test_every_log_handler_of_the_settings_redacts_link_tokens(settings):
    config = settings.LOGGING
    assert {"django", "django.server"} <= set(config["loggers"])
    for handler in config["handlers"].values():
        filters = [config["filters"][name]["()"] for name in handler["filters"]]
        assert "clinic.logs.RedactLinkTokens" in filters


def test_patient_saves_are_written_to_the_audit_trail_without_a_user():
    invitation, token = make_invitation()
    patient_client(token).post(step_url("about"), {"goals": "Walk"})
    event = AuditEvent.objects.filter(object_type="questionnaire").latest("pk")
    assert event.user is None
    assert event.action == "change"
    assert event.patient == invitation.patient
    assert event.detail == "step about"


def csrf_client(token: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("questionnaire_link", args=[token]))
    page = client.get(reverse("questionnaire_check"))
    return client, page.context["csrf_token"]


@pytest.mark.parametrize(
    ("headers", "with_token", "status"),
    [
        ({"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin"}, True, 302),
        ({"HTTP_ORIGIN": "null"}, True, 302),
        ({"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"}, True, 403),
        ({"HTTP_ORIGIN": "https://evil.example"}, True, 403),
        ({"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin"}, False, 403),
    ],
)
def test_forms_sent_without_a_referrer_still_need_the_csrf_token_and_this_site(
    headers, with_token, status
):
    _invitation, token = make_invitation()
    client, csrf = csrf_client(token)
    data = birth_date(BORN) | ({"csrfmiddlewaretoken": csrf} if with_token else {})
    response = client.post(reverse("questionnaire_check"), data, **headers)
    assert response.status_code == status


# Every patient page: (method, url name, args) reached with no session, with a session
# whose date of birth is not yet confirmed, and with a confirmed one.
PATIENT_PAGES = {
    "start": ("get", "questionnaire_start", []),
    "a step": ("get", "questionnaire_step", ["about"]),
    "saving a step": ("post", "questionnaire_step", ["about"]),
    "adding a file": ("post", "questionnaire_upload", []),
    "removing a file": ("post", "questionnaire_upload_remove", [1]),
    "the confirmation": ("get", "questionnaire_done", []),
}


@pytest.mark.parametrize("page", PATIENT_PAGES)
def test_without_a_link_session_every_patient_page_is_the_neutral_page(page):
    method, name, args = PATIENT_PAGES[page]
    response = getattr(Client(), method)(reverse(name, args=args))
    assert response.status_code == 404
    assert response.content.decode() == neutral_page()


@pytest.mark.parametrize("page", PATIENT_PAGES)
def test_before_the_date_of_birth_every_patient_page_asks_for_it(page):
    method, name, args = PATIENT_PAGES[page]
    _invitation, token = make_invitation()
    client, _ = open_link(token)
    response = getattr(client, method)(reverse(name, args=args))
    assert response["Location"] == reverse("questionnaire_check")


@pytest.mark.parametrize("page", PATIENT_PAGES)
def test_with_the_date_of_birth_confirmed_every_patient_page_answers(page):
    method, name, args = PATIENT_PAGES[page]
    _invitation, token = make_invitation()
    response = getattr(patient_client(token), method)(reverse(name, args=args))
    # The page itself answers (file 1 is not this patient's, so removing it is "not found").
    assert response.get("Location") != reverse("questionnaire_check")
    assert response.content.decode() != neutral_page()
