"""Staff pages for questionnaire links, review, files and the dashboard."""

import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from intake.models import Invitation, Questionnaire, Upload
from tests.builders import make_episode, make_patient, with_audit
from tests.intake.questionnaire_builders import (
    BORN,
    FULL_ANSWERS,
    answer_everything,
    make_invitation,
    patient_client,
    step_url,
)
from tests.intake.test_questionnaire_uploads import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def named_patient(first: str, last: str):
    """An episode for a patient born on BORN with this name (the link's date check)."""
    return make_episode(patient=make_patient(first_name=first, last_name=last, date_of_birth=BORN))


def an_invitation(**kwargs):
    return make_invitation(**kwargs)[0]


def submitted_questionnaire() -> Questionnaire:
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    client.post(step_url("consent"), {**FULL_ANSWERS["consent"], "go": "submit"})
    return Questionnaire.objects.get(pk=invitation.questionnaire_id)


def an_upload() -> Upload:
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(reverse("questionnaire_upload"), {"file": named("scan.pdf", PDF)})
    return Upload.objects.get(questionnaire=invitation.questionnaire)


def named(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


# page: (method, url maker, a role that may not use it, a role that may, status when allowed)
PAGES = {
    "dashboard": (
        "get",
        lambda: reverse("questionnaire_dashboard"),
        "administrator",
        "front_desk",
        200,
    ),
    "make a link": (
        "post",
        lambda: reverse("invitation_create", args=[make_episode().pk]),
        "administrator",
        "front_desk",
        302,
    ),
    "send a link again": (
        "post",
        lambda: reverse("invitation_resend", args=[an_invitation().pk]),
        "administrator",
        "front_desk",
        302,
    ),
    "the link page": (
        "get",
        lambda: reverse("invitation_show", args=[an_invitation().pk]),
        "administrator",
        "front_desk",
        200,
    ),
    "revoke a link": (
        "post",
        lambda: reverse("invitation_revoke", args=[an_invitation().pk]),
        "administrator",
        "front_desk",
        302,
    ),
    "unlock a link": (
        "post",
        lambda: reverse("invitation_unlock", args=[an_invitation().pk]),
        "administrator",
        "practitioner",
        302,
    ),
    "mark answers reviewed": (
        "post",
        lambda: reverse("questionnaire_reviewed", args=[submitted_questionnaire().episode_id]),
        "front_desk",
        "practitioner",
        302,
    ),
    "download a patient's file": (
        "get",
        lambda: reverse("upload_download", args=[an_upload().pk]),
        "front_desk",
        "practitioner",
        200,
    ),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "wrong role", "right role"])
def test_who_may_use_each_staff_page(page, who, client_for, request):
    method, url_for, wrong, right, allowed = PAGES[page]
    url = url_for()
    user = {"anonymous": None, "wrong role": wrong, "right role": right}[who]
    client = client_for(request.getfixturevalue(user) if user else None)
    response = getattr(client, method)(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif who == "wrong role":
        assert response.status_code == 403
    else:
        assert response.status_code == allowed


def test_making_a_link_shows_it_once_with_a_qr_code_and_audits_it(front_desk, client_for):
    episode = make_episode()
    response = client_for(front_desk).post(
        reverse("invitation_create", args=[episode.pk]), follow=True
    )
    invitation = Invitation.objects.get(questionnaire__episode=episode)
    assert response.redirect_chain == [(reverse("invitation_show", args=[invitation.pk]), 302)]
    assert "/q/" in response.text
    assert "<svg" in response.text and "QR code of the link" in response.text
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="create", object_type="invitation")
    assert event.patient == episode.patient
    assert event.user == front_desk
    assert invitation.state == "sent"


def test_the_link_shown_to_staff_opens_the_questionnaire(front_desk, client_for):
    episode = make_episode()
    response = client_for(front_desk).post(
        reverse("invitation_create", args=[episode.pk]), follow=True
    )
    start = response.text.index("/q/")
    url = response.text[start : response.text.index('"', start)]
    from django.test import Client

    assert Client().get(url)["Location"] == reverse("questionnaire_check")


def test_reloading_the_link_page_makes_no_new_link_and_shows_none(front_desk, client_for):
    episode = make_episode(patient=make_patient(email="zoe@example.com"))
    client = client_for(front_desk)
    shown = client.post(reverse("invitation_create", args=[episode.pk]), {"send": "1"}, follow=True)
    invitation = Invitation.objects.get(questionnaire__episode=episode)
    reloaded = client.get(reverse("invitation_show", args=[invitation.pk]))
    assert "/q/" in shown.text
    assert "/q/" not in reloaded.text
    assert "shown once" in reloaded.text
    assert reverse("invitation_resend", args=[invitation.pk]) in reloaded.text
    assert Invitation.objects.filter(questionnaire__episode=episode).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).token_hash == invitation.token_hash
    assert len(mail.outbox) == 1


