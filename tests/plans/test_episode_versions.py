"""The episode page lists the plan versions in use; the superseded ones are one link away."""

import re

import pytest

from plans.models import TreatmentPlan, approve_plan, revise_plan
from tests.builders import make_episode
from tests.plans.builders import make_approved_plan

pytestmark = pytest.mark.django_db


def with_versions(practitioner, count: int):
    episode = make_episode(practitioner=practitioner)
    plan = make_approved_plan(episode, practitioner)
    while episode.plans.count() < count:
        plan = approve_plan(revise_plan(plan, by=practitioner), by=practitioner)
    return episode, plan


def versions_listed(page: str) -> list[int]:
    return [int(n) for n in re.findall(r">Version (\d+)(?:</a>)?</td>", page)]


def test_the_approved_version_is_listed_and_the_superseded_ones_named(practitioner, client_for):
    episode, latest = with_versions(practitioner, 8)
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    assert versions_listed(page) == [8]
    assert "Versions 1 to 7 are superseded" in page
    assert f'href="{latest.get_absolute_url()}">every version is listed' in page


def test_a_draft_is_listed_above_the_approved_version(practitioner, client_for):
    episode, latest = with_versions(practitioner, 3)
    draft = revise_plan(latest, by=practitioner)
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    assert versions_listed(page) == [4, 3]
    assert "Versions 1 to 2 are superseded" in page
    assert f'href="{draft.get_absolute_url()}">every version is listed' in page


def test_one_superseded_version_is_named_alone(practitioner, client_for):
    episode, _ = with_versions(practitioner, 2)
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    assert versions_listed(page) == [2]
    assert "Version 1 is superseded" in page


def test_a_single_version_has_no_note(practitioner, client_for):
    episode, _ = with_versions(practitioner, 1)
    page = client_for(practitioner).get(episode.get_absolute_url()).text
    assert versions_listed(page) == [1]
    assert "superseded" not in page


def test_the_front_desk_sees_the_approved_version_and_no_draft(
    practitioner, front_desk, client_for
):
    episode, latest = with_versions(practitioner, 3)
    revise_plan(latest, by=practitioner)
    page = client_for(front_desk).get(episode.get_absolute_url()).text
    assert versions_listed(page) == [3]
    assert "Versions 1 to 2 are superseded: not listed here" in page


def test_every_version_stays_listed_on_the_latest_versions_page(practitioner, client_for):
    episode, latest = with_versions(practitioner, 8)
    page = client_for(practitioner).get(latest.get_absolute_url()).text
    for plan in TreatmentPlan.objects.filter(episode=episode):
        assert plan.get_absolute_url() in page


def test_the_database_refuses_a_second_approved_version(practitioner):
    """The course pages read the plan in force in one join: it must be one row."""
    from django.db import IntegrityError, transaction

    episode, latest = with_versions(practitioner, 2)
    superseded = episode.plans.get(version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlan.objects.filter(pk=superseded.pk).update(status=TreatmentPlan.Status.APPROVED)
    assert list(episode.plans.filter(status="approved")) == [latest]
