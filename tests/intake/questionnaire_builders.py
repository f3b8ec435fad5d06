"""Builders for questionnaire tests: links, a signed-in patient, a full set of answers."""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from clinic.models import Episode
from intake.core.case import RED_FLAG_QUESTIONS
from intake.models import Invitation, create_invitation
from tests.builders import make_episode, make_patient

BORN = datetime.date(1986, 4, 12)


def make_invitation(episode: Episode | None = None, **overrides: Any) -> tuple[Invitation, str]:
    """A link (and its raw token) for an episode of a patient born on BORN."""
    if episode is None:
        patient = make_patient(
            first_name="Zoë", last_name="Marchetti", date_of_birth=BORN, sex="female"
        )
        episode = make_episode(patient=patient)
    invitation, token = create_invitation(episode, by=None)
    for name, value in overrides.items():
        setattr(invitation, name, value)
    invitation.save()
    return invitation, token


def birth_date(day: datetime.date) -> dict[str, int]:
    return {"day": day.day, "month": day.month, "year": day.year}


def patient_client(token: str, born: datetime.date = BORN) -> Client:
    """A browser that opened the link and confirmed the date of birth."""
    client = Client()
    client.get(reverse("questionnaire_link", args=[token]))
    response = client.post(reverse("questionnaire_check"), birth_date(born))
    assert response.status_code == 302, "the date of birth was not accepted"
    return client


def step_url(slug: str) -> str:
    return reverse("questionnaire_step", args=[slug])


#: Every step's form, filled in the way a patient would; FULL_CASE is what it must become.
FULL_ANSWERS: dict[str, dict[str, Any]] = {
    "about": {
        "phone": "07700 900123",
        "email": "zoe@example.com",
        "sex": "female",
        "goals": "Sit through a film again",
    },
    "pain": {
        "pain_map": ["left_buttock", "left_posterior_thigh", "left_calf", "right_calf", "low_back"],
        "leg_pain_now": "7",
        "leg_pain_worst": "9",
        "leg_pain_best": "4",
        "back_pain_now": "3",
        "back_pain_worst": "5",
        "back_pain_best": "1",
    },
    "story": {
        "duration_number": "3",
        "duration_unit": "weeks",
        "onset": "sudden",
        "trigger": "lifting",
        "side": "left",
        "leg_or_back": "leg",
        "symptoms": ["numbness", "tingling"],
        "aggravating": ["sitting", "coughing_sneezing"],
        "relieving": ["lying_down"],
        "claudication": "no",
        "walking_distance": "over_1km",
        "standing_time": "over_30min",
    },
    "safety": dict.fromkeys(RED_FLAG_QUESTIONS, "no"),
    "health": {
        "conditions": ["anticoagulants", "diabetes"],
        "pregnant": "yes",
        "gestation_weeks": "20",
        "other_conditions": "Asthma",
        "medications": "Apixaban; paracetamol",
        "previous_treatments": "Physiotherapy, some help",
        "contributing": ["sedentary_work", "emotional_stress"],
    },
    "scores": {
        "odi_pain_intensity": "3",
        "odi_personal_care": "1",
        "odi_lifting": "3",
        "odi_walking": "2",
        "odi_sitting": "3",
        "odi_standing": "2",
        "odi_sleeping": "2",
        "odi_sex_life": "na",
        "odi_social_life": "2",
        "odi_travelling": "3",
        "start_back_1": "agree",
        "start_back_2": "disagree",
        "start_back_3": "agree",
        "start_back_4": "disagree",
        "start_back_5": "agree",
        "start_back_6": "agree",
        "start_back_7": "disagree",
        "start_back_8": "disagree",
        "start_back_9": "very_much",
        "sbi_leg_pain": "5",
        "sbi_numbness_tingling": "4",
        "sbi_weakness": "2",
        "sbi_pain_while_sitting": "5",
    },
    "scans": {"scan_kinds": ["mri"], "scan_notes": "MRI in May, told a disc was bulging"},
    "consent": {"agreed": "on", "signed_name": "Zoë Marchetti", "signed_on": "2026-05-02"},
}

#: The case those answers make, for a woman aged 40 on the day the episode opened.
FULL_CASE_HISTORY = {
    "duration_weeks": 3.0,
    "onset": "sudden",
    "trigger": "lifting",
    "side": "left",
    "pain_regions": ["low_back", "buttock", "posterior_thigh", "calf"],
    "leg_pain_worse_than_back": True,
    "symptoms": ["numbness", "tingling"],
    "aggravating": ["sitting", "coughing_sneezing"],
    "relieving": ["lying_down"],
    "neurogenic_claudication": False,
    "leg_pain_now": 7,
    "leg_pain_worst": 9,
    "leg_pain_best": 4,
    "back_pain_now": 3,
    "red_flags": dict.fromkeys(FULL_ANSWERS["safety"], False),
    "conditions": ["anticoagulants", "diabetes"],
    "contributing": ["sedentary_work", "emotional_stress"],
}
FULL_CASE_QUESTIONNAIRES = {
    "odi": {
        "pain_intensity": 3,
        "personal_care": 1,
        "lifting": 3,
        "walking": 2,
        "sitting": 3,
        "standing": 2,
        "sleeping": 2,
        "sex_life": None,
        "social_life": 2,
        "travelling": 3,
    },
    "start_back": {
        "1": True,
        "2": False,
        "3": True,
        "4": False,
        "5": True,
        "6": True,
        "7": False,
        "8": False,
        "9": "very_much",
    },
    "sbi": {"leg_pain": 5, "numbness_tingling": 4, "weakness": 2, "pain_while_sitting": 5},
}


def answer_everything(client: Client, answers: dict[str, dict[str, Any]] = FULL_ANSWERS) -> None:
    for slug, data in answers.items():
        response = client.post(step_url(slug), {**data, "go": "save"})
        assert response.status_code == 302, (slug, response.content[:2000])


def shown_on(page: Any) -> str:
    """The values a step's page showed, as its form sends them back (`shown`)."""
    import html
    import re

    found = re.search(r'name="shown" value="([^"]*)"', page.content.decode())
    assert found, "the step's page carries no shown values"
    return html.unescape(found.group(1))


def second_tab(client: Client) -> Client:
    """Another tab of the same browser: the same session cookie."""
    tab = Client()
    tab.cookies = client.cookies
    return tab
