"""Every answer lands in its case-format field; partial answers always save."""

import datetime
import re

import pytest
from django.urls import reverse

from clinic.models import Episode
from intake.core.case import load_case
from intake.models import Questionnaire, case_document, episode_case
from intake.questionnaire import STEP_BY_SLUG, STEPS
from tests.intake.questionnaire_builders import (
    FULL_ANSWERS,
    FULL_CASE_HISTORY,
    FULL_CASE_QUESTIONNAIRES,
    answer_everything,
    make_invitation,
    patient_client,
    shown_on,
    step_url,
)

pytestmark = pytest.mark.django_db


def submit(client) -> None:
    response = client.post(step_url("consent"), {**FULL_ANSWERS["consent"], "go": "submit"})
    assert response["Location"] == reverse("questionnaire_done")


def test_a_full_questionnaire_becomes_the_expected_case():
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    submit(client)
    episode = Episode.objects.get(pk=invitation.questionnaire.episode_id)
    patient = episode.patient
    expected = {
        "format": "sciatica-case/1",
        "patient": {
            "age": patient.age_on(episode.opened),
            "sex": "female",
            "pregnant": True,
            "gestation_weeks": 20,
        },
        "history": FULL_CASE_HISTORY,
        "questionnaires": FULL_CASE_QUESTIONNAIRES,
    }
    assert case_document(episode) == expected
    assert episode_case(episode) == load_case(expected)


def test_answers_without_a_case_format_field_are_kept_in_extra():
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    extra = Questionnaire.objects.get(pk=invitation.questionnaire.pk).extra
    assert extra["goals"] == "Sit through a film again"
    assert extra["contact"] == {"phone": "07700 900123", "email": "zoe@example.com"}
    assert extra["pain_map"] == FULL_ANSWERS["pain"]["pain_map"]
    assert extra["duration"] == {"number": 3.0, "unit": "weeks"}
    assert extra["back_pain_worst"] == 5
    assert extra["medications"] == "Apixaban; paracetamol"
    assert extra["scans"]["kinds"] == ["mri"]
    assert extra["consent"] == {
        "agreed": True,
        "signed_name": "Zoë Marchetti",
        "signed_on": "2026-05-02",
    }


@pytest.mark.parametrize(
    ("number", "unit", "weeks"),
    [("10", "days", 1.4), ("3", "weeks", 3.0), ("6", "months", 26.0), ("2", "years", 104.0)],
)
def test_how_long_it_has_hurt_is_counted_in_weeks(number, unit, weeks):
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("story"), {"duration_number": number, "duration_unit": unit})
    answers = Questionnaire.objects.get(pk=invitation.questionnaire.pk).answers
    assert answers["history"]["duration_weeks"] == weeks


@pytest.mark.parametrize(
    ("choice", "stored"), [("leg", True), ("back", False), ("same", False), ("", None)]
)
def test_which_hurts_more_becomes_leg_pain_worse_than_back(choice, stored):
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("story"), {"leg_or_back": choice})
    history = Questionnaire.objects.get(pk=invitation.questionnaire.pk).answers.get("history", {})
    assert history.get("leg_pain_worse_than_back") == stored


def test_a_half_answered_step_saves_and_moves_on():
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(step_url("pain"), {"leg_pain_now": "6", "go": "next"})
    assert response["Location"] == step_url("story")
    answers = Questionnaire.objects.get(pk=invitation.questionnaire.pk).answers
    assert answers["history"]["leg_pain_now"] == 6
    assert "leg_pain_worst" not in answers["history"]


def test_clearing_an_answer_removes_it_rather_than_saving_no():
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("safety"), {"fever_or_chills": "no"})
    client.post(step_url("safety"), {"fever_or_chills": ""})
    answers = Questionnaire.objects.get(pk=invitation.questionnaire.pk).answers
    assert "fever_or_chills" not in answers.get("history", {}).get("red_flags", {})