def test_the_new_link_is_kept_in_the_session_only_until_it_is_shown(front_desk, client_for):
    episode = make_episode()
    client = client_for(front_desk)
    client.post(reverse("invitation_create", args=[episode.pk]))
    assert "intake_new_link" in client.session
    invitation = Invitation.objects.get(questionnaire__episode=episode)
    client.get(reverse("invitation_show", args=[invitation.pk]))
    assert "intake_new_link" not in client.session


def test_emailing_a_link_sends_it_to_the_patient_and_audits_the_sending(front_desk, client_for):
    episode = make_episode(patient=make_patient(email="zoe@example.com"))
    client_for(front_desk).post(reverse("invitation_create", args=[episode.pk]), {"send": "1"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zoe@example.com"]
    assert "/q/" in message.body
    invitation = Invitation.objects.get(questionnaire__episode=episode)
    assert invitation.sent_to == "zoe@example.com"
    assert AuditEvent.objects.filter(detail="link emailed to zoe@example.com").exists()


def test_sending_again_makes_a_new_address_and_the_old_one_stops_working(front_desk, client_for):
    invitation, old_token = make_invitation()
    client_for(front_desk).post(reverse("invitation_resend", args=[invitation.pk]))
    from django.test import Client

    assert Client().get(reverse("questionnaire_link", args=[old_token])).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).token_hash != invitation.token_hash


def test_a_new_link_replaces_the_older_one(front_desk, client_for):
    first = an_invitation()
    client_for(front_desk).post(reverse("invitation_create", args=[first.questionnaire.episode_id]))
    assert Invitation.objects.get(pk=first.pk).state == "revoked"


def test_revoking_a_link_is_audited_and_shown_as_revoked(front_desk, client_for):
    invitation = an_invitation()
    client = client_for(front_desk)
    client.post(reverse("invitation_revoke", args=[invitation.pk]))
    assert AuditEvent.objects.filter(detail="link revoked", user=front_desk).exists()
    page = client.get(reverse("episode_detail", args=[invitation.questionnaire.episode_id]))
    assert "Revoked" in page.text


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({}, "Sent"),
        ({"opened_at": timezone.now()}, "Opened"),
        ({"revoked_at": timezone.now()}, "Revoked"),
        ({"expires_at": timezone.now() - timezone.timedelta(days=1)}, "Expired"),
        ({"locked_at": timezone.now()}, "Locked"),
    ],
)
def test_the_episode_page_shows_each_links_state(change, state, front_desk, client_for):
    invitation = an_invitation(**change)
    page = client_for(front_desk).get(
        reverse("episode_detail", args=[invitation.questionnaire.episode_id])
    )
    assert f">{state}</span>" in page.text


def test_a_link_being_answered_shows_in_progress_with_the_last_save(front_desk, client_for):
    invitation, token = make_invitation()
    patient_client(token).post(step_url("about"), {"goals": "Walk"})
    page = client_for(front_desk).get(
        reverse("episode_detail", args=[invitation.questionnaire.episode_id])
    )
    assert ">In progress</span>" in page.text
    assert "last saved" in page.text


def test_the_practitioner_sees_the_summary_with_scores_flags_and_conditions(
    practitioner, client_for
):
    questionnaire = submitted_questionnaire()
    page = client_for(practitioner).get(reverse("episode_detail", args=[questionnaire.episode_id]))
    text = page.text
    assert "46.7%" in text and "severe disability" in text  # 21 of 45: sex life skipped
    assert "5/9, psychosocial 3/5" in text and "medium risk" in text
    assert "16/24" in text
    assert "now 7, worst 9, best 4" in text
    # The areas as the patient marked them, with their side (FULL_ANSWERS' body map).
    assert "Left buttock, Left back of the thigh, Left calf, Right calf, Lower back" in text
    assert "Conditions that matter for treatment" in text
    assert "Pregnant</strong>, 20 weeks" in text
    assert "Blood-thinning medicine" in text
    assert "Red flags" not in text
    event = AuditEvent.objects.filter(user=practitioner).get()  # one, saying what it showed
    assert (event.user, event.object_type) == (practitioner, "episode")
    assert event.detail == "with the questionnaire's answers"


