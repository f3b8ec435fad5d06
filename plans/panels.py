"""The clinical panel of the episode page: the exam, the working diagnosis and the plan
versions. Drafts are for practitioners; everyone else sees only what can be printed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.models import Episode
from clinic.prepared import Prepared
from intake.models import related_or_none
from plans.models import TreatmentPlan, working_diagnosis


def _versions(pk: int, statuses: tuple[str, ...]) -> QuerySet[TreatmentPlan]:
    # What the list shows, not each version's contents (its snapshot alone is ~7 kB of
    # JSON).
    shown = ("episode", "version", "kind", "status", "approved_at", "total_visits")
    versions = TreatmentPlan.objects.filter(episode_id=pk, status__in=statuses)
    return versions.only(*shown).order_by("-version")


DRAFT, APPROVED = TreatmentPlan.Status.DRAFT, TreatmentPlan.Status.APPROVED

#: The versions in use, newest first: the draft being written and the approved version
#: (an episode has at most one of each), not the superseded ones, so that the list is as
#: long with ten versions as with one; every version is listed on each version's own page.
#: Drafts are for practitioners. Compiled once (`clinic.prepared`).
PLANS = Prepared(lambda pk: _versions(pk, (DRAFT, APPROVED)))
PLANS_PRINTABLE = Prepared(lambda pk: _versions(pk, (APPROVED,)))


def superseded_count(versions: list[TreatmentPlan]) -> int:
    """How many versions came before those in use: all of them superseded. A version is
    made only when there is no draft, numbered after the last (`next_version`), and none is
    ever deleted, so they are versions 1 to the oldest in use less one (none read)."""
    return versions[-1].version - 1 if versions else 0


def episode_panel(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """What `plans/_episode_panel.html` shows, in one query whatever the number of versions
    or visits: the versions in use. The exam, the working diagnosis (`with_working_diagnosis`,
    for practitioners) and the count of visits (`with_visit_counts`) come with the episode."""
    clinical = request.user.has_perm("clinic.record_clinical")
    versions = (PLANS if clinical else PLANS_PRINTABLE).all(episode.pk)
    for plan in versions:
        plan.episode = episode
    exam = None
    diagnosis = None
    if clinical:
        exam = related_or_none(episode, "exam")  # with updated_by, if the page joined it
        diagnosis = working_diagnosis(episode)
    return {
        "clinical": clinical,
        "exam": exam,
        "diagnosis": diagnosis,
        "plans": versions,
        "earlier": superseded_count(versions),
        "course": course_count(episode, versions),
    }


def course_count(episode: Episode, plans: list[TreatmentPlan]) -> dict[str, Any] | None:
    """ "Visit 3 of 10": the visits done of the approved plan's course, counted with the
    episode (`plans.visits.with_visit_counts`)."""
    plan = next((p for p in plans if p.is_in_force), None)
    if plan is None:
        return None
    return {
        "plan": plan,
        "planned": plan.total_visits,
        "done": episode.visits_done,  # type: ignore[attr-defined]
        "unsigned": episode.visits_unsigned,  # type: ignore[attr-defined]
    }
