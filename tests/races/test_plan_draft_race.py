"""Two practitioners saving the same plan draft at once: one saves, the other conflicts."""

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

        def save(client: Client, visits: str):
            data = {**GOOD_PLAN, "total_visits": visits, "revision": opened, "save": "1"}
            return client.post(url, data)

        one, two = at_once(lambda: save(first, "6"), lambda: save(second, "10"))
        outcomes = sorted([one.status_code, two.status_code])
        assert outcomes == [200, 302], f"round {round_}: {outcomes}"
        loser = one if one.status_code == 200 else two
        assert "Not saved: the draft changed after you opened it" in loser.content.decode()
        winner_visits = 6 if one.status_code == 302 else 10
        saved = TreatmentPlan.objects.get(episode=episode, status="draft")
        assert saved.total_visits == winner_visits
