"""The patient's course link, like the questionnaire's: twelve date-of-birth guesses sent
at once never get the right date past the fifth wrong one."""

import datetime
from functools import partial

import pytest
from django.test import Client
from django.urls import reverse

from clinic.models import AuditEvent
from plans.visits import CourseLink, create_course_link
from tests.builders import make_episode, make_patient, make_user
from tests.intake.questionnaire_builders import second_tab
from tests.plans.builders import make_approved_plan, make_exam
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")

TRIALS = 6
BORN = datetime.date(1975, 5, 17)


def guess(day: datetime.date) -> dict[str, int]:
    return {"day": day.day, "month": day.month, "year": day.year}


def test_guesses_sent_at_once_never_get_past_the_lock():
    from clinic.roles import PRACTITIONER

    practitioner = make_user(PRACTITIONER, username="practitioner")
    for trial in range(TRIALS):
        episode = make_episode(practitioner=practitioner, patient=make_patient(date_of_birth=BORN))
        make_exam(episode)
        make_approved_plan(episode, practitioner)
        link, token = create_course_link(episode, by=practitioner)
        browser = Client()
        browser.get(reverse("course_link", args=[token]))
        url = reverse("course_link_check")
        guesses = [guess(BORN + datetime.timedelta(days=1))] * 12
        guesses[trial % 12] = guess(BORN)
        at_once(*(partial(second_tab(browser).post, url, g) for g in guesses))
        outcomes = list(
            AuditEvent.objects.filter(object_id=str(link.pk), object_type="courselink")
            .order_by("pk")
            .values_list("detail", flat=True)
        )
        wrong_in_a_row = 0
        for outcome in outcomes:
            if outcome.endswith("wrong date of birth"):
                wrong_in_a_row += 1
                assert wrong_in_a_row <= CourseLink.LOCK_AFTER, f"trial {trial}: {outcomes}"
            elif outcome.endswith("date of birth confirmed"):
                assert wrong_in_a_row < CourseLink.LOCK_AFTER, f"trial {trial}: {outcomes}"
                wrong_in_a_row = 0
