"""The clinical panel of the episode page: the exam, the working diagnosis and the plan
versions. Drafts are for practitioners; everyone else sees only what can be printed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clinic.models import Episode
from intake.models import Exam
from plans.models import TreatmentPlan, working_diagnosis


def episode_panel(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """What `plans/_episode_panel.html` shows, in three queries whatever the number of
    versions: exam, latest diagnosis, plans (the plans alone for other roles)."""
    clinical = request.user.has_perm("clinic.record_clinical")
    plans = episode.plans.select_related("approved_by").order_by("-version")
    if not clinical:
        plans = plans.exclude(status=TreatmentPlan.Status.DRAFT)
    exam = None
    diagnosis = None
    if clinical:
        exam = Exam.objects.filter(episode=episode).select_related("updated_by").first()
        diagnosis = working_diagnosis(episode)
    return {"clinical": clinical, "exam": exam, "diagnosis": diagnosis, "plans": list(plans)}