def test_red_flags_are_at_the_top_of_the_summary_in_red(practitioner, client_for):
    invitation, token = make_invitation()
    patient_client(token).post(
        step_url("story"), {"duration_number": "2", "duration_unit": "weeks"}
    )
    patient_client(token).post(step_url("safety"), {"saddle_anaesthesia": "yes"})
    page = (
        client_for(practitioner)
        .get(reverse("episode_detail", args=[invitation.questionnaire.episode_id]))
        .text
    )
    flags = page.index("Red flags")
    assert page.rfind("alert-danger", 0, flags) > page.index('id="intake-heading"')
    assert "Possible cauda equina syndrome" in page
    assert "Numbness or tingling between your legs" in page
    assert flags < page.index("Scores")


def test_answers_that_cannot_be_scored_yet_say_why_in_plain_words(practitioner, client_for):
    invitation, token = make_invitation()
    patient_client(token).post(step_url("about"), {"goals": "Walk"})
    page = client_for(practitioner).get(
        reverse("episode_detail", args=[invitation.questionnaire.episode_id])
    )
    assert page.status_code == 200
    assert "the answers do not say how long the pain has lasted" in page.text


def test_the_front_desk_sees_the_state_but_not_the_answers(front_desk, client_for):
    questionnaire = submitted_questionnaire()
    page = client_for(front_desk).get(reverse("episode_detail", args=[questionnaire.episode_id]))
    assert "Submitted" in page.text
    assert "Sit through a film again" not in page.text
    assert AuditEvent.objects.filter(user=front_desk).get().detail == ""


def test_answers_taken_without_a_link_point_to_the_course_page_for_the_link_between_visits(
    front_desk, client_for
):
    questionnaire = submitted_questionnaire()
    Invitation.objects.filter(questionnaire=questionnaire).delete()  # answered at the desk
    episode = questionnaire.episode_id
    page = client_for(front_desk).get(reverse("episode_detail", args=[episode])).text
    assert "no link is needed" not in page
    assert f'href="{reverse("course_detail", args=[episode])}">course page</a>' in page


def test_marking_reviewed_takes_it_off_the_dashboard(practitioner, client_for):
    questionnaire = submitted_questionnaire()
    client = client_for(practitioner)
    dashboard = reverse("questionnaire_dashboard")
    name = questionnaire.episode.patient.full_name
    assert name in client.get(dashboard).text
    client.post(reverse("questionnaire_reviewed", args=[questionnaire.episode_id]))
    questionnaire.refresh_from_db()
    assert questionnaire.reviewed_by == practitioner
    assert name not in client.get(dashboard).text


def test_the_dashboard_lists_flags_answers_to_review_and_links_still_out(front_desk, client_for):
    flagged, token = make_invitation(named_patient("Henrik", "Solberg"))
    patient_client(token).post(step_url("safety"), {"bowel_dysfunction": "yes"})
    waiting = submitted_questionnaire()
    out = an_invitation(episode=named_patient("Priya", "Natarajan"))
    page = client_for(front_desk).get(reverse("questionnaire_dashboard")).text
    flags = page[page.index("flags-heading") : page.index("review-heading")]
    review = page[page.index("review-heading") : page.index("links-heading")]
    links = page[page.index("links-heading") :]
    assert flagged.patient.full_name in flags and "Emergency sign" in flags
    assert waiting.episode.patient.full_name in review
    assert out.patient.full_name in links
    assert waiting.episode.patient.full_name not in links