def test_a_wrong_value_is_refused_with_a_message_and_the_rest_of_the_page_is_saved():
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(
        step_url("health"), {"gestation_weeks": "60", "medications": "Ibuprofen", "go": "next"}
    )
    assert response.status_code == 200
    assert "Please check the answers marked below" in response.text
    assert 'value="60"' in response.text
    extra = Questionnaire.objects.get(pk=invitation.questionnaire.pk).extra
    assert extra["medications"] == "Ibuprofen"


def test_going_back_saves_the_page_and_shows_the_step_before():
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(step_url("story"), {"side": "right", "go": "back"})
    assert response["Location"] == step_url("pain")
    page = client.get(step_url("story"))
    assert re.search(r'name="side" value="right"[^>]*checked', page.text)


def test_autosave_answers_with_the_time_it_saved():
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(step_url("about"), {"goals": "Walk the dog", "autosave": "1"})
    assert response.status_code == 200
    assert response.json()["saved_at"]
    assert (
        Questionnaire.objects.get(pk=invitation.questionnaire.pk).extra["goals"] == "Walk the dog"
    )


def test_answers_resume_from_another_device_with_the_same_link():
    invitation, token = make_invitation()
    patient_client(token).post(step_url("about"), {"goals": "Walk the dog"})
    page = patient_client(token).get(step_url("about"))
    assert "Walk the dog" in page.text


def test_submitting_with_answers_missing_lists_them_with_links_and_keeps_everything():
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("about"), {"goals": "Walk the dog"})
    response = client.post(step_url("consent"), {"signed_name": "zoe  MARCHETTI", "go": "submit"})
    assert response["Location"] == step_url("consent") + "?check=1"
    page = client.get(response["Location"])
    assert "a few answers are still needed" in page.text
    assert f'href="{step_url("safety")}"' in page.text
    assert "How long you have had this pain" in page.text
    assert "Your agreement to the consent statement" in page.text
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    assert questionnaire.submitted_at is None
    assert questionnaire.extra["goals"] == "Walk the dog"
    assert questionnaire.extra["consent"]["signed_name"] == "zoe  MARCHETTI"


def test_an_emergency_sign_flags_the_questionnaire_and_shows_urgent_advice_after_saving():
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(step_url("safety"), {"bladder_dysfunction": "yes"}, follow=True)
    assert "call your local emergency number or go to an emergency department today" in (
        response.text.replace("<strong>", "")
        .replace("</strong>", "")
        .replace("Call your", "call your")
    )
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    assert questionnaire.emergency is True
    assert questionnaire.red_flag is True


@pytest.mark.parametrize(
    ("answer", "emergency", "red_flag"),
    [
        ({"saddle_anaesthesia": "yes"}, True, True),
        ({"progressive_weakness": "yes"}, True, True),
        ({"history_of_cancer": "yes"}, False, True),
        ({"saddle_anaesthesia": "no", "fever_or_chills": "no"}, False, False),
    ],
)
def test_which_answers_flag_the_episode(answer, emergency, red_flag):
    invitation, token = make_invitation()
    patient_client(token).post(step_url("safety"), answer)
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    assert (questionnaire.emergency, questionnaire.red_flag) == (emergency, red_flag)


def test_the_questionnaires_the_clinic_turns_off_are_not_asked():
    from intake.models import IntakeSettings

    settings_row = IntakeSettings.load()
    settings_row.ask_odi = False
    settings_row.save()
    invitation, token = make_invitation()
    client = patient_client(token)
    page = client.get(step_url("scores"))
    assert "odi_walking" not in page.text
    assert "start_back_1" in page.text
    answers = {k: v for k, v in FULL_ANSWERS.items()}
    answers["scores"] = {k: v for k, v in FULL_ANSWERS["scores"].items() if not k.startswith("odi")}
    answer_everything(client, answers)
    submit(client)
    case = episode_case(Episode.objects.get(pk=invitation.questionnaire.episode_id))
    assert case.questionnaires.odi is None
    assert case.questionnaires.start_back is not None


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("Zoë Marchetti", True),
        ("zoe marchetti", True),
        ("  ZOË   MARCHETTI ", True),
        ("Zoe Mar-chetti", True),
        ("Mickey Mouse", False),
        ("Zoë", False),
        ("Marchetti Zoë", False),
    ],
)
def test_the_signature_must_be_the_patients_name_accents_case_and_spacing_aside(typed, accepted):
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    response = client.post(
        step_url("consent"),
        {"agreed": "on", "signed_name": typed, "signed_on": "2026-05-02", "go": "submit"},
    )
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    assert (questionnaire.submitted_at is not None) is accepted
    if not accepted:
        assert "This is not the name the clinic has for the patient" in response.text
        assert questionnaire.extra["consent"]["signed_name"] != typed  # the earlier one stays


