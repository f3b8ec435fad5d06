"""Two tabs saving the follow-up at the same moment lose no answer."""

from functools import partial

import pytest
from django.urls import reverse

from plans.visits import FollowUp
from tests.builders import make_episode, make_patient
from tests.intake.questionnaire_builders import second_tab, shown_on
from tests.plans.builders import make_approved_plan, make_exam, make_visits
from tests.plans.test_patient_course import BORN, opened
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")

ROUNDS = 30


def test_two_tabs_saving_the_follow_up_at_once_keep_both_answers(practitioner):
    for round_ in range(ROUNDS):
        episode = make_episode(practitioner=practitioner, patient=make_patient(date_of_birth=BORN))
        make_exam(episode)
        make_approved_plan(episode, practitioner)
        make_visits(episode, practitioner, 6, 5, 5)  # the follow-up before visit 4
        first = opened(episode, practitioner)
        second = second_tab(first)
        url = reverse("course_home")
        shown_first, shown_second = shown_on(first.get(url)), shown_on(second.get(url))
        leg, back = str(round_ % 11), str((round_ + 3) % 11)
        autosave = {"autosave": "1"} if round_ % 2 else {}
        at_once(
            partial(first.post, url, {"leg_pain_now": leg, "back_pain_now": "",
                                      "shown": shown_first, **autosave}),
            partial(second.post, url, {"leg_pain_now": "", "back_pain_now": back,
                                       "shown": shown_second, **autosave}),
        )  # fmt: skip
        answers = FollowUp.objects.get(episode=episode, at_visit=4).answers
        assert (answers.get("leg_pain_now"), answers.get("back_pain_now")) == (
            int(leg), int(back),
        ), f"round {round_}"  # fmt: skip
