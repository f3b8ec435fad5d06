"""The plan builder: the proposal, dose limits, exclusions, approval, versions, referrals."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from plans.models import TreatmentPlan
from tests.builders import make_episode
from tests.plans.builders import (
    L5_DISC_HISTORY,
    make_approved_plan,
    make_diagnosed_episode,
    make_diagnosis,
    make_exam,
)

pytestmark = pytest.mark.django_db

GOOD_PLAN = {
    "modalities": ["acupuncture", "electroacupuncture", "cupping"],
    "ea_frequency_hz": "2",
    "ea_minutes": "20",
    "cupping_method": "stationary",
    "cupping_area": "Lower back",
    "points": "BL23\nGB30\nGB39",
    "session_minutes": "20",
    "visits_per_week": "2",
    "total_visits": "8",
    "reassess_at_visit": "4",
    "start_date": "2030-03-04",
    "exercises": "Walk a little, often.",
    "advice": "Get up from the desk every half hour.",
}


@pytest.fixture
def episode(practitioner):
    return make_diagnosed_episode(practitioner)


def test_the_builder_starts_from_the_proposal(episode, practitioner, client_for):
    page = client_for(practitioner).get(reverse("plan_edit", args=[episode.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["modalities"] == ["acupuncture", "electroacupuncture", "cupping"]
    assert form.initial["session_minutes"] == 20
    assert "GB39" in form.initial["points"]  # the L5 root's distal point


@pytest.mark.parametrize(("booked_in", "starts_in"), [(3, 3), (-5, 0)], ids=["ahead", "passed"])
def test_the_course_starts_at_the_first_visit_booked_or_today_once_it_has_passed(
    booked_in, starts_in, episode, practitioner, client_for
):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    episode.opened = today + timedelta(days=booked_in)
    episode.save()
    page = client_for(practitioner).get(reverse("plan_edit", args=[episode.pk]))
    assert page.context["form"].initial["start_date"] == today + timedelta(days=starts_in)


# (scenario, changed fields, the message the practitioner reads)
OUT_OF_RANGE = {
    "a 30-minute session": ({"session_minutes": "30"}, "session length must be 18-25 minutes"),
    "a 15-minute session": ({"session_minutes": "15"}, "session length must be 18-25 minutes"),
    "four visits a week": ({"visits_per_week": "4"}, "1-3 visits a week"),
    "no visits a week": ({"visits_per_week": "0"}, "1-3 visits a week"),
    "a course of 14": ({"total_visits": "14"}, "a course is 4-12 visits"),
    "a course of 3": ({"total_visits": "3", "reassess_at_visit": "2"}, "a course is 4-12 visits"),
    "reassessing after the course": (
        {"reassess_at_visit": "9"},
        "The reassessment visit must be within the course (visit 1 to 8)",
    ),
    "electroacupuncture at 500 Hz": ({"ea_frequency_hz": "500"}, "frequency of 1-100 Hz"),
    "electroacupuncture longer than the session": (
        {"ea_minutes": "40"},
        "runs 5 minutes up to the length of the session",
    ),
    "no modality": ({"modalities": []}, "Choose at least one modality"),
    "cupping with no area": ({"cupping_area": ""}, "Say where the cupping goes"),
}


@pytest.mark.parametrize("scenario", OUT_OF_RANGE)
def test_an_out_of_range_plan_is_refused_with_a_clear_message_and_the_form_kept(
    scenario, episode, practitioner, client_for
):
    changes, message = OUT_OF_RANGE[scenario]
    response = client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, **changes, "save": "1"}
    )
    assert response.status_code == 200
    assert message in response.text
    assert "Walk a little, often." in response.text  # nothing typed is lost
    assert not TreatmentPlan.objects.exists()


def test_approving_freezes_the_plan_with_the_assessment_it_was_built_from(
    episode, practitioner, client_for
):
    response = client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "approve": "1"}
    )
    plan = TreatmentPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.status == "approved"
    assert plan.approved_by == practitioner
    assert plan.modality("electroacupuncture") == {
        "code": "electroacupuncture",
        "frequency_hz": 2,
        "minutes": 20,
    }
    assert plan.snapshot["assessment"]["causes"][0]["code"] == "disc_herniation"
    assert plan.snapshot["assessment"]["root"]["level"] == "L5"
    assert plan.snapshot["case"]["history"]["duration_weeks"] == 3
    assert plan.snapshot["diagnosis"]["cause"] == "disc_herniation"
    assert AuditEvent.objects.filter(action="change", object_type="treatmentplan").exists()


def test_a_plan_is_not_approved_before_the_working_diagnosis(practitioner, client_for):
    episode = make_episode()
    make_exam(episode)
    response = client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "approve": "1"}, follow=True
    )
    assert "Confirm or override the working diagnosis first" in response.text
    assert TreatmentPlan.objects.get().status == "draft"


def test_a_plan_is_not_approved_while_a_red_flag_question_is_unanswered(practitioner, client_for):
    episode = make_episode()
    history = {**L5_DISC_HISTORY, "red_flags": {"saddle_anaesthesia": False}}
    make_exam(episode, history=history)
    make_diagnosis(episode, practitioner)
    client = client_for(practitioner)
    assert client.get(reverse("plan_edit", args=[episode.pk])).status_code == 302
    response = client.post(
        reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "approve": "1"}, follow=True
    )
    assert "Ask every red-flag question" in response.text
    assert "no plan is proposed until the screen is complete" in response.text
    assert not TreatmentPlan.objects.exists()


def pacemaker_episode(practitioner):
    episode = make_episode()
    make_exam(episode, history={**L5_DISC_HISTORY, "conditions": ["pacemaker"]})
    make_diagnosis(episode, practitioner)
    return episode


def test_with_a_pacemaker_electroacupuncture_is_left_out_with_its_reason(practitioner, client_for):
    episode = pacemaker_episode(practitioner)
    page = client_for(practitioner).get(reverse("plan_edit", args=[episode.pk]))
    assert "electroacupuncture" not in page.context["form"].initial["modalities"]
    assert "Electrical stimulation can interfere with a pacemaker" in page.text


def test_an_excluded_modality_is_refused_without_an_override_reason(practitioner, client_for):
    episode = pacemaker_episode(practitioner)
    response = client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "approve": "1"}
    )
    assert response.status_code == 200
    assert "Electroacupuncture is excluded for this patient" in response.text
    assert not TreatmentPlan.objects.exists()


def test_an_excluded_modality_with_a_reason_is_kept_and_printed_for_the_clinician(
    practitioner, client_for
):
    episode = pacemaker_episode(practitioner)
    reason = "Cardiologist confirmed the device is off; electrodes far from the chest"
    client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]),
        {**GOOD_PLAN, "override_electroacupuncture": reason, "approve": "1"},
    )
    plan = TreatmentPlan.objects.get()
    assert plan.status == "approved"
    assert plan.overrides == {"electroacupuncture": reason}


def test_changing_an_approved_plan_makes_a_new_version_and_the_old_stays_readable(
    episode, practitioner, client_for
):
    first = make_approved_plan(episode, practitioner)
    client = client_for(practitioner)
    client.post(reverse("plan_revise", args=[first.pk]))
    client.post(
        reverse("plan_edit", args=[episode.pk]),
        {**GOOD_PLAN, "total_visits": "10", "reassess_at_visit": "5", "approve": "1"},
    )
    first.refresh_from_db()
    second = episode.plans.get(version=2)
    assert (first.status, first.total_visits) == ("superseded", 8)
    assert (second.status, second.total_visits) == ("approved", 10)
    old_page = client.get(first.get_absolute_url())
    assert old_page.status_code == 200
    assert "8 visits" in old_page.text
    assert "Version 2" in old_page.text


def test_an_approved_plan_is_never_edited_in_place(episode, practitioner, client_for):
    plan = make_approved_plan(episode, practitioner)
    client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "total_visits": "6", "save": "1"}
    )
    plan.refresh_from_db()
    assert plan.total_visits == 8
    assert episode.plans.get(status="draft").version == 2


def test_a_red_flag_offers_a_referral_letter_instead_of_a_plan(practitioner, client_for):
    episode = make_episode()
    history = {**L5_DISC_HISTORY, "red_flags": {"bladder_dysfunction": True}}
    make_exam(episode, history=history)
    client = client_for(practitioner)
    page = client.get(reverse("plan_edit", args=[episode.pk]))
    assert "a referral letter takes the place of a plan" in page.text
    assert page.context["form"].initial["urgency"] == "emergency"
    assert "possible cauda equina syndrome" in page.context["form"].initial["letter"]
    client.post(
        reverse("plan_edit", args=[episode.pk]),
        {"refer_to": "Emergency department", "urgency": "emergency", "letter": "Please see.",
         "approve": "1"},
    )  # fmt: skip
    letter = TreatmentPlan.objects.get()
    assert (letter.kind, letter.status) == ("referral", "approved")
    assert letter.snapshot["assessment"]["disposition"] == "refer_emergency"


def test_the_referral_letter_starts_with_the_flags_named_in_plain_words(practitioner, client_for):
    episode = make_episode()
    history = {**L5_DISC_HISTORY, "red_flags": {"bladder_dysfunction": True}}
    make_exam(episode, history=history)
    page = client_for(practitioner).get(reverse("plan_edit", args=[episode.pk]))
    assert page.context["form"].initial["letter"] == (
        "I saw your patient today for sciatica. The screening before treatment raised "
        "concern about: possible cauda equina syndrome. The findings are listed below.\n"
        "\n"
        "This is an emergency: I have advised the patient to go to the emergency department "
        "now. I have not started acupuncture treatment."
    )


def post_plan(client, episode, **changes):
    return client.post(reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, **changes})


def test_a_first_visit_in_the_past_needs_a_confirmation(episode, practitioner, client_for):
    client = client_for(practitioner)
    refused = post_plan(client, episode, start_date="2020-03-02")
    assert refused.status_code == 200
    assert "The first visit, 2 March 2020, is in the past" in refused.text
    assert 'name="confirm_past_start"' in refused.text
    assert not episode.plans.exists()

    saved = post_plan(client, episode, start_date="2020-03-02", confirm_past_start="on")
    assert saved.status_code == 302
    assert episode.plans.get().start_date.isoformat() == "2020-03-02"
    again = post_plan(client, episode, start_date="2020-03-02", revision="1")  # confirmed
    assert again.status_code == 302


@pytest.mark.parametrize(
    ("points", "named"),
    [("BL23\nGB30\nBL23", "BL23"), ("bl40 (right)\nBL40 left\nGB30", "BL40")],
)
def test_the_same_point_twice_is_refused(points, named, episode, practitioner, client_for):
    response = post_plan(client_for(practitioner), episode, points=points)
    assert response.status_code == 200
    assert f"Listed more than once: {named}" in response.text
    assert not episode.plans.exists()


def test_the_builder_says_why_each_referral_is_proposed(practitioner, client_for):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode, history={**L5_DISC_HISTORY, "duration_weeks": 14})
    make_diagnosis(episode, practitioner)
    page = client_for(practitioner).get(reverse("plan_edit", args=[episode.pk]))
    reasons = page.context["form"].fields["referrals"].help_text
    assert reasons.startswith("Proposed: ")
    assert "because" in reasons
    assert reasons.split("Proposed: ")[1] in page.text


def test_a_save_from_a_stale_plan_form_conflicts_and_keeps_what_was_typed(
    episode, practitioner, client_for
):
    url = reverse("plan_edit", args=[episode.pk])
    client = client_for(practitioner)
    client.post(url, {**GOOD_PLAN, "save": "1"})
    client.post(url, {**GOOD_PLAN, "total_visits": "6", "revision": "1", "save": "1"})
    stale = client.post(url, {**GOOD_PLAN, "total_visits": "10", "revision": "1", "save": "1"})
    assert stale.status_code == 200
    assert "Not saved: the draft changed after you opened it" in stale.content.decode()
    assert 'name="total_visits" value="10"' in stale.content.decode()
    assert 'name="revision" value="2"' in stale.content.decode()
    assert TreatmentPlan.objects.get(episode=episode, status="draft").total_visits == 6


REASONS = {
    "a rule that names its condition first": (
        "needle_phobia", "Needle phobia: needling is not suitable",
        "Needle phobia: needling is not suitable",
    ),
    "a rule that does not": (
        "pacemaker", "electrical stimulation can interfere with the device",
        "pacemaker: electrical stimulation can interfere with the device",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("because", "why", "shown"), REASONS.values(), ids=REASONS)
def test_an_excluded_modality_says_why_once(because, why, shown):
    from plans.models import excluded_modalities

    assessment = {"plan": {"excluded": [{"modality": "x", "because": because, "why": why}]}}
    assert excluded_modalities(assessment) == {"x": shown}
