"""The referral letter reads the core's urgency; a bleeding disorder leaves no modality."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.models import TreatmentPlan
from plans.pdf import plan_pdf
from tests.builders import make_episode
from tests.plans.builders import L5_DISC_HISTORY, make_diagnosis, make_exam

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


LETTERS = [
    # (scenario, red-flag answers, addressee, urgency, the letter's words)
    ("fever: same day", {"fever_or_chills": True},
     "A doctor today (same-day GP appointment or urgent care)", "same_day",
     "Please see the patient today"),
    ("worsening weakness: same day", {"progressive_weakness": True},
     "A doctor today (same-day GP appointment or urgent care)", "same_day",
     "Please see the patient today"),
    ("cauda equina: emergency", {"bladder_dysfunction": True}, "Emergency department",
     "emergency", "go to the emergency department now"),
    ("past cancer, no neurology: within days", {"history_of_cancer": True},
     "The patient's GP", "within_days", "within the next few days"),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "addressee", "urgency", "words"),
                         [r[1:] for r in LETTERS], ids=[r[0] for r in LETTERS])  # fmt: skip
def test_the_letter_is_addressed_and_worded_by_the_flag_urgency(
    practitioner, client_for, answers, addressee, urgency, words
):
    episode = make_episode()
    history = {**L5_DISC_HISTORY, "red_flags": {**L5_DISC_HISTORY["red_flags"], **answers}}
    # No neurological signs: a past cancer alone is within days (with them, same day).
    make_exam(episode, history=history, findings={"slr": {"right": {"result": "positive"}}})
    initial = (
        client_for(practitioner)
        .get(reverse("plan_edit", args=[episode.pk]))
        .context["form"]
        .initial
    )
    assert (initial["refer_to"], initial["urgency"]) == (addressee, urgency)
    assert words in initial["letter"]


def test_a_same_day_letter_prints_as_same_day_to_a_doctor_today(practitioner, client_for):
    episode = make_episode()
    history = {**L5_DISC_HISTORY, "red_flags": {**L5_DISC_HISTORY["red_flags"],
                                                 "fever_or_chills": True}}  # fmt: skip
    make_exam(episode, history=history)
    client = client_for(practitioner)
    initial = client.get(reverse("plan_edit", args=[episode.pk])).context["form"].initial
    client.post(reverse("plan_edit", args=[episode.pk]), {**initial, "approve": "1"})
    letter = TreatmentPlan.objects.get()
    assert (letter.kind, letter.status, letter.urgency) == ("referral", "approved", "same_day")
    text = " ".join(pdf_text(plan_pdf(letter, "referral", "a4")).split())
    assert "To: A doctor today (same-day GP appointment or urgent care)" in text
    assert "Urgency: Same day (seen by a doctor today)" in text
    assert "Please see the patient today" in text
    assert "within days" not in text.lower()
    assert "Possible spinal infection (same day)" in text


def bleeding_episode(practitioner):
    episode = make_episode()
    make_exam(episode, history={**L5_DISC_HISTORY, "conditions": ["bleeding_disorder"]})
    make_diagnosis(episode, practitioner)
    return episode


PLAN = {
    "session_minutes": "20",
    "visits_per_week": "2",
    "total_visits": "8",
    "reassess_at_visit": "4",
    "start_date": "2030-03-04",
    "exercises": "Nerve sliders.",
    "advice": "Keep active.",
}


def test_a_bleeding_disorder_proposes_no_modality(practitioner, client_for):
    episode = bleeding_episode(practitioner)
    page = client_for(practitioner).get(reverse("plan_edit", args=[episode.pk]))
    assert page.context["form"].initial["modalities"] == []
    assert "Bleeding disorder: no needling, cupping or gua sha" in page.text


def test_a_bleeding_disorder_refuses_acupuncture_without_a_reason(practitioner, client_for):
    episode = bleeding_episode(practitioner)
    response = client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]),
        {**PLAN, "modalities": ["acupuncture"], "points": "BL23", "approve": "1"},
    )
    assert response.status_code == 200
    assert "Acupuncture is excluded for this patient" in response.text
    assert not TreatmentPlan.objects.exists()


def test_a_bleeding_disorder_allows_acupuncture_with_the_practitioners_reason(
    practitioner, client_for
):
    episode = bleeding_episode(practitioner)
    reason = "GP confirmed a mild von Willebrand disorder; fine needles, no deep points"
    client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]),
        {**PLAN, "modalities": ["acupuncture"], "points": "BL23",
         "override_acupuncture": reason, "approve": "1"},
    )  # fmt: skip
    plan = TreatmentPlan.objects.get()
    assert (plan.status, plan.overrides) == ("approved", {"acupuncture": reason})


# --- honest words on paper, and the clinician copy carries the examination ------------------


def printed(
    practitioner, variant: str = "patient", cause: str = "disc_herniation", plan=None, **exam
):
    from plans.pdf import plan_html
    from tests.builders import make_patient
    from tests.plans.builders import make_approved_plan

    episode = make_episode(patient=make_patient(first_name="Iris", last_name="Okafor"))
    make_exam(episode, **exam)
    make_diagnosis(episode, practitioner, cause=cause)
    approved = make_approved_plan(episode, practitioner, **(plan or {}))
    return " ".join(plan_html(approved, variant, "a4", for_pdf=False).split())


def test_an_acute_disc_plan_says_the_sham_trial_was_in_chronic_sciatica(practitioner):
    text = printed(practitioner)
    assert "Likely cause: Lumbar disc herniation with radiculopathy." in text
    assert "for sciatica of a few weeks there is no such trial" in text
    assert "does not recommend acupuncture for low back pain with or without sciatica" in text
    assert "most likely" not in text


def test_a_chronic_disc_plan_names_the_one_sham_controlled_trial(practitioner):
    history = {**L5_DISC_HISTORY, "duration_weeks": 20}
    text = printed(practitioner, history=history)
    assert "A trial in sciatica from a disc lasting more than 3 months" in text
    assert "no such trial" not in text


def test_a_possible_cause_is_never_printed_as_likely(practitioner):
    text = printed(practitioner, findings={"slr": {"right": {"result": "positive"}}})
    assert "Possible cause: Lumbar disc herniation with radiculopathy." in text
    assert "Likely cause" not in text


def test_a_slip_felt_on_palpation_alone_says_so_and_that_no_sham_trial_exists(practitioner):
    findings = {"step_off": "present", "midline_sill": "present", "extension_provokes": True}
    text = printed(practitioner, cause="spondylolisthesis", findings=findings)
    assert "Likely cause: Spondylolisthesis." in text
    assert "not on a scan or an X-ray" in text
    assert "No trial has compared acupuncture with sham treatment for this cause" in text


def test_the_patient_copy_names_the_risks_of_each_modality(practitioner):
    text = printed(practitioner)
    assert "Fewer than 3 people in 100 find their symptoms get worse" in text
    assert "causes a burn or blisters, and broken skin can become infected" in text


def test_every_urgent_care_text_on_the_printout_says_the_same_thing(practitioner):
    from plans.core.propose import urgent_care_texts

    # The proposal's urgent advice printed in the list, beside the urgent box.
    text = printed(practitioner, plan={"advice": list(urgent_care_texts())})
    assert "Contact us or your doctor the same day" not in text
    emergency = "Call your local emergency number or go to an emergency department today"
    same_day = "See a doctor today: ring your GP practice for a same-day appointment"
    assert text.count(emergency) == 2  # the box and the advice list, the same words
    assert text.count(same_day) == 2


def test_the_clinician_copy_carries_the_slr_angle_the_tcm_notes_and_the_values(practitioner):
    tcm = {"tongue": "pale, teeth marks", "pulse": "wiry", "pattern": "Qi and blood stagnation"}
    text = printed(practitioner, "clinician", tcm_notes=tcm)
    assert "Examination" in text
    assert "right positive, 40°" in text  # the SLR with its angle
    assert "pale, teeth marks" in text and "wiry" in text and "Qi and blood stagnation" in text
    assert "slr: left negative, right positive, 40°" in text  # beside the SLR rule
    patient = printed(practitioner, tcm_notes=tcm)
    assert "wiry" not in patient
