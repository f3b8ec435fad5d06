"""Two tabs saving the same questionnaire step at the same moment lose no answer."""

from functools import partial

import pytest

from intake.models import Questionnaire
from tests.intake.questionnaire_builders import (
    make_invitation,
    patient_client,
    second_tab,
    shown_on,
    step_url,
)
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")

ROUNDS = 50
SIDES = ["left", "right", "both"]
ONSETS = ["sudden", "gradual"]


def test_two_tabs_saving_one_step_at_once_keep_both_answers():
    for round_ in range(ROUNDS):
        invitation, token = make_invitation()
        first = patient_client(token)
        second = second_tab(first)
        shown_first = shown_on(first.get(step_url("story")))
        shown_second = shown_on(second.get(step_url("story")))
        onset, side = ONSETS[round_ % 2], SIDES[round_ % 3]
        autosave = {"autosave": "1"} if round_ % 2 else {"go": "stay"}
        url = step_url("story")
        at_once(
            partial(first.post, url, {"onset": onset, "shown": shown_first, **autosave}),
            partial(second.post, url, {"side": side, "shown": shown_second, **autosave}),
        )
        history = Questionnaire.objects.get(pk=invitation.questionnaire_id).answers["history"]
        assert (history.get("onset"), history.get("side")) == (onset, side), f"round {round_}"
