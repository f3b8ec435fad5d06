"""The episode page lists the latest plan versions; a long history is one link away."""

import pytest

from plans.models import approve_plan, revise_plan
from plans.panels import VERSIONS_SHOWN
from tests.builders import make_episode
from tests.plans.builders import make_approved_plan

pytestmark = pytest.mark.django_db


def with_versions(practitioner, count: int):
    episode = make_episode(practitioner=practitioner)
    plan = make_approved_plan(episode, practitioner)
    while episode.plans.count() < count:
        plan = approve_plan(revise_plan(plan, by=practitioner), by=practitioner)
    return episode, plan


def test_the_latest_versions_are_listed_and_the_earlier_ones_counted(practitioner, client_for):
    episode, latest = with_versions(practitioner, VERSIONS_SHOWN + 3)
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    listed = [n for n in range(1, VERSIONS_SHOWN + 4) if f">Version {n}</a>" in page]
    assert listed == list(range(4, VERSIONS_SHOWN + 4))
    assert "3 earlier versions" in page
    assert f'href="{latest.get_absolute_url()}">every version is listed' in page


def test_a_short_history_is_listed_whole_without_a_note(practitioner, client_for):
    episode, _ = with_versions(practitioner, 2)
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    assert ">Version 1</a>" in page and ">Version 2</a>" in page
    assert "earlier version" not in page
