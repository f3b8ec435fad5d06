"""Two practitioners saving the same plan draft at once: one saves, the other conflicts."""

from functools import partial

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import TreatmentPlan, draft_revision
from tests.builders import make_episode
from tests.plans.builders import make_diagnosis, make_exam
from tests.plans.test_plan_builder import GOOD_PLAN
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")

ROUNDS = 50


def test_two_saves_of_one_draft_never_lose_a_write(practitioner):
    first, second = Client(), Client()
    first.force_login(practitioner)
    second.force_login(practitioner)
    for round_ in range(ROUNDS):
        episode = make_episode(practitioner=practitioner)
        make_exam(episode)
        make_diagnosis(episode, practitioner)
        if round_ % 2:  # half the rounds race on an existing draft, half on none yet
            first.post(reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "save": "1"})
        draft = episode.plans.filter(status="draft").first()
        opened = str(draft_revision(draft))
        url = reverse("plan_edit", args=[episode.pk])

        data = {**GOOD_PLAN, "revision": opened, "save": "1"}
        one, two = at_once(
            partial(first.post, url, {**data, "total_visits": "6"}),
            partial(second.post, url, {**data, "total_visits": "10"}),
        )
        outcomes = sorted([one.status_code, two.status_code])
        assert outcomes == [200, 302], f"round {round_}: {outcomes}"
        loser = one if one.status_code == 200 else two
        assert "Not saved: the draft changed after you opened it" in loser.content.decode()
        winner_visits = 6 if one.status_code == 302 else 10
        saved = TreatmentPlan.objects.get(episode=episode, status="draft")
        assert saved.total_visits == winner_visits
