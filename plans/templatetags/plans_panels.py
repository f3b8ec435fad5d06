"""The clinical panel of the episode page (exam, diagnosis, plan versions), and two
formatting filters for the clinical templates."""

from typing import Any

from django import template

from clinic.models import Episode
from intake.core.redflags import DISPOSITION_NAMES, FLAG_NAMES
from intake.models import Exam
from plans.models import TreatmentPlan, working_diagnosis

register = template.Library()


@register.inclusion_tag("plans/_episode_panel.html", takes_context=True)
def clinical_panel(context: template.Context, episode: Episode) -> dict:
    """Three queries whatever the number of versions: exam, latest diagnosis, plans."""
    perms = context.get("perms")
    clinical = bool(perms and perms["clinic"]["record_clinical"])
    plans = episode.plans.select_related("approved_by").order_by("-version")
    if not clinical:
        plans = plans.exclude(status=TreatmentPlan.Status.DRAFT)
    exam = None
    diagnosis = None
    if clinical:
        exam = Exam.objects.filter(episode=episode).select_related("updated_by").first()
        diagnosis = working_diagnosis(episode)
    return {
        "episode": episode,
        "clinical": clinical,
        "exam": exam,
        "diagnosis": diagnosis,
        "plans": list(plans),
    }


@register.filter
def get(mapping: dict, key: Any) -> Any:
    """`{{ names|get:code }}`: a dictionary lookup by a variable key."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def flag_name(code: str) -> str:
    return FLAG_NAMES.get(code, code.replace("_", " "))


@register.filter
def disposition_name(code: str) -> str:
    return DISPOSITION_NAMES.get(code, code.replace("_", " "))


@register.filter
def root_finding(evidence: str) -> str:
    """ "exam.reflexes.achilles.right: Ankle reflex reduced" -> "Ankle reflex reduced, right"."""
    path, _, why = str(evidence).partition(": ")
    side = path.rsplit(".", 1)[-1]
    return f"{why}, {side}" if side in ("left", "right") else why or path


@register.filter
def words(code: Any) -> str:
    """A stored code as words: "bed_bound" -> "bed bound"."""
    return str(code).replace("_", " ") if code is not None else ""


@register.filter
def finding_why(evidence: list[str]) -> str:
    """Red-flag evidence ("history.red_flags.x: Why") as the reasons alone, joined."""
    return "; ".join(str(e).split(": ", 1)[-1] for e in evidence or ())