def test_someone_signing_on_the_patients_behalf_says_who_they_are():
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    signed = {"agreed": "on", "signed_name": "Luca Marchetti", "signed_on": "2026-05-02"}
    response = client.post(step_url("consent"), {**signed, "on_behalf": "on", "go": "submit"})
    assert response["Location"] == step_url("consent") + "?check=1"
    page = client.get(response["Location"])
    assert "Your name and how you are related to the patient" in page.text
    client.post(
        step_url("consent"),
        {**signed, "on_behalf": "on", "relationship": "Luca, her son", "go": "submit"},
    )
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    assert questionnaire.submitted_at is not None
    assert questionnaire.extra["consent"]["relationship"] == "Luca, her son"


def test_the_practitioner_is_warned_of_a_signature_that_is_not_the_patients(
    practitioner, client_for
):
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    questionnaire.extra["consent"]["signed_name"] = "Mickey Mouse"  # saved before the check
    questionnaire.save()
    page = client_for(practitioner).get(questionnaire.episode.get_absolute_url())
    assert "The signature is not the patient's name on record" in page.text


def _visible_advice(html: str) -> list[str]:
    """The urgent-advice blocks the patient sees (not hidden), by their questions."""
    blocks = re.findall(r'<div class="urgent-sign" data-advice-for="([^"]+)"[^>]*?( hidden)?>',
                        html)  # fmt: skip
    return [questions for questions, hidden in blocks if not hidden]


@pytest.mark.parametrize(
    ("answer", "own_words"),
    [
        ("fever_or_chills", "infection in or near the spine"),
        ("iv_drug_use", "Injecting drugs makes an infection of the spine more likely"),
        ("progressive_weakness", "Weakness in your leg or foot that is getting worse"),
    ],
)
def test_each_same_day_sign_shows_its_own_advice_not_the_cauda_equina_words(answer, own_words):
    invitation, token = make_invitation()
    page = patient_client(token).post(step_url("safety"), {answer: "yes"}, follow=True).text
    assert _visible_advice(page) == [answer]
    shown = page.split(f'data-advice-for="{answer}"', 1)[1].split("</div>", 1)[0]
    assert own_words in shown
    assert "See a doctor today" in shown
    assert "cauda equina" not in shown and "emergency department" not in shown
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire.pk)
    assert questionnaire.urgency == "same_day"


def test_a_cauda_equina_sign_and_fever_show_both_advices_the_emergency_first():
    invitation, token = make_invitation()
    answers = {"fever_or_chills": "yes", "bilateral_leg_symptoms_new": "yes"}
    page = patient_client(token).post(step_url("safety"), answers, follow=True).text
    assert _visible_advice(page) == [
        "saddle_anaesthesia bladder_dysfunction bowel_dysfunction sexual_dysfunction_new "
        "bilateral_leg_symptoms_new",
        "fever_or_chills",
    ]
    assert "new in both legs" in page
    assert Questionnaire.objects.get(pk=invitation.questionnaire.pk).urgency == "emergency"


