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

#: The latest versions the episode page lists; every version is listed on each version's
#: own page, so a long history does not make the episode page longer or slower.
VERSIONS_SHOWN = 5


def _plans(pk: int) -> QuerySet[TreatmentPlan]:
    # What the list shows, not each version's contents (its snapshot alone is ~7 kB of
    # JSON): the page stays as fast with ten versions as with one.
    shown = ("episode", "version", "kind", "status", "approved_at", "total_visits")
    return TreatmentPlan.objects.filter(episode_id=pk).only(*shown).order_by("-version")


#: The episode's plan versions, newest first; drafts left out for the other roles.
#: Compiled once (`clinic.prepared`).
PLANS = Prepared(_plans)
PLANS_PRINTABLE = Prepared(lambda pk: _plans(pk).exclude(status=TreatmentPlan.Status.DRAFT))


def episode_panel(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """What `plans/_episode_panel.html` shows, in one query whatever the number of versions
    or visits: the plans. The exam, the working diagnosis (`with_working_diagnosis`, for
    practitioners) and the count of visits (`with_visit_counts`) come with the episode."""
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
        "plans": versions[:VERSIONS_SHOWN],
        "earlier": len(versions) - len(versions[:VERSIONS_SHOWN]),
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
