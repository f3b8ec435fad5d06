"""A referral that has been sent takes the episode off the dashboard's red-flag list."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent, Episode
from tests.builders import make_episode, make_patient
from tests.intake.questionnaire_builders import BORN, make_invitation, patient_client, step_url
from tests.plans.builders import L5_DISC_HISTORY, make_exam

pytestmark = pytest.mark.django_db


def flagged_episode_with_letter(practitioner, client_for):
    """Henrik answered a bladder question "yes"; the practitioner approved a referral."""
    patient = make_patient(first_name="Henrik", last_name="Solberg", date_of_birth=BORN)
    episode = make_episode(patient=patient)
    _invitation, token = make_invitation(episode)
    patient_client(token).post(step_url("safety"), {"bladder_dysfunction": "yes"})
    make_exam(episode, history={**L5_DISC_HISTORY, "red_flags": {"history_of_cancer": True}})
    client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]),
        {"refer_to": "Emergency department", "urgency": "emergency",
         "letter": "Please assess today.", "approve": "1"},
    )  # fmt: skip
    return episode, episode.plans.get(), token


def red_flag_list(client) -> str:
    page = client.get(reverse("questionnaire_dashboard")).text
    return page[page.index("flags-heading") : page.index("review-heading")]


def test_printing_the_referral_letter_moves_the_episode_to_referred_with_who_and_when(
    practitioner, front_desk, client_for
):
    episode, letter, _token = flagged_episode_with_letter(practitioner, client_for)
    assert "Henrik Solberg" in red_flag_list(client_for(practitioner))

    client_for(front_desk).get(reverse("plan_print", args=[letter.pk, "referral", "a4"]))

    episode.refresh_from_db()
    assert episode.status == Episode.Status.REFERRED
    assert episode.referred_by == front_desk and episode.referred_at is not None
    assert "Henrik Solberg" not in red_flag_list(client_for(practitioner))
    assert AuditEvent.objects.filter(detail="referred: letter printed").count() == 1
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    assert "Referred on" in page and "by Sam Staff" in page


def test_marking_the_letter_sent_clears_the_red_flag_list_too(practitioner, client_for):
    episode, letter, _token = flagged_episode_with_letter(practitioner, client_for)
    client = client_for(practitioner)
    page = client.get(episode.get_absolute_url()).text
    assert reverse("referral_sent", args=[letter.pk]) in page

    client.post(reverse("referral_sent", args=[letter.pk]))

    episode.refresh_from_db()
    assert (episode.status, episode.referred_by) == (Episode.Status.REFERRED, practitioner)
    assert "Henrik Solberg" not in red_flag_list(client)


def test_printing_the_clinician_copy_is_not_sending_the_referral(practitioner, client_for):
    episode, letter, _token = flagged_episode_with_letter(practitioner, client_for)
    client_for(practitioner).get(reverse("plan_print", args=[letter.pk, "clinician", "a4"]))
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN


def test_a_new_red_flag_after_the_referral_brings_it_back(practitioner, client_for):
    episode, letter, token = flagged_episode_with_letter(practitioner, client_for)
    client = client_for(practitioner)
    client.post(reverse("referral_sent", args=[letter.pk]))
    patient = patient_client(token)
    patient.post(step_url("safety"), {"bladder_dysfunction": "yes", "fever_or_chills": "no"})
    assert "Henrik Solberg" not in red_flag_list(client)  # the same flag, answered again

    patient.post(step_url("safety"), {"bladder_dysfunction": "yes", "fever_or_chills": "yes"})

    assert "Henrik Solberg" in red_flag_list(client)
    client.get(reverse("plan_print", args=[letter.pk, "referral", "a4"]))  # sent again
    assert "Henrik Solberg" not in red_flag_list(client)