SAFETY_COUNTS = [
    ("one left: one question needs", 1, "1 of the safety questions needs a yes or no"),
    ("three left: three questions need", 3, "3 of the safety questions need a yes or no"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("left", "said"), [s[1:] for s in SAFETY_COUNTS], ids=[s[0] for s in SAFETY_COUNTS]
)
def test_the_safety_questions_left_are_counted_in_plain_grammar(left, said):
    from intake.questionnaire import missing_answers

    flags = dict(FULL_CASE_HISTORY["red_flags"])
    for code in list(flags)[:left]:
        del flags[code]
    answers = {"history": {**FULL_CASE_HISTORY, "red_flags": flags}, "questionnaires": {}}
    safety = [m.what for m in missing_answers(answers, {}, asked=()) if m.step == "safety"]
    assert safety == [said]


CARRYING_ON = {
    "saved with Next: the step after": ("pain", {"go": "next"}, "story"),
    "saved with Back: the step before": ("story", {"go": "back"}, "pain"),
    "saved as typed: the same step": ("story", {"go": "next", "autosave": "1"}, "story"),
    "answers to correct: the same step": ("pain", {"go": "next", "leg_pain_now": "12"}, "pain"),
    "Back on the first step: the first step": ("about", {"go": "back"}, "about"),
}


@pytest.mark.parametrize(("slug", "posted", "resume"), CARRYING_ON.values(), ids=CARRYING_ON)
def test_carry_on_leads_to_the_step_the_patient_stopped_at(slug, posted, resume):
    _, token = make_invitation()
    client = patient_client(token)
    client.post(step_url(slug), posted)
    start = client.get(reverse("questionnaire_start")).content.decode()
    carry_on = re.search(r'href="([^"]+)">Carry on<span[^>]*>at step (\d): ([^<]+)<', start)
    assert carry_on and carry_on.group(1) == step_url(resume)
    number = [step.slug for step in STEPS].index(resume) + 1
    assert carry_on.groups()[1:] == (str(number), STEP_BY_SLUG[resume].title)


def test_a_questionnaire_not_started_starts_at_the_first_step():
    _, token = make_invitation()
    start = patient_client(token).get(reverse("questionnaire_start")).content.decode()
    assert f'href="{step_url("about")}">Start<' in start


PHONES = {
    "a number with its country code": ("+44 (0)7700 900123", True),
    "words": ("call after six", False),
    "too few digits to ring": ("123", False),
    "a letter among the digits": ("07700 9OO123", False),
}


@pytest.mark.parametrize(("phone", "accepted"), PHONES.values(), ids=PHONES)
def test_the_patients_phone_number_is_one_that_can_be_rung(phone, accepted):
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(
        step_url("about"), {"phone": phone, "goals": "Walk the dog", "go": "next"}
    )
    extra = Questionnaire.objects.get(pk=invitation.questionnaire_id).extra
    assert extra["goals"] == "Walk the dog"  # the rest of the step is kept either way
    if accepted:
        assert response.status_code == 302 and extra["contact"]["phone"] == phone
    else:
        page = response.content.decode()
        assert "Enter a phone number using digits" in page and f'value="{phone}"' in page
        assert extra.get("contact", {}).get("phone") != phone


PLAIN_WORDS = {
    "weeks of pregnancy out of range": (
        "health", {"pregnant": "yes", "gestation_weeks": "50"}, "Enter a number from 0 to 42."
    ),
    "weeks of pregnancy in words": (
        "health", {"pregnant": "yes", "gestation_weeks": "ten"}, "Enter a whole number, in figures."
    ),
    "an answer too long": (
        "about", {"goals": "a" * 2050}, "Please shorten this to 2000 characters (it has 2050)."
    ),
    "how long, in words": (
        "story", {"duration_number": "two"}, "Enter a number, in figures (for example 2 or 1.5)."
    ),
    "how long, to the hundredth": (
        "story", {"duration_number": "1.25"}, "Use at most 1 figure after the point."
    ),
    "a daily-life answer not on the form": (
        "scores", {"odi_pain_intensity": "9"}, "Please choose one of the answers shown."
    ),
}  # fmt: skip


@pytest.mark.parametrize(("slug", "posted", "message"), PLAIN_WORDS.values(), ids=PLAIN_WORDS)
def test_the_patient_is_told_in_plain_words_what_to_enter(slug, posted, message):
    _, token = make_invitation()
    page = patient_client(token).post(step_url(slug), posted | {"go": "next"}).content.decode()
    assert message in page
    assert "Ensure" not in page and "Select a valid choice" not in page


AGREEING = {"leg_pain_now": 5, "leg_pain_worst": 8, "leg_pain_best": 3,
            "back_pain_now": 3, "back_pain_worst": 6, "back_pain_best": 1}  # fmt: skip

#: (what the patient changes on the page, the pair said back, the words)
PAIN_THAT_DISAGREES = {
    "best moved above worst": ({"leg_pain_best": "9"}, ("best", "worst"), "At its best (9)"),
    "worst moved below best": ({"leg_pain_worst": "2"}, ("best", "worst"), "at its worst (2)"),
    "now moved above worst": ({"leg_pain_now": "9"}, ("now", "worst"), "Right now (9)"),
    "now moved below best": ({"leg_pain_now": "2"}, ("now", "best"), "higher than right now"),
}  # fmt: skip


def stored_pain(invitation) -> dict:
    questionnaire = Questionnaire.objects.get(pk=invitation.questionnaire_id)
    history, extra = questionnaire.answers.get("history", {}), questionnaire.extra
    return {name: history.get(name, extra.get(name)) for name in AGREEING}


@pytest.mark.parametrize(
    ("changed", "pair", "message"), PAIN_THAT_DISAGREES.values(), ids=PAIN_THAT_DISAGREES
)
def test_pain_scores_that_disagree_are_said_back_and_neither_of_the_pair_is_saved(
    changed, pair, message
):
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("pain"), {name: str(value) for name, value in AGREEING.items()})
    assert stored_pain(invitation) == AGREEING
    shown = shown_on(client.get(step_url("pain")))
    posted = {name: str(value) for name, value in AGREEING.items()} | changed
    response = client.post(step_url("pain"), posted | {"shown": shown, "go": "next"})
    errors = response.context["form"].errors
    assert {f"leg_pain_{key}" for key in pair} <= set(errors)
    assert message in response.content.decode()
    assert stored_pain(invitation) == AGREEING  # what agreed is kept until both agree


