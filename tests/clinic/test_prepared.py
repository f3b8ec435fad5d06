"""A prepared read gives what its queryset would give: the same rows, in the same order, with
the same related rows and annotations, on SQLite and on PostgreSQL; it builds its SQL once."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import Http404
from django.utils import timezone

from clinic.models import ClinicSettings, Episode
from clinic.prepared import Prepared
from intake import panels as intake_panels
from intake import patient_views, staff_views
from intake.models import IntakeSettings, Questionnaire, Upload
from plans import panels as plans_panels
from plans import views as plans_views
from plans import visit_views
from plans import visits as plans_visits
from plans.models import TreatmentPlan, revise_plan
from plans.pdf import KEPT_COPIES, keep_printed_copies
from tests.builders import make_episode, make_user
from tests.intake.questionnaire_builders import make_invitation
from tests.plans.builders import make_approved_plan, make_diagnosis, make_exam, make_visits

pytestmark = pytest.mark.django_db


def read(obj: models.Model | None, depth: int = 0) -> Any:
    """Every column of the row and of each row read with it, and what was annotated."""
    if obj is None or depth == 3:  # a row read with its own related row links back
        return obj and obj.pk
    columns = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    extra = {k: v for k, v in vars(obj).items() if not k.startswith("_") and k not in columns}
    related = {name: read(row, depth + 1) for name, row in obj._state.fields_cache.items()}
    return {"columns": columns, "annotations": extra, "related": related}


def with_nothing(practitioner):
    return make_episode(practitioner=practitioner)


def with_exam_and_diagnosis(practitioner):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_diagnosis(episode, make_user(first_name="Ada", last_name="Byrne"))
    return episode


def in_its_course(practitioner):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_diagnosis(episode, practitioner)
    plan = make_approved_plan(episode, practitioner)
    revise_plan(plan, by=practitioner)
    make_visits(episode, practitioner, 6, 5, 4, sign=True)
    make_visits(episode, practitioner, 3)
    return episode


def with_its_questionnaire_sent_twice_and_two_scans(practitioner):
    episode = make_episode(practitioner=practitioner)
    invitation, _ = make_invitation(episode)
    make_invitation(episode)
    for name in ("mri.pdf", "x-ray.png"):
        Upload.objects.create(
            questionnaire_id=invitation.questionnaire_id,
            file=f"u/{name}",
            original_name=name,
            content_type="application/pdf",
            size=10,
        )
    return episode


EPISODES = {
    "a new episode, nothing recorded": with_nothing,
    "an exam and a diagnosis recorded": with_exam_and_diagnosis,
    "in its course: plans, visits signed and not": in_its_course,
    "its questionnaire sent twice, two scans sent": with_its_questionnaire_sent_twice_and_two_scans,
}

EPISODE_READS = {
    "the episode page": plans_views.EPISODE_READ,
    "the episode page, for the clinical roles": plans_views.EPISODE_CLINICAL_READ,
    "the live assessment": plans_views.CASE_READ,
    "the exam form": plans_views.EXAM_READ,
    "the plan builder": plans_views.PLAN_READ,
    "the course's pages": visit_views.EPISODE,
}


@pytest.mark.parametrize("make", EPISODES.values(), ids=EPISODES.keys())
@pytest.mark.parametrize("prepared", EPISODE_READS.values(), ids=EPISODE_READS.keys())
def test_each_episode_read_gives_what_its_queryset_gives(practitioner, make, prepared):
    episode = make(practitioner)
    make_episode(practitioner=practitioner)  # another, not read
    expected = read(prepared.build(episode.pk).get())
    assert read(prepared.get_or_404(episode.pk)) == expected
    assert read(prepared.get_or_404(episode.pk)) == expected  # compiled once, read again


LIST_READS = {
    "the questionnaire's links": (intake_panels.INVITATIONS, "questionnaire"),
    "the questionnaire's files": (intake_panels.UPLOADS, "questionnaire"),
    "the plan versions": (plans_panels.PLANS, "episode"),
    "the plan versions that can be printed": (plans_panels.PLANS_PRINTABLE, "episode"),
    "the latest plan version": (plans_views.LATEST_PLAN, "episode"),
    "the visits": (plans_visits.VISITS, "episode"),
    "the follow-up answers": (plans_visits.FOLLOW_UPS, "episode"),
    "the plan in force": (plans_visits.PLAN_IN_FORCE, "episode"),
    "the visits with who signed and saved them": (visit_views.VISITS, "episode"),
}


DASHBOARD_LISTS = {
    "red flags to act on": staff_views.FLAGGED,
    "answers to review": staff_views.TO_REVIEW,
}


@pytest.mark.parametrize("make", EPISODES.values(), ids=EPISODES.keys())
@pytest.mark.parametrize(("prepared", "of"), LIST_READS.values(), ids=LIST_READS.keys())
def test_each_list_read_gives_its_querysets_rows_in_order(practitioner, make, prepared, of):
    episode = make(practitioner)
    questionnaire = Questionnaire.objects.filter(episode=episode).first()
    key = (questionnaire.pk if questionnaire else 0) if of == "questionnaire" else episode.pk
    expected = [read(row) for row in prepared.build(key)]
    assert [read(row) for row in prepared.all(key)] == expected


@pytest.mark.parametrize("prepared", DASHBOARD_LISTS.values(), ids=DASHBOARD_LISTS.keys())
def test_each_dashboard_list_gives_its_querysets_rows_in_order(practitioner, prepared):
    for make in EPISODES.values():
        make(practitioner)
    flagged = make_episode(practitioner=practitioner)
    make_invitation(flagged)
    Questionnaire.objects.filter(episode=flagged).update(
        red_flag=True, red_flag_at=timezone.now(), emergency=True, submitted_at=timezone.now()
    )
    expected = [read(row) for row in prepared.build()]
    assert expected, "the scenario has a row for each list"
    assert [read(row) for row in prepared.all()] == expected


def test_each_kept_copy_read_gives_what_its_queryset_gives(practitioner):
    episode = with_exam_and_diagnosis(practitioner)
    plan = make_approved_plan(episode, practitioner)
    keep_printed_copies(plan.pk)
    found = 0
    for (variant, paper), prepared in KEPT_COPIES.items():
        expected = read(prepared.build(plan.pk).first())
        assert read(prepared.first(plan.pk)) == expected, (variant, paper)
        found += expected is not None
    assert found == 4  # the patient's and the clinician's copy, each on A4 and Letter


def test_the_plan_versions_of_an_episode_in_its_course_are_newest_first(practitioner):
    episode = in_its_course(practitioner)
    versions = plans_panels.PLANS.all(episode.pk)
    assert [plan.version for plan in versions] == [2, 1]
    assert [plan.version for plan in plans_panels.PLANS_PRINTABLE.all(episode.pk)] == [1]
    assert versions[0].status == TreatmentPlan.Status.DRAFT


def test_an_episode_that_is_not_there_is_not_found(practitioner):
    episode = make_episode(practitioner=practitioner)
    with pytest.raises(Http404):
        plans_views.EPISODE_READ.get_or_404(episode.pk + 1000)
    assert plans_views.EPISODE_READ.first(episode.pk + 1000) is None
    assert plans_views.EPISODE_READ.first(episode.pk) == episode


def test_the_queryset_is_built_once_whatever_the_value(practitioner):
    built = []

    def build(pk):
        built.append(pk)
        return Episode.objects.filter(pk=pk)

    prepared = Prepared(build)
    first, second = make_episode(practitioner=practitioner), make_episode(practitioner=practitioner)
    assert prepared.get_or_404(first.pk) == first
    assert prepared.get_or_404(second.pk) == second
    assert len(built) == 1


REFUSED = {
    "the value never used": lambda pk: Episode.objects.all(),
    "the value used twice": lambda pk: Episode.objects.filter(pk=pk, patient_id=pk),
    "values rather than rows": lambda pk: Episode.objects.filter(pk=pk).values("status"),
    "related rows prefetched": lambda pk: Episode.objects.filter(pk=pk).prefetch_related("plans"),
}


@pytest.mark.parametrize("build", REFUSED.values(), ids=REFUSED.keys())
def test_a_read_it_cannot_keep_is_refused_when_first_used(practitioner, build):
    episode = make_episode(practitioner=practitioner)
    with pytest.raises(ImproperlyConfigured):
        Prepared(build).all(episode.pk)


def test_the_questionnaire_link_read_gives_what_its_queryset_gives(practitioner):
    invitation, _ = make_invitation(make_episode(practitioner=practitioner))
    links = patient_views.QUESTIONNAIRE_LINK.links
    assert read(links.first(invitation.pk)) == read(links.build(invitation.pk).get())
    assert links.first(invitation.pk + 1000) is None


SETTINGS = {"the clinic's": ClinicSettings, "the questionnaire's": IntakeSettings}


@pytest.mark.parametrize("model", SETTINGS.values(), ids=SETTINGS.keys())
def test_the_settings_are_made_on_first_use_and_read_afterwards(model):
    model.objects.all().delete()
    made = model.load()
    assert model.objects.count() == 1
    assert read(model.load()) == read(made)
