"""The intake panels of the episode page (questionnaire, invitations), and their filters.

`intake_panel` runs a fixed number of queries: the questionnaire, its links, its files,
and (for practitioners, when there are answers) the case the clinical core assesses.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from clinic import audit
from clinic.models import Episode
from intake import questionnaire as q
from intake.core.assessment import assess_findings, scores_to_dict
from intake.core.case import CaseError
from intake.core.instruments import INSTRUMENTS
from intake.core.redflags import FLAG_NAMES
from intake.models import Questionnaire

register = template.Library()

INSTRUMENT_BY_CODE = {instrument.code: instrument for instrument in INSTRUMENTS}
ODI_BAND_LABELS = {
    "minimal": "minimal disability",
    "moderate": "moderate disability",
    "severe": "severe disability",
    "crippled": "crippled",
    "bed_bound_or_exaggerating": "bed-bound or exaggerating",
}
# Why a missing field stops the scoring, in the practitioner's words. The history is
# required only for its duration, so a missing history means a missing duration.
CASE_FIELDS = {
    "$.history.duration_weeks": "how long the pain has lasted",
    "$.history": "how long the pain has lasted",
}


def case_problem(error: CaseError) -> str:
    for path, words in CASE_FIELDS.items():
        if error.path == path:
            return f"Scores are not shown yet: the answers do not say {words}."
    return f"Scores are not shown yet: the answers are incomplete ({error.path}: {error.reason})."


def nprs(answers: dict[str, Any], now: str, worst: str, best: str) -> str:
    def shown(key: str) -> str:
        value = answers.get(key)
        return "–" if value is None else str(value)

    return f"now {shown(now)}, worst {shown(worst)}, best {shown(best)}"


def answer_summary(episode: Episode, questionnaire: Questionnaire) -> dict[str, Any]:
    """What the practitioner sees first: flags, scores with bands, the body map, the story."""
    answers, extra = questionnaire.answers, questionnaire.extra
    history = answers.get("history", {})
    summary: dict[str, Any] = {
        "red_flag_answers": [q.RED_FLAGS[code] for code in q.red_flags_answered_yes(answers)],
        "conditions": [q.CONDITIONS[c] for c in history.get("conditions", [])],
        "pregnant": answers.get("patient", {}).get("pregnant"),
        "gestation_weeks": answers.get("patient", {}).get("gestation_weeks"),
        "pain_map": extra.get("pain_map", []),
        "labels": {
            "symptoms": [q.SYMPTOMS[c] for c in history.get("symptoms", [])],
            "aggravating": [q.MOVEMENTS[c] for c in history.get("aggravating", [])],
            "relieving": [q.MOVEMENTS[c] for c in history.get("relieving", [])],
            "contributing": [q.CONTRIBUTING[c] for c in history.get("contributing", [])],
            "regions": [q.PAIN_REGIONS[c] for c in history.get("pain_regions", [])],
        },
        "history": history,
        "pain": [
            ("Leg pain", nprs(history, "leg_pain_now", "leg_pain_worst", "leg_pain_best")),
            (
                "Back pain",
                nprs(history | extra, "back_pain_now", "back_pain_worst", "back_pain_best"),
            ),
        ],
        "onset": q.ONSETS.get(history.get("onset", "")),
        "trigger": q.TRIGGERS.get(history.get("trigger", "")),
        "side": q.SIDES.get(history.get("side", "")),
        "walking": q.WALKING.get(extra.get("walking_distance", "")),
        "standing": q.STANDING.get(extra.get("standing_time", "")),
        "extra": extra,
    }
    try:
        case = episode.case()
    except CaseError as error:
        summary["problem"] = case_problem(error)
        return summary
    assessment = assess_findings(case)
    scores = scores_to_dict(assessment.scores)
    if scores["odi"]:
        scores["odi"]["band_label"] = ODI_BAND_LABELS[scores["odi"]["band"]]
    summary.update(
        disposition=assessment.disposition,
        flags=[
            {"label": FLAG_NAMES.get(flag.code, flag.code), "urgency": flag.urgency}
            for flag in assessment.red_flags
        ],
        chronicity=assessment.chronicity,
        scores=scores,
    )
    return summary


@register.inclusion_tag("intake/_episode_panel.html", takes_context=True)
def intake_panel(context: template.Context, episode: Episode) -> dict:
    request: HttpRequest = context["request"]
    perms = context.get("perms")
    questionnaire = (
        Questionnaire.objects.filter(episode=episode).select_related("reviewed_by").first()
    )
    invitations: list[Any] = []
    uploads: list[Any] = []
    summary = None
    clinical = bool(perms and perms["clinic"]["record_clinical"])
    if questionnaire is not None:
        questionnaire.episode = episode
        invitations = list(questionnaire.invitations.all())
        for invitation in invitations:
            invitation.questionnaire = questionnaire
        uploads = list(questionnaire.uploads.all())
        if clinical and questionnaire.last_saved_at is not None:
            summary = answer_summary(episode, questionnaire)
            audit.record(request, "view", questionnaire, patient=episode.patient, detail="answers")
    return {
        "episode": episode,
        "perms": perms,
        "csrf_token": context.get("csrf_token"),
        "questionnaire": questionnaire,
        "invitations": invitations,
        "uploads": uploads,
        "summary": summary,
        "clinical": clinical,
        "steps": q.STEPS,
    }


@register.inclusion_tag("intake/_instrument_notice.html")
def instrument_notice(code: str) -> dict:
    return {"instrument": INSTRUMENT_BY_CODE[code]}


# The body map: (region, offset of the inner edge from the midline, top, width, height),
# drawn for each side; the back view shows the patient's left on the viewer's left, the
# front view on the viewer's right.
BACK_VIEW = (
    ("buttock", 1, 48, 33, 40),
    ("hip", 35, 40, 10, 44),
    ("posterior_thigh", 4, 90, 24, 72),
    ("lateral_thigh", 29, 90, 9, 72),
    ("knee", 4, 164, 28, 22),
    ("calf", 5, 188, 25, 72),
    ("foot", 5, 262, 25, 26),
)
FRONT_VIEW = (
    ("groin", 1, 62, 24, 24),
    ("hip", 35, 40, 10, 44),
    ("anterior_thigh", 4, 90, 24, 72),
    ("lateral_thigh", 29, 90, 9, 72),
    ("knee", 4, 164, 28, 22),
    ("shin", 5, 188, 25, 72),
    ("foot", 5, 262, 25, 20),
    ("toes", 5, 284, 25, 12),
)
MAP_CENTRES = {"back": 72, "front": 228}


def body_map_shapes() -> list[dict[str, Any]]:
    shapes: list[dict[str, Any]] = [
        {"value": "low_back", "x": 72 - 34, "y": 6, "w": 68, "h": 40, "view": "back"}
    ]
    for view, table in (("back", BACK_VIEW), ("front", FRONT_VIEW)):
        centre = MAP_CENTRES[view]
        for side in q.MAP_SIDES:
            on_viewer_left = (side == "left") == (view == "back")
            for region, offset, top, width, height in table:
                x = centre - offset - width if on_viewer_left else centre + offset
                shapes.append(
                    {"value": f"{side}_{region}", "x": x, "y": top, "w": width, "h": height}
                )
    for shape in shapes:
        shape["label"] = q.PAIN_MAP[shape["value"]]
    return shapes


BODY_MAP_SHAPES = body_map_shapes()


@register.inclusion_tag("intake/_body_map.html")
def body_map(selected: list[str], interactive: bool = False) -> dict:
    """The back and front outline with the ticked areas filled."""
    chosen = set(selected)
    shapes = [shape | {"selected": shape["value"] in chosen} for shape in BODY_MAP_SHAPES]
    return {"shapes": shapes, "interactive": interactive, "centres": MAP_CENTRES}


@register.filter
def label_for(code: str, vocabulary: str) -> str:
    """A code's words, e.g. {{ "calf"|label_for:"PAIN_REGIONS" }}."""
    return getattr(q, vocabulary, {}).get(code, code)


@register.filter
def region_label(value: str) -> str:
    """The body-map area without its side: "left_calf" -> "Calf"."""
    region = value.split("_", 1)[1] if value.startswith(("left_", "right_")) else value
    return q.PAIN_REGIONS.get(region, value)


STATE_BADGES = {
    "sent": "text-bg-secondary",
    "opened": "text-bg-info",
    "in_progress": "text-bg-primary",
    "submitted": "text-bg-success",
    "expired": "text-bg-light border",
    "revoked": "text-bg-light border",
    "locked": "text-bg-danger",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-secondary")