def test_pain_scores_that_agree_go_on_to_the_next_step():
    _, token = make_invitation()
    posted = {"leg_pain_now": "5", "leg_pain_worst": "8", "leg_pain_best": "3", "go": "next"}
    response = patient_client(token).post(step_url("pain"), posted)
    assert response["Location"] == step_url("story")


def test_the_consent_is_dated_today_or_before_and_shown_as_a_date(practitioner, client_for):
    invitation, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    later = {**FULL_ANSWERS["consent"], "signed_on": "2099-01-15", "go": "submit"}
    assert "not a later one" in client.post(step_url("consent"), later).content.decode()
    submit(client)
    episode = Episode.objects.get(pk=invitation.questionnaire.episode_id)
    page = client_for(practitioner).get(episode.get_absolute_url()).content.decode()
    signed_on = datetime.date.fromisoformat(FULL_ANSWERS["consent"]["signed_on"])
    assert f"{signed_on:%-d %b %Y}" in page


def test_no_scans_and_a_scan_ticked_together_are_said_back_and_not_kept():
    invitation, token = make_invitation()
    client = patient_client(token)
    response = client.post(step_url("scans"), {"scan_kinds": ["mri", "none"], "go": "next"})
    assert "untick one of them" in response.content.decode()
    extra = Questionnaire.objects.get(pk=invitation.questionnaire_id).extra
    assert "kinds" not in extra.get("scans", {})
    kept = client.post(step_url("scans"), {"scan_kinds": ["mri"], "go": "next"})
    assert kept.status_code == 302


def test_an_answer_still_needed_is_added_and_the_patient_is_taken_back_to_sending():
    _, token = make_invitation()
    client = patient_client(token)
    answer_everything(client)
    client.post(step_url("story"), {"duration_number": "", "go": "next"})
    check = client.post(step_url("consent"), {**FULL_ANSWERS["consent"], "go": "submit"})
    page = client.get(check["Location"]).content.decode()
    assert f'href="{step_url("story")}?checking=1"' in page
    story = client.get(step_url("story") + "?checking=1").content.decode()
    assert 'value="check">Save and go back to sending' in story
    back = client.post(step_url("story"), {**FULL_ANSWERS["story"], "go": "check"})
    assert back["Location"] == step_url("consent") + "?check=1"