def test_a_red_flag_keeps_the_time_it_was_reported_when_the_patient_saves_again(
    front_desk, client_for
):
    flagged, token = make_invitation(named_patient("Henrik", "Solberg"))
    client = patient_client(token)
    client.post(step_url("safety"), {"bowel_dysfunction": "yes"})
    reported = Questionnaire.objects.get(pk=flagged.questionnaire_id).red_flag_at
    Questionnaire.objects.filter(pk=flagged.questionnaire_id).update(
        red_flag_at=reported - datetime.timedelta(hours=2)
    )
    client.post(step_url("about"), {"goals": "Walk"})  # later, another step
    page = client_for(front_desk).get(reverse("questionnaire_dashboard")).text
    shown = timezone.localtime(reported - datetime.timedelta(hours=2))
    assert f"{shown:%d %b %H:%M}" in page


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("bowel_dysfunction", "told to go to an emergency department today"),
        ("fever_or_chills", "Same-day sign</strong>: told to see a doctor today"),
        ("history_of_cancer", "Red flag answer"),
    ],
)
def test_the_dashboard_says_how_urgently_the_patient_was_told_to_get_help(
    front_desk, client_for, answer, words
):
    flagged, token = make_invitation()
    patient_client(token).post(step_url("safety"), {answer: "yes"})
    page = client_for(front_desk).get(reverse("questionnaire_dashboard")).text
    flags = page[page.index("flags-heading") : page.index("review-heading")]
    assert flagged.patient.full_name in flags and words in flags


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_query_count_does_not_grow_with_what_it_lists(practitioner, client_for):
    client = client_for(practitioner)
    url = reverse("questionnaire_dashboard")
    submitted_questionnaire()
    an_invitation()
    with_one = queries_for(client, url)
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 open questionnaires with a red flag, with their episodes and patients
    # 4 red flags answered yes at a visit, with their episodes and patients
    # 5 submitted answers waiting for review, with their episodes and patients
    # 6 links still out, with their questionnaires, episodes and patients
    # 7 the audit event (last, once the page is rendered: audit.shown)
    assert with_one == with_audit(7)
    for _ in range(5):
        submitted_questionnaire()
        invitation, token = make_invitation()
        patient_client(token).post(step_url("safety"), {"saddle_anaesthesia": "yes"})
    assert queries_for(client, url) == with_one


def test_the_episode_panel_query_count_does_not_grow_with_links_or_files(practitioner, client_for):
    invitation, token = make_invitation()
    patient = patient_client(token)
    answer_everything(patient)
    client = client_for(practitioner)
    url = reverse("episode_detail", args=[invitation.questionnaire.episode_id])
    with_one = queries_for(client, url)
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 the episode with its patient, practitioner, questionnaire with who reviewed it,
    #   and exam with its author (none yet), read once for both panels and the scores, its
    #   working diagnosis and its count of visits
    # 4 the questionnaire's links
    # 5 its files
    # 6 the plan versions, as the list shows them
    # 7 the one audit event for the page (it says the answers were shown), last
    assert with_one == with_audit(7)
    for _ in range(3):
        patient.post(reverse("questionnaire_upload"), {"file": named("scan.pdf", PDF)})
        Invitation.objects.create(questionnaire=invitation.questionnaire, token_hash=str(_) * 64)
    assert queries_for(client, url) == with_one


def test_a_submitted_questionnaire_gets_no_new_link(front_desk, client_for):
    questionnaire = submitted_questionnaire()
    client_for(front_desk).post(reverse("invitation_create", args=[questionnaire.episode_id]))
    assert questionnaire.invitations.filter(revoked_at__isnull=True).count() == 1


def test_each_role_starts_on_a_page_it_can_use(practitioner, front_desk, administrator, client_for):
    assert client_for(practitioner).get("/")["Location"] == reverse("questionnaire_dashboard")
    assert client_for(front_desk).get("/")["Location"] == reverse("patient_list")
    admin = client_for(administrator)
    assert admin.get("/")["Location"] == reverse("admin:index")
    assert admin.get(reverse("admin:index")).status_code == 200


def test_an_email_that_cannot_be_sent_still_shows_the_link_with_a_message(
    front_desk, client_for, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens here
    episode = make_episode(patient=make_patient(email="zoe@example.com"))
    response = client_for(front_desk).post(
        reverse("invitation_create", args=[episode.pk]), {"send": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "The email could not be sent" in response.text
    assert "/q/" in response.text
    assert Invitation.objects.get(questionnaire__episode=episode).sent_at is None


@pytest.mark.parametrize(
    ("number", "unit", "shown"),
    [("1", "weeks", "1 week,"), ("3", "weeks", "3 weeks,")],
    ids=["one week", "three weeks"],
)
def test_the_summary_says_how_long_in_plain_words(number, unit, shown, practitioner, client_for):
    invitation, token = make_invitation()
    patient_client(token).post(
        step_url("story"),
        {"duration_number": number, "duration_unit": unit, "onset": "sudden"},
    )
    page = client_for(practitioner).get(
        reverse("episode_detail", args=[invitation.questionnaire.episode_id])
    )
    assert f'<dd class="col-sm-8">{shown}' in page.text


def test_a_summary_without_a_drawing_says_so_instead_of_an_empty_body_map(practitioner, client_for):
    invitation, token = make_invitation()
    patient_client(token).post(
        step_url("story"), {"duration_number": "2", "duration_unit": "weeks"}
    )
    page = client_for(practitioner).get(
        reverse("episode_detail", args=[invitation.questionnaire.episode_id])
    )
    assert "Nothing drawn on the body map." in page.text
    assert 'class="body-map' not in page.text
