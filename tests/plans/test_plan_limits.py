"""A plan outside the app's limits cannot be saved or approved by code either, not only
through the plan builder's form."""

import pytest
from django.core.exceptions import ValidationError

from plans.models import PlanNotReady, TreatmentPlan, approve_plan, save_draft
from tests.plans.builders import make_diagnosed_episode, plan_fields

pytestmark = pytest.mark.django_db

EA = {"code": "electroacupuncture", "frequency_hz": 2, "minutes": 20}

# (scenario, changed plan fields, the field the problem is reported under)
OUT_OF_LIMITS = {
    "a 40-minute session": ({"session_minutes": 40}, "session_minutes"),
    "four visits a week": ({"visits_per_week": 4}, "visits_per_week"),
    "a course of 14": ({"total_visits": 14}, "total_visits"),
    "reassessing after the course": ({"reassess_at_visit": 9}, "reassess_at_visit"),
    "electroacupuncture at 500 Hz": (
        {"modalities": [{**EA, "frequency_hz": 500}]},
        "modalities",
    ),
    "electroacupuncture longer than the session": (
        {"modalities": [{**EA, "minutes": 40}]},
        "modalities",
    ),
}


@pytest.fixture
def episode(practitioner):
    return make_diagnosed_episode(practitioner)


@pytest.mark.parametrize("scenario", OUT_OF_LIMITS)
def test_saving_a_draft_outside_the_limits_raises_and_saves_nothing(
    scenario, episode, practitioner
):
    changes, field = OUT_OF_LIMITS[scenario]
    with pytest.raises(ValidationError) as raised:
        save_draft(episode, fields=plan_fields(**changes), by=practitioner)
    assert field in raised.value.message_dict
    assert not TreatmentPlan.objects.exists()


def test_a_draft_within_the_limits_is_saved(episode, practitioner):
    draft = save_draft(episode, fields=plan_fields(), by=practitioner)
    assert draft.session_minutes == 20


def test_a_stored_draft_outside_the_limits_is_not_approved(episode, practitioner):
    draft = save_draft(episode, fields=plan_fields(), by=practitioner)
    TreatmentPlan.objects.filter(pk=draft.pk).update(session_minutes=40)
    with pytest.raises(PlanNotReady) as raised:
        approve_plan(draft, by=practitioner)
    assert "session length must be 18-25 minutes" in str(raised.value)
    assert TreatmentPlan.objects.get().status == "draft"


def test_a_referral_letter_has_no_dose_to_check(episode, practitioner):
    fields = {"kind": "referral", "refer_to": "GP", "urgency": "routine", "letter": "Dear GP"}
    draft = save_draft(episode, fields=fields, by=practitioner)
    draft.full_clean()
    assert draft.session_minutes is None
