"""The same step open in two tabs (or on two devices): a save changes only what it changed."""

import pytest

from intake.models import Questionnaire
from tests.intake.questionnaire_builders import (
    make_invitation,
    patient_client,
    second_tab,
    shown_on,
    step_url,
)

pytestmark = pytest.mark.django_db


def test_two_tabs_answering_different_questions_of_one_step_keep_both_answers():
    invitation, token = make_invitation()
    first = patient_client(token)
    second = second_tab(first)
    shown_first = shown_on(first.get(step_url("story")))
    shown_second = shown_on(second.get(step_url("story")))
    first.post(step_url("story"), {"onset": "sudden", "shown": shown_first, "go": "stay"})
    second.post(step_url("story"), {"side": "left", "shown": shown_second, "go": "stay"})
    history = Questionnaire.objects.get(pk=invitation.questionnaire_id).answers["history"]
    assert history["onset"] == "sudden"
    assert history["side"] == "left"


def test_a_stale_tab_does_not_undo_an_answer_it_did_not_touch():
    invitation, token = make_invitation()
    first = patient_client(token)
    stale = second_tab(first)
    shown_stale = shown_on(stale.get(step_url("pain")))
    first.post(step_url("pain"), {"pain_map": ["left_calf"], "leg_pain_now": "7", "go": "stay"})
    stale.post(step_url("pain"), {"back_pain_now": "3", "shown": shown_stale, "go": "stay"})
    saved = Questionnaire.objects.get(pk=invitation.questionnaire_id)
    assert saved.answers["history"]["leg_pain_now"] == 7
    assert saved.answers["history"]["back_pain_now"] == 3
    assert saved.extra["pain_map"] == ["left_calf"]


def test_a_save_carrying_none_of_the_steps_fields_erases_nothing():
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("story"), {"onset": "sudden", "side": "left", "go": "stay"})
    client.post(step_url("story"), {"go": "stay"})
    client.post(step_url("story"), {"autosave": "1"})
    history = Questionnaire.objects.get(pk=invitation.questionnaire_id).answers["history"]
    assert (history["onset"], history["side"]) == ("sudden", "left")


def test_a_cleared_answer_is_still_removed_when_the_page_showed_it():
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("story"), {"onset": "sudden", "trigger_other": "gardening"})
    shown = shown_on(client.get(step_url("story")))
    client.post(step_url("story"), {"onset": "sudden", "trigger_other": "", "shown": shown})
    extra = Questionnaire.objects.get(pk=invitation.questionnaire_id).extra
    assert "trigger_other" not in extra


def test_a_background_save_tells_the_page_what_it_now_shows():
    invitation, token = make_invitation()
    client = patient_client(token)
    shown = shown_on(client.get(step_url("story")))
    saved = client.post(step_url("story"), {"onset": "sudden", "shown": shown, "autosave": "1"})
    assert '"onset": "sudden"' in saved.json()["shown"]
