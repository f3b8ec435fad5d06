"""The exam form, its version check, the live assessment and the working diagnosis."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from intake.core.case import RED_FLAG_QUESTIONS
from intake.exam_forms import SPECS, ExamForm, initial_from
from intake.models import Exam, ExamRevision, Questionnaire, episode_case
from plans.core.assessment import assessment_document
from plans.models import Diagnosis
from tests.builders import make_episode, make_user
from tests.plans.builders import L5_DISC_FINDINGS, L5_DISC_HISTORY, make_exam

pytestmark = pytest.mark.django_db

#: The L5 disc herniation exam as the form posts it.
L5_DISC_POST = {
    "duration_weeks": "3",
    "side": "right",
    "pain_regions": ["buttock", "posterior_thigh", "shin", "foot"],
    "leg_pain_worse_than_back": "yes",
    "leg_pain_now": "6",
    "slr_right": "positive",
    "slr_right_angle": "40",
    "slr_left": "negative",
    "slump_right": "positive",
    "strength_ankle_dorsiflexion_right": "4",
    "strength_great_toe_extension_right": "4",
    "sensation_L5_right": "reduced",
    "heel_walk_right": "difficult",
}


#: Every red-flag question answered "no" in the room: a plan is proposed only then.
SCREEN_ANSWERED_NO = {f"rf_{q}": "no" for q in RED_FLAG_QUESTIONS}


def post_exam(client, episode, version: int, **values):
    data = {"version": str(version), **L5_DISC_POST, **values}
    return client.post(reverse("exam_edit", args=[episode.pk]), data)


def test_saving_the_exam_stores_the_case_format_and_counts_the_version(practitioner, client_for):
    episode = make_episode()
    response = post_exam(client_for(practitioner), episode, 0)
    assert response.status_code == 302
    exam = Exam.objects.get(episode=episode)
    assert exam.version == 1
    assert exam.updated_by == practitioner
    assert exam.findings["slr"]["right"] == {"result": "positive", "angle_deg": 40}
    assert exam.findings["strength"]["ankle_dorsiflexion"] == {"right": 4}
    assert exam.history["leg_pain_worse_than_back"] is True
    assert exam.history["pain_regions"] == ["buttock", "posterior_thigh", "shin", "foot"]
    assert "crossed_slr" not in exam.findings  # not tested is left out, not negative
    assert ExamRevision.objects.filter(exam=exam, version=1).exists()
    assert AuditEvent.objects.filter(action="change", object_type="exam").count() == 1


def test_the_form_reads_back_every_field_it_saved():
    parts = {
        "findings": L5_DISC_FINDINGS,
        "history": L5_DISC_HISTORY,
        "imaging": {"modality": "mri", "disc_herniation_level": "L4-L5"},
        "tcm_notes": {"tongue": "pale, thin white coat"},
    }
    form = ExamForm({"version": "1", **initial_from(parts)})
    assert form.is_valid(), form.errors
    saved = form.parts()
    assert saved["findings"] == L5_DISC_FINDINGS
    assert saved["imaging"] == parts["imaging"]
    assert saved["tcm_notes"] == parts["tcm_notes"]
    assert saved["history"] == L5_DISC_HISTORY


def test_the_form_has_a_field_for_every_exam_test_of_the_case_format():
    tests = {spec.path[1] for spec in SPECS if spec.path[0] == "findings"}
    assert tests >= {
        "slr", "crossed_slr", "slump", "femoral_nerve_stretch", "fair",
        "seated_piriformis_stretch", "active_piriformis", "piriformis_tenderness",
        "sciatic_notch_tenderness", "kemp", "reflexes", "strength", "sensation", "step_off",
        "midline_sill", "extension_provokes", "flexion_relieves", "wide_based_gait", "romberg",
        "pedal_pulses", "heel_walk", "toe_walk", "temperature_c", "abi",
    }  # fmt: skip


def test_a_second_practitioner_saving_the_same_exam_gets_a_conflict_not_an_overwrite(
    practitioner, client_for
):
    colleague = make_user("Practitioner", first_name="Ines", last_name="Vogel")
    episode = make_episode()
    make_exam(episode)  # both open the form at version 1
    first = post_exam(client_for(colleague), episode, 1, slr_right_angle="30")
    assert first.status_code == 302

    second = post_exam(client_for(practitioner), episode, 1, slr_right_angle="55")

    assert second.status_code == 200
    assert "Someone else saved this exam after you opened it" in second.text
    assert "Ines Vogel saved version 2" in second.text
    assert "SLR angle, right (degrees)" in second.text  # what they changed, 40 -> 30
    assert 'value="55"' in second.text  # what this practitioner typed is still in the form
    assert 'name="version" value="2"' in second.text
    exam = Exam.objects.get(episode=episode)
    assert exam.version == 2
    assert exam.findings["slr"]["right"]["angle_deg"] == 30


def test_after_a_conflict_the_form_keeps_their_values_except_in_fields_changed_here(
    practitioner, client_for
):
    colleague = make_user("Practitioner", first_name="Ines", last_name="Vogel")
    episode = make_episode()
    make_exam(episode)  # both open the form at version 1: SLR 40 degrees, leg pain 6
    post_exam(client_for(colleague), episode, 1, slr_right_angle="30", sensation_L5_right="")
    client = client_for(practitioner)

    clash = post_exam(client, episode, 1, leg_pain_now="7")

    assert "Ines Vogel saved version 2" in clash.text
    form = clash.context["form"]
    assert form.initial["slr_right_angle"] == 30  # theirs: this practitioner left it alone
    assert "sensation_L5_right" not in form.initial  # theirs: cleared
    assert form.initial["leg_pain_now"] == 7  # changed here: this practitioner's value
    assert form.initial["version"] == 2
    data = {name: value for name, value in form.initial.items() if value is not None}
    saved = client.post(reverse("exam_edit", args=[episode.pk]), data)
    assert saved.status_code == 302
    exam = Exam.objects.get(episode=episode)
    assert exam.version == 3
    assert exam.findings["slr"]["right"]["angle_deg"] == 30
    assert exam.findings.get("sensation", {}).get("L5", {}).get("right") is None  # cleared
    assert exam.history["leg_pain_now"] == 7


def test_saving_again_after_reading_the_conflict_keeps_the_practitioners_values(
    practitioner, client_for
):
    episode = make_episode()
    make_exam(episode, version=2)
    response = post_exam(client_for(practitioner), episode, 2, slr_right_angle="55")
    assert response.status_code == 302
    assert Exam.objects.get(episode=episode).findings["slr"]["right"]["angle_deg"] == 55


# (scenario, field, value typed, message)
BAD_EXAM_VALUES = {
    "an MRC grade that is not one": ("strength_hip_flexion_left", "7", "Select a valid choice"),
    "an SLR angle over 120 degrees": ("slr_right_angle", "150", "less than or equal to 120"),
    "a pain score over 10": ("leg_pain_now", "11", "less than or equal to 10"),
    "an SLR angle without its result": ("slr_left_angle", "40", "Record the SLR result"),
}


@pytest.mark.parametrize("scenario", BAD_EXAM_VALUES)
def test_a_bad_exam_value_is_refused_with_a_message_and_nothing_typed_is_lost(
    scenario, practitioner, client_for
):
    field, value, message = BAD_EXAM_VALUES[scenario]
    episode = make_episode()
    extra = {"slr_left": ""} if field == "slr_left_angle" else {}
    response = post_exam(client_for(practitioner), episode, 0, **{field: value}, **extra)
    assert response.status_code == 200
    assert message in response.text
    assert 'name="slr_right_angle" value="40"' in response.text or field == "slr_right_angle"
    assert not Exam.objects.filter(episode=episode).exists()


def test_the_patients_questionnaire_answers_are_shown_beside_the_history_fields(
    practitioner, client_for
):
    episode = make_episode()
    Questionnaire.objects.create(
        episode=episode, answers={"history": {"duration_weeks": 9, "aggravating": ["sitting"]}}
    )
    page = client_for(practitioner).get(reverse("exam_edit", args=[episode.pk]))
    assert "Questionnaire: 9" in page.text
    assert "Questionnaire: sitting" in page.text


def test_the_live_assessment_reads_the_form_as_typed_without_saving_it(practitioner, client_for):
    episode = make_episode()
    url = reverse("assessment_preview", args=[episode.pk])
    response = client_for(practitioner).post(url, {"version": "0", **L5_DISC_POST})
    assert response.status_code == 200
    leading = response.context["assessed"]["a"]["causes"][0]
    assert (leading["code"], leading["likelihood"]) == ("disc_herniation", "likely")
    assert "<strong>L5</strong>, right side" in response.text
    assert "Devillé 2000" in response.text  # evidence carries its source
    assert not Exam.objects.filter(episode=episode).exists()


@pytest.mark.parametrize(
    "sign", [{"plantar_response_left": "extensor"}, {"ankle_clonus_right": "present"}]
)
def test_an_upper_motor_neuron_sign_in_the_room_is_a_same_day_red_flag(
    practitioner, client_for, sign
):
    episode = make_episode()
    url = reverse("assessment_preview", args=[episode.pk])
    text = client_for(practitioner).post(url, {"version": "0", **L5_DISC_POST, **sign}).text
    assert "Upper-motor-neuron signs (possible cord compression)" in text
    assert "same day, seen by a doctor today" in text
    post_exam(client_for(practitioner), episode, 0, **sign)
    ((field, value),) = sign.items()
    name, side = field.rsplit("_", 1)
    assert Exam.objects.get(episode=episode).findings[name] == {side: value}


def test_the_live_assessment_shows_red_flags_first(practitioner, client_for):
    episode = make_episode()
    url = reverse("assessment_preview", args=[episode.pk])
    data = {"version": "0", **L5_DISC_POST, "rf_saddle_anaesthesia": "yes"}
    text = client_for(practitioner).post(url, data).text
    assert "refer the same day" in text
    assert text.index("Possible cauda equina syndrome") < text.index("Scores")


def test_without_the_duration_the_assessment_says_what_is_missing(practitioner, client_for):
    episode = make_episode()
    url = reverse("assessment_preview", args=[episode.pk])
    data = {"version": "0", **L5_DISC_POST, "duration_weeks": ""}
    assert "record how many weeks" in client_for(practitioner).post(url, data).text


def test_confirming_the_working_diagnosis_records_who_and_when(practitioner, client_for):
    episode = make_episode()
    make_exam(episode)
    url = reverse("diagnosis_record", args=[episode.pk])
    client_for(practitioner).post(url, {"cause": "disc_herniation", "reason": ""})
    diagnosis = Diagnosis.objects.get(episode=episode)
    assert (diagnosis.cause, diagnosis.overridden) == ("disc_herniation", False)
    assert diagnosis.recorded_by == practitioner
    assert diagnosis.exam_version == 1


def test_overriding_the_diagnosis_needs_a_reason(practitioner, client_for):
    episode = make_episode()
    make_exam(episode)
    client = client_for(practitioner)
    url = reverse("diagnosis_record", args=[episode.pk])
    refused = client.post(url, {"cause": "deep_gluteal", "reason": ""}, follow=True)
    assert "Say why you are choosing a different cause" in refused.text
    assert not Diagnosis.objects.exists()
    client.post(url, {"cause": "deep_gluteal", "reason": "Pain reproduced at piriformis"})
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.overridden
    assert diagnosis.proposed_cause == "disc_herniation"
    assert diagnosis.reason == "Pain reproduced at piriformis"


def test_pregnancy_recorded_in_the_room_excludes_electroacupuncture(practitioner, client_for):
    episode = make_episode()
    post_exam(
        client_for(practitioner),
        episode,
        0,
        pregnant="yes",
        gestation_weeks="20",
        **SCREEN_ANSWERED_NO,
    )
    assert Exam.objects.get(episode=episode).patient == {"pregnant": True, "gestation_weeks": 20}
    proposal = assessment_document(episode_case(episode))["plan"]
    assert "electroacupuncture" in {e["modality"] for e in proposal["excluded"]}


def test_the_room_answer_on_pregnancy_overrides_the_questionnaires(practitioner, client_for):
    episode = make_episode()
    Questionnaire.objects.create(episode=episode, answers={"patient": {"pregnant": True}})
    post_exam(client_for(practitioner), episode, 0, pregnant="no")
    assert episode_case(episode).patient.pregnant is False


def test_an_exam_sent_back_for_corrections_is_still_an_audited_view(practitioner, client_for):
    episode = make_episode()
    response = post_exam(client_for(practitioner), episode, 0, leg_pain_now="11")
    assert response.status_code == 200
    assert not Exam.objects.filter(episode=episode).exists()
    event = AuditEvent.objects.get(patient=episode.patient)
    assert (event.action, event.detail) == ("view", "exam form, not saved")


def test_the_live_assessment_counts_a_pregnancy_typed_in_the_room(practitioner, client_for):
    episode = make_episode()
    url = reverse("assessment_preview", args=[episode.pk])
    data = {
        "version": "0",
        **L5_DISC_POST,
        **SCREEN_ANSWERED_NO,
        "pregnant": "yes",
        "gestation_weeks": "20",
    }
    response = client_for(practitioner).post(url, data)
    excluded = response.context["assessed"]["a"]["plan"]["excluded"]
    assert "electroacupuncture" in {e["modality"] for e in excluded}


def test_the_live_assessment_drops_a_finding_cleared_in_the_form(practitioner, client_for):
    episode = make_episode()
    make_exam(episode)  # saved with the L5 deficits and a positive SLR
    url = reverse("assessment_preview", args=[episode.pk])
    response = client_for(practitioner).post(url, {"version": "1", "duration_weeks": "3"})
    assert response.context["assessed"]["a"]["root"]["level"] is None


def red_flag_badge(page: str) -> str:
    start = page.index('data-testid="red-flag-screen"')
    return page[page.rindex("<span", 0, start) : page.index("</span>", start)]


def test_no_red_flags_shows_green_only_once_every_question_is_answered(practitioner, client_for):
    screened = make_episode()
    make_exam(screened)
    unscreened = make_episode()
    history = {**L5_DISC_HISTORY, "red_flags": {"saddle_anaesthesia": False}}
    make_exam(unscreened, history=history)
    client = client_for(practitioner)

    green = red_flag_badge(client.get(reverse("exam_edit", args=[screened.pk])).text)
    amber = red_flag_badge(client.get(reverse("exam_edit", args=[unscreened.pk])).text)

    assert "text-bg-success" in green and "No red flags" in green
    assert "text-bg-warning" in amber and "Red flags not screened" in amber
    assert "No red flags" not in amber
