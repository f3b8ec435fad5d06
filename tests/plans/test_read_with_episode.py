"""What a page reads with the episode, in the episode's own statement, is what it would read
in a query of its own: the working diagnosis, the latest review decision, the visit counts."""

import pytest
from django.db import connection

from clinic.models import Episode
from plans.models import record_diagnosis, with_working_diagnosis, working_diagnosis
from plans.visits import (
    decide_review,
    latest_decision,
    referral_decided,
    sign_visit,
    with_latest_decision,
    with_visit_counts,
)
from tests.builders import make_episode, make_user
from tests.plans.builders import make_approved_plan, make_exam, make_visits

pytestmark = pytest.mark.django_db


def diagnose(episode, by, *causes):
    for cause in causes:
        record_diagnosis(
            episode, cause=cause, proposed_cause="disc_herniation", reason="", exam_version=1,
            by=by,
        )  # fmt: skip


DIAGNOSES = {
    "none recorded": (),
    "the assessment's cause confirmed": ("disc_herniation",),
    "confirmed, then overridden": ("disc_herniation", "spinal_stenosis"),
}


@pytest.mark.parametrize("causes", DIAGNOSES.values(), ids=DIAGNOSES.keys())
def test_the_working_diagnosis_read_with_the_episode_is_the_newest(practitioner, causes):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    diagnose(episode, make_user(first_name="Ada", last_name="Byrne"), *causes)
    alone = working_diagnosis(Episode.objects.get(pk=episode.pk))
    read_with = working_diagnosis(with_working_diagnosis(Episode.objects.all()).get(pk=episode.pk))
    if alone is None:
        assert read_with is None
        return
    assert read_with is not None
    shown = ("pk", "cause", "proposed_cause", "reason", "exam_version", "recorded_at")
    assert [getattr(read_with, name) for name in shown] == [getattr(alone, name) for name in shown]
    assert read_with.overridden == alone.overridden
    assert read_with.get_cause_display() == alone.get_cause_display()
    assert read_with.recorded_by.get_full_name() == "Ada Byrne"
    assert read_with.recorded_by.pk == alone.recorded_by.pk


DECISIONS = {
    "no review yet": ([], False),
    "continue": (["continue"], False),
    "refer": (["refer"], True),
    "refer, then continue": (["refer", "continue"], False),
    "continue, then refer": (["continue", "refer"], True),
}


@pytest.mark.parametrize(("decisions", "refer"), DECISIONS.values(), ids=DECISIONS.keys())
def test_the_latest_review_decision_read_with_the_episode(practitioner, decisions, refer):
    episode = make_episode(practitioner=practitioner)
    for at_visit, decision in enumerate(decisions, start=4):
        decide_review(episode, at_visit=at_visit, recommended="continue", decision=decision,
                      note="", by=practitioner)  # fmt: skip
    alone = Episode.objects.get(pk=episode.pk)
    read_with = with_latest_decision(Episode.objects.all()).get(pk=episode.pk)
    assert referral_decided(alone) == referral_decided(read_with) == refer
    decided, decided_with = latest_decision(alone), latest_decision(read_with)
    if not decisions:
        assert decided is None and decided_with is None
        return
    shown = ("pk", "at_visit", "recommended", "decision", "note", "decided_at", "episode_id")
    assert [getattr(decided_with, n) for n in shown] == [getattr(decided, n) for n in shown]
    assert decided_with.decision == decisions[-1]
    assert decided_with.decided_by.get_full_name() == practitioner.get_full_name()
    assert decided_with.decided_by.pk == practitioner.pk


COURSES = {
    "no visit": (0, 0, 0),
    "three visits done, none signed": (3, 0, 3),
    "three visits done, two signed": (3, 2, 1),
}


@pytest.mark.parametrize(("done", "signed", "unsigned"), COURSES.values(), ids=COURSES.keys())
def test_the_visit_counts_read_with_the_episode(practitioner, done, signed, unsigned):
    episode = make_episode(practitioner=practitioner)
    make_approved_plan(episode, practitioner)
    visits = make_visits(episode, practitioner, *([5] * done))
    for visit in visits[:signed]:
        sign_visit(visit, opened_at_version=visit.version, by=practitioner)
    other = make_episode(practitioner=practitioner)  # its visits are not counted
    make_approved_plan(other, practitioner)
    make_visits(other, practitioner, 5, 5)
    counted = with_visit_counts(Episode.objects.all()).get(pk=episode.pk)
    assert (counted.visits_done, counted.visits_unsigned) == (done, unsigned)


def test_the_visit_counts_are_read_from_their_indexes(practitioner):
    """Not from each visit's row, which holds its record: a long course counts as fast."""
    episode = make_episode(practitioner=practitioner)
    make_approved_plan(episode, practitioner)
    make_visits(episode, practitioner, 5, 5)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a few rows: the planner would read them all
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = with_visit_counts(Episode.objects.filter(pk=episode.pk)).explain()
    assert "visit_episode_status" in plan
    assert "visit_episode_signed_at" in plan
