"""Two tabs saving the follow-up at the same moment lose no answer."""

import threading
import time
from functools import partial

import pytest
from django.urls import reverse

from plans.visits import FollowUp, save_follow_up
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


def test_a_save_waits_for_the_one_between_its_read_and_its_write(practitioner):
    """The first save holds still after reading; the second must wait for it, not read the
    same answers and have its own written over (which 30 quick rounds seldom catch)."""
    episode = make_episode(practitioner=practitioner)
    FollowUp.objects.create(episode=episode, at_visit=4, answers={})
    first_has_read, let_first_write = threading.Event(), threading.Event()
    second_read: list[dict] = []

    def first_change(stored: dict) -> dict:
        first_has_read.set()
        let_first_write.wait(10)
        return {**stored, "leg_pain_now": 3}

    def second_change(stored: dict) -> dict:
        second_read.append(dict(stored))
        return {**stored, "back_pain_now": 2}

    def first() -> None:
        save_follow_up(episode, at_visit=4, change=first_change)

    def second() -> None:
        assert first_has_read.wait(10)
        save_follow_up(episode, at_visit=4, change=second_change)

    def release() -> bool:
        assert first_has_read.wait(10)
        time.sleep(1)  # time enough for the second save to read, were it free to
        waited = not second_read
        let_first_write.set()
        return waited

    results = at_once(first, second, release)
    assert not [r for r in results if isinstance(r, BaseException)], results
    second_waited = results[2]
    assert second_waited, "the second save read the answers while the first was writing"
    assert second_read == [{"leg_pain_now": 3}]
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {
        "leg_pain_now": 3,
        "back_pain_now": 2,
    }
